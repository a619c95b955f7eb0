/** Stored analyses (migration 016): one row per distinct result of an incident's analysis. */
import type { StoredAnalysis } from '../../core/ports/index.js';
import { type Row, type SqlSession, iso, json, jsonOut, normTs } from '../sql.js';

const COLS = 'id, incident_id, created_at, window_from, window_to, verdict, result, counts';

const toAnalysis = (r: Row): StoredAnalysis => ({
  id: String(r.id),
  incidentId: String(r.incident_id),
  createdAt: iso(r.created_at),
  window: { from: iso(r.window_from), to: iso(r.window_to) },
  verdict: r.verdict as StoredAnalysis['verdict'],
  result: jsonOut<Record<string, unknown>>(r.result, {}),
  counts: jsonOut<Record<string, unknown>>(r.counts, {}),
});

export async function saveAnalysis(s: SqlSession, orgId: string, a: Omit<StoredAnalysis, 'createdAt'> & { createdAt?: string }): Promise<{ analysis: StoredAnalysis; created: boolean }> {
  // xmax = 0 only on a freshly inserted row version: tells an insert from the conflict's update
  const [r] = await s.query(
    `INSERT INTO analyses (org_id, id, incident_id, created_at, window_from, window_to, verdict, result, counts)
     VALUES ($1, $2, $3, coalesce($4::timestamptz, now()), $5, $6, $7, $8::jsonb, $9::jsonb)
     ON CONFLICT (org_id, id) DO UPDATE SET created_at = greatest(analyses.created_at, EXCLUDED.created_at)
     RETURNING ${COLS}, (xmax = 0) AS inserted`,
    [
      orgId,
      a.id,
      a.incidentId,
      a.createdAt === undefined ? null : normTs(a.createdAt, 'createdAt'),
      normTs(a.window.from, 'window.from'),
      normTs(a.window.to, 'window.to'),
      a.verdict,
      json(a.result),
      json(a.counts),
    ],
  );
  return { analysis: toAnalysis(r), created: r.inserted === true };
}

export async function latestAnalysis(s: SqlSession, orgId: string, incidentId: string): Promise<StoredAnalysis | null> {
  const [r] = await s.query(`SELECT ${COLS} FROM analyses WHERE org_id = $1 AND incident_id = $2 ORDER BY created_at DESC, pos DESC LIMIT 1`, [orgId, incidentId]);
  return r ? toAnalysis(r) : null;
}

export async function getAnalysis(s: SqlSession, orgId: string, id: string): Promise<StoredAnalysis | null> {
  const [r] = await s.query(`SELECT ${COLS} FROM analyses WHERE org_id = $1 AND id = $2`, [orgId, id]);
  return r ? toAnalysis(r) : null;
}
