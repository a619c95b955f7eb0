/** explain_why_not: why a service is (or is not) the root cause, for any service the stored analysis saw. */
import { z } from 'zod';
import { explainService, servicesSeen } from '../rca/why-not.js';
import type { AnalysisResult } from '../rca/types.js';
import { NO_ANALYSIS, analysisCitation, isToolResult, storedAnalysisFor, storedEvidenceId } from './analysis-view.js';
import { evidenceCitation, hypothesisCitation } from './incident-view.js';
import { type AgentTool, noData, ok, toolError } from './types.js';

const schema = z.object({
  incidentId: z.string().min(1).max(128).describe('The incident id. Call list_incidents first if you do not have it.'),
  service: z.string().min(1).max(200).describe('The service asked about, e.g. "payments" for "why not payments?". Any service the analysis saw, however low it ranked.'),
});

export const explainWhyNotTool: AgentTool<typeof schema> = {
  name: 'explain_why_not',
  description:
    'Why a service is or is not the root cause of an incident, from the stored analysis: its rank and score, a verdict (top, runner_up, ruled_out, not_seen), the reasons, the evidence for it (ids starting "ev_" are stored evidence you can cite) and the evidence against it, and the top suspect. Works for any service the analysis saw, not only the top ones. Use it for "why not X?" and "why X?" questions. Needs a stored analysis: call analyze_incident first when it says there is none.',
  schema,
  async handler(ctx, { incidentId, service }) {
    const a = await storedAnalysisFor(ctx, incidentId);
    if (isToolResult(a)) return a;
    if (!a) return noData({ incidentId, service, analysisId: null, message: NO_ANALYSIS(incidentId) });
    const r = a.result as AnalysisResult;
    const seen = servicesSeen(r);
    // the model may not match the case of a service name
    const name = seen.find((s) => s === service) ?? seen.find((s) => s.toLowerCase() === service.toLowerCase()) ?? service;
    const x = explainService(r, name);
    if (!x) return toolError(`The analysis of ${a.incident.id} never saw a service "${service}". Services it saw: ${seen.join(', ') || 'none'}.`);
    const supporting = x.supporting.map((s) => ({ id: storedEvidenceId(a, s.kind, s.ref) ?? `${s.kind}:${s.ref}`, summary: s.summary }));
    const hyps = a.hypotheses.filter((h) => h.service === x.service || h.service === x.top?.service);
    const byId = new Set(supporting.map((s) => s.id));
    const data = {
      service: x.service,
      rank: x.rank,
      score: x.score,
      verdict: x.verdict,
      reasons: x.reasons,
      supporting,
      against: x.against,
      top: x.top,
      analysisId: a.analysisId,
      hypothesisIds: hyps.map((h) => h.id),
    };
    return ok(data, [analysisCitation(a), ...hyps.map(hypothesisCitation), ...a.evidence.filter((e) => byId.has(e.id)).map(evidenceCitation)]);
  },
};
