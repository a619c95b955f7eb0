/**
 * Stored analyses (scope `read`): the latest analysis of an incident, or one by id, read back whole
 * with the evidence and hypothesis rows it stored. Nothing is recomputed: an incident nobody
 * analysed has no analysis (POST /v1/incidents/{id}/analyze, the `analyze_incident` tool).
 */
import { AppError } from '../core/errors.js';
import type { StoredAnalysis } from '../core/ports/index.js';
import type { AnalysisResult } from '../rca/types.js';
import type { AnalysisCounts } from './analysis-cache.js';
import { type IncidentAnalysis, storedRows } from './analyze.js';
import { getIncident } from './incidents.js';
import { requireScope } from './principal.js';
import type { Session } from './session.js';

/** A stored analysis as the analyze use case answers it, read back from the store. */
async function readBack(s: Session, a: StoredAnalysis): Promise<IncidentAnalysis> {
  const incident = await getIncident(s, a.incidentId);
  const result = a.result as unknown as AnalysisResult;
  // the rows' ids are derived from the result, as when they were stored
  const { rows, hyps } = storedRows(incident.id, result);
  const [evidence, hypotheses] = await Promise.all([s.org.listEvidence(incident.id), s.org.listHypotheses(incident.id)]);
  const ev = new Map(evidence.map((e) => [e.id, e]));
  const hy = new Map(hypotheses.map((h) => [h.id, h]));
  return {
    incident,
    window: { from: Date.parse(a.window.from), to: Date.parse(a.window.to) },
    counts: a.counts as unknown as AnalysisCounts,
    result,
    hypotheses: hyps.flatMap((h) => (hy.has(h.id) ? [hy.get(h.id)!] : [])),
    evidence: rows.flatMap((r) => (ev.has(r.id) ? [ev.get(r.id)!] : [])),
    analysisId: a.id,
    storedAt: a.createdAt,
  };
}

/** The latest stored analysis of an incident (not_found when the incident is unknown or was never analysed). */
export async function getAnalysis(s: Session, incidentId: string): Promise<IncidentAnalysis> {
  requireScope(s.principal, 'read');
  const incident = await getIncident(s, incidentId);
  const a = await s.org.latestAnalysis(incident.id);
  if (!a) throw new AppError('not_found', `Incident ${incident.id} has not been analysed yet: POST /v1/incidents/${incident.id}/analyze to analyse it.`, { extra: { hint: `POST /v1/incidents/${incident.id}/analyze` } });
  return readBack(s, a);
}

/** The latest stored analysis of an incident, or null when it was never analysed (not_found for an unknown incident). */
export async function latestAnalysisOrNull(s: Session, incidentId: string): Promise<IncidentAnalysis | null> {
  requireScope(s.principal, 'read');
  const incident = await getIncident(s, incidentId);
  const a = await s.org.latestAnalysis(incident.id);
  return a ? readBack(s, a) : null;
}

/** One stored analysis by id (not_found otherwise). */
export async function getAnalysisById(s: Session, id: string): Promise<IncidentAnalysis> {
  requireScope(s.principal, 'read');
  const a = await s.org.getAnalysis(id);
  if (!a) throw new AppError('not_found', `No analysis ${id}.`);
  return readBack(s, a);
}
