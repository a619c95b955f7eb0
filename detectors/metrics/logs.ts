/**
 * The detector side of log anomalies. Log clustering happens elsewhere; this takes its output as
 * {templateId, ts, level, service} events and finds:
 *   - novel templates: a template never seen before, once the stream is past its learning period;
 *   - per-template rate changes: each template's count per interval goes through the same series
 *     detector as metrics (one series per service and template);
 *   - error bursts: each service's error count per interval against a Poisson baseline.
 * Memory is bounded: at most `maxTemplates` templates are remembered (least recently seen is
 * forgotten first) and the series live in a capped {@link DetectorRegistry}.
 */
import { surpriseToScore, type SeriesDetectorOptions } from './detector.js';
import { logPoissonSf } from './mathx.js';
import { isErrorRecord } from './red.js';
import { DetectorRegistry, type RegistryState } from './registry.js';

/** A clustered log line. */
export interface TemplateEvent {
  templateId: string;
  ts: number;
  level: string;
  service?: string;
}

export type LogAnomalyKind = 'novel_template' | 'template_rate' | 'error_burst';

export interface LogAnomaly {
  kind: LogAnomalyKind;
  ts: number;
  service: string;
  templateId?: string;
  /** In [0, 1], comparable with metric anomaly scores. */
  score: number;
  direction: 'up' | 'down';
  /** Events in the interval (rate and burst anomalies). */
  count?: number;
  /** What the baseline expected (rate and burst anomalies). */
  expected?: number;
}

// ln Γ and the Poisson tail live in mathx.ts (the metric detector's exceedance counts use them too).
export { logGamma, logPoissonSf } from './mathx.js';

export interface ErrorBurstOptions {
  /** Fewest errors in an interval that can be a burst (default 5). */
  minErrors?: number;
  /** Half-life of the baseline error rate, in intervals (default 60). */
  halfLife?: number;
  /** Floor of the baseline rate per interval, so a quiet service is not infinitely surprised (default 0.2). */
  minRate?: number;
  /** Intervals observed before any burst is reported (default 10). */
  warmupIntervals?: number;
  /** Surprise (nats) at score 0.5 (default 12 ≈ p 6e-6). */
  alertSurprise?: number;
}

/**
 * Error bursts against a Poisson baseline: the surprise −ln P(X ≥ k | λ) of k errors in an interval
 * when λ are expected (λ = EW mean of past counts, floored). Bursts feed the baseline only up to
 * λ + 3√λ + 3, so a long storm does not teach the detector that storms are normal at once.
 */
export class ErrorBurstDetector {
  private lambda = 0;
  private intervals = 0;
  private readonly o: Required<ErrorBurstOptions>;

  constructor(opts: ErrorBurstOptions = {}) {
    this.o = { minErrors: 5, halfLife: 60, minRate: 0.2, warmupIntervals: 10, alertSurprise: 12, ...opts };
  }

  /** Scores one interval's error count and learns from it. */
  update(errors: number): { score: number; expected: number; surprise: number } {
    const expected = Math.max(this.lambda, this.o.minRate);
    const surprise = errors >= this.o.minErrors ? -logPoissonSf(errors, expected) : 0;
    const score = this.intervals >= this.o.warmupIntervals ? surpriseToScore(surprise, this.o.alertSurprise) : 0;
    const capped = Math.min(errors, this.lambda + 3 * Math.sqrt(this.lambda) + 3);
    const w = this.intervals < this.o.halfLife ? 1 / (this.intervals + 1) : 1 - Math.pow(2, -1 / this.o.halfLife);
    this.lambda += w * (capped - this.lambda);
    this.intervals++;
    return { score, expected, surprise };
  }

  toJSON(): { lambda: number; intervals: number } {
    return { lambda: this.lambda, intervals: this.intervals };
  }

  static fromJSON(s: { lambda: number; intervals: number }, opts: ErrorBurstOptions = {}): ErrorBurstDetector {
    const d = new ErrorBurstDetector(opts);
    d.lambda = s.lambda;
    d.intervals = s.intervals;
    return d;
  }
}

export interface LogAnomalyOptions {
  org?: string;
  /** Counting interval (default 1 minute). */
  intervalMs?: number;
  /** Before the stream is this old, every template is new and none is reported (default 1 hour). */
  learnMs?: number;
  /** Templates remembered (default 10,000). */
  maxTemplates?: number;
  /** Cap of per-template series (default 10,000). */
  maxSeries?: number;
  /** Score at or above which an anomaly is reported (default 0.5). */
  threshold?: number;
  detector?: SeriesDetectorOptions;
  burst?: ErrorBurstOptions;
}

/** Plain-JSON state of a {@link LogAnomalyDetector}. */
export interface LogAnomalyState {
  v: 1;
  registry: RegistryState;
  known: [string, number][];
  bursts: [string, { lambda: number; intervals: number }][];
  counts: [string, number][];
  errors: [string, number][];
  firstTs: number | null;
  current: number | null;
}

/** Novel templates, per-template rate anomalies and error bursts from clustered log events. */
export class LogAnomalyDetector {
  private readonly o: Required<Omit<LogAnomalyOptions, 'detector' | 'burst'>>;
  private registry: DetectorRegistry;
  private readonly burstOptions: ErrorBurstOptions;
  /** templateKey → last interval it was seen in (insertion order = least recently seen first). */
  private readonly known = new Map<string, number>();
  private readonly bursts = new Map<string, ErrorBurstDetector>();
  private readonly counts = new Map<string, number>();
  private readonly errors = new Map<string, number>();
  private firstTs: number | null = null;
  private current: number | null = null;

  constructor(opts: LogAnomalyOptions = {}) {
    this.o = { org: 'default', intervalMs: 60_000, learnMs: 3_600_000, maxTemplates: 10_000, maxSeries: 10_000, threshold: 0.5, ...stripDetector(opts) };
    this.registry = new DetectorRegistry({ maxSeries: this.o.maxSeries, detector: opts.detector });
    this.burstOptions = opts.burst ?? {};
  }

  /**
   * Adds an event (in time order; an event older than the current interval counts in the current
   * one). Returns anomalies: a novel template at once, rates and bursts when an interval closes.
   */
  add(e: TemplateEvent): LogAnomaly[] {
    if (!Number.isFinite(e.ts)) return [];
    const service = e.service ?? 'unknown';
    const start = Math.floor(e.ts / this.o.intervalMs) * this.o.intervalMs;
    const out: LogAnomaly[] = [];
    if (this.firstTs === null) this.firstTs = e.ts;
    if (this.current === null) this.current = start;
    if (start > this.current) out.push(...this.closeThrough(start));
    const key = `${service}\u0000${e.templateId}`;
    const seen = this.known.has(key);
    if (!seen && e.ts - this.firstTs >= this.o.learnMs) {
      // A new error template is worth a page; a new informational one is worth a look.
      const score = isErrorRecord({ level: e.level }) ? 0.8 : 0.4;
      out.push({ kind: 'novel_template', ts: e.ts, service, templateId: e.templateId, score, direction: 'up' });
    }
    this.known.delete(key);
    this.known.set(key, this.current);
    if (this.known.size > this.o.maxTemplates) this.known.delete(this.known.keys().next().value as string);
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    if (isErrorRecord({ level: e.level })) this.errors.set(service, (this.errors.get(service) ?? 0) + 1);
    else if (!this.errors.has(service)) this.errors.set(service, 0);
    return out.filter((a) => a.kind === 'novel_template' || a.score >= this.o.threshold);
  }

  /** Plain-JSON state (for checkpoints); {@link LogAnomalyDetector.fromJSON} restores it. */
  toJSON(): LogAnomalyState {
    return {
      v: 1,
      registry: this.registry.toJSON(),
      known: [...this.known],
      bursts: [...this.bursts].map(([k, d]) => [k, d.toJSON()]),
      counts: [...this.counts],
      errors: [...this.errors],
      firstTs: this.firstTs,
      current: this.current,
    };
  }

  /** Restores a detector saved by toJSON (options come from `opts`, as when it was created). */
  static fromJSON(s: LogAnomalyState, opts: LogAnomalyOptions = {}): LogAnomalyDetector {
    const d = new LogAnomalyDetector(opts);
    d.registry = DetectorRegistry.fromJSON(s.registry, { maxSeries: d.o.maxSeries, detector: opts.detector });
    for (const [k, v] of s.known) d.known.set(k, v);
    for (const [k, b] of s.bursts) d.bursts.set(k, ErrorBurstDetector.fromJSON(b, d.burstOptions));
    for (const [k, v] of s.counts) d.counts.set(k, v);
    for (const [k, v] of s.errors) d.errors.set(k, v);
    d.firstTs = s.firstTs;
    d.current = s.current;
    return d;
  }

  /** Closes the current interval (end of input). */
  flush(): LogAnomaly[] {
    if (this.current === null) return [];
    return this.closeThrough(this.current + this.o.intervalMs).filter((a) => a.score >= this.o.threshold);
  }

  /** Emits counts for every interval before `until` (zero counts for templates not seen). */
  private closeThrough(until: number): LogAnomaly[] {
    const out: LogAnomaly[] = [];
    // Long silences: at most a day of empty intervals is replayed, the rest is a gap.
    const maxSteps = Math.ceil(86_400_000 / this.o.intervalMs);
    let steps = 0;
    while (this.current! < until && steps++ < maxSteps) {
      const ts = this.current!;
      for (const key of this.known.keys()) {
        const [service, templateId] = key.split('\u0000');
        const count = this.counts.get(key) ?? 0;
        const r = this.registry.update({ org: this.o.org, service, metric: `log.template.${templateId}.count` }, ts, count);
        if (r.status === 'scored' && r.score > 0) out.push({ kind: 'template_rate', ts, service, templateId, score: r.score, direction: r.direction, count, expected: r.expected });
      }
      for (const [service, errors] of this.errors) {
        let d = this.bursts.get(service);
        if (!d) this.bursts.set(service, (d = new ErrorBurstDetector(this.burstOptions)));
        const b = d.update(errors);
        if (b.score > 0) out.push({ kind: 'error_burst', ts, service, score: b.score, direction: 'up', count: errors, expected: b.expected });
        this.errors.set(service, 0);
      }
      this.counts.clear();
      this.current = ts + this.o.intervalMs;
    }
    if (this.current! < until) this.current = until;
    return out;
  }
}

function stripDetector(o: LogAnomalyOptions): Partial<Omit<LogAnomalyOptions, 'detector' | 'burst'>> {
  const { detector: _d, burst: _b, ...rest } = o;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(rest)) if (v !== undefined) out[k] = v;
  return out;
}
