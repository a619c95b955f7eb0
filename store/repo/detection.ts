/** Detector checkpoints and the correlation view of open incidents. */
import type { OpenIncidentActivity } from '../../core/ports/index.js';
import { gunzipSync, gzipSync } from 'node:zlib';
import { type SqlSession, iso } from '../sql.js';

export async function getDetectorState(s: SqlSession, orgId: string, name: string): Promise<{ state: unknown; savedAt: string } | null> {
  const [r] = await s.query('SELECT state, saved_at FROM detector_state WHERE org_id = $1 AND name = $2', [orgId, name]);
  if (!r) return null;
  const bytes = r.state as Uint8Array;
  return { state: JSON.parse(gunzipSync(bytes).toString('utf8')), savedAt: iso(r.saved_at) };
}

export async function putDetectorState(s: SqlSession, orgId: string, name: string, state: unknown): Promise<void> {
  await s.query(
    `INSERT INTO detector_state (org_id, name, state) VALUES ($1, $2, $3)
     ON CONFLICT (org_id, name) DO UPDATE SET state = EXCLUDED.state, saved_at = now()`,
    [orgId, name, gzipSync(Buffer.from(JSON.stringify(state), 'utf8'), { level: 1 })],
  );
}

/**
 * Open incidents with the services their evidence is about and the newest anomaly time in it.
 * Takes the org's correlation lock to the end of the caller's transaction: two workers
 * correlating at once take turns, so the second sees what the first opened.
 */
export async function openIncidentActivity(s: SqlSession, orgId: string, limit: number): Promise<OpenIncidentActivity[]> {
  await s.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 7))', [`correlate:${orgId}`]);
  const rows = await s.query(
    `SELECT i.id, i.service, i.started_at, i.opened_by,
            coalesce(max((e.data->>'ts')::timestamptz), i.started_at) AS last_ts,
            coalesce(array_agg(DISTINCT e.data->>'service') FILTER (WHERE e.data ? 'service'), '{}') AS services
     FROM (SELECT id, service, started_at, opened_by FROM incidents
           WHERE org_id = $1 AND status = 'open' ORDER BY started_at DESC, id DESC LIMIT $2) i
     LEFT JOIN evidence e ON e.org_id = $1 AND e.incident_id = i.id AND e.kind = 'anomaly'
     GROUP BY i.id, i.service, i.started_at, i.opened_by
     ORDER BY i.started_at DESC, i.id DESC`,
    [orgId, limit],
  );
  return rows.map((r) => ({
    id: String(r.id),
    service: String(r.service),
    startedAt: iso(r.started_at),
    openedBy: String(r.opened_by),
    lastTs: iso(r.last_ts),
    services: (r.services as string[] | null) ?? [],
  }));
}
