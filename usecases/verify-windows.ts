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

/**
 * Values per series and window: a 5-minute window in 5 s buckets (a scrape every 15 s gives
 * one value per bucket anyway). 60 values a side are plenty for the rank test; what costs is the
 * rows returned: on PGlite a window of 4 services × 7 series read at 1 s took ~0.5 s, at 5 s ~0.15 s.
 */
const MAX_POINTS = 60;

export interface Span {
  from: string;
  to: string;
}
export interface VerifyWindows {
  pre: Span;
  post: Span;
}

/** The shortest pre window worth clipping to the incident: below it, the whole window is read. */
export const MIN_PRE_WINDOW_MS = 60_000;

/**
 * The two windows around a change that landed at `executedAtMs`. The pre window starts no earlier
 * than the incident (when that leaves at least a minute): healthy minutes before the incident
 * began would make a fix that changed nothing look like one that made things worse.
 */
export function verifyWindows(executedAtMs: number, windowMs: number, settleMs: number, incidentStartMs?: number): VerifyWindows {
  const at = (ms: number) => new Date(ms).toISOString();
  const clipped = incidentStartMs !== undefined && Number.isFinite(incidentStartMs) && executedAtMs - incidentStartMs >= MIN_PRE_WINDOW_MS;
  const preFrom = clipped ? Math.max(executedAtMs - windowMs, incidentStartMs) : executedAtMs - windowMs;
  return {
    pre: { from: at(preFrom), to: at(executedAtMs) },
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

const ALL_METRICS = [REQUESTS_METRIC, ERROR_RATIO_METRIC, P95_METRIC, ...SATURATION_METRICS];

/** The last part of a pre window is at least this long (and a quarter of it) when it is cut in two. */
export const PRE_END_MIN_MS = 60_000;

/**
 * Where the pre window is cut into its earlier part and its last part (the judge's `ramp`: was
 * the symptom still rising when the fix landed?), or null when the window is too short for two
 * parts of a minute or more (the last part no longer than the earlier one).
 */
export function preSplit(pre: Span): number | null {
  const from = Date.parse(pre.from);
  const to = Date.parse(pre.to);
  const tail = Math.max(PRE_END_MIN_MS, (to - from) / 4);
  return to - from >= 2 * tail ? to - tail : null;
}

interface WindowRead {
  whole: WindowSample;
  /** With a cut: the part before it and the part from it on. */
  early?: WindowSample;
  end?: WindowSample;
}

/** One window of every service: one read of the range for all their series (cut in two at `cutMs` too, from the same buckets). */
async function readWindow(org: OrgStore, services: string[], span: Span, cutMs: number | null = null): Promise<Map<string, WindowRead>> {
  const series = await org.readMetricSeriesBatch({ services, metrics: ALL_METRICS, from: span.from, to: span.to, maxPoints: MAX_POINTS });
  const fromMs = Date.parse(span.from);
  const toMs = Date.parse(span.to);
  const sample = (svc: string, keep: (t: number) => boolean, spanMs: number) => {
    const of = (metric: string) => (series.find((x) => x.service === svc && x.metric === metric)?.points ?? []).filter((b) => keep(Date.parse(b.t)));
    return windowSample(spanMs, of(REQUESTS_METRIC), of(ERROR_RATIO_METRIC), of(P95_METRIC), Object.fromEntries(SATURATION_METRICS.map((m) => [m, of(m)])));
  };
  return new Map(
    services.map((svc): [string, WindowRead] => {
      const whole = sample(svc, () => true, toMs - fromMs);
      if (cutMs === null) return [svc, { whole }];
      return [svc, { whole, early: sample(svc, (t) => t < cutMs, cutMs - fromMs), end: sample(svc, (t) => t >= cutMs, toMs - cutMs) }];
    }),
  );
}

/**
 * Both windows of each service, with its objectives, in the order given, the pre window also cut
 * in two (the judge's `ramp`); with `normal` (a span before the incident began) also the
 * service's level then, which the judge counts as healed.
 */
export async function readServiceWindows(org: OrgStore, services: string[], w: VerifyWindows, topology: Topology | null, normal?: Span): Promise<ServiceWindows[]> {
  const [pre, post, before] = await Promise.all([readWindow(org, services, w.pre, preSplit(w.pre)), readWindow(org, services, w.post), normal ? readWindow(org, services, normal) : Promise.resolve(null)]);
  return services.map((service) => {
    const p = pre.get(service)!;
    return {
      service,
      ...objectivesOf(topology, service),
      latencyKind: 'p95_per_interval',
      pre: p.whole,
      post: post.get(service)!.whole,
      ...(p.early && p.end ? { ramp: { early: p.early, end: p.end } } : {}),
      ...(before ? { normal: before.get(service)!.whole } : {}),
    };
  });
}

/** The window that ends where the incident began: the services' normal level. */
export function normalWindow(incidentStartMs: number, windowMs: number): Span {
  return { from: new Date(incidentStartMs - windowMs).toISOString(), to: new Date(incidentStartMs).toISOString() };
}

/** Whether a window pair holds anything to judge (a service that sent nothing is left out, not judged "unknown"). */
export const hasData = (s: ServiceWindows): boolean =>
  [s.pre, s.post].some((x) => x.requests > 0 || x.latencyMs.length > 0 || Object.keys(x.saturation).length > 0);
