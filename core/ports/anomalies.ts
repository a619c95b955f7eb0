/** Anomalies: what the detectors found, per service and series. */
import type { Anomaly } from '../schemas.js';

export interface AnomalyStore {
  /** Stores anomalies; ids are deterministic, so a re-delivered batch inserts nothing new. Returns the ids inserted. */
  insertAnomalies(a: Omit<Anomaly, 'orgId'>[]): Promise<string[]>;
  /** Anomalies in [from, to), oldest first (newest first with `newestFirst`), at most `limit`. */
  listAnomalies(q: { service?: string; from?: string; to?: string; limit?: number; newestFirst?: boolean }): Promise<Anomaly[]>;
  /** One anomaly by id, or null when this org has none with it. */
  getAnomaly(id: string): Promise<Anomaly | null>;
}
