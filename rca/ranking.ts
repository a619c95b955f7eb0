/**
 * Root-cause ranking of services that needs no change data ("explained-away ranking").
 *
 * Faults propagate from a callee up to its callers: a slow or failing dependency makes its callers
 * slow or failing a little later. So the best suspect is the anomalous service whose own anomaly is
 * NOT explained by an anomalous dependency, and whose callers saw their outbound calls degrade:
 *
 *   score(s) = res(s) · (1 − explainAway · load(s))
 *            + (own(s) − res(s) + named(s) + clientBlame · blame(s) + starvedCallees · starved(s))
 *              · (1 − explainAway · explained(s))
 *            + (skippedSteps · k(s) + slowCalls · c(s)) · (1 − explainAway · load(s))
 *            + upstream · own(s) · share of s's callers that are anomalous
 *            + change · max L(changes on s)
 *
 * k(s): requests that skipped one of s's expected steps while later steps ran, or stopped inside s
 * with its next step due (rca/trace-patterns.ts): the call into s failed before s logged anything,
 * or s gave up part-way; no dependency explains that either.
 * c(s): calls into s (or, for a caller slow towards most of its callees, from s) that took far
 * longer than before, request by request (rca/slow-calls.ts): time lost on the way into or out of s
 * holds no line of s's dependencies, so no dependency can explain it.
 *
 * - own(s): noisy-or of the service's strongest server-side, resource, log and detector evidence.
 * - res(s): the part of own(s) that is s using more CPU, memory or disk (its own, not its host's).
 *   A dependency that fails or slows down cannot cause that — a caller waiting on it uses less, not
 *   more — so no dependency explains it away (connections or threads held while waiting can
 *   rise with a slow dependency: they stay explainable).
 * - load(s): s received extra load aimed at a service above it, which passed it on (aimedLoad,
 *   below): the source's own anomaly, ×0.85 per extra hop. Its dependencies whose load rose do
 *   not explain a source.
 * - explained(s): the strongest own anomaly among the dependencies s waits on (up to three hops,
 *   ×0.85 per extra hop) whose onset is not later than s's (plus a slack). A dependency that went
 *   wrong first explains its callers' symptoms. Not across an async hand-off (a broker delivering
 *   to its consumers): the sender does not wait, so the consumer's errors and latency never reach
 *   it. Nor by evidence that only says the dependency received less load (its request rate or CPU
 *   fell: `loadDropFamilies`): that is its callers' doing, a symptom of them, not a cause. When
 *   s's evidence includes a latency increase, a dependency explains only the share its own
 *   increase of the same metric can cover (latency adds up along a call; a fan-out allowance
 *   covers several calls per request).
 * - blame(s): what s's callers' degraded outbound calls say about s — see flowBlame: a caller's
 *   slow or failing outbound calls point at the dependencies it waits on, unless another one already
 *   accounts for them, and blame that lands on a service with little evidence of its own moves on
 *   to its anomalous dependencies. This catches faults that show only from
 *   the outside (network delay on s: s's own metrics stay calm, its callers' client latency rises).
 *   A caller that cannot itself be blamed (a probe, an SLI series, a load generator: not a
 *   candidate) only observes the calls it makes, so all of its anomaly counts as client-side.
 * - starved(s): the strongest sudden drop of load (requests, CPU, network, I/O) among s's
 *   dependencies, shared among each dependency's callers, unless s itself received less: a caller
 *   that fails early stops calling what comes after (Nezha's "exception" faults), so its
 *   dependencies go quiet. Such drops do not count in the dependency's own anomaly.
 * - named(s): error templates of a caller (up to two hops up) that name s and surged ("request to
 *   auth failed: certificate has expired"): direct, specific evidence about s from the outside.
 *
 * The idea combines the "most downstream anomalous service whose dependencies are healthy" rule of
 * thumb with the explaining-away of Bayesian networks and the caller-side attribution used by
 * trace-based RCA (e.g. MicroRank, Yu et al. WWW 2021; TraceRCA, Li et al. IWQoS 2021), without
 * needing traces: only per-service server- and client-side signals and the call graph.
 */
import { classifyMetric } from './metric-kind.js';
import { noisyOr } from './services.js';
import { walk, type ServiceGraph } from './topology.js';
import { round } from './stats.js';
import type { MetricDelta, RankedService, ServiceAnomaly } from './types.js';
import { DELTA_WEIGHTS, RANKING_WEIGHTS } from './weights.js';

export interface RankingInput {
  graph: ServiceGraph;
  services: ReadonlyMap<string, ServiceAnomaly>;
  candidates: readonly string[];
  /** Best change-impact likelihood per service. */
  changeLikelihood: ReadonlyMap<string, number>;
  /** A service counts as anomalous (for the upstream share) from this own/client score on. */
  anomalousFrom: number;
  /** Every delta by `service\u0000metric` (first instance), to compare latency shifts. */
  deltas?: ReadonlyMap<string, MetricDelta>;
}

export function rankServices(inp: RankingInput): RankedService[] {
  const W = RANKING_WEIGHTS;
  const own = (s: string) => inp.services.get(s)?.own ?? 0;
  const cand = new Set(inp.candidates);
  const client = (s: string) => inp.services.get(s)?.client ?? 0;
  // A node that cannot be blamed (a synthetic probe, an SLI, a load generator) only observes the
  // calls it makes: all of its anomaly counts as client-side.
  const observed = (s: string) => (cand.has(s) ? client(s) : Math.max(client(s), own(s)));
  const onset = (s: string) => inp.services.get(s)?.onset ?? null;
  /** The service's strongest server-side latency increase, if latency is among its evidence. */
  const latencyShift = (s: string) => {
    const d = inp.services.get(s)?.topDeltas.find((x) => x.kind === 'latency' && (x.side === 'server' || x.side === 'self') && x.shift > 0 && x.score > 0);
    return d ? d : null;
  };
  // error logs that name a dependency point at it directly (a name in a URL the service merely
  // forwards is not a dependency: with a known graph, only callees up to two hops away count)
  const named = new Map<string, number>();
  for (const a of inp.services.values()) {
    const near = inp.graph.inferred ? null : walk(inp.graph, a.service, 'callees', 2);
    for (const ref of a.logs?.references ?? []) {
      if (near && !near.has(ref.service)) continue;
      named.set(ref.service, noisyOr([named.get(ref.service) ?? 0, W.namedInLogs * ref.strength], [1, 1]));
    }
  }
  const namedOf = (s: string) => named.get(s) ?? 0;
  // dependencies that suddenly received less load point at s, unless s itself received less
  const starvedOf = (s: string) => {
    let v = 0;
    for (const c of inp.graph.callees.get(s) ?? []) {
      const st = inp.services.get(c)?.starved ?? 0;
      const nCallers = Math.max(1, inp.graph.callers.get(c)?.length ?? 1);
      v = Math.max(v, st / nCallers);
    }
    return v * (1 - (inp.services.get(s)?.starved ?? 0));
  };
  const explaining = (s: string) => {
    const a = inp.services.get(s);
    return !a ? 0 : a.loadDropFamilies.length ? noisyOr(explainingFamilies(a).map(([, x]) => x)) : a.own;
  };
  const kept = flowBlame(inp, explaining, observed, (s) => noisyOr([own(s), W.starvedCallees * starvedOf(s), namedOf(s)]));
  const aimed = aimedLoad(inp);
  const out: RankedService[] = [];
  for (const s of inp.candidates) {
    const o = own(s);
    // explained: strongest anomalous dependency that did not start after s
    let explained = 0;
    let explainedBy: string | null = null;
    let explainedVia: RankedService['parts']['explainedVia'] = null;
    let byDependency = 0;
    const so = onset(s);
    const lat = latencyShift(s);
    // Only dependencies s waits on: a consumer behind a queue cannot slow or fail s's responses.
    for (const [c, { depth }] of walk(inp.graph, s, 'waitsOn', 3)) {
      const co = onset(c);
      if (so !== null && co !== null && co > so + W.onsetSlackMs) continue;
      // Latency adds up along a call: a dependency 4 ms slower cannot explain a caller 2 s slower
      // through that latency; its other evidence (CPU, errors, logs) explains in full.
      const ca = inp.services.get(c);
      if (!ca) continue;
      // extra load aimed at s flows on to its dependencies: their overload is s's doing, not a cause
      // (or whose own dependencies' load rose: its trouble may be that same load, further down)
      if (W.aimedLoad > 0 && aimed.sources.has(s) && (aimed.rose(c) || [...walk(inp.graph, c, 'waitsOn', 2).keys()].some(aimed.rose))) continue;
      const fams = explainingFamilies(ca);
      // a dependency whose own dependencies went quiet failed too, even if it looks calm itself
      let v = noisyOr([...fams.map(([, x]) => x), W.starvedCallees * starvedOf(c), namedOf(c)]);
      if (lat) {
        const cd = inp.deltas?.get(`${c}\u0000${lat.metric}`);
        if (cd) {
          const fam = classifyMetric(lat.metric).family;
          const ratio = Math.min(1, (W.latencyFanOut * Math.max(cd.shift, 0)) / lat.shift);
          const others = noisyOr([...fams.filter(([f]) => f !== fam).map(([, x]) => x), W.starvedCallees * starvedOf(c), namedOf(c)]);
          v = Math.max(others, (ca.families[fam] ?? 0) * ratio);
        }
      }
      v *= 0.85 ** (depth - 1);
      if (v > explained + 1e-12) {
        explained = v;
        explainedBy = c;
        explainedVia = 'dependency';
      }
      if (v > byDependency + 1e-12) byDependency = v;
    }
    // s's own outbound calls slowed down as much as its responses: the time went into waiting on
    // dependencies (one of them slow, or the network to it), so s's latency is explained
    if (lat) {
      const cl = inp.services.get(s)?.topDeltas.find((x) => x.kind === 'latency' && x.side === 'client' && x.shift > 0 && x.score > 0);
      if (cl) {
        const sa = inp.services.get(s)!;
        const fam = classifyMetric(lat.metric).family;
        const others = noisyOr(Object.entries(sa.families).filter(([f]) => f !== fam).map(([, x]) => x));
        const latShare = Math.max(0, (sa.own - others) / Math.max(sa.own, 1e-9));
        const v = Math.min(1, 2 * cl.score) * Math.min(1, (W.latencyFanOut * cl.shift) / lat.shift) * latShare;
        if (v > explained + 1e-12) {
          explained = v;
          explainedVia = 'outbound';
        }
      }
    }
    // s received more load passed on from a service that extra load was aimed at: s's anomaly is
    // that load (the sender's doing), as a failing dependency's is for its callers
    const from = aimed.fromAbove.get(s);
    const byLoad = from && W.loadFromAbove > 0 ? W.loadFromAbove * own(from.source) * 0.85 ** (from.depth - 1) : 0;
    if (byLoad > explained + 1e-12) {
      explained = byLoad;
      explainedVia = 'load';
    }
    const callers = inp.graph.callers.get(s) ?? [];
    let anomalousCallers = 0;
    // a caller whose load rose and whose one dependency is s cannot be told from s as the load's
    // target (the same requests pass both): its anomaly is a rival account, not propagation from s
    const rival = (p: string) => W.aimedLoad > 0 && aimed.sources.has(p) && (inp.graph.callees.get(p) ?? []).length === 1;
    for (const p of callers) if (Math.max(own(p), client(p)) >= inp.anomalousFrom && !rival(p)) anomalousCallers++;
    const blame = kept.get(s) ?? 0;
    const upstream = callers.length ? anomalousCallers / callers.length : 0;
    const starvedCallees = starvedOf(s);
    const logs = inp.services.get(s)?.logs?.score ?? 0;
    const change = inp.changeLikelihood.get(s) ?? 0;
    // Requests that skipped one of s's steps while later ones ran, or stopped inside s.
    const skipped = inp.services.get(s)?.logs?.skipped ?? 0;
    const slowCalls = inp.services.get(s)?.logs?.slowCalls ?? 0;
    // res(s): s using more CPU, memory or disk, which no dependency explains (see the header)
    // (load sent from above does explain them: more requests take more CPU)
    const ownRes = Math.min(o, noisyOr(Object.entries(inp.services.get(s)?.families ?? {}).filter(([f]) => /^saturation:(self|server):(cpu|mem|disk)$/.test(f)).map(([, x]) => x)));
    const ownKept = ownRes * (1 - W.explainAway * byLoad);
    const score =
      ownKept +
      (o - ownKept + namedOf(s) + W.clientBlame * blame + W.starvedCallees * starvedCallees) * (1 - W.explainAway * explained) +
      // requests it dropped or served slowly under load sent from above are that load's doing too
      (W.skippedSteps * skipped + W.slowCalls * slowCalls) * (1 - W.explainAway * byLoad) +
      W.upstream * o * upstream +
      W.change * change;
    out.push({
      service: s,
      score: round(score, 4),
      parts: {
        own: round(o, 4),
        client: round(client(s), 4),
        blame: round(blame, 4),
        starvedCallees: round(starvedCallees, 4),
        namedInLogs: round(namedOf(s), 4),
        skippedSteps: round(skipped, 4),
        slowCalls: round(slowCalls, 4),
        explainedBy,
        explainedByDependency: round(byDependency, 4),
        explainedVia,
        explained: round(explained, 4),
        loadFrom: byLoad > 0 && from ? from.source : null,
        logs: round(logs, 4),
        change: round(change, 4),
        upstream: round(upstream, 4),
      },
    });
  }
  out.sort((a, b) => b.score - a.score || b.parts.own - a.parts.own || (a.service < b.service ? -1 : 1));
  return out;
}

/** How strongly the load s received rose (its request-rate family going up), null when it reports none. */
function receivedMore(a: ServiceAnomaly): number {
  let v: number | null = null;
  for (const [f, x] of Object.entries(a.families)) if (/^traffic:(self|server):/.test(f)) v = Math.max(v ?? 0, a.loadDropFamilies.includes(f) ? 0 : x);
  return v ?? 0;
}

/**
 * Extra load aimed at one service (a flash sale, a crawler, a retry storm from outside) arrives
 * through its callers, whose load rises too, and flows on to its dependencies. What tells the
 * target from the callers it came through: a caller passing on a rise of its own (more customers)
 * sends more to every dependency it calls, while a caller the extra load only passes through sends
 * more to the target alone — some of its other dependencies get no more than before. So s is a
 * *source* of extra load when its load rose, it is an entry or a caller's load rose with it (the
 * extra came through that caller: callers that only call s more per request, their own load flat,
 * are retrying s's failures), and no caller whose load rose passed that rise on to all of its
 * dependencies (a caller with s as its only dependency cannot tell: it does not count against s). A service below a source whose load rose, and that is not a
 * source itself, received the source's extra load: `fromAbove` names the nearest such source (up
 * to three hops up, through callers whose load rose).
 */
export function aimedLoad(inp: Pick<RankingInput, 'graph' | 'services' | 'anomalousFrom'>): {
  sources: Set<string>;
  fromAbove: Map<string, { source: string; depth: number }>;
  rose: (s: string) => boolean;
} {
  const g = inp.graph;
  // a rise counts when it would make a service anomalous were it its only evidence (traffic is
  // weighted down among the metric kinds, so the bar is scaled the same way)
  const bar = inp.anomalousFrom * DELTA_WEIGHTS.kind.traffic;
  const more = (s: string) => {
    const a = inp.services.get(s);
    const v = a ? receivedMore(a) : 0;
    return v >= bar ? v : 0;
  };
  const reports = (s: string) => Object.keys(inp.services.get(s)?.families ?? {}).some((f) => /^traffic:(self|server):/.test(f));
  const passesOn = (p: string) => {
    const deps = (g.callees.get(p) ?? []).filter(reports);
    return deps.length > 1 && deps.every((c) => more(c) > 0);
  };
  const sources = new Set<string>();
  for (const s of g.nodes) {
    if (more(s) <= 0) continue;
    const callers = g.callers.get(s) ?? [];
    const rising = callers.filter((p) => more(p) > 0);
    // the extra load came in through a caller (an entry has none): a service whose callers' own
    // load did not rise was only called more per request — retries of its failures, or a change in
    // how they call it — which is their doing or its own failure, not load aimed at it
    if (callers.length && !rising.length) continue;
    if (rising.some(passesOn)) continue;
    sources.add(s);
  }
  const fromAbove = new Map<string, { source: string; depth: number }>();
  for (const s of g.nodes) {
    if (sources.has(s) || more(s) <= 0) continue;
    // breadth-first up through callers whose load rose
    let frontier = [s];
    const seen = new Set(frontier);
    for (let depth = 1; depth <= 3 && frontier.length && !fromAbove.has(s); depth++) {
      const next: string[] = [];
      for (const n of frontier)
        for (const p of g.callers.get(n) ?? []) {
          if (seen.has(p) || more(p) <= 0) continue;
          seen.add(p);
          if (sources.has(p) && !fromAbove.has(s)) fromAbove.set(s, { source: p, depth });
          next.push(p);
        }
      frontier = next.sort();
    }
  }
  return { sources, fromAbove, rose: (s: string) => more(s) > 0 };
}

/**
 * A service's evidence families that can explain its callers' anomalies: all but those that only
 * say it received less load (`loadDropFamilies`) — its callers sent less, so that is their doing.
 */
function explainingFamilies(a: ServiceAnomaly): [string, number][] {
  const drops = new Set(a.loadDropFamilies);
  return Object.entries(a.families).filter(([f]) => !drops.has(f));
}

/**
 * Blame from callers, then passed on. First, each service's direct blame: over its callers p,
 * client(p) · (1 − explainAway · the strongest own anomaly among p's other dependencies), combined
 * by noisy-or — callers whose calls degrade independently corroborate each other, so a dependency
 * they share is blamed more than one behind a single degraded caller.
 * Then, in call order (callers first), a service keeps the share of what it received that its own
 * evidence E accounts for and passes the rest to its dependencies that show clearly more evidence
 * (E(c) ≥ max(blamePassMin, 2·E(s))), in proportion to it:
 * share kept = (E(s) + ε) / (E(s) + ε + Σ E(those callees)).
 * An SLI that sees errors at the front door thus ends up with the failing service behind it, not
 * with the front door, unless the front door itself shows more than its dependencies do.
 */
function flowBlame(
  inp: RankingInput,
  explaining: (s: string) => number,
  observed: (s: string) => number,
  evidence: (s: string) => number,
): Map<string, number> {
  const W = RANKING_WEIGHTS;
  const g = inp.graph;
  const direct = new Map<string, number>();
  // A caller's degraded calls say something only about the dependencies it waits on.
  for (const s of g.nodes) {
    const callers = g.waitedOnBy.get(s) ?? [];
    if (!callers.length) continue;
    let miss = 1;
    for (const p of callers) {
      let sibling = 0;
      for (const c of g.waitsOn.get(p) ?? []) if (c !== s) sibling = Math.max(sibling, explaining(c));
      const b = observed(p) * (1 - W.explainAway * sibling);
      miss *= 1 - Math.min(1, b);
    }
    direct.set(s, 1 - miss);
  }
  // callers before callees (Kahn's order; what a cycle leaves is appended by name)
  const indeg = new Map(g.nodes.map((n) => [n, (g.callers.get(n) ?? []).length]));
  const queue = g.nodes.filter((n) => indeg.get(n) === 0);
  const order: string[] = [];
  while (queue.length) {
    const n = queue.shift()!;
    order.push(n);
    for (const c of g.callees.get(n) ?? []) {
      indeg.set(c, indeg.get(c)! - 1);
      if (indeg.get(c) === 0) queue.push(c);
    }
  }
  const placed = new Set(order);
  for (const n of g.nodes) if (!placed.has(n)) order.push(n);
  const total = new Map(direct);
  const kept = new Map<string, number>();
  for (const s of order) {
    const amount = total.get(s) ?? 0;
    if (amount <= 0) continue;
    const floor = Math.max(W.blamePassMin, 2 * evidence(s));
    const targets = (g.waitsOn.get(s) ?? []).filter((c) => evidence(c) >= floor);
    const es = evidence(s) + W.blameStay;
    const sumE = targets.reduce((a, c) => a + evidence(c), 0);
    kept.set(s, (amount * es) / (es + sumE));
    for (const c of targets) total.set(c, (total.get(c) ?? 0) + (amount * evidence(c)) / (es + sumE));
  }
  return kept;
}
