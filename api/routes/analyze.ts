/**
 * POST /v1/incidents/{id}/analyze: root-cause analysis of an incident over a window of stored
 * signals. The rules (window, cache, stored rows, audit) live in usecases/analyze.ts; this file
 * is the route and the response's snake_case view.
 */
import { z } from 'zod';
import { snakeCaseKeys } from '../../rca/evidence-data.js';
import type { AnalysisResult } from '../../rca/types.js';
import { type AnalysisFn, AnalyzeInput, type IncidentAnalysis, analyzeIncident } from '../../usecases/analyze.js';
import { route } from '../context.js';
import { runUseCase } from '../session.js';
import { EvidenceView, HypothesisView, evidenceView, hypothesisView } from '../views.js';

// ---- response views -----------------------------------------------------------------------

const Num = z.number();
const RankedView = z.object({
  service: z.string(),
  score: Num,
  parts: z.object({
    own: Num,
    client: Num,
    blame: Num,
    starved_callees: Num,
    named_in_logs: Num,
    explained_by: z.string().nullable(),
    explained_by_dependency: Num,
    explained_via: z.enum(['dependency', 'outbound']).nullable(),
    explained: Num,
    logs: Num,
    change: Num,
    upstream: Num,
  }),
});
const ClusterView = z.object({
  service: z.string(),
  score: Num,
  novel_templates: Num,
  error_rate_before: Num,
  error_rate_during: Num,
  top: z.array(z.object({ template_id: z.string(), template: z.string(), exemplar: z.string().nullable(), before: Num, during: Num, novel: z.boolean(), level: z.string().nullable() })),
  references: z.array(z.object({ service: z.string(), strength: Num, template_id: z.string(), template: z.string() })),
});
const DeltaView = z
  .object({
    service: z.string(),
    metric: z.string(),
    instance: z.string().nullable(),
    kind: z.string(),
    side: z.string(),
    baseline_median: Num.nullable(),
    incident_median: Num.nullable(),
    z: Num,
    shift: Num,
    direction: z.string(),
    score: Num,
    onset: Num.nullable().describe('epoch ms'),
    status: z.string(),
  })
  .catchall(z.unknown());
const CorrelationView = z.object({
  change_id: z.string(),
  service: z.string(),
  kind: z.string(),
  key: z.string(),
  ts: Num.describe('epoch ms'),
  lead_minutes: Num,
  factors: z.object({ magnitude: Num, temporal: Num, centrality: Num, prior_failure_rate: Num }),
  likelihood: Num,
});
const BlastView = z.object({
  root: z.string().nullable(),
  impacted: z.array(z.object({ service: z.string(), depth: Num, path: z.array(z.string()), impact: Num, top_metric: z.string().nullable(), z: Num.nullable(), entry_point: z.boolean() })),
  entry_points: z.array(z.string()),
  slos: z.array(z.object({ name: z.string(), service: z.string(), metric: z.string(), baseline: Num.nullable(), during: Num.nullable(), z: Num, breached: z.boolean() })),
});

export const AnalysisView = z.object({
  analysis_id: z.string().describe('The stored analysis: derived from the incident and the result, so the same result has the same id (GET /v1/incidents/{id}/analysis reads the latest)'),
  incident_id: z.string(),
  window: z.object({
    from: z.string().describe('Start of the analysed range (ISO-8601)'),
    to: z.string(),
    started_at: z.string().describe('The incident start: the baseline is before it, the incident period from it on'),
    baseline_from: z.string().nullable(),
    baseline_to: z.string(),
  }),
  signals: z.object({ metric_points: Num, series: Num, log_lines: Num, changes: Num, anomalies: Num, topology: z.boolean() }).describe('What was read'),
  verdict: z.enum(['confident', 'no confident hypothesis']),
  ranking: z.array(RankedView).describe('Every candidate service, most likely root cause first'),
  hypotheses: z.array(HypothesisView).describe('Stored hypotheses of this analysis (none when the verdict is "no confident hypothesis"); evidence_ids are stored evidence ids'),
  evidence: z.array(EvidenceView).describe('Stored evidence rows of this analysis, in the order the analysis produced them'),
  clusters: z.array(ClusterView).describe('Log-template evidence per service'),
  anomalies: z.array(DeltaView).describe('Anomalous metric series (robust before/after deltas)'),
  correlations: z.array(CorrelationView).describe('Changes near the incident start with their change-impact likelihood'),
  blast_radius: BlastView,
  notes: z.array(z.string()),
});

// ---- views ----------------------------------------------------------------------------------

const iso = (ms: number) => new Date(ms).toISOString();

function resultViews(r: AnalysisResult) {
  return {
    ranking: snakeCaseKeys(r.ranking),
    clusters: snakeCaseKeys(r.logClusters),
    anomalies: snakeCaseKeys(
      Object.keys(r.anomaliesBySeries)
        .sort()
        .map((k) => r.anomaliesBySeries[k]),
    ),
    correlations: snakeCaseKeys(r.correlations),
    blast_radius: snakeCaseKeys(r.blastRadius),
  };
}

/** The API's view of an analysis. */
export function analysisView(a: IncidentAnalysis) {
  const { result } = a;
  return {
    analysis_id: a.analysisId,
    incident_id: a.incident.id,
    window: {
      from: iso(a.window.from),
      to: iso(a.window.to),
      started_at: a.incident.startedAt,
      baseline_from: result.window.baselineFrom === null ? null : iso(result.window.baselineFrom),
      baseline_to: iso(result.window.baselineTo),
    },
    signals: a.counts,
    verdict: result.verdict,
    ...resultViews(result),
    hypotheses: a.hypotheses.map(hypothesisView),
    evidence: a.evidence.map(evidenceView),
    notes: result.notes,
  };
}

// ---- the route ------------------------------------------------------------------------------

export interface AnalyzeRouteOptions {
  /** The analysis (default: rca's `analyze()`); tests inject a slow or observing one. */
  analyze?: AnalysisFn;
}

/**
 * The route runs with `transaction: 'manual'`: the use case reads in one transaction, analyses
 * with none open (on PGlite a transaction holds the whole database, so ingest goes on meanwhile)
 * and writes in one short transaction, the idempotent one with an Idempotency-Key.
 */
export function analyzeRoute(opts: AnalyzeRouteOptions = {}) {
  return route({
    method: 'post',
    path: '/v1/incidents/:id/analyze',
    summary: 'Analyse an incident: rank root-cause services, store evidence, hypotheses and the whole analysis',
    tag: 'incidents',
    scope: 'plan',
    body: AnalyzeInput,
    response: {
      status: 200,
      schema: AnalysisView,
      description:
        'The analysis. Evidence and hypotheses are stored with ids derived from the incident and their content, so the same data gives the same response and a re-run stores nothing new. Every body field is optional; no body at all is the same as {}',
    },
    errors: [404, 413],
    transaction: 'manual',
    handler: (ctx) => runUseCase(ctx, (s) => analyzeIncident(s, ctx.params.id, ctx.body, opts.analyze), (a) => ({ status: 200, body: analysisView(a) })),
  });
}

export const analyzeIncidentRoute = analyzeRoute();
