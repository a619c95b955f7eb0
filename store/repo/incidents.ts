/** Incidents, anomalies, evidence and hypotheses. */
import type { Anomaly, Evidence, Hypothesis, Incident } from '../../core/schemas.js';
import { type Row, type SqlSession, iso, isoOrNull, json, jsonOut, normTs, num, strOrNull } from '../sql.js';

export const DEFAULT_LIST_LIMIT = 100;
export const MAX_LIST_LIMIT = 10_000;
const clampLimit = (n: number | undefined, dflt = DEFAULT_LIST_LIMIT, max = MAX_LIST_LIMIT): number =>
  Math.min(Math.max(Math.trunc(n ?? dflt), 0), max);

export const toIncident = (r: Row): Incident => ({
  id: String(r.id),
  orgId: String(r.org_id),
  title: String(r.title),
  service: String(r.service),
  severity: r.severity as Incident['severity'],
  status: r.status as Incident['status'],
  startedAt: iso(r.started_at),
  openedAt: iso(r.opened_at),
  openedBy: String(r.opened_by),
  resolvedAt: isoOrNull(r.resolved_at),
});

export const toAnomaly = (r: Row): Anomaly => ({
  id: String(r.id),
  orgId: String(r.org_id),
  service: String(r.service),
  series: String(r.series),
  ts: iso(r.ts),
  value: num(r.value),
  baseline: num(r.baseline),
  score: num(r.score),
  direction: r.direction as Anomaly['direction'],
  detector: String(r.detector),
  signalId: strOrNull(r.signal_id),
});

export const toEvidence = (r: Row): Evidence => ({
  id: String(r.id),
  orgId: String(r.org_id),
  incidentId: String(r.incident_id),
  kind: r.kind as Evidence['kind'],
  summary: String(r.summary),
  ref: strOrNull(r.ref),
  data: jsonOut<Record<string, unknown>>(r.data, {}),
  createdAt: iso(r.created_at),
});

export const toHypothesis = (r: Row): Hypothesis => ({
  id: String(r.id),
  orgId: String(r.org_id),
  incidentId: String(r.incident_id),
  rank: num(r.rank),
  statement: String(r.statement),
  confidence: num(r.confidence),
  service: strOrNull(r.service),
  changeId: strOrNull(r.change_id),
  evidenceIds: (r.evidence_ids as string[] | null) ?? [],
  counterEvidence: jsonOut<Record<string, unknown>[]>(r.counter_evidence, []),
  whyNot: jsonOut<Record<string, unknown>[]>(r.why_not, []),
  createdAt: iso(r.created_at),
});

const INCIDENT_COLS = 'org_id, id, title, service, severity, status, started_at, opened_at, opened_by, resolved_at';

export async function openIncident(
  s: SqlSession,
  orgId: string,
  i: Pick<Incident, 'id' | 'title' | 'service' | 'severity' | 'startedAt' | 'openedAt' | 'openedBy'>,
): Promise<Incident> {
  const [r] = await s.query(
    `INSERT INTO incidents (org_id, id, title, service, severity, started_at, opened_at, opened_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING ${INCIDENT_COLS}`,
    [orgId, i.id, i.title, i.service, i.severity, normTs(i.startedAt, 'startedAt'), normTs(i.openedAt, 'openedAt'), i.openedBy],
  );
  return toIncident(r);
}

export async function findOpenIncident(s: SqlSession, orgId: string, service: string): Promise<Incident | null> {
  // Held to the end of the caller's transaction: two workers correlating anomalies of one
  // service take turns, so the second sees the incident the first opened instead of opening another.
  await s.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 7))', [`incident:${orgId}:${service}`]);
  const [r] = await s.query(
    `SELECT ${INCIDENT_COLS} FROM incidents WHERE org_id = $1 AND service = $2 AND status = 'open'
     ORDER BY opened_at DESC, id DESC LIMIT 1`,
    [orgId, service],
  );
  return r ? toIncident(r) : null;
}

/** Newest first. */
export async function listIncidents(s: SqlSession, orgId: string, q: { status?: Incident['status']; limit?: number }): Promise<Incident[]> {
  const rows = await s.query(
    `SELECT ${INCIDENT_COLS} FROM incidents WHERE org_id = $1 AND ($2::text IS NULL OR status = $2::text)
     ORDER BY opened_at DESC, id DESC LIMIT $3`,
    [orgId, q.status ?? null, clampLimit(q.limit)],
  );
  return rows.map(toIncident);
}

/**
 * Moves an incident to `status`; `resolved_at` is set when it is resolved or closed (kept from
 * the first resolution) and cleared when it is reopened. Null when there is no such incident.
 */
export async function setIncidentStatus(s: SqlSession, orgId: string, id: string, status: Incident['status'], at: string): Promise<Incident | null> {
  const [r] = await s.query(
    `UPDATE incidents SET status = $3,
            resolved_at = CASE WHEN $3 IN ('resolved', 'closed') THEN coalesce(resolved_at, $4::timestamptz) ELSE NULL END
     WHERE org_id = $1 AND id = $2 RETURNING ${INCIDENT_COLS}`,
    [orgId, id, status, normTs(at, 'at')],
  );
  return r ? toIncident(r) : null;
}

/** Replaces the title and/or severity (what the incident is now known to be); null when there is no such incident. */
export async function reviseIncident(s: SqlSession, orgId: string, id: string, to: Partial<Pick<Incident, 'title' | 'severity'>>): Promise<Incident | null> {
  const [r] = await s.query(
    `UPDATE incidents SET title = coalesce($3, title), severity = coalesce($4, severity)
     WHERE org_id = $1 AND id = $2 RETURNING ${INCIDENT_COLS}`,
    [orgId, id, to.title ?? null, to.severity ?? null],
  );
  return r ? toIncident(r) : null;
}

export async function getIncident(s: SqlSession, orgId: string, id: string): Promise<Incident | null> {
  const [r] = await s.query(`SELECT ${INCIDENT_COLS} FROM incidents WHERE org_id = $1 AND id = $2`, [orgId, id]);
  return r ? toIncident(r) : null;
}

export async function insertAnomalies(s: SqlSession, orgId: string, list: Omit<Anomaly, 'orgId'>[]): Promise<string[]> {
  if (list.length === 0) return [];
  const rows = await s.query<{ id: string }>(
    `INSERT INTO anomalies (org_id, id, service, series, ts, value, baseline, score, direction, detector, signal_id)
     SELECT $1, t.id, t.service, t.series, t.ts::timestamptz, t.value, t.baseline, t.score, t.direction, t.detector, t.signal_id
     FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::float8[], $7::float8[], $8::float8[], $9::text[], $10::text[], $11::text[])
          AS t (id, service, series, ts, value, baseline, score, direction, detector, signal_id)
     ON CONFLICT (org_id, id) DO NOTHING
     RETURNING id`,
    [
      orgId,
      list.map((a) => a.id),
      list.map((a) => a.service),
      list.map((a) => a.series),
      list.map((a) => normTs(a.ts)),
      list.map((a) => a.value),
      list.map((a) => a.baseline),
      list.map((a) => a.score),
      list.map((a) => a.direction),
      list.map((a) => a.detector),
      list.map((a) => a.signalId ?? null),
    ],
  );
  return rows.map((r) => r.id);
}

/** In [from, to), oldest first (newest first with `newestFirst`). */
export async function listAnomalies(s: SqlSession, orgId: string, q: { service?: string; from?: string; to?: string; limit?: number; newestFirst?: boolean }): Promise<Anomaly[]> {
  const rows = await s.query(
    `SELECT org_id, id, service, series, ts, value, baseline, score, direction, detector, signal_id
     FROM anomalies
     WHERE org_id = $1
       AND ($2::text IS NULL OR service = $2::text)
       AND ($3::timestamptz IS NULL OR ts >= $3::timestamptz)
       AND ($4::timestamptz IS NULL OR ts < $4::timestamptz)
     ORDER BY ${q.newestFirst ? 'ts DESC, id DESC' : 'ts, id'} LIMIT $5`,
    [orgId, q.service ?? null, q.from ? normTs(q.from, 'from') : null, q.to ? normTs(q.to, 'to') : null, clampLimit(q.limit, 1000, 100_000)],
  );
  return rows.map(toAnomaly);
}

export async function getAnomaly(s: SqlSession, orgId: string, id: string): Promise<Anomaly | null> {
  const [r] = await s.query(
    `SELECT org_id, id, service, series, ts, value, baseline, score, direction, detector, signal_id FROM anomalies WHERE org_id = $1 AND id = $2`,
    [orgId, id],
  );
  return r ? toAnomaly(r) : null;
}

const EVIDENCE_COLS = 'org_id, id, incident_id, kind, summary, ref, data, created_at';

/**
 * Inserts evidence rows in the caller's order. With `skipExisting`, rows whose id is already
 * stored are skipped in the same statement (content-derived ids make re-adding idempotent) and
 * only the rows inserted are returned; without it a duplicate id is an error.
 */
export async function addEvidence(s: SqlSession, orgId: string, list: Omit<Evidence, 'orgId' | 'createdAt'>[], opts: { skipExisting?: boolean } = {}): Promise<Evidence[]> {
  if (list.length === 0) return [];
  const rows = await s.query(
    `INSERT INTO evidence (org_id, id, incident_id, kind, summary, ref, data)
     SELECT $1, t.id, t.incident_id, t.kind, t.summary, t.ref, t.data::jsonb
     FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[]) WITH ORDINALITY
          AS t (id, incident_id, kind, summary, ref, data, n)
     ORDER BY t.n -- keeps the caller's order in evidence.pos
     ${opts.skipExisting ? 'ON CONFLICT (org_id, id) DO NOTHING' : ''}
     RETURNING ${EVIDENCE_COLS}`,
    [
      orgId,
      list.map((e) => e.id),
      list.map((e) => e.incidentId),
      list.map((e) => e.kind),
      list.map((e) => e.summary),
      list.map((e) => e.ref ?? null),
      list.map((e) => json(e.data ?? {})),
    ],
  );
  const byId = new Map(rows.map((r) => [String(r.id), toEvidence(r)]));
  return list.flatMap((e) => {
    const row = byId.get(e.id);
    byId.delete(e.id); // a list naming one id twice returns it once
    return row ? [row] : [];
  });
}

export async function listEvidence(s: SqlSession, orgId: string, incidentId: string): Promise<Evidence[]> {
  const rows = await s.query(`SELECT ${EVIDENCE_COLS} FROM evidence WHERE org_id = $1 AND incident_id = $2 ORDER BY pos`, [orgId, incidentId]);
  return rows.map(toEvidence);
}

/** The evidence of several incidents, by incident id then stored order (the evidence_org_incident index). */
export async function listEvidenceOf(s: SqlSession, orgId: string, incidentIds: string[]): Promise<Evidence[]> {
  if (incidentIds.length === 0) return [];
  const rows = await s.query(`SELECT ${EVIDENCE_COLS} FROM evidence WHERE org_id = $1 AND incident_id = ANY ($2::text[]) ORDER BY incident_id, pos`, [orgId, incidentIds]);
  return rows.map(toEvidence);
}

const HYPOTHESIS_SELECT = `
  SELECT h.org_id, h.id, h.incident_id, h.rank, h.statement, h.confidence, h.service, h.change_id,
         h.counter_evidence, h.why_not, h.created_at,
         coalesce((SELECT array_agg(he.evidence_id ORDER BY he.ord, he.evidence_id)
                   FROM hypothesis_evidence he
                   WHERE he.org_id = h.org_id AND he.hypothesis_id = h.id), '{}'::text[]) AS evidence_ids
  FROM hypotheses h`;

/**
 * Inserts hypotheses and their evidence links in the caller's transaction. The database
 * checks at commit that each one cites evidence of its own incident; links to evidence of
 * another incident are refused at once (composite foreign key).
 */
/**
 * Inserts hypotheses with their evidence links. With `skipExisting`, hypotheses whose id is
 * already stored (content-derived ids: a concurrent or earlier run of the same analysis) are
 * skipped in the same statement — it waits for a concurrent insert of the same id instead of
 * failing — and only the hypotheses inserted are returned; without it a duplicate id is an error.
 */
export async function addHypotheses(s: SqlSession, orgId: string, list: Omit<Hypothesis, 'orgId' | 'createdAt'>[], opts: { skipExisting?: boolean } = {}): Promise<Hypothesis[]> {
  if (list.length === 0) return [];
  const inserted = await s.query(
    `INSERT INTO hypotheses (org_id, id, incident_id, rank, statement, confidence, service, change_id, counter_evidence, why_not)
     SELECT $1, t.id, t.incident_id, t.rank, t.statement, t.confidence, t.service, t.change_id, t.counter_evidence::jsonb, t.why_not::jsonb
     FROM unnest($2::text[], $3::text[], $4::int[], $5::text[], $6::float8[], $7::text[], $8::text[], $9::text[], $10::text[])
          AS t (id, incident_id, rank, statement, confidence, service, change_id, counter_evidence, why_not)
     ${opts.skipExisting ? 'ON CONFLICT (org_id, id) DO NOTHING' : ''}
     RETURNING id`,
    [
      orgId,
      list.map((h) => h.id),
      list.map((h) => h.incidentId),
      list.map((h) => h.rank),
      list.map((h) => h.statement),
      list.map((h) => h.confidence),
      list.map((h) => h.service ?? null),
      list.map((h) => h.changeId ?? null),
      list.map((h) => json(h.counterEvidence ?? [])),
      list.map((h) => json(h.whyNot ?? [])),
    ],
  );
  const insertedIds = new Set(inserted.map((r) => String(r.id)));
  const fresh = list.filter((h) => insertedIds.has(h.id));
  if (fresh.length === 0) return [];
  const links: { h: string; e: string; inc: string; ord: number }[] = [];
  for (const h of fresh) {
    [...new Set(h.evidenceIds ?? [])].forEach((e, ord) => links.push({ h: h.id, e, inc: h.incidentId, ord }));
  }
  if (links.length > 0) {
    await s.query(
      `INSERT INTO hypothesis_evidence (org_id, hypothesis_id, evidence_id, incident_id, ord)
       SELECT $1, t.h, t.e, t.inc, t.ord FROM unnest($2::text[], $3::text[], $4::text[], $5::int[]) AS t (h, e, inc, ord)`,
      [orgId, links.map((l) => l.h), links.map((l) => l.e), links.map((l) => l.inc), links.map((l) => l.ord)],
    );
  }
  const rows = await s.query(`${HYPOTHESIS_SELECT} WHERE h.org_id = $1 AND h.id = ANY ($2::text[])`, [orgId, fresh.map((h) => h.id)]);
  const byId = new Map(rows.map((r) => [String(r.id), toHypothesis(r)]));
  return fresh.map((h) => byId.get(h.id)!);
}

/** Best first (rank ascending). */
export async function listHypotheses(s: SqlSession, orgId: string, incidentId: string): Promise<Hypothesis[]> {
  const rows = await s.query(`${HYPOTHESIS_SELECT} WHERE h.org_id = $1 AND h.incident_id = $2 ORDER BY h.rank, h.id`, [orgId, incidentId]);
  return rows.map(toHypothesis);
}

/** The hypotheses of several incidents, by incident id then rank. */
export async function listHypothesesOf(s: SqlSession, orgId: string, incidentIds: string[]): Promise<Hypothesis[]> {
  if (incidentIds.length === 0) return [];
  const rows = await s.query(`${HYPOTHESIS_SELECT} WHERE h.org_id = $1 AND h.incident_id = ANY ($2::text[]) ORDER BY h.incident_id, h.rank, h.id`, [orgId, incidentIds]);
  return rows.map(toHypothesis);
}
