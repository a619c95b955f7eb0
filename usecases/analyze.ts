/**
 * Analyse an incident: rank root-cause services over a window of stored signals, store the
 * evidence and hypotheses under content-derived ids (the same data gives the same rows, and a
 * re-run adds nothing), audit it and announce it.
 *
 * Three steps, so that no transaction is open while the analysis computes (on PGlite a
 * transaction holds the whole database, and ingest would wait for it):
 * 1. one read transaction: the incident, the window (rca/window.ts), anomalies, topology, the data
 *    watermark and — unless the cached analysis of the same request is still valid — the signals;
 * 2. no transaction: the input is built and analysed (or the cached result reused);
 * 3. the session's commit: the incident is looked up again (gone: not found), evidence and
 *    hypotheses are added with `skipExisting` (rows a concurrent run or an earlier call stored are
 *    reused), the whole result is stored (`analyses`, id derived from the incident and the result:
 *    the same result is stored once), the audit entry and the `incident.updated` message go in the
 *    same transaction.
 * A write between steps 1 and 3 changes nothing in what this call stores or answers.
 *
 * Cost: a cold analysis reads every metric point and log line of the ranges and clusters the
 * lines into templates; a 1 h window of the 20-service sandbox (203 k points, 120 k lines) takes
 * about 1.3 s. The cache (UseCaseDeps.analysisCache) is validated by a watermark of the signals
 * read (count and newest ingest time), the anomalies and the topology version.
 */
import { z } from 'zod';
import { AppError } from '../core/errors.js';
import { canonicalJson, contentId } from '../core/hash.js';
import { parseDuration } from '../core/duration.js';
import { Timestamp, type Evidence, type Hypothesis, type Incident } from '../core/schemas.js';
import { analyze } from '../rca/analyze.js';
import { evidenceData } from '../rca/evidence-data.js';
import { inputFromStored } from '../rca/from-signals.js';
import type { AnalysisInput, AnalysisResult, EvidenceItem } from '../rca/types.js';
import { MAX_WINDOW_MS, analysisWindow, windowStart } from '../rca/window.js';
import type { AnalysisCounts, CachedAnalysis } from './analysis-cache.js';
import { actorOf, requireScope } from './principal.js';
import type { Session } from './session.js';

/** Most metric points and log lines one analysis reads (payload_too_large beyond: analyse a shorter window). */
export const MAX_METRIC_POINTS = 2_000_000;
export const MAX_LOG_LINES = 1_000_000;

const ServiceName = z.string().min(1).max(200);

/** What may be asked of an analysis; every field is optional. */
export const AnalyzeInput = z
  .object({
    window: z
      .string()
      .refine((v) => (parseDuration(v) ?? 0) > 0, { message: 'a duration such as "30m", "1h" or "1h30m"' })
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
export type AnalyzeInput = z.output<typeof AnalyzeInput>;

/** The analysis function (default: rca's `analyze()`); tests inject a slow or observing one. */
export type AnalysisFn = (input: AnalysisInput) => AnalysisResult | Promise<AnalysisResult>;

/** What an analysis answers: the result and the rows it stored (or found stored). */
export interface IncidentAnalysis {
  incident: Incident;
  window: { from: number; to: number };
  counts: AnalysisCounts;
  result: AnalysisResult;
  /** Stored hypotheses of this analysis (none without a confident verdict). */
  hypotheses: Hypothesis[];
  /** Stored evidence rows of this analysis, in the order the analysis produced them. */
  evidence: Evidence[];
  /** The stored analysis (its id is derived from the incident and the result). */
  analysisId: string;
  /** When it was stored, or last computed again with the same result. */
  storedAt: string;
}

/** Deterministic analysis id: the incident and the canonical result (the window is part of it). */
export const analysisId = (incidentId: string, result: AnalysisResult): string => contentId('an_', incidentId, canonicalJson(result));

/** Deterministic evidence id: the incident and the evidence content. */
export const analysisEvidenceId = (incidentId: string, e: Omit<EvidenceItem, 'id'>): string => contentId('ev_', incidentId, 'rca', e.kind, e.summary, e.ref ?? '', canonicalJson(e.data));

/** The stored row of one evidence item: its content-derived id, its data with snake_case keys like the rest of the API. */
export const analysisEvidenceRow = (incidentId: string, e: Omit<EvidenceItem, 'id'>): Omit<Evidence, 'orgId' | 'createdAt'> => ({
  id: analysisEvidenceId(incidentId, e),
  incidentId,
  kind: e.kind,
  summary: e.summary,
  ref: e.ref,
  data: evidenceData(e.data),
});

const iso = (ms: number) => new Date(ms).toISOString();

/** Runs the analysis of one incident (scope `plan`). */
export async function analyzeIncident(s: Session, incidentId: string, input: AnalyzeInput, runAnalysis: AnalysisFn = analyze): Promise<IncidentAnalysis> {
  requireScope(s.principal, 'plan');
  const cache = s.deps.analysisCache;
  const req = {
    ...(input.window !== undefined ? { lookBackMs: parseDuration(input.window)! } : {}),
    ...(input.from !== undefined ? { from: Date.parse(input.from) } : {}),
    ...(input.to !== undefined ? { to: Date.parse(input.to) } : {}),
    ...(input.baseline ? { baseline: { from: Date.parse(input.baseline.from), to: Date.parse(input.baseline.to) } } : {}),
  };

  // 1. the reads, in one transaction
  const read = await s.org.transaction(async (tx) => {
    const inc = await tx.getIncident(incidentId);
    if (!inc) throw new AppError('not_found', `No incident ${incidentId}.`);
    const startedAt = Date.parse(inc.startedAt);
    const { from, searchUntil } = windowStart(req, startedAt, s.deps.clock.now().getTime());
    let to = req.to ?? 0;
    if (searchUntil !== null) {
      const last = await tx.lastSignalAt({ from: iso(from), to: iso(searchUntil) });
      to = last ? Date.parse(last) : searchUntil;
    }
    const w = analysisWindow(req, startedAt, from, to);
    if ('problem' in w) throw new AppError('invalid_input', w.problem.message, { issues: [w.problem] });
    const { range, baseline, apart } = w;

    const anomalies = input.anomalies
      ? [
          ...(await tx.listAnomalies({ from: iso(range.from), to: iso(range.to + 1), limit: 100_000 })),
          ...(apart && baseline ? await tx.listAnomalies({ from: iso(baseline.from), to: iso(baseline.to + 1), limit: 100_000 }) : []),
        ]
      : [];
    const topology = await tx.getTopology();

    // A cached analysis of the same request is reused while the data under it is unchanged: the
    // signals of the ranges read (count and newest ingest time), the anomalies and the topology.
    const key = canonicalJson({ org: tx.orgId, incident: inc.id, startedAt, service: inc.service, from, to, baseline: baseline ?? null, anomalies: input.anomalies, candidates: input.candidates ?? null, entry: input.entry_points ?? null });
    const mark = [
      await tx.signalWatermark({ from: iso(w.changesFrom), to: iso(range.to) }),
      apart && baseline ? await tx.signalWatermark({ from: iso(baseline.from), to: iso(baseline.to) }) : '',
      `${anomalies.length}:${anomalies.at(-1)?.id ?? ''}`,
      `${topology?.version ?? 0}`,
    ].join('|');
    const hit = cache.get(key);
    const common = { inc, startedAt, w, key, mark };
    if (hit && hit.mark === mark) return { ...common, hit };

    const reads = [await tx.readAnalysisSignals({ from: iso(range.from), to: iso(range.to), changesFrom: iso(w.changesFrom), maxMetricPoints: MAX_METRIC_POINTS, maxLogLines: MAX_LOG_LINES })];
    if (apart && baseline) reads.push(await tx.readAnalysisSignals({ from: iso(baseline.from), to: iso(baseline.to), changes: false, maxMetricPoints: MAX_METRIC_POINTS, maxLogLines: MAX_LOG_LINES }));
    if (reads.some((r) => r.truncated)) {
      throw new AppError('payload_too_large', `The window holds more than ${MAX_METRIC_POINTS.toLocaleString('en')} metric points or ${MAX_LOG_LINES.toLocaleString('en')} log lines; analyse a shorter window.`, {
        extra: { max_metric_points: MAX_METRIC_POINTS, max_log_lines: MAX_LOG_LINES },
      });
    }
    return { ...common, hit: undefined, reads, anomalies, topology };
  });
  const { inc, startedAt, w, key, mark } = read;

  // 2. the analysis, with no transaction open
  let hit: CachedAnalysis;
  if (read.hit !== undefined) hit = read.hit;
  else {
    const { reads, anomalies, topology } = read;
    const analysisInput = inputFromStored({
      incident: { id: inc.id, service: inc.service, startedAt, title: inc.title },
      window: { from: w.from, to: w.to },
      ...(w.baseline ? { baseline: w.baseline } : {}),
      series: reads.flatMap((r) => r.series),
      logs: reads.flatMap((r) => r.logs),
      signals: reads[0].changes,
      calls: reads[0].calls,
      anomalies,
      topology: topology ? { nodes: topology.nodes, edges: topology.edges } : null,
      candidates: input.candidates,
      entryPoints: input.entry_points,
    });
    hit = {
      mark,
      result: await runAnalysis(analysisInput),
      counts: {
        metric_points: reads.reduce((n, r) => n + r.metricPoints, 0),
        series: analysisInput.metrics.length,
        log_lines: reads.reduce((n, r) => n + r.logs.length, 0),
        changes: reads[0].changes.length,
        anomalies: anomalies.length,
        topology: analysisInput.topology !== null && analysisInput.topology !== undefined,
      },
    };
  }
  cache.set(key, hit);
  const { result, counts } = hit;
  const { rows, hyps } = storedRows(inc.id, result);
  const top = result.ranking[0] ?? null;

  // 3. the writes, in one short transaction
  return s.commit(async ({ org: tx, emit }) => {
    const current = await tx.getIncident(inc.id);
    if (!current) throw new AppError('not_found', `No incident ${inc.id}.`);
    const title = titleAfterAnalysis(current, result);
    if (title !== current.title) {
      await tx.reviseIncident(inc.id, { title });
      await tx.appendAudit({ actor: actorOf(s.principal), action: 'incident.revised', target: `incident:${inc.id}`, payload: { from: { title: current.title }, to: { title }, why: `analysis: ${result.verdict}, top ${top?.service ?? 'none'}` } });
    }
    const added = await tx.addEvidence(rows, { skipExisting: true });
    const addedH = await tx.addHypotheses(hyps, { skipExisting: true });
    const { analysis: stored } = await tx.saveAnalysis({
      id: analysisId(inc.id, result),
      incidentId: inc.id,
      createdAt: s.deps.clock.now().toISOString(),
      window: { from: iso(w.from), to: iso(w.to) },
      verdict: result.verdict,
      result: result as unknown as Record<string, unknown>,
      counts: { ...counts },
    });
    const known = new Map((await tx.listEvidence(inc.id)).map((e) => [e.id, e]));
    const knownH = new Map((await tx.listHypotheses(inc.id)).map((h) => [h.id, h]));
    await tx.appendAudit({
      actor: actorOf(s.principal),
      action: 'incident.analyzed',
      target: `incident:${inc.id}`,
      payload: {
        window: { from: iso(w.from), to: iso(w.to) },
        analysis: stored.id,
        verdict: result.verdict,
        top: top ? { service: top.service, score: top.score } : null,
        evidence: rows.length,
        new_evidence: added.length,
        hypotheses: hyps.map((h) => h.id),
        new_hypotheses: addedH.length,
      },
    });
    if (added.length || addedH.length || title !== current.title) await emit('incident.updated', { incidentId: inc.id, change: 'analysis' });
    return {
      incident: inc,
      window: { from: w.from, to: w.to },
      counts,
      result,
      hypotheses: hyps.map((h) => knownH.get(h.id)!),
      evidence: rows.map((r) => known.get(r.id)!),
      analysisId: stored.id,
      storedAt: stored.createdAt,
    };
  });
}

/** How a detector-opened incident's title names the root cause analysis found on another service. */
export const CAUSE_SUFFIX = ' — likely cause: ';

/**
 * The title an incident carries after an analysis. A detector-opened incident is titled by its
 * strongest finding (where it was seen); when the analysis confidently blames another service, the
 * title says so, and a later analysis that blames none (or the same service) takes it back. A
 * title a person wrote is theirs.
 */
export function titleAfterAnalysis(inc: Pick<Incident, 'title' | 'service' | 'openedBy'>, result: Pick<AnalysisResult, 'verdict' | 'ranking'>): string {
  if (inc.openedBy !== 'detector') return inc.title;
  const i = inc.title.indexOf(CAUSE_SUFFIX);
  const base = i < 0 ? inc.title : inc.title.slice(0, i);
  const top = result.verdict === 'confident' ? result.ranking[0]?.service : undefined;
  return top !== undefined && top !== inc.service ? `${base}${CAUSE_SUFFIX}${top}` : base;
}

/** The evidence rows and hypotheses an analysis stores, under ids derived from their content. */
export function storedRows(incidentId: string, result: AnalysisResult) {
  const idOf = new Map<string, string>();
  const rows: Omit<Evidence, 'orgId' | 'createdAt'>[] = [];
  for (const e of result.evidence) {
    const row = analysisEvidenceRow(incidentId, e);
    idOf.set(e.id, row.id);
    if (!rows.some((r) => r.id === row.id)) rows.push(row);
  }
  const hyps: Omit<Hypothesis, 'orgId' | 'createdAt'>[] = [];
  if (result.verdict === 'confident') {
    for (const h of result.hypotheses) {
      const evidenceIds = [...new Set(h.evidenceIds.map((x) => idOf.get(x)).filter((x): x is string => x !== undefined))];
      if (evidenceIds.length === 0) continue; // evidence or silence
      const content = { rank: h.rank, statement: h.statement, confidence: h.confidence, service: h.service, changeId: h.changeId, evidenceIds, counterEvidence: h.counterEvidence, whyNot: h.whyNot };
      hyps.push({ id: contentId('hy_', incidentId, 'rca', canonicalJson(content)), incidentId, ...content });
    }
  }
  return { rows, hyps };
}
