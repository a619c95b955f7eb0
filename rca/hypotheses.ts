/**
 * Hypotheses from the ranking: a statement, a computed confidence, the evidence that supports it,
 * the evidence against it, and a "why not X?" for each runner-up. A hypothesis without at least one
 * evidence item is never drafted, and when the best one is weak the verdict is
 * "no confident hypothesis".
 *
 * confidence_i = (1 − e^(−score_i/τ)) · (½ + ½ · score_i / Σ_{top 3} score_j)
 * — absolute strength of the evidence times how clearly it stands out from the alternatives. The
 * verdict is "confident" only when the best hypothesis reaches `abstainBelow` and leads the
 * runner-up by `minLead` of its score (two equally good suspects are not an answer).
 */
import { walk, type ServiceGraph } from './topology.js';
import { classifyMetric } from './metric-kind.js';
import { round, saturate } from './stats.js';
import type { ChangeCorrelation, DraftHypothesis, EvidenceItem, MetricDelta, RankedService, ServiceAnomaly } from './types.js';
import { CONFIDENCE_WEIGHTS, DELTA_WEIGHTS } from './weights.js';
import { fromTo, instant, num, relative, withUnit } from './wording.js';

export interface HypothesisContext {
  ranking: readonly RankedService[];
  services: ReadonlyMap<string, ServiceAnomaly>;
  deltas: readonly MetricDelta[];
  correlations: readonly ChangeCorrelation[];
  graph: ServiceGraph;
  topN: number;
  abstainBelow: number;
  anomalousFrom: number;
  zThreshold: number;
}

/** Collects evidence items with stable, content-ordered ids (e1, e2, …), each stored once. */
class EvidenceBook {
  readonly items: EvidenceItem[] = [];
  private byKey = new Map<string, string>();
  add(key: string, item: Omit<EvidenceItem, 'id'>): string {
    const have = this.byKey.get(key);
    if (have) return have;
    const id = `e${this.items.length + 1}`;
    this.items.push({ id, ...item });
    this.byKey.set(key, id);
    return id;
  }
}

const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());

/** "12.3σ", or "≥40σ" when the shift hit the cap. */
export function sigmas(z: number): string {
  const a = Math.abs(z);
  return a >= DELTA_WEIGHTS.zCap ? `≥${DELTA_WEIGHTS.zCap}σ` : `${a.toFixed(1)}σ`;
}

/**
 * True when the median moved the way the delta's score says, by half its shift at least: then
 * "up 12σ: 120 ms → 480 ms" is true as written. The score measures the level a third of the
 * incident points held against the baseline at the same rank, so the median may stay put — or
 * fall while the upper third rose — and a sentence must not say "up" beside a falling median.
 */
function medianAgrees(d: MetricDelta): boolean {
  if (d.direction === 'flat' || d.baselineMedian === null || d.incidentMedian === null) return false;
  const move = d.incidentMedian - d.baselineMedian;
  return (d.direction === 'up' ? move > 0 : move < 0) && Math.abs(move) >= Math.abs(d.shift) / 2;
}

/** A shift in the metric's unit; a ratio's in percentage points ("3.2 points"), not a percentage of itself. */
function shiftWithUnit(d: MetricDelta): string {
  const a = Math.abs(d.shift);
  const asRatio = withUnit(d.metric, a) !== withUnit(d.metric, a, false);
  return asRatio ? `${num(a * 100)} points` : withUnit(d.metric, a);
}

/** What a delta did, short, for a sentence: "latency_p95_ms on search-0 up 12.0σ", or "… above its usual level in a third of the points (12.0σ)". */
export function deltaPhrase(d: MetricDelta): string {
  const what = `${d.metric}${d.instance ? ` on ${d.instance}` : ''}`;
  if (d.direction === 'flat') return `${what} unchanged`;
  if (medianAgrees(d)) return `${what} ${d.direction} ${sigmas(d.z)}`;
  return `${what} ${d.direction === 'up' ? 'above' : 'below'} its usual level in a third of the points (${sigmas(d.z)})`;
}

/** One metric delta as evidence text, with the medians it cites in the metric's unit. */
export function deltaSummary(d: MetricDelta): string {
  const who = `${d.service}${d.instance ? ` (${d.instance})` : ''}`;
  const medians = fromTo(d.metric, d.baselineMedian, d.incidentMedian);
  if (d.direction === 'flat') return `${who} ${d.metric} unchanged: median ${medians}`;
  if (medianAgrees(d)) return `${who} ${d.metric} ${d.direction} ${sigmas(d.z)}: median ${medians}`;
  return `${who} ${d.metric}: a third of the points ${shiftWithUnit(d)} ${d.direction === 'up' ? 'above' : 'below'} their usual level (${sigmas(d.z)}); median ${medians}`;
}

/** A change relative to the moment its lead was measured from: "12 s before the onset", "3 min after the incident start". */
export function changeTiming(c: Pick<ChangeCorrelation, 'leadMinutes' | 'leadFrom'>): string {
  return relative(c.leadMinutes * 60_000, c.leadFrom === 'incident_start' ? 'the incident start' : 'the onset');
}

function addDelta(book: EvidenceBook, d: MetricDelta): string {
  return book.add(`delta:${d.service}/${d.metric}/${d.instance ?? ''}`, {
    kind: 'metric_delta',
    summary: deltaSummary(d),
    ref: d.instance ? `${d.service}/${d.metric}/${d.instance}` : `${d.service}/${d.metric}`,
    data: { ...d, onset: iso(d.onset) },
  });
}

/** Confidence of each ranked service (see the module comment). */
export function confidences(ranking: readonly RankedService[]): number[] {
  const top = ranking.slice(0, 3).reduce((s, r) => s + Math.max(r.score, 0), 0);
  return ranking.map((r) => {
    const s = Math.max(r.score, 0);
    if (s === 0 || top === 0) return 0;
    const share = s / top;
    return round(saturate(s, CONFIDENCE_WEIGHTS.scoreTau) * (1 - CONFIDENCE_WEIGHTS.margin + CONFIDENCE_WEIGHTS.margin * share), 4);
  });
}

/** Why `r` is not the root cause when `than` ranks above it (rca/why-not.ts asks it of any ranked service). */
export function whyNot(r: RankedService, than: RankedService, ctx: Pick<HypothesisContext, 'services' | 'anomalousFrom'>): string {
  const p = r.parts;
  if (p.explainedBy && p.explainedByDependency >= ctx.anomalousFrom) {
    const o = ctx.services.get(p.explainedBy)?.onset ?? null;
    const so = ctx.services.get(r.service)?.onset ?? null;
    const timing = o !== null && so !== null ? (o < so ? ', which went wrong first' : ', at the same time') : '';
    return `its anomaly is explained by its dependency ${p.explainedBy} (own ${p.explainedByDependency.toFixed(2)})${timing}`;
  }
  if (p.explainedVia === 'load' && p.loadFrom && p.explained >= ctx.anomalousFrom)
    return `its load rose with the extra requests ${p.loadFrom} received and passed on: its anomaly is that load`;
  if (p.explainedVia === 'outbound' && p.explained >= ctx.anomalousFrom)
    return `its slowdown is accounted for by its own outbound calls slowing down as much (the cause lies in a dependency or the network to it)`;
  if (p.own + p.blame < 0.05) return `it shows no anomaly of its own and its callers' outbound calls look normal`;
  if (p.own < than.parts.own * 0.6 && p.blame <= than.parts.blame)
    return `its own signals are weaker (${p.own.toFixed(2)} vs ${than.parts.own.toFixed(2)} for ${than.service})`;
  if (than.parts.change > p.change + 0.2) return `${than.service} had a change that better explains the timing`;
  return `the evidence is close (score ${r.score.toFixed(2)} vs ${than.score.toFixed(2)}); not ruled out`;
}

export function draftHypotheses(ctx: HypothesisContext): { evidence: EvidenceItem[]; hypotheses: DraftHypothesis[]; verdict: 'confident' | 'no confident hypothesis' } {
  const book = new EvidenceBook();
  const conf = confidences(ctx.ranking);
  const hyps: DraftHypothesis[] = [];
  const shortlist = ctx.ranking.slice(0, ctx.topN);
  const anomalous = (s: string) => {
    const a = ctx.services.get(s);
    return !!a && Math.max(a.own, a.client) >= ctx.anomalousFrom;
  };
  shortlist.forEach((r, i) => {
    if (conf[i] < (i === 0 ? ctx.abstainBelow : ctx.abstainBelow / 2)) return;
    const a = ctx.services.get(r.service);
    const ids: string[] = [];
    // own metric deltas: the strongest of each metric family, three families at most
    const fams = new Set<string>();
    for (const d of (a?.topDeltas ?? []).filter((d) => d.side !== 'client' && d.score > 0)) {
      const f = classifyMetric(d.metric).family;
      if (fams.has(f) || fams.size >= 3) continue;
      fams.add(f);
      ids.push(addDelta(book, d));
    }
    // detector anomalies are summarised per service
    if (a && a.detectorAnomalies > 0)
      ids.push(book.add(`anom:${r.service}`, { kind: 'anomaly', summary: `${a.detectorAnomalies} detector anomalies on ${r.service}`, ref: r.service, data: { service: r.service, count: a.detectorAnomalies } }));
    // log templates
    for (const t of a?.logs?.top ?? [])
      ids.push(
        book.add(`log:${r.service}/${t.templateId}`, {
          kind: 'log_cluster',
          summary: t.derived
            ? `${t.template.slice(0, 160)}: ${t.before} of ${t.exposure?.before ?? '?'} ${t.derived === 'slow-call' ? 'calls' : 'requests'} before → ${t.during} of ${t.exposure?.during ?? '?'} during`
            : `${r.service} ${t.novel ? 'new ' : ''}${t.level ?? ''} template ${t.before} → ${t.during} lines: ${t.template.slice(0, 160)}`,
          ref: t.templateId,
          data: { service: r.service, ...t },
        }),
      );
    // error logs elsewhere that name this service
    for (const other of ctx.services.values())
      for (const ref of (other.logs?.references ?? []).filter((x) => x.service === r.service && (ctx.graph.inferred || walk(ctx.graph, other.service, 'callees', 2).has(r.service))).slice(0, 2))
        ids.push(
          book.add(`logref:${other.service}/${ref.templateId}`, {
            kind: 'log_cluster',
            summary: `${other.service} error logs name ${r.service}: ${ref.template.slice(0, 160)}`,
            ref: ref.templateId,
            data: { service: other.service, names: r.service, templateId: ref.templateId, template: ref.template, strength: ref.strength },
          }),
        );
    // callers whose outbound calls degraded point at this service
    const callers = ctx.graph.callers.get(r.service) ?? [];
    for (const p of callers) {
      const pa = ctx.services.get(p);
      const cd = pa?.topDeltas.find((d) => d.side === 'client' && d.score > 0);
      if (!pa || pa.client < ctx.anomalousFrom || !cd) continue;
      ids.push(addDelta(book, cd));
      ids.push(
        book.add(`path:${p}->${r.service}`, {
          kind: 'topology_path',
          summary: `${p} calls ${r.service}; ${p}'s outbound calls degraded (${deltaPhrase(cd)})`,
          ref: `${p}->${r.service}`,
          data: { path: [p, r.service], callerClientScore: pa.client },
        }),
      );
    }
    // anomalous callers: the failure propagated upward
    const upstream = callers.filter((p) => anomalous(p));
    if (upstream.length && (a?.own ?? 0) >= ctx.anomalousFrom)
      ids.push(
        book.add(`up:${r.service}`, {
          kind: 'topology_path',
          summary: `${upstream.length} of ${callers.length} callers of ${r.service} are anomalous: ${upstream.slice(0, 5).join(', ')}`,
          ref: r.service,
          data: { service: r.service, anomalousCallers: upstream, callers },
        }),
      );
    // changes on this service
    const changes = ctx.correlations.filter((c) => c.service === r.service);
    const best = changes[0] && changes[0].likelihood >= 0.5 ? changes[0] : null;
    for (const c of changes.slice(0, 2))
      ids.push(
        book.add(`chg:${c.changeId}`, {
          kind: 'change',
          summary: `${c.kind} ${c.key} on ${c.service} ${changeTiming(c)} (L=${c.likelihood.toFixed(2)})`,
          ref: c.changeId,
          data: { ...c, ts: iso(c.ts) },
        }),
      );
    const evidenceIds = [...new Set(ids)];
    if (evidenceIds.length === 0) return; // evidence or silence
    hyps.push({
      rank: 0,
      statement: statement(r, a, best, ctx),
      confidence: conf[i],
      service: r.service,
      changeId: best ? best.changeId : null,
      evidenceIds,
      counterEvidence: counter(r, ctx, best),
      whyNot: [],
    });
  });
  hyps.forEach((h, i) => (h.rank = i + 1));
  // why not each runner-up (up to five below the hypothesis in the ranking)
  for (const h of hyps) {
    const at = ctx.ranking.findIndex((r) => r.service === h.service);
    h.whyNot = ctx.ranking
      .slice(at + 1, at + 6)
      .filter((r) => r.score > 0)
      .map((r) => {
        const c = ctx.correlations.find((x) => x.service === r.service);
        return { service: r.service, changeId: c && c.likelihood >= 0.5 ? c.changeId : null, reason: whyNot(r, ctx.ranking[at], ctx) };
      });
  }
  // a tie is not a verdict: the top must stand out from the runner-up
  const [first, second] = ctx.ranking;
  const clear = !!first && (!second || first.score - second.score >= CONFIDENCE_WEIGHTS.minLead * first.score);
  const verdict = clear && hyps.length > 0 && hyps[0].service === first.service ? 'confident' : 'no confident hypothesis';
  return { evidence: book.items, hypotheses: verdict === 'confident' ? hyps : [], verdict };
}

function statement(r: RankedService, a: ServiceAnomaly | undefined, change: ChangeCorrelation | null, ctx: HypothesisContext): string {
  const d = a?.topDeltas.find((x) => x.side !== 'client');
  const what = d ? deltaPhrase(d) : a?.logs?.top[0] ? 'more error logs' : null;
  // the onset of what the sentence names (its series), not of the service's first anomaly of any kind
  const t = d ? (d.onset ?? null) : (a?.onset ?? null);
  const since = t !== null ? ` from ${instant(t)}` : '';
  if (change) {
    return `${change.kind} ${change.key} on ${r.service} (${changeTiming(change)}) likely caused the incident${what ? `: ${what}${since}` : ''}`;
  }
  // what the requests show outweighs the service's own signals
  if (r.parts.skippedSteps >= Math.max(r.parts.own, r.parts.slowCalls, ctx.anomalousFrom)) {
    const missed = a?.logs?.top.find((t) => t.derived === 'skipped-step' || t.derived === 'stopped-step');
    return missed?.derived === 'stopped-step'
      ? `${r.service} is the likely root cause: requests stopped part-way through its own steps and went no further (it gave up mid-request: an exception, a crash)`
      : `${r.service} is the likely root cause: requests skipped its step while their later steps ran (calls into it failed before it logged anything)`;
  }
  if (r.parts.slowCalls >= Math.max(r.parts.own, ctx.anomalousFrom))
    return `${r.service} is the likely root cause: calls into it got far slower than before, request by request, while its callers' other calls did not`;
  if (r.parts.own < ctx.anomalousFrom && r.parts.blame > r.parts.starvedCallees)
    return `${r.service} is the likely root cause: its callers' calls to it degraded while its own signals stay quiet (a network or dependency-side fault)`;
  if (r.parts.own < ctx.anomalousFrom && r.parts.starvedCallees > 0)
    return `${r.service} is the likely root cause: its dependencies suddenly received less traffic, as when a caller fails before calling on`;
  const deps = (ctx.graph.callees.get(r.service) ?? []).length;
  const depNote =
    deps === 0
      ? ''
      : r.parts.explained < ctx.anomalousFrom
        ? ', and its dependencies look healthy'
        : r.parts.explainedVia === 'outbound'
          ? '; its outbound calls slowed down as much, so the cause may lie further down'
          : r.parts.explainedVia === 'load'
            ? `; its load rose with extra requests passed on by ${r.parts.loadFrom ?? 'a caller'}`
          : `; its dependency ${r.parts.explainedBy} is also anomalous`;
  return `${r.service} is the likely root cause${what ? `: ${what}${since}` : ''}${depNote}`;
}

/** The evidence against `r` being the root cause (rca/why-not.ts asks it of any ranked service). */
export function counter(r: RankedService, ctx: HypothesisContext, change: ChangeCorrelation | null): DraftHypothesis['counterEvidence'] {
  const out: DraftHypothesis['counterEvidence'] = [];
  const a = ctx.services.get(r.service);
  // healthy shards: other instances of the anomalous metric without a shift
  const top = a?.topDeltas.find((d) => d.instance !== null);
  if (top) {
    // other instances only: the service-wide series (no instance) is not a shard
    const shards = ctx.deltas.filter((d) => d.service === r.service && d.metric === top.metric && d.instance !== null && d.instance !== top.instance);
    const healthy = shards.filter((d) => Math.abs(d.z) < ctx.zThreshold);
    if (healthy.length)
      out.push({ kind: 'healthy_shards', summary: `${healthy.length} of ${shards.length + 1} instances show no shift on ${top.metric}`, data: { instances: healthy.map((d) => d.instance) } });
  }
  // requests that went through normally: the share the request-level evidence did not touch
  for (const t of a?.logs?.top ?? []) {
    if (!t.derived || !t.exposure || t.exposure.during <= t.during) continue;
    const what = {
      'skipped-step': 'requests that normally reach it did not skip its step',
      'stopped-step': 'requests that normally reach it did not stop in it',
      'slow-call': 'calls it took part in were not slow',
    }[t.derived];
    out.push({
      kind: 'unaffected_requests',
      summary: `${t.exposure.during - t.during} of ${t.exposure.during} ${what} during the incident (a healthy instance, or a fault on some paths only)`,
      data: { templateId: t.templateId, unaffected: t.exposure.during - t.during, of: t.exposure.during },
    });
  }
  // callers that are not affected
  const callers = ctx.graph.callers.get(r.service) ?? [];
  // a caller with data and no shift worth a twentieth (no data is not "normal")
  const calm = callers.filter((p) => {
    const pa = ctx.services.get(p);
    const measured = ctx.deltas.some((d) => d.service === p && d.nIncident > 0 && d.nBaseline > 0);
    return pa !== undefined && measured && pa.detectorAnomalies === 0 && Math.max(pa.own, pa.client, pa.starved) < 0.05;
  });
  if (calm.length && (a?.own ?? 0) >= ctx.anomalousFrom)
    out.push({ kind: 'unaffected_callers', summary: `${calm.length} of ${callers.length} callers look normal: ${calm.slice(0, 5).join(', ')}`, data: { callers: calm } });
  // an anomalous dependency, or its own outbound calls
  if (r.parts.explainedBy && r.parts.explainedByDependency >= ctx.anomalousFrom)
    out.push({
      kind: 'anomalous_dependency',
      summary: `depends on ${r.parts.explainedBy}, which is anomalous too (own ${r.parts.explainedByDependency.toFixed(2)})`,
      data: { service: r.parts.explainedBy },
    });
  else if (r.parts.explainedVia === 'load' && r.parts.loadFrom && r.parts.explained >= ctx.anomalousFrom)
    out.push({
      kind: 'extra_load_from_caller',
      summary: `its load rose with the extra requests ${r.parts.loadFrom} received and passed on (${r.parts.loadFrom} sent more to some dependencies only: the extra load was aimed at it)`,
      data: { service: r.parts.loadFrom },
    });
  else if (r.parts.explainedVia === 'outbound' && r.parts.explained >= ctx.anomalousFrom)
    out.push({ kind: 'slow_dependencies', summary: `${r.service}'s outbound calls slowed down as much as its responses`, data: { explained: r.parts.explained } });
  // contradicting timing: a caller went wrong before this service
  const so = a?.onset ?? null;
  if (so !== null) {
    const earlier = callers.filter((p) => {
      const po = ctx.services.get(p)?.onset ?? null;
      return po !== null && po < so;
    });
    if (earlier.length) out.push({ kind: 'contradicting_timing', summary: `caller(s) ${earlier.slice(0, 3).join(', ')} degraded before ${r.service}`, data: { callers: earlier } });
  }
  if (change && change.leadMinutes < 0) out.push({ kind: 'contradicting_timing', summary: `the change landed ${changeTiming(change)}`, data: { changeId: change.changeId } });
  return out;
}
