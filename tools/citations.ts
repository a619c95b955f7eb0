/**
 * Whether a citation still names a row that exists for the asker's org, read through the use
 * cases as that person. The guard keeps only citations that resolve.
 */
import { getChange } from '../usecases/changes.js';
import { getIncident, incidentEvidence } from '../usecases/incidents.js';
import { requireScope } from '../usecases/principal.js';
import type { Citation, ToolContext } from './types.js';

const mayRead = (ctx: ToolContext): boolean => {
  try {
    requireScope(ctx.session.principal, 'read');
    return true;
  } catch {
    return false;
  }
};

const INCIDENT_REF = /^\/v1\/incidents\/([^/#]+)(?:\/evidence#(evidence|hypothesis)-(.+))?$/;
const KNOWLEDGE_REF = /^\/v1\/docs\/([^/#]+)#chunk-(.+)$/;
const CHANGE_REF = /^\/v1\/changes\/([^/#?]+)$/;

/**
 * The ids of `citations` that resolve. Anomaly citations have no read by id in the use cases yet,
 * so they never resolve (and the guard drops them) until one is added.
 */
export async function resolveCitations(ctx: ToolContext, citations: Citation[]): Promise<Set<string>> {
  const ok = new Set<string>();
  const rowsOf = new Map<string, Promise<Set<string> | null>>();
  const incidentRows = (incidentId: string) => {
    if (!rowsOf.has(incidentId)) {
      rowsOf.set(
        incidentId,
        incidentEvidence(ctx.session, incidentId).then(
          (r) => new Set([r.incident.id, ...r.evidence.map((e) => `evidence:${e.id}`), ...r.hypotheses.map((h) => `hypothesis:${h.id}`)]),
          () => null,
        ),
      );
    }
    return rowsOf.get(incidentId)!;
  };
  for (const c of citations) {
    if (c.kind === 'incident' || c.kind === 'evidence' || c.kind === 'hypothesis') {
      const m = INCIDENT_REF.exec(c.ref);
      if (!m) continue;
      const incidentId = decodeURIComponent(m[1]);
      if (c.kind === 'incident') {
        if (m[2] === undefined && incidentId === c.id && (await getIncident(ctx.session, incidentId).then(() => true, () => false))) ok.add(c.id);
        continue;
      }
      const rows = await incidentRows(incidentId);
      if (m[2] === c.kind && decodeURIComponent(m[3]) === c.id && rows?.has(`${c.kind}:${c.id}`)) ok.add(c.id);
    } else if (c.kind === 'knowledge') {
      const m = KNOWLEDGE_REF.exec(c.ref);
      if (!m || decodeURIComponent(m[2]) !== c.id) continue;
      // No use case reads a document yet: the read scope is checked here, the org's store does the rest.
      const readable = mayRead(ctx);
      if (readable && (await ctx.session.org.kbGetDocument(decodeURIComponent(m[1])).catch(() => null))) ok.add(c.id);
    } else if (c.kind === 'change') {
      const m = CHANGE_REF.exec(c.ref);
      if (m && decodeURIComponent(m[1]) === c.id && (await getChange(ctx.session, c.id).then(() => true, () => false))) ok.add(c.id);
    }
  }
  return ok;
}
