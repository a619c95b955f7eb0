/**
 * The service graph (edges caller → callee), its inference when none is given, centrality and
 * the blast radius by reverse-dependency traversal.
 */
import type { SpanCall } from '../core/ports/index.js';
import { countSpanCalls } from '../core/span-calls.js';
import type { Signal, TopologyInput } from '../core/schemas.js';
import type { LogRow } from './log-clusters.js';
import { round } from './stats.js';
import { topologyFromRequests } from './trace-patterns.js';
import type { BlastRadius, GraphEdge, ImpactedService, LogClusterInput, MetricDelta, ServiceAnomaly, SloInput } from './types.js';

export interface ServiceGraph {
  nodes: string[];
  edges: GraphEdge[];
  callees: Map<string, string[]>;
  callers: Map<string, string[]>;
  /** Callees each service waits on (edges not marked async): only along these do errors and latency travel back. */
  waitsOn: Map<string, string[]>;
  /** The inverse of `waitsOn`: the callers that wait on each service. */
  waitedOnBy: Map<string, string[]>;
  inferred: boolean;
}

/** Build the adjacency of a graph; nodes and neighbour lists are sorted so traversals are deterministic. */
export function buildGraph(nodeIds: Iterable<string>, edges: readonly GraphEdge[], inferred: boolean): ServiceGraph {
  const nodes = new Set(nodeIds);
  const seen = new Set<string>();
  const kept: GraphEdge[] = [];
  for (const e of edges) {
    if (e.from === e.to) continue;
    const k = `${e.from}\u0000${e.to}`;
    if (seen.has(k)) continue;
    seen.add(k);
    kept.push(e);
    nodes.add(e.from);
    nodes.add(e.to);
  }
  const callees = new Map<string, string[]>();
  const callers = new Map<string, string[]>();
  const waitsOn = new Map<string, string[]>();
  const waitedOnBy = new Map<string, string[]>();
  for (const n of nodes) for (const m of [callees, callers, waitsOn, waitedOnBy]) m.set(n, []);
  for (const e of kept) {
    callees.get(e.from)!.push(e.to);
    callers.get(e.to)!.push(e.from);
    if (e.mode === 'async') continue;
    waitsOn.get(e.from)!.push(e.to);
    waitedOnBy.get(e.to)!.push(e.from);
  }
  for (const m of [callees, callers, waitsOn, waitedOnBy]) for (const l of m.values()) l.sort();
  kept.sort((a, b) => (a.from === b.from ? (a.to < b.to ? -1 : 1) : a.from < b.from ? -1 : 1));
  return { nodes: [...nodes].sort(), edges: kept, callees, callers, waitsOn, waitedOnBy, inferred };
}

/** The graph given through `PUT /v1/topology` (or a case's topology file), or observed in traces. */
export function graphFromTopology(t: TopologyInput, extraNodes: Iterable<string>): ServiceGraph {
  const observed = (e: TopologyInput['edges'][number]) => {
    const s = (e.attributes as { source?: unknown } | undefined)?.source;
    return s === 'spans' || s === 'trace-logs' ? s : 'given';
  };
  // a topology stored before edges had a `mode` field carries it in its attributes (sim/topology.ts wrote it there)
  const isAsync = (e: TopologyInput['edges'][number]) => (e.mode ?? (e.attributes as { mode?: unknown } | undefined)?.mode) === 'async';
  const edges: GraphEdge[] = t.edges.map((e) => ({ from: e.from, to: e.to, source: observed(e), weight: 1, ...(isAsync(e) ? { mode: 'async' as const } : {}) }));
  return buildGraph([...t.nodes.map((n) => n.id), ...extraNodes], edges, false);
}

/**
 * Calls in trace spans (OpenTelemetry-style signals: `meta.span_id`, `meta.parent_span_id`,
 * `labels.service` or `meta.service`): a span whose parent ran in another service is a call from
 * that service to this one. Sorted by caller, then callee.
 */
export function spanCalls(spans: readonly Signal[]): SpanCall[] {
  return countSpanCalls(spans.map((s) => ({ service: spanService(s), spanId: str(s.meta?.span_id), parentId: str(s.meta?.parent_span_id) })));
}

const str = (v: unknown) => (typeof v === 'string' && v ? v : null);
const spanService = (s: Signal) => s.labels?.service ?? str(s.meta?.service);

/** The service graph of span calls; edge attributes carry the number of calls seen. */
export function topologyFromCalls(calls: readonly SpanCall[]): TopologyInput {
  const nodes = new Set<string>();
  for (const c of calls) nodes.add(c.caller).add(c.callee);
  return {
    nodes: [...nodes].sort().map((id) => ({ id, type: 'service', attributes: {} })),
    edges: calls.map((c) => ({ from: c.caller, to: c.callee, attributes: { calls: c.n, source: 'spans' } })),
  };
}

/**
 * The call graph the signals themselves show, for when none is declared: trace spans (parent and
 * child in different services), else trace-correlated log lines grouped into requests
 * (`requestsOf`, `topologyFromRequests`).
 */
export function observedTopology(calls: readonly SpanCall[], requests: readonly (readonly LogRow[])[]): TopologyInput | null {
  if (calls.length) return topologyFromCalls(calls);
  return requests.length ? topologyFromRequests(requests) : null;
}

/** Whether a signal is a trace span `spanCalls` reads. */
export function isSpan(s: Signal): boolean {
  return s.kind === 'event' && typeof s.meta?.span_id === 'string';
}

/** Lower-case alphanumerics of a name and its shorter aliases (ts-basic-service → basicservice). */
function aliases(service: string): string[] {
  const parts = service.toLowerCase().split(/[^a-z0-9]+/).filter(Boolean);
  const out = new Set<string>([parts.join('')]);
  if (parts.length >= 3) out.add(parts.slice(1).join(''));
  return [...out].filter((a) => a.length >= 6);
}

/**
 * Infer edges when no topology is given.
 * - Log references: a template of service A that names service B (a URL path such as
 *   /api/v1/basicservice/… or a host name) means A calls B.
 * - Co-anomaly timing: faults propagate from a callee up to its callers, so among anomalous
 *   services, each one is linked to the anomalous services whose onset came just before its own
 *   (the latest earlier onset), caller → callee. Equal onsets give no edge: the order is unknown.
 */
export function inferEdges(services: readonly ServiceAnomaly[], logs: readonly LogClusterInput[], minAnomaly: number): GraphEdge[] {
  const edges: GraphEdge[] = [];
  const names = services.map((s) => s.service);
  const byAlias = names.map((n) => ({ n, a: aliases(n) }));
  for (const c of logs) {
    const text = c.template.toLowerCase().replace(/[^a-z0-9]+/g, '');
    for (const { n, a } of byAlias) {
      if (n === c.service) continue;
      if (a.some((x) => text.includes(x))) edges.push({ from: c.service, to: n, source: 'log-reference', weight: 1 });
    }
  }
  const anomalous = services.filter((s) => Math.max(s.own, s.client) >= minAnomaly && s.onset !== null);
  for (const a of anomalous) {
    let best: number | null = null;
    for (const b of anomalous) if (b.onset! < a.onset! && (best === null || b.onset! > best)) best = b.onset!;
    if (best === null) continue;
    for (const b of anomalous) {
      if (b.onset === best) edges.push({ from: a.service, to: b.service, source: 'co-anomaly', weight: round(Math.min(Math.max(a.own, a.client), b.own), 4) });
    }
  }
  return edges;
}

/** Breadth-first walk along `dir` (every caller or callee, or only the callees a service waits on), with depth and the path from the start. */
export function walk(g: ServiceGraph, start: string, dir: 'callers' | 'callees' | 'waitsOn', maxDepth = Infinity): Map<string, { depth: number; path: string[] }> {
  const adj = g[dir];
  const out = new Map<string, { depth: number; path: string[] }>();
  let frontier = [start];
  const paths = new Map<string, string[]>([[start, [start]]]);
  let depth = 0;
  while (frontier.length && depth < maxDepth) {
    depth++;
    const next: string[] = [];
    for (const u of frontier) {
      for (const v of adj.get(u) ?? []) {
        if (v === start || out.has(v)) continue;
        const path = [...paths.get(u)!, v];
        out.set(v, { depth, path });
        paths.set(v, path);
        next.push(v);
      }
    }
    frontier = next;
  }
  return out;
}

/** Centrality of each node: the share of the other nodes that depend on it, directly or not. */
export function dependentsCentrality(g: ServiceGraph): Record<string, number> {
  const n = Math.max(1, g.nodes.length - 1);
  const out: Record<string, number> = {};
  for (const v of g.nodes) out[v] = round(walk(g, v, 'callers').size / n, 4);
  return out;
}

/** Nodes nobody calls (the graph's entry points). */
export function roots(g: ServiceGraph): string[] {
  return g.nodes.filter((v) => (g.callers.get(v)?.length ?? 0) === 0 && (g.callees.get(v)?.length ?? 0) > 0);
}

/**
 * Blast radius of a root cause: every service that depends on it (reverse-dependency traversal),
 * with the measured impact, the customer-facing entry points reached and the SLOs' state.
 */
export function blastRadius(
  g: ServiceGraph,
  root: string | null,
  services: ReadonlyMap<string, ServiceAnomaly>,
  entryPoints: readonly string[],
  slos: readonly SloInput[],
  deltas: readonly MetricDelta[],
  zThreshold: number,
): BlastRadius {
  const entry = new Set(entryPoints);
  const impacted: ImpactedService[] = [];
  if (root !== null) {
    for (const [svc, { depth, path }] of walk(g, root, 'callers')) {
      const a = services.get(svc);
      const top = a?.topDeltas[0] ?? null;
      impacted.push({
        service: svc,
        depth,
        path: [...path].reverse(),
        impact: round(a ? Math.max(a.own, a.client) : 0, 4),
        topMetric: top ? top.metric : null,
        z: top ? top.z : null,
        entryPoint: entry.has(svc),
      });
    }
    impacted.sort((a, b) => a.depth - b.depth || b.impact - a.impact || (a.service < b.service ? -1 : 1));
  }
  const reached = new Set([root, ...impacted.map((i) => i.service)]);
  const sloRows = slos.map((s) => {
    // the values of the service-wide series the SLO is about (one instance's only when there is no
    // other); how far it moved from the strongest of that series and its instances' series, since a
    // service-wide mean can carry no z of its own while every instance moved 40σ
    const same = deltas.filter((x) => x.service === s.service && x.metric === s.metric);
    const d = same.find((x) => x.instance === null) ?? same[0];
    const baseline = d?.baselineMedian ?? null;
    const during = d?.incidentMedian ?? null;
    const z = same.reduce((best, x) => ((s.bad === 'up' ? x.z : -x.z) > (s.bad === 'up' ? best : -best) ? x.z : best), 0);
    const worse = (s.bad === 'up' ? z : -z) >= zThreshold;
    const past = (v: number | null) => (s.objective === undefined || v === null ? null : s.bad === 'up' ? v > s.objective : v < s.objective);
    // Breached by this incident: past its objective now and not already before it (a series that
    // sat past its objective in the baseline too and did not move is a standing condition, not this
    // incident's doing); without an objective, a significant move the bad way.
    const breached = past(during) === null ? worse : past(during) === true && (past(baseline) !== true || worse);
    return { name: s.name, service: s.service, metric: s.metric, baseline, during, z, breached };
  });
  return {
    root,
    impacted,
    entryPoints: entryPoints.filter((e) => reached.has(e) || root === null),
    slos: sloRows,
  };
}
