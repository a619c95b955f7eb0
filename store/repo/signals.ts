/** Signals: batched insert (one statement per 1,000 rows) and time-window reads. */
import type { SignalQuery } from '../../core/ports/index.js';
import type { Signal, SignalKind } from '../../core/schemas.js';
import { type Row, type SqlSession, iso, json, jsonOut, mapDbError, normTs, numOrNull, strOrNull } from '../sql.js';

export const SIGNAL_BATCH = 1000;
export const DEFAULT_SIGNAL_LIMIT = 1000;
export const MAX_SIGNAL_LIMIT = 100_000;

export const toSignal = (r: Row): Signal => ({
  id: String(r.id),
  orgId: String(r.org_id),
  source: String(r.source),
  kind: r.kind as SignalKind,
  ts: iso(r.ts),
  key: String(r.key),
  value: numOrNull(r.value),
  text: strOrNull(r.text),
  labels: jsonOut<Record<string, string>>(r.labels, {}),
  meta: jsonOut<Record<string, unknown>>(r.meta, {}),
});

// The batch travels as one JSON document: a single native JSON.stringify on our side and one
// json_to_recordset on the server, instead of nine escaped array literals (measured: the array
// escaping was the insert path's largest cost in Node).
const INSERT_SQL = `
  INSERT INTO signals (org_id, id, source, kind, ts, key, value, text, labels, meta)
  SELECT $1, t.id, t.source, t.kind, t.ts, t.key, t.value, t.text, coalesce(t.labels, '{}'::jsonb), coalesce(t.meta, '{}'::jsonb)
  FROM json_to_recordset($2::json)
       AS t (id text, source text, kind text, ts timestamptz, key text, value float8, text text, labels jsonb, meta jsonb)
  ON CONFLICT (org_id, id) DO NOTHING
  RETURNING id`;

/** A signal the store refused: its position in the array given, and the database's reason. */
export interface RefusedSignal {
  at: number;
  reason: string;
}

/**
 * Inserts signals, one statement per 1,000 rows; known ids are skipped and listed (a second copy
 * in the same batch too). A row the database refuses (a value validation did not foresee) costs
 * only itself: each statement runs under a savepoint, and a failed one is rolled back to it and
 * split in halves until the refused rows are found, so the rest of the batch is stored.
 */
export async function insertSignals(s: SqlSession, orgId: string, signals: Signal[]): Promise<{ inserted: number; duplicates: string[]; failed: RefusedSignal[] }> {
  let inserted = 0;
  const duplicates: string[] = [];
  const failed: RefusedSignal[] = [];
  for (let i = 0; i < signals.length; i += SIGNAL_BATCH) {
    const batch = signals.slice(i, i + SIGNAL_BATCH);
    const rows: { at: number; row: Record<string, unknown> }[] = [];
    batch.forEach((g, j) => {
      try {
        rows.push({ at: i + j, row: { id: g.id, source: g.source, kind: g.kind, ts: normTs(g.ts, `signals[${i + j}].ts`), key: g.key, value: g.value ?? null, text: g.text ?? null, labels: g.labels ?? {}, meta: g.meta ?? {} } });
      } catch (e) {
        failed.push({ at: i + j, reason: reasonOf(e) });
      }
    });
    const fresh = new Set(await insertIsolated(s, orgId, rows, failed));
    const refused = new Set(failed.map((f) => f.at));
    // An id is new once; a second copy in the same batch is a duplicate too.
    batch.forEach((g, j) => {
      if (refused.has(i + j)) return;
      if (fresh.delete(g.id)) inserted++;
      else duplicates.push(g.id);
    });
  }
  failed.sort((a, b) => a.at - b.at);
  return { inserted, duplicates, failed };
}

const reasonOf = (e: unknown): string => {
  const m = mapDbError(e);
  return m instanceof Error ? m.message : String(m);
};

/** One statement under a savepoint; on failure, the halves on their own, down to the refused rows. */
async function insertIsolated(s: SqlSession, orgId: string, rows: { at: number; row: Record<string, unknown> }[], failed: RefusedSignal[]): Promise<string[]> {
  if (rows.length === 0) return [];
  await s.query('SAVEPOINT warroom_signals');
  try {
    const ids = (await s.query<{ id: string }>(INSERT_SQL, [orgId, json(rows.map((r) => r.row))])).map((r) => r.id);
    await s.query('RELEASE SAVEPOINT warroom_signals');
    return ids;
  } catch (e) {
    await s.query('ROLLBACK TO SAVEPOINT warroom_signals');
    await s.query('RELEASE SAVEPOINT warroom_signals');
    if (rows.length === 1) {
      failed.push({ at: rows[0].at, reason: reasonOf(e) });
      return [];
    }
    const mid = rows.length >> 1;
    return [...(await insertIsolated(s, orgId, rows.slice(0, mid), failed)), ...(await insertIsolated(s, orgId, rows.slice(mid), failed))];
  }
}

/** Signals by id (the ones that exist in this org), oldest first. */
export async function getSignals(s: SqlSession, orgId: string, ids: string[]): Promise<Signal[]> {
  if (ids.length === 0) return [];
  const rows = await s.query(
    `SELECT org_id, id, source, kind, ts, key, value, text, labels, meta
     FROM signals WHERE org_id = $1 AND id = ANY ($2::text[]) ORDER BY ts, id`,
    [orgId, ids],
  );
  return rows.map(toSignal);
}

/** Signals in [from, to), oldest first; `service` matches labels.service. */
export async function listSignals(s: SqlSession, orgId: string, q: SignalQuery): Promise<Signal[]> {
  const limit = Math.min(Math.max(Math.trunc(q.limit ?? DEFAULT_SIGNAL_LIMIT), 0), MAX_SIGNAL_LIMIT);
  const rows = await s.query(
    `SELECT org_id, id, source, kind, ts, key, value, text, labels, meta
     FROM signals
     WHERE org_id = $1
       AND ($2::timestamptz IS NULL OR ts >= $2::timestamptz)
       AND ($3::timestamptz IS NULL OR ts < $3::timestamptz)
       AND ($4::text IS NULL OR kind = $4::text)
       AND ($5::text IS NULL OR labels ->> 'service' = $5::text)
     ORDER BY ts, id
     LIMIT $6`,
    [orgId, q.from ? normTs(q.from, 'from') : null, q.to ? normTs(q.to, 'to') : null, q.kind ?? null, q.service ?? null, limit],
  );
  return rows.map(toSignal);
}

/** Change candidates in [from, to), oldest first (see SignalStore.listChanges); the partial index `signals_org_changes_ts` serves it. */
export async function listChanges(s: SqlSession, orgId: string, q: Omit<SignalQuery, 'kind'>): Promise<Signal[]> {
  const limit = Math.min(Math.max(Math.trunc(q.limit ?? DEFAULT_SIGNAL_LIMIT), 0), MAX_SIGNAL_LIMIT);
  const rows = await s.query(
    `SELECT org_id, id, source, kind, ts, key, value, text, labels, meta
     FROM signals
     WHERE org_id = $1 AND kind IN ('deploy', 'flag', 'event')
       AND ($2::timestamptz IS NULL OR ts >= $2::timestamptz)
       AND ($3::timestamptz IS NULL OR ts < $3::timestamptz)
       AND ($4::text IS NULL OR labels ->> 'service' = $4::text)
       AND (kind <> 'event' OR (NOT meta ? 'span_id' AND (
             key ~* '^[a-z]+_change$' OR coalesce(labels ->> 'type', labels ->> 'change', meta ->> 'type', '') ~* 'config'
             OR jsonb_typeof(meta -> 'change') = 'string')))
     ORDER BY ts, id
     LIMIT $5`,
    [orgId, q.from ? normTs(q.from, 'from') : null, q.to ? normTs(q.to, 'to') : null, q.service ?? null, limit],
  );
  return rows.map(toSignal);
}
