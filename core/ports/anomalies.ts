/** Anomalies: what the detectors found, per service and series. */
import type { Anomaly } from '../schemas.js';

export interface AnomalyStore {
  /** Stores anomalies; ids are deterministic, so a re-delivered batch inserts nothing new. Returns the ids inserted. */
  insertAnomalies(a: Omit<Anomaly, 'orgId'>[]): Promise<string[]>;
  listAnomalies(q: { service?: string; from?: string; to?: string; limit?: number }): Promise<Anomaly[]>;
}
