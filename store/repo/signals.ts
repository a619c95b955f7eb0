/** Signals: batched insert (one statement per 1,000 rows) and time-window reads. */
import type { SignalQuery } from '../../core/ports.js';
import type { Signal, SignalKind } from '../../core/schemas.js';
import { type Row, type SqlSession, cleanText, iso, json, jsonOut, normTs, numOrNull, strOrNull } from '../sql.js';

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

const jsonbText = (v: unknown): string => json(v ?? {}) ?? '{}';

const INSERT_SQL = `
  INSERT INTO signals (org_id, id, source, kind, ts, key, value, text, labels, meta)
  SELECT $1, t.id, t.source, t.kind, t.ts::timestamptz, t.key, t.value, t.text, t.labels::jsonb, t.meta::jsonb
  FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::float8[], $8::text[], $9::text[], $10::text[])
       AS t (id, source, kind, ts, key, value, text, labels, meta)
  ON CONFLICT (org_id, id) DO NOTHING
  RETURNING id`;

export async function insertSignals(s: SqlSession, orgId: string, signals: Signal[]): Promise<{ inserted: number; duplicates: string[] }> {
  let inserted = 0;
  const duplicates: string[] = [];
  for (let i = 0; i < signals.length; i += SIGNAL_BATCH) {
    const batch = signals.slice(i, i + SIGNAL_BATCH);
    const n = batch.length;
    const ids = new Array<string>(n);
    const sources = new Array<string>(n);
    const kinds = new Array<string>(n);
    const tss = new Array<string>(n);
    const keys = new Array<string>(n);
    const values = new Array<number | null>(n);
    const texts = new Array<string | null>(n);
    const labels = new Array<string>(n);
    const metas = new Array<string>(n);
    for (let j = 0; j < n; j++) {
      const g = batch[j];
      ids[j] = g.id;
      sources[j] = g.source;
      kinds[j] = g.kind;
      tss[j] = normTs(g.ts, `signals[${i + j}].ts`);
      keys[j] = g.key;
      values[j] = g.value ?? null;
      texts[j] = g.text == null ? null : cleanText(g.text);
      labels[j] = jsonbText(g.labels);
      metas[j] = jsonbText(g.meta);
    }
    const rows = await s.query<{ id: string }>(INSERT_SQL, [orgId, ids, sources, kinds, tss, keys, values, texts, labels, metas]);
    // An id is new once; a second copy in the same batch is a duplicate too.
    const fresh = new Set(rows.map((r) => r.id));
    for (const id of ids) {
      if (fresh.delete(id)) inserted++;
      else duplicates.push(id);
    }
  }
  return { inserted, duplicates };
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
