/**
 * Calls in trace spans: a span whose parent ran in another service is a call from that service
 * to this one. One counting rule for the store's compact read and for spans held as signals.
 */
import type { SpanCall } from './ports/analysis.js';

/** A span reduced to what the call graph needs. */
export interface SpanRef {
  service: string | null;
  spanId: string | null;
  parentId: string | null;
}

/** Caller → callee counts of the spans (a parent outside them counts for nothing), sorted by caller, then callee. */
export function countSpanCalls(spans: readonly SpanRef[]): SpanCall[] {
  const serviceOf = new Map<string, string>();
  for (const s of spans) if (s.spanId && s.service) serviceOf.set(s.spanId, s.service);
  const calls = new Map<string, number>();
  for (const s of spans) {
    const caller = s.parentId ? serviceOf.get(s.parentId) : undefined;
    if (!s.service || !caller || caller === s.service) continue;
    const k = `${caller}\u0000${s.service}`;
    calls.set(k, (calls.get(k) ?? 0) + 1);
  }
  return [...calls.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([k, n]) => {
      const [caller, callee] = k.split('\u0000');
      return { caller, callee, n };
    });
}
