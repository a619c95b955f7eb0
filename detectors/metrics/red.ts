/**
 * RED and USE views (Tom Wilkie's RED method — rate, errors, duration — for services; Brendan
 * Gregg's USE method — utilisation, saturation, errors — for resources), as per-interval points
 * the series detector can consume.
 *
 * RED from logs, where a service exports no metrics: every parsed record is one event (a request,
 * for access logs); an error is a record at level error/fatal/critical or with an HTTP status >= 500;
 * duration percentiles come from the records that carry `durationMs`. Intervals close once the
 * newest timestamp seen is `latenessMs` past their end; a record older than that is counted in
 * `late` and dropped (its interval was already emitted). Between two records of a service, empty
 * intervals are emitted as zero-rate points (up to `maxGapFill` of them), because "no requests" is
 * itself a signal.
 */
import { QuantileSketch } from './sketch.js';

/** A parsed log record (what the log pipeline hands over). */
export interface LogRecord {
  ts: number;
  service: string;
  level: string;
  status?: number;
  durationMs?: number;
}

/** One service's RED figures over one interval. */
export interface RedPoint {
  service: string;
  /** Interval start (epoch ms). */
  ts: number;
  intervalMs: number;
  count: number;
  /** Events per second. */
  rate: number;
  errors: number;
  /** errors / count (0 when count is 0). */
  errorRatio: number;
  /** Duration percentiles in ms (NaN when no record carried a duration). */
  p50: number;
  p95: number;
  p99: number;
}

const ERROR_LEVELS = new Set(['error', 'err', 'fatal', 'critical', 'crit', 'alert', 'emerg', 'emergency', 'panic', 'severe']);

/** True when a record counts as an error (error-like level, or an HTTP 5xx status). */
export function isErrorRecord(r: Pick<LogRecord, 'level' | 'status'>): boolean {
  return ERROR_LEVELS.has(r.level.toLowerCase()) || (r.status !== undefined && r.status >= 500);
}

interface Bucket {
  count: number;
  errors: number;
  durations: QuantileSketch;
}

export interface RedOptions {
  /** Interval width (default 1 minute). */
  intervalMs?: number;
  /** How long after an interval ends late records are still accepted (default one interval). */
  latenessMs?: number;
  /** Most empty intervals emitted between two records of a service (default 60). */
  maxGapFill?: number;
}

/** Streams log records into per-service, per-interval RED points. */
export class RedAggregator {
  readonly intervalMs: number;
  readonly latenessMs: number;
  readonly maxGapFill: number;
  /** Records dropped because their interval had already been emitted. */
  late = 0;
  private watermark = -Infinity;
  private closedThrough = -Infinity;
  private readonly open = new Map<string, Map<number, Bucket>>();
  /** Start of the last interval emitted per service (for gap filling). */
  private readonly lastEmitted = new Map<string, number>();

  /** Creates an aggregator (one minute intervals by default). */
  constructor(opts: RedOptions = {}) {
    this.intervalMs = opts.intervalMs ?? 60_000;
    this.latenessMs = opts.latenessMs ?? this.intervalMs;
    this.maxGapFill = opts.maxGapFill ?? 60;
  }

  /** Adds a record; returns the points of intervals that closed because time moved on. */
  add(r: LogRecord): RedPoint[] {
    if (!Number.isFinite(r.ts)) return [];
    const start = Math.floor(r.ts / this.intervalMs) * this.intervalMs;
    const emitted = this.lastEmitted.get(r.service);
    if (start + this.intervalMs <= this.watermark - this.latenessMs || (emitted !== undefined && start <= emitted)) {
      this.late++;
      return [];
    }
    let perService = this.open.get(r.service);
    if (!perService) this.open.set(r.service, (perService = new Map()));
    let b = perService.get(start);
    if (!b) perService.set(start, (b = { count: 0, errors: 0, durations: new QuantileSketch() }));
    b.count++;
    if (isErrorRecord(r)) b.errors++;
    if (r.durationMs !== undefined) b.durations.add(r.durationMs);
    if (r.ts > this.watermark) this.watermark = r.ts;
    // Closing only happens when the cut-off crosses an interval boundary: O(1) amortised per record.
    const cutoff = Math.floor((this.watermark - this.latenessMs) / this.intervalMs) * this.intervalMs;
    if (cutoff <= this.closedThrough) return [];
    this.closedThrough = cutoff;
    return this.close(cutoff);
  }

  /** Emits every open interval (end of input). */
  flush(): RedPoint[] {
    return this.close(Infinity);
  }

  private close(before: number): RedPoint[] {
    const out: RedPoint[] = [];
    for (const [service, perService] of this.open) {
      const starts = [...perService.keys()].filter((s) => s + this.intervalMs <= before).sort((a, b) => a - b);
      for (const s of starts) {
        const last = this.lastEmitted.get(service);
        if (last !== undefined) {
          const gap = Math.min((s - last) / this.intervalMs - 1, this.maxGapFill);
          for (let i = 1; i <= gap; i++) out.push(this.point(service, last + i * this.intervalMs, undefined));
        }
        out.push(this.point(service, s, perService.get(s)));
        perService.delete(s);
        this.lastEmitted.set(service, s);
      }
      if (perService.size === 0) this.open.delete(service);
    }
    return out.sort((a, b) => a.ts - b.ts || (a.service < b.service ? -1 : a.service > b.service ? 1 : 0));
  }

  private point(service: string, ts: number, b: Bucket | undefined): RedPoint {
    const count = b?.count ?? 0;
    const errors = b?.errors ?? 0;
    const d = b?.durations;
    return {
      service,
      ts,
      intervalMs: this.intervalMs,
      count,
      rate: count / (this.intervalMs / 1000),
      errors,
      errorRatio: count > 0 ? errors / count : 0,
      p50: d ? d.quantile(0.5) : NaN,
      p95: d ? d.quantile(0.95) : NaN,
      p99: d ? d.quantile(0.99) : NaN,
    };
  }
}

/** The detector series of a RED point: rate, error ratio and p95 duration (when known). */
export function redSeries(p: RedPoint): { metric: string; value: number }[] {
  const out = [
    { metric: 'red.rate', value: p.rate },
    { metric: 'red.error_ratio', value: p.errorRatio },
  ];
  if (Number.isFinite(p.p95)) out.push({ metric: 'red.duration_p95_ms', value: p.p95 });
  return out;
}

// ---- USE ------------------------------------------------------------------------------------

/** A resource metric sample, e.g. {resource: 'node-3', metric: 'cpu_utilization', value: 0.82}. */
export interface ResourceSample {
  ts: number;
  resource: string;
  metric: string;
  value: number;
}

export type UseKind = 'utilization' | 'saturation' | 'errors';

/**
 * Which USE column a resource metric belongs to, by its name (null when none fits):
 * errors (error, fail, drop, retrans, oom), saturation (queue, throttl, saturat, load, wait,
 * pending, backlog, pressure, swap), utilisation (util, usage, busy, used, percent, ratio).
 */
export function classifyResourceMetric(name: string): UseKind | null {
  const n = name.toLowerCase();
  if (/(error|fail|drop|retrans|oom)/.test(n)) return 'errors';
  if (/(queue|throttl|saturat|load|wait|pending|backlog|pressure|swap)/.test(n)) return 'saturation';
  if (/(util|usage|busy|used|percent|ratio)/.test(n)) return 'utilization';
  return null;
}

/** One resource's USE figures over one interval (NaN when no sample of that kind arrived). */
export interface UsePoint {
  resource: string;
  ts: number;
  intervalMs: number;
  /** Mean of the utilisation samples. */
  utilization: number;
  /** Largest saturation sample (a queue that spiked was saturated, even briefly). */
  saturation: number;
  /** Sum of the error samples (per-interval error counts). */
  errors: number;
}

/**
 * Groups resource samples into USE points per (resource, interval), in time order. Samples whose
 * metric fits no column, or whose value is not finite, are ignored.
 */
export function useView(samples: readonly ResourceSample[], intervalMs = 60_000): UsePoint[] {
  const acc = new Map<string, { resource: string; ts: number; uSum: number; uN: number; sMax: number; eSum: number; eN: number }>();
  for (const s of samples) {
    const kind = classifyResourceMetric(s.metric);
    if (!kind || !Number.isFinite(s.value) || !Number.isFinite(s.ts)) continue;
    const ts = Math.floor(s.ts / intervalMs) * intervalMs;
    const key = `${s.resource}\u0000${ts}`;
    let a = acc.get(key);
    if (!a) acc.set(key, (a = { resource: s.resource, ts, uSum: 0, uN: 0, sMax: -Infinity, eSum: 0, eN: 0 }));
    if (kind === 'utilization') {
      a.uSum += s.value;
      a.uN++;
    } else if (kind === 'saturation') a.sMax = Math.max(a.sMax, s.value);
    else {
      a.eSum += s.value;
      a.eN++;
    }
  }
  return [...acc.values()]
    .map((a) => ({
      resource: a.resource,
      ts: a.ts,
      intervalMs,
      utilization: a.uN ? a.uSum / a.uN : NaN,
      saturation: a.sMax === -Infinity ? NaN : a.sMax,
      errors: a.eN ? a.eSum : NaN,
    }))
    .sort((x, y) => x.ts - y.ts || (x.resource < y.resource ? -1 : x.resource > y.resource ? 1 : 0));
}

/** The detector series of a USE point (only the columns that had samples). */
export function useSeries(p: UsePoint): { metric: string; value: number }[] {
  const out: { metric: string; value: number }[] = [];
  if (Number.isFinite(p.utilization)) out.push({ metric: 'use.utilization', value: p.utilization });
  if (Number.isFinite(p.saturation)) out.push({ metric: 'use.saturation', value: p.saturation });
  if (Number.isFinite(p.errors)) out.push({ metric: 'use.errors', value: p.errors });
  return out;
}
