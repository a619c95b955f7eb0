/** What changed: deploys, flag flips, config and other changes in a time range (scope `read`). */
import { AppError } from '../core/errors.js';
import type { Signal } from '../core/schemas.js';
import { changeId, changeKey, changeKind } from '../rca/changes.js';
import { requireScope } from './principal.js';
import type { Session } from './session.js';

export interface Change {
  /** The stored signal's id. */
  id: string;
  /** The change's own id (the deploy tool's), else the signal id: what analysis correlations name. */
  changeId: string;
  /** deploy | flag | config | another change kind (scale, restart…). */
  kind: string;
  /** What changed: `service@version`, the flag's or config key's name. */
  key: string;
  service: string | null;
  ts: string;
  text: string | null;
  labels: Record<string, string>;
}

/** The look-back when no start is given. */
export const DEFAULT_CHANGES_WINDOW_MS = 24 * 3600_000;

const toChange = (s: Signal, kind: string): Change => ({
  id: s.id,
  changeId: changeId(s),
  kind,
  key: changeKey(s),
  service: s.labels?.service ?? null,
  ts: s.ts,
  text: s.text ?? null,
  labels: s.labels ?? {},
});

/** Changes in [from, to), oldest first (default: the last 24 hours), optionally of one service. */
export async function listChanges(s: Session, q: { from?: string; to?: string; service?: string; limit?: number }): Promise<Change[]> {
  requireScope(s.principal, 'read');
  const to = q.to ?? s.deps.clock.now().toISOString();
  const from = q.from ?? new Date(Date.parse(to) - DEFAULT_CHANGES_WINDOW_MS).toISOString();
  const rows = await s.org.listChanges({ from, to, ...(q.service ? { service: q.service } : {}), ...(q.limit ? { limit: q.limit } : {}) });
  // the store's filter is a superset; the analysis's own rule decides what is a change
  return rows.flatMap((r) => asChange(r) ?? []);
}

/** A stored signal as a change, or null when the analysis's rule says it is not one. */
export function asChange(s: Signal): Change | null {
  const kind = changeKind(s);
  return kind === null ? null : toChange(s, kind);
}

/** One change by its stored signal id (scope `read`); not_found for another org's, a missing or a non-change signal. */
export async function getChange(s: Session, id: string): Promise<Change> {
  requireScope(s.principal, 'read');
  const [signal] = await s.org.getSignals([id]);
  const change = signal ? asChange(signal) : null;
  if (!change) throw new AppError('not_found', `No change ${id}.`);
  return change;
}
