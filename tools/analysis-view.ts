/** How a stored analysis looks to a model, with its citations. Shared by analyze_incident, explain_why_not and blast_radius. */
import { isAppError } from '../core/errors.js';
import type { AnalysisResult } from '../rca/types.js';
import { latestAnalysisOrNull } from '../usecases/analyses.js';
import { analysisEvidenceId, type IncidentAnalysis } from '../usecases/analyze.js';
import { unknownIncidentError } from './incident-view.js';
import { type Citation, type ToolContext, type ToolResult, refs, toolError } from './types.js';

export const analysisCitation = (a: Pick<IncidentAnalysis, 'analysisId' | 'incident' | 'result' | 'storedAt'>): Citation => ({
  id: a.analysisId,
  kind: 'analysis',
  title: `Analysis of ${a.incident.title} (${a.result.verdict}, top ${a.result.ranking[0]?.service ?? 'none'}, ${a.storedAt})`.slice(0, 200),
  ref: refs.analysis(a.incident.id, a.analysisId),
});

/** The stored evidence id of the analysis's evidence item with this kind and ref, if the analysis stored one. */
export function storedEvidenceId(a: Pick<IncidentAnalysis, 'incident' | 'result' | 'evidence'>, kind: string, ref: string): string | null {
  const item = (a.result as AnalysisResult).evidence.find((e) => e.kind === kind && e.ref === ref);
  if (!item) return null;
  const id = analysisEvidenceId(a.incident.id, item);
  return a.evidence.some((e) => e.id === id) ? id : null;
}

/**
 * The incident's latest stored analysis for a tool: the analysis, `null` when there is none, or
 * the tool's error result for an unknown incident.
 */
export async function storedAnalysisFor(ctx: ToolContext, incidentId: string): Promise<IncidentAnalysis | null | ToolResult<never>> {
  try {
    return await latestAnalysisOrNull(ctx.session, incidentId);
  } catch (e) {
    if (isAppError(e) && e.code === 'not_found') return toolError(await unknownIncidentError(ctx, incidentId));
    throw e;
  }
}

export const isToolResult = (x: unknown): x is ToolResult<never> => typeof x === 'object' && x !== null && 'status' in x && 'citations' in x;

/** The message of a tool that needs an analysis when there is none yet. */
export const NO_ANALYSIS = (incidentId: string) => `Incident ${incidentId} has not been analysed yet: call analyze_incident first (it needs the "plan" scope).`;
