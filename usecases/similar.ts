/**
 * Incidents like this one, with how each was fixed (scope `read`): the org's other incidents
 * scored by the services, log templates and change kinds their stored rows share with this one's
 * (rca/similarity.ts), best first, each with its latest fix plan.
 */
import type { OrgStore } from '../core/ports/index.js';
import type { FixPlan, Incident } from '../core/schemas.js';
import { type IncidentFingerprint, incidentFingerprint, type Similarity, similarity } from '../rca/similarity.js';
import { getIncident } from './incidents.js';
import { requireScope } from './principal.js';
import type { Session } from './session.js';

/** How many of the org's newest incidents are compared: a bounded scan, read in batches. */
export const SIMILAR_SCAN_LIMIT = 500;
/** Incidents whose rows are read at once (two queries a batch): bounded memory, short reads. */
const READ_BATCH = 100;

export interface SimilarIncident extends Similarity {
  incident: Incident;
  /** Its latest fix plan (any status), or null when none was drafted. */
  fix: FixPlan | null;
}

export interface SimilarIncidents {
  incident: Incident;
  fingerprint: IncidentFingerprint;
  /** Best first; only incidents that share something (score > 0). */
  similar: SimilarIncident[];
  /** How many other incidents were compared. */
  scanned: number;
}

/** The fingerprints of `incidents`, from their evidence and hypotheses read in one go. */
async function fingerprintsOf(org: OrgStore, incidents: Incident[]): Promise<IncidentFingerprint[]> {
  const ids = incidents.map((i) => i.id);
  const [evidence, hypotheses] = await Promise.all([org.listEvidenceOf(ids), org.listHypothesesOf(ids)]);
  const byIncident = <R extends { incidentId: string }>(rows: R[]) => {
    const m = new Map<string, R[]>();
    for (const r of rows) {
      const list = m.get(r.incidentId);
      if (list) list.push(r);
      else m.set(r.incidentId, [r]);
    }
    return m;
  };
  const ev = byIncident(evidence);
  const hy = byIncident(hypotheses);
  return incidents.map((incident) => incidentFingerprint({ incident, evidence: ev.get(incident.id) ?? [], hypotheses: hy.get(incident.id) ?? [] }));
}

/** The `limit` (default 5) incidents most like `incidentId` among the org's newest SIMILAR_SCAN_LIMIT. */
export async function similarIncidents(s: Session, incidentId: string, opts: { limit?: number } = {}): Promise<SimilarIncidents> {
  requireScope(s.principal, 'read');
  const incident = await getIncident(s, incidentId);
  const [fingerprint] = await fingerprintsOf(s.org, [incident]);
  const others = (await s.org.listIncidents({ limit: SIMILAR_SCAN_LIMIT + 1 })).filter((i) => i.id !== incident.id).slice(0, SIMILAR_SCAN_LIMIT);
  const scored: (Similarity & { incident: Incident })[] = [];
  for (let i = 0; i < others.length; i += READ_BATCH) {
    const batch = others.slice(i, i + READ_BATCH);
    const fps = await fingerprintsOf(s.org, batch);
    batch.forEach((o, k) => scored.push({ incident: o, ...similarity(fingerprint, fps[k]) }));
  }
  // ties: the more recent incident first (its fix is likelier to still apply), then by id
  const best = scored
    .filter((x) => x.score > 0)
    .sort((a, b) => b.score - a.score || Date.parse(b.incident.startedAt) - Date.parse(a.incident.startedAt) || (a.incident.id < b.incident.id ? -1 : 1))
    .slice(0, opts.limit ?? 5);
  const similar = await Promise.all(best.map(async (x) => ({ ...x, fix: (await s.org.listFixPlans(x.incident.id))[0] ?? null })));
  return { incident, fingerprint, similar, scanned: others.length };
}
