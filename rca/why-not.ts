/**
 * "Why (not) service X?" for any service an analysis saw, from its stored result alone: where X
 * ranked, why it is (or is not) the root cause, the evidence for it and the evidence against it.
 * The sentences are the ones the hypotheses use (rca/hypotheses.ts `whyNot`, `counter`), asked of
 * X whatever its rank — the hypotheses themselves only explain the few runners-up below them.
 */
import { ANOMALOUS_FROM } from './analyze.js';
import { changeTiming, confidences, counter, deltaSummary, whyNot } from './hypotheses.js';
import { buildGraph } from './topology.js';
import type { AnalysisResult, ChangeCorrelation, RankedService } from './types.js';
import { CONFIDENCE_WEIGHTS, DEFAULT_OPTIONS } from './weights.js';

export type ServiceVerdict = 'top' | 'runner_up' | 'ruled_out' | 'not_seen';

/** One piece of evidence for a service, named like the analysis's evidence items (`kind` + `ref`) so a caller can find the stored row. */
export interface SupportingItem {
  kind: 'metric_delta' | 'log_cluster' | 'change' | 'anomaly' | 'topology_path';
  ref: string;
  summary: string;
}

export interface ServiceExplanation {
  service: string;
  /** 1-based rank, null when the service was seen but not ranked (not a candidate). */
  rank: number | null;
  score: number | null;
  /** The confidence a hypothesis on it would carry (rca/hypotheses.ts `confidences`). */
  confidence: number | null;
  verdict: ServiceVerdict;
  reasons: string[];
  supporting: SupportingItem[];
  against: { summary: string }[];
  /** The top of the ranking (null when nothing scored). */
  top: { service: string; statement: string } | null;
}

/** Every service the analysis saw: ranked, with evidence, or in its service graph. */
export function servicesSeen(r: Pick<AnalysisResult, 'ranking' | 'services' | 'topology'>): string[] {
  return [...new Set([...r.ranking.map((x) => x.service), ...r.services.map((x) => x.service), ...r.topology.nodes])].sort();
}

const n2 = (x: number) => x.toFixed(2);

function supportingOf(r: AnalysisResult, service: string, callers: string[]): SupportingItem[] {
  const out: SupportingItem[] = [];
  const a = r.services.find((x) => x.service === service);
  for (const d of (a?.topDeltas ?? []).filter((x) => x.side !== 'client' && x.score > 0).slice(0, 3))
    out.push({ kind: 'metric_delta', ref: d.instance ? `${d.service}/${d.metric}/${d.instance}` : `${d.service}/${d.metric}`, summary: deltaSummary(d) });
  if (a && a.detectorAnomalies > 0) out.push({ kind: 'anomaly', ref: service, summary: `${a.detectorAnomalies} detector anomalies on ${service}` });
  for (const t of (a?.logs?.top ?? []).slice(0, 3))
    out.push({ kind: 'log_cluster', ref: t.templateId, summary: `${service} ${t.novel ? 'new ' : ''}${t.level ?? ''} template ${t.before} → ${t.during}: ${t.template.slice(0, 160)}` });
  for (const other of r.logClusters)
    for (const ref of other.references.filter((x) => x.service === service).slice(0, 2))
      out.push({ kind: 'log_cluster', ref: ref.templateId, summary: `${other.service} error logs name ${service}: ${ref.template.slice(0, 160)}` });
  for (const p of callers) {
    const cd = r.services.find((x) => x.service === p)?.topDeltas.find((d) => d.side === 'client' && d.score > 0);
    if (cd) out.push({ kind: 'topology_path', ref: `${p}->${service}`, summary: `${p} calls ${service}; ${deltaSummary(cd)}` });
  }
  for (const c of r.correlations.filter((x) => x.service === service).slice(0, 2))
    out.push({ kind: 'change', ref: c.changeId, summary: `${c.kind} ${c.key} on ${c.service} ${changeTiming(c)} (L=${n2(c.likelihood)})` });
  return out;
}

/** What weighed in its score, for a sentence: "own 0.82, blame 0.10, change 0.60". */
function partsPhrase(x: RankedService): string {
  const p = x.parts;
  const named: [string, number][] = [['own', p.own], ['blame from callers', p.blame], ['starved dependencies', p.starvedCallees], ['named in logs', p.namedInLogs], ['skipped steps', p.skippedSteps], ['slow calls', p.slowCalls], ['change', p.change]];
  const strong = named.filter(([, v]) => v >= 0.05).map(([k, v]) => `${k} ${n2(v)}`);
  return strong.length ? strong.join(', ') : 'no evidence of its own';
}

/** Explains one service of a stored analysis; null when the analysis never saw it (see `servicesSeen`). */
export function explainService(r: AnalysisResult, service: string): ServiceExplanation | null {
  if (!servicesSeen(r).includes(service)) return null;
  const graph = buildGraph(r.topology.nodes, r.topology.edges, r.topology.inferred);
  const services = new Map(r.services.map((s) => [s.service, s]));
  const ctx = { ranking: r.ranking, services, deltas: r.metricDeltas, correlations: r.correlations, graph, topN: DEFAULT_OPTIONS.topN, abstainBelow: DEFAULT_OPTIONS.abstainBelow, anomalousFrom: ANOMALOUS_FROM, zThreshold: DEFAULT_OPTIONS.zThreshold };
  const first = r.ranking[0] && r.ranking[0].score > 0 ? r.ranking[0] : null;
  const topHyp = r.hypotheses.find((h) => h.service === first?.service);
  const top = first ? { service: first.service, statement: topHyp?.statement ?? `${first.service} ranks first (score ${n2(first.score)}; ${partsPhrase(first)})` } : null;
  const at = r.ranking.findIndex((x) => x.service === service);
  const callers = graph.callers.get(service) ?? [];
  const supporting = supportingOf(r, service, callers);
  if (at < 0) {
    return {
      service, rank: null, score: null, confidence: null, verdict: 'not_seen', top, supporting, against: [],
      reasons: [`${service} was in the analysed data but not among the services it could blame (the candidates), so it was not ranked`],
    };
  }
  const me = r.ranking[at];
  const conf = confidences(r.ranking)[at] ?? 0;
  const best: ChangeCorrelation | null = r.correlations.find((c) => c.service === service && c.likelihood >= 0.5) ?? null;
  const against = counter(me, ctx, best).map((c) => ({ summary: c.summary }));
  const reasons: string[] = [];
  const ownHyp = r.hypotheses.find((h) => h.service === service);
  let verdict: ServiceVerdict;
  if (first && at === 0) {
    verdict = 'top';
    reasons.push(ownHyp ? ownHyp.statement : `ranked first of ${r.ranking.length} with score ${n2(me.score)} (${partsPhrase(me)})`);
    const second = r.ranking[1];
    if (second) reasons.push(`the runner-up ${second.service} scores ${n2(second.score)} against ${n2(me.score)}`);
    if (r.verdict !== 'confident') reasons.push(`but the analysis is not confident: the evidence is too weak or too evenly spread (confidence ${n2(conf)})`);
  } else {
    reasons.push(`ranked #${at + 1} of ${r.ranking.length} with score ${n2(me.score)} (${partsPhrase(me)})${first ? ` against ${n2(first.score)} for ${first.service}` : ''}`);
    if (first) reasons.push(whyNot(me, first, ctx));
    const close = !!first && me.score > 0 && first.score - me.score < CONFIDENCE_WEIGHTS.minLead * first.score;
    verdict = ownHyp || close ? 'runner_up' : 'ruled_out';
    if (ownHyp) reasons.push(`still a hypothesis: ${ownHyp.statement} (confidence ${n2(ownHyp.confidence)})`);
    if (!first) reasons.push('no service scored: the analysis found no anomaly to blame');
  }
  if (me.parts.explainedBy && me.parts.explainedByDependency >= ANOMALOUS_FROM && !against.some((x) => x.summary.includes(me.parts.explainedBy!)))
    against.push({ summary: `depends on ${me.parts.explainedBy}, which is anomalous too (own ${n2(me.parts.explainedByDependency)})` });
  return { service, rank: at + 1, score: me.score, confidence: conf, verdict, reasons, supporting, against, top };
}
