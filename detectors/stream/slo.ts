/**
 * The SLO guard: model-free checks of a service's user-facing symptoms against its objectives.
 * The learned detector needs two days of history before it may alarm; the guard works from the
 * first minute, so a fresh install (or a series that was just evicted) still pages on a real
 * outage. It is the "page" rule of multiwindow burn-rate alerting (Google SRE Workbook, ch. 5)
 * shortened to one window: the error ratio averaged over the window must burn the error budget
 * (1 − availability) at least `errorBurnRate` times faster than allowed, and so must the latest
 * point, so a single bad minute pages nobody and a recovered service stops paging at once.
 *
 *   errors  — a ratio series (`http_error_rate`, `*_5xx_ratio`…): window mean ≥ burn × (1 − availability),
 *             or ≥ `errorRateFloor` when the service has no availability objective;
 *   latency — a p95 series (`latency_p95_ms`…): window mean ≥ the p95 objective × `latencyFactor`;
 *   probe   — a success probe (`probe_success`, 1 = up): window mean ≤ `probeFloor`.
 *
 * Score: 0.5 at the threshold, rising with log(mean / threshold) to 1 at `saturation` × threshold.
 */
import type { ServiceSlo } from '../../core/ports/index.js';

/** A service's objectives: part of the DetectionHost port, so defined in core/ports/detection-host.ts. */
export type { ServiceSlo };

export interface SloGuardOptions {
  windowMs: number;
  errorBurnRate: number;
  errorRateFloor: number;
  latencyFactor: number;
  probeFloor: number;
  saturation: number;
  /** A point this late (behind its series' newest) still counts in the window; older ones are ignored. */
  latenessMs?: number;
}

export const DEFAULT_SLO_GUARD: SloGuardOptions = {
  windowMs: 5 * 60_000,
  errorBurnRate: 14.4,
  errorRateFloor: 0.05,
  latencyFactor: 1,
  probeFloor: 0.9,
  saturation: 4,
  latenessMs: 5 * 60_000,
};

export type SloKind = 'errors' | 'latency' | 'probe';

export interface SloBreach {
  kind: SloKind;
  service: string;
  metric: string;
  ts: number;
  value: number;
  /** Mean over the window. */
  mean: number;
  threshold: number;
  score: number;
}

/** Which user-facing symptom a metric name measures (any latency percentile counts as latency), if any. */
export function symptomOf(metric: string): SloKind | null {
  const m = metric.toLowerCase();
  if (/probe_success|^up$/.test(m)) return 'probe';
  if (/(error|5xx|fail)/.test(m) && /(rate|ratio|pct|fraction)/.test(m) && !/per_s|total|count/.test(m)) return 'errors';
  if (/(latency|duration)/.test(m) && /p\d\d|_ms$|seconds$|mean|avg/.test(m)) return 'latency';
  return null;
}

/** Which objective the guard checks a metric against: the error ratio, the p95 latency or the probe. */
export function sloKindOf(metric: string): SloKind | null {
  const k = symptomOf(metric);
  return k === 'latency' && !/p95/i.test(metric) ? null : k;
}

interface Window {
  ts: number[];
  v: number[];
  sum: number;
}

export interface SloGuardState {
  v: 1;
  windows: [string, { ts: number[]; v: number[] }][];
}

/** Per-series windows and the objectives they are checked against. */
export class SloGuard {
  private readonly o: SloGuardOptions;
  private readonly windows = new Map<string, Window>();
  private slos: Record<string, ServiceSlo> = {};

  constructor(opts: Partial<SloGuardOptions> = {}) {
    this.o = { ...DEFAULT_SLO_GUARD, ...opts };
  }

  /** Replaces the objectives (from the topology's node attributes). */
  setSlos(slos: Record<string, ServiceSlo>): void {
    this.slos = slos;
  }

  /** The threshold a series is held to, or null when the guard has no rule for it. */
  threshold(service: string, kind: SloKind): number | null {
    const slo = this.slos[service];
    if (kind === 'errors') return slo?.availability !== undefined && slo.availability < 1 ? this.o.errorBurnRate * (1 - slo.availability) : this.o.errorRateFloor;
    if (kind === 'latency') return slo?.p95Ms !== undefined ? slo.p95Ms * this.o.latencyFactor : null;
    return this.o.probeFloor;
  }

  /**
   * Adds one point; a breach when it pages. A late point (up to `latenessMs` behind the series'
   * newest, e.g. a batch retried after a crash) joins the window at the newest instant; an older
   * one is ignored.
   */
  update(service: string, metric: string, ts: number, value: number): SloBreach | null {
    const kind = sloKindOf(metric);
    if (kind === null || !Number.isFinite(value) || !Number.isFinite(ts)) return null;
    const key = `${service}\u0000${metric}`;
    let w = this.windows.get(key);
    if (!w) this.windows.set(key, (w = { ts: [], v: [], sum: 0 }));
    const last = w.ts.length ? w.ts[w.ts.length - 1] : -Infinity;
    if (ts < last && last - ts > (this.o.latenessMs ?? 0)) return null;
    w.ts.push(Math.max(ts, last));
    w.v.push(value);
    w.sum += value;
    while (w.ts.length > 1 && w.ts[0] <= ts - this.o.windowMs) {
      w.ts.shift();
      w.sum -= w.v.shift()!;
    }
    const thr = this.threshold(service, kind);
    if (thr === null) return null;
    const mean = w.sum / w.v.length;
    const bad = kind === 'probe' ? mean <= thr && value <= thr : mean >= thr && value >= thr;
    if (!bad) return null;
    // For a probe, "how far past" is how much of the window failed.
    const ratio = kind === 'probe' ? (1 - mean) / Math.max(1e-9, 1 - thr) : mean / thr;
    const score = Math.min(1, 0.5 + (0.5 * Math.log(Math.max(1, ratio))) / Math.log(this.o.saturation));
    return { kind, service, metric, ts, value, mean, threshold: thr, score };
  }

  toJSON(): SloGuardState {
    return { v: 1, windows: [...this.windows].map(([k, w]) => [k, { ts: [...w.ts], v: [...w.v] }]) };
  }

  static fromJSON(s: SloGuardState, opts: Partial<SloGuardOptions> = {}): SloGuard {
    const g = new SloGuard(opts);
    for (const [k, w] of s.windows) g.windows.set(k, { ts: [...w.ts], v: [...w.v], sum: w.v.reduce((a, b) => a + b, 0) });
    return g;
  }
}
