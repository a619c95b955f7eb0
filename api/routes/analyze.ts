/**
 * POST /v1/incidents/{id}/analyze: root-cause analysis of an incident over a window of stored
 * signals (issue 5). Reads the window's metrics, logs and changes, the anomalies and the topology,
 * runs the pure `analyze()`, and stores its evidence and hypotheses under deterministic ids: the
 * same data gives the same rows and the same response, and a re-run adds nothing.
 *
 * Window: `{"window": "1h"}` analyses from the incident's start minus one hour up to the newest
 * signal stored at or before now (so a replayed incident ends where its data ends, and a live one
 * at its latest signal); `{"from", "to"}` sets both ends (`to` defaults the same way). The part of
 * the window before the incident's start is the baseline and the rest is the incident period; a
 * window that begins at or after the start gets a baseline of the same length just before it, and
 * an explicit `baseline` replaces both rules (the window is then compared with it as a whole). The
 * default end is looked for at most 24 h after the later of the window's start and the incident's.
 *
 * Cost: a cold analysis reads every metric point and log line of the ranges (a compact read in
 * slices of about ten minutes, see store/repo/analysis.ts) and clusters the log lines into
 * templates (rca/log-clusters.ts); a 1 h window of the 20-service sandbox (203 k points, 120 k
 * lines) takes about 1.3 s. A re-run of the same request on unchanged data reuses the analysis
 * kept in this process, validated by a watermark of the signals read (count and newest ingest
 * time), the anomalies and the topology version; the stored rows are written the same way.
 *
 * Transactions: the route is `transaction: 'manual'` (api/context.ts). It reads in one
 * transaction, analyses with none open (on PGlite a transaction holds the whole database, so
 * ingest goes on meanwhile), and writes evidence, hypotheses, the audit entry and the bus message
 * in one short transaction (the idempotent one with an Idempotency-Key); see `analyzeRoute`.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { AppError } from '../../core/errors.js';
import type { Evidence, Hypothesis } from '../../core/schemas.js';
import { Timestamp } from '../../core/schemas.js';
import { analyze } from '../../rca/analyze.js';
import { inputFromStored } from '../../rca/from-signals.js';
import type { AnalysisInput, AnalysisResult, EvidenceItem } from '../../rca/types.js';
import { type ApiDeps, route } from '../context.js';
import { EvidenceView, HypothesisView, evidenceView, hypothesisView } from '../views.js';

/** Longest `window` duration, and the furthest the end is looked for after the window's start. */
export const MAX_WINDOW_MS = 24 * 3600_000;
/** Longest time one analysis reads (the window plus the baseline). */
export const MAX_RANGE_MS = 31 * 86_400_000;
/** Most metric points and log lines one analysis reads (413 beyond: analyse a shorter window). */
export const MAX_METRIC_POINTS = 2_000_000;
export const MAX_LOG_LINES = 1_000_000;
/** Changes this long before the incident start are correlated (the analysis core's ±30 min). */
const CHANGE_LEAD_MS = 30 * 60_000;
const DEFAULT_WINDOW = '1h';

const DURATION = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/;

/** "1h", "90m", "1h30m", "45s", "1d" → milliseconds (null when unreadable or zero). */
export function parseDuration(text: string): number | null {
  const m = DURATION.exec(text.trim());
  if (!m || text.trim() === '') return null;
  const ms = (Number(m[1] ?? 0) * 24 * 3600 + Number(m[2] ?? 0) * 3600 + Number(m[3] ?? 0) * 60 + Number(m[4] ?? 0)) * 1000;
  return ms > 0 ? ms : null;
}

const ServiceName = z.string().min(1).max(200);

export const AnalyzeBody = z
  .object({
    window: z
      .string()
      .refine((v) => parseDuration(v) !== null, { message: 'a duration such as "30m", "1h" or "1h30m"' })
      .refine((v) => (parseDuration(v) ?? 0) <= MAX_WINDOW_MS, { message: `at most ${MAX_WINDOW_MS / 3600_000}h` })
      .optional()
      .describe('How far before the incident start to look (the baseline); the window ends at the newest stored signal. Default "1h" when neither window nor from is given'),
    from: Timestamp.optional().describe('Start of the window (instead of `window`)'),
    to: Timestamp.optional().describe('End of the window (default: the newest stored signal at or before now)'),
    baseline: z
      .object({ from: Timestamp, to: Timestamp })
      .strict()
      .optional()
      .describe('An explicit reference period (e.g. a known-normal hour); then the whole window is compared with it and its part before the incident start is the lead-in'),
    anomalies: z.boolean().default(true).describe("Use the streaming detectors' stored anomalies as evidence (false: the signals alone, as a recorded case is scored)"),
    candidates: z.array(ServiceName).max(1000).optional().describe('Only these services may be blamed (default: every service seen)'),
    entry_points: z.array(ServiceName).max(100).optional().describe('Customer-facing services (default: topology nodes with attributes.entry_point, else the graph roots)'),
  })
  .strict()
  .superRefine((b, ctx) => {
    if (b.window !== undefined && b.from !== undefined) ctx.addIssue({ code: 'custom', path: ['window'], message: 'give either window or from, not both' });
    if (b.from !== undefined && b.to !== undefined && Date.parse(b.to) <= Date.parse(b.from)) ctx.addIssue({ code: 'custom', path: ['to'], message: 'to must be after from' });
    if (b.baseline && Date.parse(b.baseline.to) <= Date.parse(b.baseline.from)) ctx.addIssue({ code: 'custom', path: ['baseline', 'to'], message: 'the baseline must end after it starts' });
  });
export type AnalyzeBody = z.output<typeof AnalyzeBody>;

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

// ---- helpers ------------------------------------------------------------------------------

/** Analyses kept per API instance for re-runs on unchanged data (each holds its result only). */
const CACHE_ENTRIES = 8;
interface CachedAnalysis {
  mark: string;
  result: AnalysisResult;
  counts: { metric_points: number; series: number; log_lines: number; changes: number; anomalies: number; topology: boolean };
}
let caches = new WeakMap<ApiDeps, Map<string, CachedAnalysis>>();
function cacheOf(deps: ApiDeps): Map<string, CachedAnalysis> {
  let c = caches.get(deps);
  if (!c) caches.set(deps, (c = new Map()));
  return c;
}
/** Forgets every cached analysis of this process (tests: to compare a fresh computation). */
export function clearAnalysisCaches(): void {
  caches = new WeakMap();
}

/** JSON with sorted keys: the same content always hashes the same. */
function canonical(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o)
    .filter((k) => o[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
    .join(',')}}`;
}

const hashId = (prefix: string, ...parts: string[]): string => prefix + createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 26);

/** Deterministic evidence id: the incident and the evidence content. */
export const analysisEvidenceId = (incidentId: string, e: Omit<EvidenceItem, 'id'>): string => hashId('ev_', incidentId, 'rca', e.kind, e.summary, e.ref ?? '', canonical(e.data));

const snake = (k: string) => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
/** camelCase keys → snake_case, recursively (only for analysis objects whose keys are all field names). */
function snakeKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(snakeKeys);
  if (v === null || typeof v !== 'object') return typeof v === 'number' && !Number.isFinite(v) ? null : v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) out[snake(k)] = snakeKeys(x);
  return out;
}

const iso = (ms: number) => new Date(ms).toISOString();

function resultViews(r: AnalysisResult) {
  return {
    ranking: snakeKeys(r.ranking),
    clusters: snakeKeys(r.logClusters),
    anomalies: snakeKeys(
      Object.keys(r.anomaliesBySeries)
        .sort()
        .map((k) => r.anomaliesBySeries[k]),
    ),
    correlations: snakeKeys(r.correlations),
    blast_radius: snakeKeys(r.blastRadius),
  };
}

// ---- the route ------------------------------------------------------------------------------

export interface AnalyzeRouteOptions {
  /**
   * The analysis (default: rca's `analyze()`). It runs with no transaction open, between the read
   * transaction and the write transaction; tests inject a slow or observing one.
   */
  analyze?: (input: AnalysisInput) => AnalysisResult | Promise<AnalysisResult>;
}

/** Retries of the write transaction after a unique violation (a concurrent run stored the same rows first). */
const WRITE_ATTEMPTS = 3;
const isUniqueViolation = (e: unknown): boolean => e instanceof AppError && e.code === 'conflict' && (e.cause as { code?: unknown } | undefined)?.code === '23505';

/**
 * The route. It runs with `transaction: 'manual'`, in three steps, so that no transaction is open
 * while the analysis computes (on PGlite a transaction holds the whole database, and ingest
 * would wait for it):
 *
 * 1. one read transaction: the incident (404), the window (422), anomalies, topology, the data
 *    watermark and, unless the cached analysis of the same request is still valid, the signals;
 * 2. no transaction: the input is built and analysed (or the cached result reused);
 * 3. one short write transaction (`commit`, the idempotent one with an Idempotency-Key): the
 *    incident is looked up again (gone: 404), evidence is inserted with `skipExisting` and the
 *    hypotheses that are not stored yet are added, all under content-derived ids, so rows a
 *    concurrent run or an earlier call stored are reused and a re-run stores nothing new; the
 *    audit entry and the `incident.updated` message go in the same transaction. A unique
 *    violation from a concurrent run of the same analysis (Postgres) retries this step alone.
 *
 * A write between steps 1 and 3 thus changes nothing in what this call stores or answers: the
 * answer is the analysis of the data read in step 1, and the rows are found or added by id.
 */
export function analyzeRoute(opts: AnalyzeRouteOptions = {}) {
  const runAnalysis = opts.analyze ?? analyze;
  return route({
    method: 'post',
    path: '/v1/incidents/:id/analyze',
    summary: 'Analyse an incident: rank root-cause services, store evidence and hypotheses',
    tag: 'incidents',
    scope: 'plan',
    body: AnalyzeBody,
    response: {
      status: 200,
      schema: AnalysisView,
      description:
        'The analysis. Evidence and hypotheses are stored with ids derived from the incident and their content, so the same data gives the same response and a re-run stores nothing new',
    },
    errors: [404, 413],
    transaction: 'manual',
    async handler({ org, params, body, deps, actor, commit }) {
      // 1. the reads, in one transaction
      const cache = cacheOf(deps);
      const read = await org.transaction(async (tx) => {
        const inc = await tx.getIncident(params.id);
        if (!inc) throw new AppError('not_found', `No incident ${params.id}.`);
        const startedAt = Date.parse(inc.startedAt);
        const now = deps.clock.now().getTime();

        // the window
        const from = body.from !== undefined ? Date.parse(body.from) : startedAt - parseDuration(body.window ?? DEFAULT_WINDOW)!;
        let to: number;
        if (body.to !== undefined) to = Date.parse(body.to);
        else {
          const until = Math.min(Math.max(now, from + 1), Math.max(from, startedAt) + MAX_WINDOW_MS);
          const last = await tx.lastSignalAt({ from: iso(from), to: iso(until) });
          to = last ? Date.parse(last) : until;
        }
        const bad = (path: string, message: string) => new AppError('invalid_input', message, { issues: [{ path, message }] });
        if (to <= from) throw bad(body.to !== undefined ? 'to' : 'window', `The window is empty: it ends (${iso(to)}) before it starts (${iso(from)}); no signals were found after its start.`);
        if (body.to !== undefined && to <= startedAt) throw bad('to', `The window ends (${iso(to)}) before the incident started (${inc.startedAt}).`);
        // a window that starts after the incident began gets a baseline of the same length just before it
        const lead = from >= startedAt && !body.baseline ? to - from : 0;
        const baseline = body.baseline ? { from: Date.parse(body.baseline.from), to: Date.parse(body.baseline.to) } : lead ? { from: from - lead, to: from } : undefined;
        const span = to - from + (baseline ? baseline.to - baseline.from : 0);
        if (span > MAX_RANGE_MS) throw bad(body.baseline ? 'baseline' : body.from !== undefined ? 'from' : 'window', `At most ${MAX_RANGE_MS / 86_400_000} days of signals per analysis (window and baseline); this one spans ${(span / 86_400_000).toFixed(1)}.`);

        // the data: the window (with the changes near the start) and, when apart from it, the baseline
        const changesFrom = Math.min(from, startedAt - CHANGE_LEAD_MS);
        const apart = baseline !== undefined && (baseline.to < from || baseline.from > to);
        const range = { from: apart ? from : Math.min(from, baseline?.from ?? from), to: apart ? to : Math.max(to, baseline?.to ?? to) };
        const anomalies = body.anomalies
          ? [
              ...(await tx.listAnomalies({ from: iso(range.from), to: iso(range.to + 1), limit: 100_000 })),
              ...(apart ? await tx.listAnomalies({ from: iso(baseline.from), to: iso(baseline.to + 1), limit: 100_000 }) : []),
            ]
          : [];
        const topology = await tx.getTopology();

        // A cached analysis of the same request is reused while the data under it is unchanged: the
        // signals of the ranges read (count and newest ingest time), the anomalies and the topology.
        const key = canonical({ org: tx.orgId, incident: inc.id, startedAt, service: inc.service, from, to, baseline: baseline ?? null, anomalies: body.anomalies, candidates: body.candidates ?? null, entry: body.entry_points ?? null });
        const mark = [
          await tx.signalWatermark({ from: iso(Math.min(changesFrom, range.from)), to: iso(range.to) }),
          apart ? await tx.signalWatermark({ from: iso(baseline.from), to: iso(baseline.to) }) : '',
          `${anomalies.length}:${anomalies.at(-1)?.id ?? ''}`,
          `${topology?.version ?? 0}`,
        ].join('|');
        const hit = cache.get(key);
        const common = { inc, startedAt, from, to, baseline, key, mark };
        if (hit && hit.mark === mark) return { ...common, hit };

        const reads = [await tx.readAnalysisSignals({ from: iso(range.from), to: iso(range.to), changesFrom: iso(Math.min(changesFrom, range.from)), maxMetricPoints: MAX_METRIC_POINTS, maxLogLines: MAX_LOG_LINES })];
        if (apart) reads.push(await tx.readAnalysisSignals({ from: iso(baseline.from), to: iso(baseline.to), changes: false, maxMetricPoints: MAX_METRIC_POINTS, maxLogLines: MAX_LOG_LINES }));
        if (reads.some((r) => r.truncated)) {
          throw new AppError('payload_too_large', `The window holds more than ${MAX_METRIC_POINTS.toLocaleString('en')} metric points or ${MAX_LOG_LINES.toLocaleString('en')} log lines; analyse a shorter window.`, {
            extra: { max_metric_points: MAX_METRIC_POINTS, max_log_lines: MAX_LOG_LINES },
          });
        }
        return { ...common, hit: undefined, reads, anomalies, topology };
      });
      const { inc, startedAt, from, to, baseline, key, mark } = read;

      // 2. the analysis, with no transaction open
      let hit: CachedAnalysis;
      if (read.hit !== undefined) hit = read.hit;
      else {
        const { reads, anomalies, topology } = read;
        const input = inputFromStored({
          incident: { id: inc.id, service: inc.service, startedAt, title: inc.title },
          window: { from, to },
          ...(baseline ? { baseline } : {}),
          series: reads.flatMap((r) => r.series),
          logs: reads.flatMap((r) => r.logs),
          signals: reads[0].changes,
          calls: reads[0].calls,
          anomalies,
          topology: topology ? { nodes: topology.nodes, edges: topology.edges } : null,
          candidates: body.candidates,
          entryPoints: body.entry_points,
        });
        hit = {
          mark,
          result: await runAnalysis(input),
          counts: {
            metric_points: reads.reduce((n, r) => n + r.metricPoints, 0),
            series: input.metrics.length,
            log_lines: reads.reduce((n, r) => n + r.logs.length, 0),
            changes: reads[0].changes.length,
            anomalies: anomalies.length,
            topology: input.topology !== null && input.topology !== undefined,
          },
        };
      }
      cache.delete(key);
      cache.set(key, hit);
      while (cache.size > CACHE_ENTRIES) cache.delete(cache.keys().next().value!);
      const { result, counts } = hit;

      // evidence rows and hypotheses, under ids derived from their content
      const idOf = new Map<string, string>();
      const rows: Omit<Evidence, 'orgId' | 'createdAt'>[] = [];
      for (const e of result.evidence) {
        const id = analysisEvidenceId(inc.id, e);
        idOf.set(e.id, id);
        if (!rows.some((r) => r.id === id)) rows.push({ id, incidentId: inc.id, kind: e.kind, summary: e.summary, ref: e.ref, data: e.data });
      }
      const hyps: Omit<Hypothesis, 'orgId' | 'createdAt'>[] = [];
      if (result.verdict === 'confident') {
        for (const h of result.hypotheses) {
          const evidenceIds = [...new Set(h.evidenceIds.map((x) => idOf.get(x)).filter((x): x is string => x !== undefined))];
          if (evidenceIds.length === 0) continue; // evidence or silence
          const content = { rank: h.rank, statement: h.statement, confidence: h.confidence, service: h.service, changeId: h.changeId, evidenceIds, counterEvidence: h.counterEvidence, whyNot: h.whyNot };
          hyps.push({ id: hashId('hy_', inc.id, 'rca', canonical(content)), incidentId: inc.id, ...content });
        }
      }
      const top = result.ranking[0] ?? null;

      // 3. the writes, in one short transaction
      const write = () =>
        commit(async ({ org: tx, emit }) => {
          if (!(await tx.getIncident(inc.id))) throw new AppError('not_found', `No incident ${inc.id}.`);
          const added = await tx.addEvidence(rows, { skipExisting: true });
          const known = new Map((await tx.listEvidence(inc.id)).map((e) => [e.id, e]));
          const knownH = new Map((await tx.listHypotheses(inc.id)).map((h) => [h.id, h]));
          const addedH = await tx.addHypotheses(hyps.filter((h) => !knownH.has(h.id)));
          for (const h of addedH) knownH.set(h.id, h);

          await tx.appendAudit({
            actor,
            action: 'incident.analyzed',
            target: `incident:${inc.id}`,
            payload: {
              window: { from: iso(from), to: iso(to) },
              verdict: result.verdict,
              top: top ? { service: top.service, score: top.score } : null,
              evidence: rows.length,
              new_evidence: added.length,
              hypotheses: hyps.map((h) => h.id),
              new_hypotheses: addedH.length,
            },
          });
          if (added.length || addedH.length) await emit('incident.updated', { incidentId: inc.id, change: 'analysis' });

          return {
            status: 200,
            body: {
              incident_id: inc.id,
              window: { from: iso(from), to: iso(to), started_at: inc.startedAt, baseline_from: result.window.baselineFrom === null ? null : iso(result.window.baselineFrom), baseline_to: iso(result.window.baselineTo) },
              signals: counts,
              verdict: result.verdict,
              ...resultViews(result),
              hypotheses: hyps.map((h) => hypothesisView(knownH.get(h.id)!)),
              evidence: rows.map((r) => evidenceView(known.get(r.id)!)),
              notes: result.notes,
            },
          };
        });
      for (let attempt = 1; ; attempt++) {
        try {
          return await write();
        } catch (e) {
          if (attempt >= WRITE_ATTEMPTS || !isUniqueViolation(e)) throw e;
        }
      }
    },
  });
}

export const analyzeIncidentRoute = analyzeRoute();
