/**
 * What the canary judge reads: the pre window [executedAt − W, executedAt) and the post window
 * [executedAt + settle, executedAt + settle + W) of each impacted service, from the metric store.
 * The settle time skips the minute a change takes to roll out (pods restarting, caches warming),
 * which belongs to neither side. The series are the service-level ones the sandbox and most
 * Prometheus setups send: requests per second, the error ratio, the p95 latency per interval and
 * the resource levels (sim/emit.ts names them).
 */
import type { MetricBucket, OrgStore } from '../core/ports/index.js';
import type { Topology } from '../core/schemas.js';
import { nodeSlos } from '../core/node-slo.js';
import { DEFAULT_SLO_GUARD } from '../detectors/stream/slo.js';
import type { ServiceWindows, WindowSample } from '../remediate/verify/judge.js';

export const DEFAULT_VERIFY_WINDOW_MS = 300_000;
export const DEFAULT_VERIFY_SETTLE_MS = 60_000;

export const REQUESTS_METRIC = 'http_requests_per_s';
export const ERROR_RATIO_METRIC = 'http_error_rate';
export const P95_METRIC = 'latency_p95_ms';
export const SATURATION_METRICS = ['cpu_utilization', 'memory_utilization', 'disk_utilization', 'saturation'] as const;

/** The buckets one read asks for: a 5-minute window at one point per second, a longer one coarser. */
const MAX_POINTS = 5_000;

export interface Span {
  from: string;
  to: string;
}
export interface VerifyWindows {
  pre: Span;
  post: Span;
}

export function verifyWindows(executedAtMs: number, windowMs: number, settleMs: number): VerifyWindows {
  const at = (ms: number) => new Date(ms).toISOString();
  return {
    pre: { from: at(executedAtMs - windowMs), to: at(executedAtMs) },
    post: { from: at(executedAtMs + settleMs), to: at(executedAtMs + settleMs + windowMs) },
  };
}

/**
 * A service's availability and p95 objectives from its topology node (core/node-slo.ts); without
 * an availability objective, the error-rate floor the SLO guard pages at stands in for it.
 */
export function objectivesOf(topology: Topology | null, service: string): { sloTarget: number; p95ObjectiveMs?: number } {
  const node = topology?.nodes.find((n) => n.id === service);
  const slo = nodeSlos(node?.attributes).service;
  return { sloTarget: slo?.availability ?? 1 - DEFAULT_SLO_GUARD.errorRateFloor, ...(slo?.p95Ms !== undefined ? { p95ObjectiveMs: slo.p95Ms } : {}) };
}

/**
 * One window as the judge wants it. Requests are the rate integrated over the window (each
 * point stands for window / points seconds); errors weight each interval's error ratio by its
 * rate, so a quiet interval counts for little.
 */
export function windowSample(spanMs: number, requests: MetricBucket[], errorRatio: MetricBucket[], p95: MetricBucket[], saturation: Record<string, MetricBucket[]>): WindowSample {
  const seconds = spanMs / 1000;
  const perPoint = requests.length > 0 ? seconds / requests.length : 0;
  const rpsAt = new Map(requests.map((b) => [b.t, b.avg]));
  const meanRps = requests.length > 0 ? requests.reduce((a, b) => a + b.avg, 0) / requests.length : 0;
  let errors = 0;
  for (const e of errorRatio) errors += (rpsAt.get(e.t) ?? meanRps) * Math.min(1, Math.max(0, e.avg)) * perPoint;
  return {
    requests: meanRps * seconds,
    errors,
    latencyMs: p95.map((b) => b.avg),
    saturation: Object.fromEntries(Object.entries(saturation).filter(([, v]) => v.length > 0).map(([k, v]) => [k, v.map((b) => b.avg)])),
  };
}

async function readWindow(org: OrgStore, service: string, span: Span): Promise<WindowSample> {
  const read = async (metric: string) => (await org.readMetricSeries({ service, metric, instance: null, from: span.from, to: span.to, maxPoints: MAX_POINTS })).points;
  const [requests, errorRatio, p95, ...sat] = await Promise.all([read(REQUESTS_METRIC), read(ERROR_RATIO_METRIC), read(P95_METRIC), ...SATURATION_METRICS.map(read)]);
  const saturation = Object.fromEntries(SATURATION_METRICS.map((m, i) => [m, sat[i]]));
  return windowSample(Date.parse(span.to) - Date.parse(span.from), requests, errorRatio, p95, saturation);
}

/** Both windows of one service, with its objectives. */
export async function readServiceWindows(org: OrgStore, service: string, w: VerifyWindows, topology: Topology | null): Promise<ServiceWindows> {
  const [pre, post] = await Promise.all([readWindow(org, service, w.pre), readWindow(org, service, w.post)]);
  return { service, ...objectivesOf(topology, service), latencyKind: 'p95_per_interval', pre, post };
}

/** Whether a window pair holds anything to judge (a service that sent nothing is left out, not judged "unknown"). */
export const hasData = (s: ServiceWindows): boolean =>
  [s.pre, s.post].some((x) => x.requests > 0 || x.latencyMs.length > 0 || Object.keys(x.saturation).length > 0);
