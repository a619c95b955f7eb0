/**
 * Log templates mined by the detection engine: one upsert per detection batch (in the same
 * transaction as the batch's anomalies), and reads for search and citations.
 */
import type { LogTemplate, LogTemplateQuery, LogTemplateUpdate } from '../../core/ports/index.js';
import { type Row, type SqlSession, iso, json, jsonOut, normTs, num } from '../sql.js';

export const DEFAULT_TEMPLATE_LIMIT = 50;
export const MAX_TEMPLATE_LIMIT = 1_000;
/** Exemplars a template row keeps. */
export const MAX_EXEMPLARS = 3;

const COLS = 'org_id, id, service, template, count, first_seen, last_seen, exemplars, levels, novel';

const toLogTemplate = (r: Row): LogTemplate => ({
  id: String(r.id),
  orgId: String(r.org_id),
  service: String(r.service),
  template: String(r.template),
  count: num(r.count),
  firstSeen: iso(r.first_seen),
  lastSeen: iso(r.last_seen),
  levels: jsonOut<Record<string, number>>(r.levels, {}),
  exemplars: jsonOut<string[]>(r.exemplars, []),
  novel: r.novel === true,
});

// Levels are summed key by key (over the batch's few keys only); exemplars are topped up to
// MAX_EXEMPLARS with ones not already kept (the first ones stay: they show the template as it was
// first seen), and left alone when full or when the batch brings nothing new (the usual case:
// the cheap tests first). The template text is the miner's latest. Measured on PGlite (a
// machine shared by many processes, so rough): 60 templates per 1,000-line batch cost ~55–75 ms
// with these merges against ~25–35 ms for a count-only upsert.
const UPSERT_SQL = `
  INSERT INTO log_templates AS lt (org_id, id, service, template, count, first_seen, last_seen, exemplars, levels, novel)
  SELECT $1, t.id, t.service, t.template, t.count, t.first_seen, t.last_seen, t.exemplars, t.levels, t.novel
  FROM json_to_recordset($2::json)
       AS t (id text, service text, template text, count bigint, first_seen timestamptz, last_seen timestamptz, exemplars jsonb, levels jsonb, novel boolean)
  ON CONFLICT (org_id, id) DO UPDATE SET
    template = excluded.template,
    count = lt.count + excluded.count,
    first_seen = least(lt.first_seen, excluded.first_seen),
    last_seen = greatest(lt.last_seen, excluded.last_seen),
    levels = lt.levels || (SELECT coalesce(jsonb_object_agg(k, coalesce((lt.levels ->> k)::numeric, 0) + v::numeric), '{}'::jsonb)
                           FROM jsonb_each_text(excluded.levels) AS e (k, v)),
    exemplars = CASE WHEN jsonb_array_length(lt.exemplars) >= ${MAX_EXEMPLARS} OR excluded.exemplars <@ lt.exemplars THEN lt.exemplars
                ELSE (SELECT coalesce(jsonb_agg(x ORDER BY i), '[]'::jsonb)
                      FROM (SELECT x, min(i) AS i FROM jsonb_array_elements(lt.exemplars || excluded.exemplars) WITH ORDINALITY AS e (x, i)
                            GROUP BY x ORDER BY min(i) LIMIT ${MAX_EXEMPLARS}) y) END`;

/** Applies a batch's updates (skipped whole when `batchId` was applied before). */
export async function upsertLogTemplates(s: SqlSession, orgId: string, updates: LogTemplateUpdate[], opts: { batchId?: string } = {}): Promise<{ applied: boolean; upserted: number }> {
  if (opts.batchId !== undefined) {
    const fresh = await s.query(
      `INSERT INTO log_template_batches (org_id, batch_id) VALUES ($1, $2) ON CONFLICT (org_id, batch_id) DO NOTHING RETURNING batch_id`,
      [orgId, opts.batchId],
    );
    if (fresh.length === 0) return { applied: false, upserted: 0 };
  }
  if (updates.length === 0) return { applied: true, upserted: 0 };
  // One row per id (a caller may send the same template twice): merged here, as one statement may not update a row twice.
  const byId = new Map<string, LogTemplateUpdate>();
  for (const u of updates) {
    const prev = byId.get(u.id);
    if (!prev) {
      byId.set(u.id, { ...u, levels: { ...u.levels }, exemplars: [...new Set(u.exemplars)].slice(0, MAX_EXEMPLARS) });
      continue;
    }
    prev.count += u.count;
    prev.template = u.template;
    if (Date.parse(u.firstSeen) < Date.parse(prev.firstSeen)) prev.firstSeen = u.firstSeen;
    if (Date.parse(u.lastSeen) > Date.parse(prev.lastSeen)) prev.lastSeen = u.lastSeen;
    for (const [k, v] of Object.entries(u.levels)) prev.levels[k] = (prev.levels[k] ?? 0) + v;
    prev.exemplars = [...new Set([...prev.exemplars, ...u.exemplars])].slice(0, MAX_EXEMPLARS);
    prev.novel ||= u.novel;
  }
  const rows = [...byId.values()].map((u) => ({
    id: u.id,
    service: u.service,
    template: u.template,
    count: Math.max(0, Math.trunc(u.count)),
    first_seen: normTs(u.firstSeen, 'firstSeen'),
    last_seen: normTs(u.lastSeen, 'lastSeen'),
    exemplars: u.exemplars,
    levels: u.levels,
    novel: u.novel,
  }));
  await s.query(UPSERT_SQL, [orgId, json(rows)]);
  return { applied: true, upserted: rows.length };
}

/** Templates matching the query, most recently seen first. */
export async function searchLogTemplates(s: SqlSession, orgId: string, q: LogTemplateQuery): Promise<LogTemplate[]> {
  const limit = Math.min(Math.max(Math.trunc(q.limit ?? DEFAULT_TEMPLATE_LIMIT), 0), MAX_TEMPLATE_LIMIT);
  const text = q.text?.trim() ? `%${q.text.trim().replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null;
  const from = q.from ? normTs(q.from, 'from') : null;
  const rows = await s.query(
    `SELECT ${COLS} FROM log_templates
     WHERE org_id = $1
       AND ($2::text IS NULL OR service = $2::text)
       AND ($3::text IS NULL OR template ILIKE $3::text)
       AND ($4::timestamptz IS NULL OR last_seen >= $4::timestamptz)
       AND ($5::timestamptz IS NULL OR first_seen < $5::timestamptz)
       AND ($6::text IS NULL OR coalesce((levels ->> $6::text)::numeric, 0) > 0)
       AND (NOT $7::boolean OR (novel AND ($4::timestamptz IS NULL OR first_seen >= $4::timestamptz)))
     ORDER BY last_seen DESC, id
     LIMIT $8`,
    [orgId, q.service ?? null, text, from, q.to ? normTs(q.to, 'to') : null, q.level ?? null, q.novelOnly === true, limit],
  );
  return rows.map(toLogTemplate);
}

export async function getLogTemplate(s: SqlSession, orgId: string, id: string): Promise<LogTemplate | null> {
  const [r] = await s.query(`SELECT ${COLS} FROM log_templates WHERE org_id = $1 AND id = $2`, [orgId, id]);
  return r ? toLogTemplate(r) : null;
}
