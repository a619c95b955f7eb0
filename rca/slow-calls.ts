/**
 * Slow calls, request by request: trace-correlated log lines and the call graph. In one request,
 * when a line of service B follows a line of service A and A calls B, the gap is the request's way
 * into B (A's remaining work, the network, B's start); when B calls A, it is the reply's way back
 * to B. Either way the time belongs to the call A–B. A gap far beyond what the caller's calls took
 * before the incident is a slow call.
 *
 * Whose fault is a slow call? A network delay on the callee (or a callee slow to start) makes the
 * calls into it slow and leaves the caller's other calls alone; a slow caller makes all of its
 * calls slow (a callee it calls before the slow part of its work may stay fast). So a caller whose
 * slow calls are spread over its callees (at least two with a slow share of half the largest or
 * more) keeps them: it is the slow one. Otherwise each slow call counts against its callee.
 *
 * Binned hand-off series would see the same delay but need many bins of calls before the incident
 * (and on millisecond timestamps they are quantisation noise); here every call before it is a
 * reference point, so a delay that shows on a dozen calls is evidence even when the logs start a
 * minute before the incident. The result is one derived
 * template per service with slow calls counted before and during, the exposure being the calls its
 * slowness would be charged to (those into it, and its own when it keeps them); rca/logs.ts scores
 * it like skipped steps.
 */
import { maskedExemplar, type LogRow } from './log-clusters.js';
import { quantile } from './stats.js';
import type { LogClusterInput } from './types.js';

export const SLOW_CALL_DEFAULTS = {
  /** Reference hand-offs of a caller needed before the incident. */
  minReference: 5,
  /** A slow call takes this many times the caller's 90th-percentile hand-off before the incident… */
  factor: 5,
  /** …and at least this long (seconds): clocks of different hosts disagree by a few ms. */
  floorSeconds: 0.05,
};

interface Hop {
  caller: string;
  callee: string;
  gap: number;
  during: boolean;
  /** The line that ended the gap (the exemplar). */
  line: string;
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function hopsOf(requests: readonly (readonly LogRow[])[], splitMs: number, calls: readonly (readonly [string, string])[]): Hop[] {
  const edge = new Set(calls.map(([a, b]) => `${a}\u0000${b}`));
  const hops: Hop[] = [];
  for (const lines of requests) {
    for (let i = 1; i < lines.length; i++) {
      const a = lines[i - 1];
      const b = lines[i];
      if (a.service === b.service) continue;
      const down = edge.has(`${a.service}\u0000${b.service}`);
      const up = edge.has(`${b.service}\u0000${a.service}`);
      // calls both ways between two services: which end waited is unknown
      if (down === up) continue;
      const [caller, callee] = down ? [a.service, b.service] : [b.service, a.service];
      hops.push({ caller, callee, gap: b.ts - a.ts, during: b.ts * 1000 >= splitMs, line: b.message });
    }
  }
  return hops;
}

interface Tally {
  before: number;
  during: number;
  exposureBefore: number;
  exposureDuring: number;
  worst: Hop | null;
}

/**
 * Slow calls per service as derived log templates (see the file comment), from the requests of
 * `requestsOf`. `calls` are the call graph's [caller, callee] pairs; without them nothing is derived.
 */
export function slowCallClusters(
  requests: readonly (readonly LogRow[])[],
  splitMs: number,
  calls: readonly (readonly [string, string])[],
  opts: Partial<typeof SLOW_CALL_DEFAULTS> = {},
): LogClusterInput[] {
  const o = { ...SLOW_CALL_DEFAULTS, ...opts };
  if (!calls.length) return [];
  const hops = hopsOf(requests, splitMs, calls);
  const reference = new Map<string, number[]>();
  for (const h of hops) if (!h.during) (reference.get(h.caller) ?? reference.set(h.caller, []).get(h.caller)!).push(h.gap);
  const threshold = new Map<string, number>();
  for (const [caller, gaps] of reference)
    if (gaps.length >= o.minReference) threshold.set(caller, Math.max(o.floorSeconds, o.factor * quantile(gaps, 0.9)));
  const judged = hops.filter((h) => threshold.has(h.caller));
  const slow = (h: Hop) => h.gap > threshold.get(h.caller)!;
  // Per period: a caller keeps its slow calls when they are spread over its callees — at least two
  // of them have a slow share of half the largest or more — rather than piled on one.
  const slowCallers = (during: boolean) => {
    const shares = new Map<string, Map<string, { slow: number; n: number }>>();
    for (const h of judged) {
      if (h.during !== during) continue;
      const byCallee = shares.get(h.caller) ?? shares.set(h.caller, new Map()).get(h.caller)!;
      const x = byCallee.get(h.callee) ?? byCallee.set(h.callee, { slow: 0, n: 0 }).get(h.callee)!;
      x.n++;
      if (slow(h)) x.slow++;
    }
    const keep = new Set<string>();
    for (const [caller, byCallee] of shares) {
      if (byCallee.size < 2) continue;
      const r = [...byCallee.values()].map((x) => x.slow / x.n);
      const top = Math.max(...r);
      if (top > 0 && r.filter((x) => x >= top / 2).length >= 2) keep.add(caller);
    }
    return keep;
  };
  const keepsBefore = slowCallers(false);
  const keepsDuring = slowCallers(true);
  const tallies = new Map<string, Tally>();
  const tally = (s: string) => tallies.get(s) ?? tallies.set(s, { before: 0, during: 0, exposureBefore: 0, exposureDuring: 0, worst: null }).get(s)!;
  for (const h of judged) {
    // a call counts for the one its slowness would be charged to: the callee, or a caller that keeps
    const t = tally((h.during ? keepsDuring : keepsBefore).has(h.caller) ? h.caller : h.callee);
    if (h.during) t.exposureDuring++;
    else t.exposureBefore++;
    if (!slow(h)) continue;
    if (!h.during) t.before++;
    else {
      t.during++;
      if (!t.worst || h.gap > t.worst.gap) t.worst = h;
    }
  }
  const out: LogClusterInput[] = [];
  for (const [service, t] of [...tallies.entries()].sort(([a], [b]) => cmp(a, b))) {
    if (!t.during || !t.worst) continue;
    const w = t.worst;
    out.push({
      service,
      templateId: `slow-call:${service}`,
      template: `slow calls ${w.caller === service ? 'from' : 'into'} ${service}: hand-offs beyond ${round3(threshold.get(w.caller)!)} s (slowest ${round3(w.gap)} s, ${w.caller} → ${w.callee})`,
      countsBefore: t.before,
      countsDuring: t.during,
      level: 'ERROR',
      exemplar: maskedExemplar(w.line),
      secondsBefore: t.exposureBefore,
      secondsDuring: t.exposureDuring,
      derived: 'slow-call',
    });
  }
  return out;
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;
