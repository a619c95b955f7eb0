/** blast_radius: which services the incident's root cause reaches, from the stored analysis. */
import { z } from 'zod';
import type { AnalysisResult } from '../rca/types.js';
import { NO_ANALYSIS, analysisCitation, isToolResult, storedAnalysisFor } from './analysis-view.js';
import { incidentCitation, incidentView } from './incident-view.js';
import { type AgentTool, noData, ok } from './types.js';

const schema = z.object({
  incidentId: z.string().min(1).max(128).describe('The incident id. Call list_incidents first if you do not have it.'),
});

const n2 = (x: number) => x.toFixed(2);

export const blastRadiusTool: AgentTool<typeof schema> = {
  name: 'blast_radius',
  description:
    'The blast radius of an incident from its stored analysis: the origin (the top-ranked root-cause service) and every service that depends on it, directly or not, with the call chain from it down to the origin (via, callers first), its depth, whether it is customer-facing (entryPoint) and the measured impact. Use it for "who is affected", "what else is impacted" and customer-impact questions. Needs a stored analysis: call analyze_incident first when it says there is none.',
  schema,
  async handler(ctx, { incidentId }) {
    const a = await storedAnalysisFor(ctx, incidentId);
    if (isToolResult(a)) return a;
    if (!a) return noData({ incidentId, analysisId: null, message: NO_ANALYSIS(incidentId) });
    const b = (a.result as AnalysisResult).blastRadius;
    const data = {
      incident: incidentView(a.incident),
      origin: b.root,
      impacted: b.impacted.map((i) => ({
        service: i.service,
        depth: i.depth,
        via: i.path.length ? i.path : null,
        entryPoint: i.entryPoint,
        ...(i.topMetric ? { evidence: `${i.topMetric}${i.z !== null ? ` moved ${n2(Math.abs(i.z))}σ` : ''}, impact ${n2(i.impact)}` } : {}),
      })),
      analysisId: a.analysisId,
    };
    const citations = [analysisCitation(a), incidentCitation(a.incident)];
    return b.root === null ? noData(data, citations) : ok(data, citations);
  },
};
