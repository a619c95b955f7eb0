/** Signals: the raw logs, metrics, events, deploys and flags an org sends in. */
import type { Signal, SignalKind } from '../schemas.js';

export interface SignalQuery {
  from?: string;
  to?: string;
  kind?: SignalKind;
  service?: string;
  limit?: number;
}

export interface SignalStore {
  /**
   * Stores signals; a signal whose id is already stored is skipped and reported as a duplicate.
   * `failed`: rows the database refused (position in `signals`, reason); the others are stored.
   */
  insertSignals(signals: Signal[]): Promise<{ inserted: number; duplicates: string[]; failed: { at: number; reason: string }[] }>;
  /** The signals with these ids (missing ids are skipped), oldest first. */
  getSignals(ids: string[]): Promise<Signal[]>;
  /** Signals in [from, to), oldest first; `service` matches labels.service. */
  listSignals(q: SignalQuery): Promise<Signal[]>;
  /**
   * Change candidates in [from, to), oldest first, over the changes' partial index: deploys, flags,
   * and events that look like changes (keyed `<kind>_change`, typed config, or carrying
   * `meta.change`); never trace spans. `service` matches labels.service.
   */
  listChanges(q: Omit<SignalQuery, 'kind'>): Promise<Signal[]>;
}
