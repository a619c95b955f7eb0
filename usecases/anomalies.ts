/** What the detectors found: anomalies by service and time range, or one by id (scope `read`). */
import { AppError } from '../core/errors.js';
import type { Anomaly, Severity } from '../core/schemas.js';
import { severityOf } from '../detectors/stream/grouping.js';
import { anomalySummary } from '../ingest/pipeline.js';
import { requireScope } from './principal.js';
import type { Session } from './session.js';

export interface AnomalyView extends Omit<Anomaly, 'orgId'> {
  /** The severity the correlator gives a finding of this score. */
  severity: Severity;
  /** One line saying what was found (the wording of the incident evidence). */
  summary: string;
}

export const DEFAULT_ANOMALY_LIMIT = 100;
export const MAX_ANOMALY_LIMIT = 1_000;

const view = (a: Anomaly): AnomalyView => {
  const { orgId: _org, ...rest } = a;
  return { ...rest, severity: severityOf(a.score), summary: anomalySummary(a) };
};

/** Anomalies in [from, to) (either end open when absent), newest first, optionally of one service. */
export async function listAnomalies(s: Session, q: { service?: string; from?: string; to?: string; limit?: number }): Promise<AnomalyView[]> {
  requireScope(s.principal, 'read');
  if (q.from && q.to && Date.parse(q.from) >= Date.parse(q.to)) throw new AppError('invalid_input', `from (${q.from}) must be before to (${q.to}).`);
  const limit = Math.min(Math.max(Math.trunc(q.limit ?? DEFAULT_ANOMALY_LIMIT), 1), MAX_ANOMALY_LIMIT);
  const rows = await s.org.listAnomalies({ ...(q.service ? { service: q.service } : {}), ...(q.from ? { from: q.from } : {}), ...(q.to ? { to: q.to } : {}), limit, newestFirst: true });
  return rows.map(view);
}

/** One anomaly; not_found when the org has none with this id. */
export async function getAnomaly(s: Session, id: string): Promise<AnomalyView> {
  requireScope(s.principal, 'read');
  const a = await s.org.getAnomaly(id);
  if (!a) throw new AppError('not_found', `No anomaly ${id}.`);
  return view(a);
}
