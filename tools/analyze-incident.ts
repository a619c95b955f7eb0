/** analyze_incident: the incident's root-cause analysis — the stored one, or a new run when there is none. */
import { z } from 'zod';
import { isAppError } from '../core/errors.js';
import { parseDuration } from '../core/duration.js';
import { changeTiming, confidences } from '../rca/hypotheses.js';
import type { AnalysisResult, RankedService } from '../rca/types.js';
import { MAX_WINDOW_MS } from '../rca/window.js';
import { AnalyzeInput, type IncidentAnalysis, analyzeIncident } from '../usecases/analyze.js';
import { requireScope } from '../usecases/principal.js';
import { analysisCitation, isToolResult, storedAnalysisFor } from './analysis-view.js';
import { evidenceCitation, hypothesisCitation } from './incident-view.js';
import { type AgentTool, ok, toolError } from './types.js';

const schema = z.object({
  incidentId: z.string().min(1).max(128).describe('The incident id. Call list_incidents first if you do not have it.'),
  window: z
    .string()
    .refine((v) => (parseDuration(v) ?? 0) > 0 && (parseDuration(v) ?? 0) <= MAX_WINDOW_MS, { message: `a duration such as "30m", "1h" or "1h30m", at most ${MAX_WINDOW_MS / 3600_000}h` })
    .optional()
    .describe('How far before the incident start to look, e.g. "1h" (default "1h"). Give it only to analyse a different window than the stored analysis.'),
});

/** Most ranked services shown. */
const MAX_RANKED = 10;

const n2 = (x: number) => x.toFixed(2);

function rankedSummary(x: RankedService, r: AnalysisResult): string {
  const h = r.hypotheses.find((y) => y.service === x.service);
  if (h) return h.statement;
  const p = x.parts;
  const parts = [`own ${n2(p.own)}`, p.blame >= 0.05 ? `blame from callers ${n2(p.blame)}` : '', p.change >= 0.05 ? `change ${n2(p.change)}` : '', p.explainedBy && p.explainedByDependency >= 0.25 ? `explained by its dependency ${p.explainedBy}` : ''].filter(Boolean);
  return parts.join(', ');
}

/** The tool's view of an analysis. */
function view(a: IncidentAnalysis, fresh: boolean) {
  const r = a.result;
  const conf = confidences(r.ranking);
  const top = a.hypotheses[0] ?? null;
  return {
    analysisId: a.analysisId,
    verdict: r.verdict,
    window: { from: new Date(a.window.from).toISOString(), to: new Date(a.window.to).toISOString() },
    ranking: r.ranking.slice(0, MAX_RANKED).map((x, i) => ({ rank: i + 1, service: x.service, score: x.score, confidence: conf[i], summary: rankedSummary(x, r) })),
    // evidenceIds: the stored evidence behind it, so a model can cite them
    topHypothesis: top ? { id: top.id, statement: top.statement, confidence: top.confidence, evidenceIds: top.evidenceIds } : null,
    correlations: r.correlations.map((c) => ({ changeId: c.changeId, service: c.service, kind: c.kind, summary: `${c.kind} ${c.key} on ${c.service} ${changeTiming(c)} (likelihood ${n2(c.likelihood)})` })),
    notes: r.notes,
    storedAt: a.storedAt,
    fresh,
  };
}

export const analyzeIncidentTool: AgentTool<typeof schema> = {
  name: 'analyze_incident',
  description:
    'The root-cause analysis of an incident: verdict, services ranked by how likely each is the root cause (score, confidence, why), the top hypothesis, changes correlated with the start, notes. Returns the stored analysis when there is one (fresh: false); otherwise runs the analysis over the stored signals (needs the asker\'s "plan" scope) and stores its evidence and hypotheses, without changing the incident\'s status. Call it before explain_why_not and blast_radius when they say there is no analysis.',
  schema,
  async handler(ctx, { incidentId, window }) {
    const stored = await storedAnalysisFor(ctx, incidentId);
    if (isToolResult(stored)) return stored;
    // the stored analysis answers unless a different window is asked for
    const lookBack = window === undefined ? undefined : parseDuration(window)!;
    const sameWindow = (a: IncidentAnalysis) => lookBack === undefined || a.window.from === Date.parse(a.incident.startedAt) - lookBack;
    let a: IncidentAnalysis;
    let fresh = false;
    if (stored && sameWindow(stored)) a = stored;
    else {
      try {
        requireScope(ctx.session.principal, 'plan');
      } catch {
        return toolError(
          `${stored ? `The stored analysis of ${incidentId} covers another window` : `Incident ${incidentId} has not been analysed yet`}, and running an analysis needs the "plan" scope, which the asker lacks. ${stored ? 'Call analyze_incident without a window to read the stored one, or ask' : 'Ask'} someone with the "plan" scope to analyse it (the chat command "analyze").`,
        );
      }
      try {
        a = await analyzeIncident(ctx.session, incidentId, AnalyzeInput.parse(window === undefined ? {} : { window }));
        fresh = true;
      } catch (e) {
        if (isAppError(e) && (e.code === 'invalid_input' || e.code === 'payload_too_large')) return toolError(`${e.message} Valid windows: a duration such as "30m", "1h" or "1h30m".`);
        throw e;
      }
    }
    const topHyp = a.hypotheses[0];
    const cited = new Set(topHyp?.evidenceIds ?? []);
    const citations = [analysisCitation(a), ...a.hypotheses.map(hypothesisCitation), ...a.evidence.filter((e) => cited.has(e.id)).map(evidenceCitation)];
    return ok(view(a, fresh), citations);
  },
};
