/**
 * Call-graph helpers over a topology: orders, callers and callees, the services upstream of a
 * root cause (where its effects may show), baseline demand, and the `PUT /v1/topology` shape.
 */
import type { TopologyInput } from '../core/schemas.js';
import type { EdgeSpec, TopologySpec } from './schema.js';

/** Services in an order where every caller comes before its callees (the graph is acyclic). */
export function topoOrder(t: TopologySpec): string[] {
  const indeg = new Map(t.services.map((s) => [s.id, 0]));
  for (const e of t.edges) indeg.set(e.to, (indeg.get(e.to) ?? 0) + 1);
  const out = new Map<string, string[]>();
  for (const e of t.edges) out.set(e.from, [...(out.get(e.from) ?? []), e.to]);
  // Stable: process in the topology's listing order.
  const ready = t.services.map((s) => s.id).filter((id) => indeg.get(id) === 0);
  const order: string[] = [];
  while (ready.length) {
    const n = ready.shift()!;
    order.push(n);
    for (const m of out.get(n) ?? []) {
      indeg.set(m, indeg.get(m)! - 1);
      if (indeg.get(m) === 0) ready.push(m);
    }
  }
  return order;
}

/**
 * Services whose errors or latency can follow from a problem in `service`: the transitive
 * callers over synchronous edges (an async consumer's failure does not reach the publisher).
 */
export function upstreamOf(t: TopologySpec, service: string): Set<string> {
  const callers = new Map<string, string[]>();
  for (const e of t.edges) if (e.mode === 'sync') callers.set(e.to, [...(callers.get(e.to) ?? []), e.from]);
  const seen = new Set<string>();
  const stack = [service];
  while (stack.length) {
    const n = stack.pop()!;
    for (const c of callers.get(n) ?? []) {
      if (!seen.has(c)) {
        seen.add(c);
        stack.push(c);
      }
    }
  }
  seen.delete(service);
  return seen;
}

export function callersOf(t: TopologySpec, service: string): EdgeSpec[] {
  return t.edges.filter((e) => e.to === service);
}
export function calleesOf(t: TopologySpec, service: string): EdgeSpec[] {
  return t.edges.filter((e) => e.from === service);
}

/** Requests per second of each service at the daily peak, with no faults (no retries, base cache hit ratio). */
export function peakDemand(t: TopologySpec, scale = 1): Map<string, number> {
  const d = new Map(t.services.map((s) => [s.id, 0]));
  d.set(t.entry.service, t.entry.peak_rps * scale);
  const incoming = new Map<string, EdgeSpec[]>();
  for (const e of t.edges) incoming.set(e.to, [...(incoming.get(e.to) ?? []), e]);
  for (const id of topoOrder(t)) {
    for (const e of incoming.get(id) ?? []) d.set(id, d.get(id)! + d.get(e.from)! * e.share);
  }
  return d;
}

/** The service graph in the shape of `PUT /v1/topology` (edges caller → callee, with the call share). */
export function toTopologyInput(t: TopologySpec): TopologyInput {
  return {
    nodes: t.services.map((s) => ({
      id: s.id,
      type: s.type,
      attributes: {
        instances: s.instances,
        sharded: s.sharded,
        version: s.version,
        ...(s.team ? { team: s.team } : {}),
        ...(s.language ? { language: s.language } : {}),
        slo: { availability: s.slo.availability, p95_ms: s.slo.p95_ms },
      },
    })),
    edges: t.edges.map((e) => ({
      from: e.from,
      to: e.to,
      mode: e.mode,
      attributes: { share: e.share, critical: e.critical, retries: e.retries, timeout_ms: e.timeout_ms },
    })),
  };
}

/**
 * The callers extra traffic aimed at `target` passes through, nearest first: the shortest chain of
 * synchronous calls from the entry (breadth first, edges in their listed order), as a traffic
 * surge is routed. Empty for the entry itself or a service no sync chain reaches.
 */
export function surgePath(t: TopologySpec, target: string): string[] {
  const prev = new Map<string, string>();
  const queue = [t.entry.service];
  const seen = new Set(queue);
  while (queue.length) {
    const n = queue.shift()!;
    for (const e of t.edges) {
      if (e.from === n && e.mode === 'sync' && !seen.has(e.to)) {
        seen.add(e.to);
        prev.set(e.to, n);
        queue.push(e.to);
      }
    }
  }
  const path: string[] = [];
  for (let n = prev.get(target); n !== undefined; n = prev.get(n)) path.push(n);
  return path;
}
