/**
 * The one pure entry point of the analysis core: plain data in, plain data out, the same result
 * for the same input. `POST /v1/incidents/{id}/analyze` calls it with the stored signals.
 */
import { correlateChanges, isChange } from './changes.js';
import { metricDeltas, seriesKey, type Periods } from './deltas.js';
import { draftHypotheses } from './hypotheses.js';
import { logEvidence, timedOutOnCalmCallee } from './logs.js';
import { rankServices } from './ranking.js';
import { serviceAnomalies } from './services.js';
import { toMs } from './stats.js';
import { blastRadius, buildGraph, dependentsCentrality, graphFromTopology, inferEdges, roots, type ServiceGraph } from './topology.js';
import type { AnalysisInput, AnalysisOptions, AnalysisResult, MetricDelta, SloInput } from './types.js';
import { DEFAULT_OPTIONS, RANKING_WEIGHTS } from './weights.js';

/** A service counts as anomalous (upstream share, counter-evidence, inference) from this score on. */
export const ANOMALOUS_FROM = 0.25;

/**
 * Analyse an incident: metric deltas, log evidence, topology and blast radius, change correlation,
 * the root-cause ranking and the hypotheses.
 *
 * @example
 * const r = analyze({ incident: { service: 'frontend', startedAt: '2026-01-01T12:00:00Z' },
 *   window: { from: '2026-01-01T12:00:00Z', to: '2026-01-01T12:30:00Z' }, metrics: series });
 * r.hypotheses[0]?.service; // the likely root cause, or no hypotheses with r.verdict "no confident hypothesis"
 */
export function analyze(input: AnalysisInput): AnalysisResult {
  const opt: AnalysisOptions = { ...DEFAULT_OPTIONS, ...(input.options ?? {}) };
  const notes: string[] = [];
  let from = toMs(input.window.from);
  let to = toMs(input.window.to);
  if (!Number.isFinite(from) || !Number.isFinite(to)) {
    notes.push('window has an unreadable bound; nothing analysed');
    from = to = 0;
  }
  if (to < from) {
    notes.push('window ends before it starts; nothing analysed');
    to = from;
  }
  const startedAt = Number.isFinite(toMs(input.incident.startedAt)) ? toMs(input.incident.startedAt) : from;
  const baselineTo = input.baseline ? toMs(input.baseline.to) : from;
  const baselineFrom = input.baseline ? toMs(input.baseline.from) : -Infinity;
  const periods: Periods = { from, to, startedAt, baselineFrom, baselineTo };

  const metrics = input.metrics ?? [];
  const deltas = to > from || metrics.some((s) => s.points.some((p) => toMs(p.ts) === from)) ? metricDeltas(metrics, periods, opt.zThreshold) : [];
  if (!deltas.some((d) => d.nIncident > 0)) notes.push('no metric points in the window');
  let earliest = baselineTo;
  for (const s of metrics)
    for (const p of s.points) {
      const t = toMs(p.ts);
      if (t < earliest) earliest = t;
    }
  const baselineSeconds = Math.max(1, (baselineTo - Math.max(baselineFrom, earliest)) / 1000);
  const windowSeconds = Math.max(1, (to - Math.max(from, startedAt)) / 1000);
  const changes = (input.changes ?? []).filter(isChange);

  // the universe of services
  const names = new Set<string>();
  for (const s of metrics) names.add(s.service);
  for (const l of input.logClusters ?? []) names.add(l.service);
  for (const a of input.anomalies ?? []) names.add(a.service);
  for (const n of input.topology?.nodes ?? []) names.add(n.id);
  for (const c of input.candidates ?? []) names.add(c);
  if (input.incident.service) names.add(input.incident.service);
  const all = [...names].sort();
  // a callee's own latency (server side) is calm when it is measured and none of it is anomalous
  const latencyOf = new Map<string, number>();
  for (const d of deltas)
    if (d.kind === 'latency' && (d.side === 'server' || d.side === 'self') && d.nIncident > 0)
      latencyOf.set(d.service, Math.max(latencyOf.get(d.service) ?? 0, d.direction === 'up' ? d.score : 0));
  const calmLatency = (s: string) => RANKING_WEIGHTS.calmCalleeTimeouts > 0 && latencyOf.has(s) && latencyOf.get(s)! < ANOMALOUS_FROM;
  const logs = logEvidence(input.logClusters ?? [], baselineSeconds, windowSeconds, all, timedOutOnCalmCallee(calmLatency));
  const svcList = serviceAnomalies(all, deltas, logs, input.anomalies ?? [], { from, to }, ANOMALOUS_FROM);
  const services = new Map(svcList.map((s) => [s.service, s]));

  let graph: ServiceGraph;
  if (input.topology && input.topology.edges.length > 0) graph = graphFromTopology(input.topology, all);
  else {
    graph = buildGraph(all, inferEdges(svcList, input.logClusters ?? [], ANOMALOUS_FROM), true);
    notes.push('no topology given: the service graph is inferred from co-anomaly timing and log references');
  }
  const centrality = dependentsCentrality(graph);
  const candidates = (input.candidates ?? all).filter((c) => names.has(c));

  // pass 1 without changes gives each service's root-cause magnitude for the change model
  const deltaIndex = new Map<string, MetricDelta>();
  for (const d of deltas) if (!deltaIndex.has(`${d.service}\u0000${d.metric}`)) deltaIndex.set(`${d.service}\u0000${d.metric}`, d);
  const base = rankServices({ graph, services, candidates, changeLikelihood: new Map(), anomalousFrom: ANOMALOUS_FROM, deltas: deltaIndex });
  const baseScore = new Map(base.map((r) => [r.service, r.score]));
  const correlations = correlateChanges(changes, {
    incidentStart: startedAt,
    windowMs: opt.changeWindowMs,
    magnitude: (s) => Math.min(1, baseScore.get(s) ?? 0),
    onset: (s) => services.get(s)?.onset ?? null,
    centrality,
    history: input.changeHistory,
  });
  const best = new Map<string, number>();
  for (const c of correlations) best.set(c.service, Math.max(best.get(c.service) ?? 0, c.likelihood));
  const ranking = correlations.length ? rankServices({ graph, services, candidates, changeLikelihood: best, anomalousFrom: ANOMALOUS_FROM, deltas: deltaIndex }) : base;

  const entryPoints = input.entryPoints ?? [...new Set([...roots(graph), ...(input.incident.service ? [input.incident.service] : [])])].sort();
  const slos = input.slos ?? derivedSlos(entryPoints, deltas);
  const root = ranking[0] && ranking[0].score > 0 ? ranking[0].service : null;
  const blast = blastRadius(graph, root, services, entryPoints, slos, deltas, opt.zThreshold);

  const drafted = draftHypotheses({
    ranking,
    services,
    deltas,
    correlations,
    graph,
    topN: opt.topN,
    abstainBelow: opt.abstainBelow,
    anomalousFrom: ANOMALOUS_FROM,
    zThreshold: opt.zThreshold,
  });
  if (drafted.verdict !== 'confident') notes.push('no confident hypothesis: the evidence is too weak or too evenly spread');

  const anomaliesBySeries: Record<string, MetricDelta> = {};
  for (const d of deltas) if (d.score > 0 && Math.abs(d.z) >= opt.zThreshold) anomaliesBySeries[seriesKey(d.service, d.metric, d.instance)] = d;

  return {
    window: { from, to, baselineFrom: Number.isFinite(baselineFrom) ? baselineFrom : null, baselineTo },
    metricDeltas: deltas,
    anomaliesBySeries,
    services: svcList,
    logClusters: logs,
    topology: { nodes: graph.nodes, edges: graph.edges, inferred: graph.inferred, centrality },
    correlations,
    blastRadius: blast,
    ranking,
    evidence: drafted.evidence,
    hypotheses: drafted.hypotheses,
    verdict: drafted.verdict,
    notes,
  };
}

/** Without declared SLOs, the entry points' latency, error and success series stand in as SLIs. */
function derivedSlos(entryPoints: readonly string[], deltas: readonly MetricDelta[]): SloInput[] {
  const out: SloInput[] = [];
  for (const e of entryPoints) {
    for (const d of deltas) {
      if (d.service !== e || d.instance !== null) continue;
      if (d.kind === 'latency' && d.side !== 'client') out.push({ name: `${e} ${d.metric}`, service: e, metric: d.metric, bad: 'up' });
      else if (d.kind === 'errors') out.push({ name: `${e} ${d.metric}`, service: e, metric: d.metric, bad: 'up' });
      else if (d.kind === 'success') out.push({ name: `${e} ${d.metric}`, service: e, metric: d.metric, bad: 'down' });
    }
  }
  return out.slice(0, 12);
}

