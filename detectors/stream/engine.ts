/**
 * The streaming detection engine behind `signal.ingest`: one per org, fed batches of stored
 * signals in arrival order, returning anomalies. Pure (no I/O, no clock: time is the signals'
 * own), with its whole learned state out and back in as plain JSON for checkpoints.
 *
 *   metric, service level (no `instance` label) → the seasonal detector (warms up for two days)
 *                                                  and the SLO guard (works from the first point);
 *                                                  a symptom the SLO covers pages by its burn rate,
 *                                                  the seasonal finding on it only supports;
 *   metric, pod level                            → restarts only (a counter that went up);
 *   log                                          → template miner → novel templates, per-template
 *                                                  rates, error bursts; RED from logs for a
 *                                                  service that sends no metrics;
 *   event                                        → Kubernetes warnings (OOMKilled, BackOff…);
 *   deploy, flag                                 → nothing here (changes are RCA's input).
 *
 * Pod-level series are not modelled: pods are replaced on every rollout, so their baselines
 * would be forever warming up; the service roll-ups carry the signal and the RCA reads pods.
 * Anomaly ids derive from (org, service, series, time, detector), so re-processing a batch
 * after a restart from an older checkpoint yields the same rows and the store keeps them once.
 */
import { createHash } from 'node:crypto';
import type { LogTemplateUpdate } from '../../core/ports/index.js';
import type { Anomaly, Signal } from '../../core/schemas.js';
import { nodeSlos } from '../../core/node-slo.js';
import { LogTemplateMiner, type MinerOptions } from '../logs/miner.js';
import type { ClustererSnapshot } from '../logs/cluster.js';
import { LogAnomalyDetector, type LogAnomaly, type LogAnomalyState } from '../metrics/logs.js';
import { RedAggregator, redSeries } from '../metrics/red.js';
import { DetectorRegistry, type RegistryState } from '../metrics/registry.js';
import type { SeriesDetectorOptions } from '../metrics/detector.js';
import { SloGuard, symptomOf, type ServiceSlo, type SloGuardOptions, type SloGuardState } from './slo.js';
import { TemplateBatch } from './templates.js';

export type EngineAnomaly = Omit<Anomaly, 'orgId'>;

/** What one batch yields: anomalies, and the log templates it touched (to be upserted with them). */
export interface EngineBatchResult {
  anomalies: EngineAnomaly[];
  templates: LogTemplateUpdate[];
  /**
   * Service-level metric points behind their series' newest: folded in (within the detector's
   * lateness window, default 5 min) or dropped (older), for the operator's metric.
   */
  late: { folded: number; dropped: number };
}

export const DETECTORS = {
  seasonal: 'seasonal-v1',
  /** The seasonal detector on a symptom its SLO covers (error ratio, p95 latency, probe) while the SLO guard is quiet. */
  seasonalWithinSlo: 'seasonal-v1-within-slo',
  slo: 'slo-guard',
  restart: 'pod-restart',
  k8s: 'k8s-warning',
  novelTemplate: 'log-novel',
  templateRate: 'log-rate',
  errorBurst: 'log-burst',
} as const;

export interface EngineOptions {
  org: string;
  /** Series kept by the seasonal detector (memory bound; CLOCK eviction beyond it). */
  maxSeries?: number;
  detector?: SeriesDetectorOptions;
  slo?: Partial<SloGuardOptions>;
  miner?: MinerOptions;
  /** Kubernetes event reasons that count as a warning even when the event has no `type`. */
  warningReasons?: readonly string[];
}

export interface EngineState {
  v: 1;
  registry: RegistryState;
  slo: SloGuardState;
  miner: ClustererSnapshot;
  logs: LogAnomalyState;
  restarts: [string, number][];
  metricServices: string[];
}

const DEFAULT_WARNINGS = ['OOMKilled', 'BackOff', 'CrashLoopBackOff', 'Unhealthy', 'Evicted', 'FailedScheduling', 'FailedMount', 'NodeNotReady', 'Failed'];

/** Deterministic anomaly id: the same finding on a re-processed batch is the same row. */
export function streamAnomalyId(org: string, service: string, series: string, ts: number, detector: string): string {
  return 'an_' + createHash('sha256').update(`${org}\u0000${service}\u0000${series}\u0000${ts}\u0000${detector}`).digest('hex').slice(0, 26);
}

/** SLOs from the topology's node attributes (`slo: {availability, p95_ms}`), by service id. */
export function slosFromTopology(t: { nodes: { id: string; attributes?: unknown }[] } | null): Record<string, ServiceSlo> {
  const out: Record<string, ServiceSlo> = {};
  for (const n of t?.nodes ?? []) {
    const { service } = nodeSlos(n.attributes);
    if (service) out[n.id] = service;
  }
  return out;
}

export class DetectionEngine {
  readonly org: string;
  private readonly registry: DetectorRegistry;
  private readonly slo: SloGuard;
  private readonly miner: LogTemplateMiner;
  private readonly logs: LogAnomalyDetector;
  private readonly red = new RedAggregator();
  private readonly restarts = new Map<string, number>();
  /** Services that send metrics of their own (RED from logs is only for the others). */
  private readonly metricServices = new Set<string>();
  private readonly warnings: Set<string>;
  private readonly opts: EngineOptions;
  private readonly templates = new TemplateBatch();
  private late = { folded: 0, dropped: 0 };

  constructor(opts: EngineOptions, state?: EngineState) {
    this.opts = opts;
    this.org = opts.org;
    const regOpts = { maxSeries: opts.maxSeries, detector: opts.detector };
    this.registry = state ? DetectorRegistry.fromJSON(state.registry, regOpts) : new DetectorRegistry(regOpts);
    this.slo = state ? SloGuard.fromJSON(state.slo, opts.slo) : new SloGuard(opts.slo);
    this.miner = state ? LogTemplateMiner.fromJSON(state.miner, opts.miner) : new LogTemplateMiner(opts.miner);
    const logOpts = { org: opts.org, detector: opts.detector };
    this.logs = state ? LogAnomalyDetector.fromJSON(state.logs, logOpts) : new LogAnomalyDetector(logOpts);
    for (const [k, v] of state?.restarts ?? []) this.restarts.set(k, v);
    for (const s of state?.metricServices ?? []) this.metricServices.add(s);
    this.warnings = new Set(opts.warningReasons ?? DEFAULT_WARNINGS);
  }

  setSlos(slos: Record<string, ServiceSlo>): void {
    this.slo.setSlos(slos);
  }

  /** The template of a mined log cluster (for evidence text). */
  template(id: number): string | undefined {
    return this.miner.get(id)?.tokens.join(' ');
  }

  /** Series currently modelled by the seasonal detector. */
  get seriesCount(): number {
    return this.registry.size;
  }

  /** Detects over one batch; the anomalies only (see processBatch). */
  process(signals: readonly Signal[]): EngineAnomaly[] {
    return this.processBatch(signals).anomalies;
  }

  /** Detects over one batch (sorted by time first, stable, so a batch's own order never costs points). */
  processBatch(signals: readonly Signal[]): EngineBatchResult {
    const out: EngineAnomaly[] = [];
    this.late = { folded: 0, dropped: 0 };
    const times = new Float64Array(signals.length);
    let sorted = true;
    let last = -Infinity;
    for (let i = 0; i < signals.length; i++) {
      const t = (times[i] = Date.parse(signals[i].ts));
      if (!Number.isFinite(t)) continue;
      if (t < last) sorted = false;
      last = t;
    }
    // Batches usually arrive in time order: then no index array is built (a sort only when needed).
    const order = sorted ? null : Array.from(signals.keys()).filter((i) => Number.isFinite(times[i])).sort((a, b) => times[a] - times[b] || a - b);
    const n = order ? order.length : signals.length;
    for (let k = 0; k < n; k++) {
      const i = order ? order[k] : k;
      const s = signals[i];
      const t = times[i];
      if (!Number.isFinite(t)) continue;
      const service = s.labels.service;
      if (s.kind === 'metric') {
        if (service && s.value !== null) this.metric(s, service, t, s.value, out);
      } else if (s.kind === 'log') {
        this.log(s, service ?? s.key, t, out);
      } else if (s.kind === 'event' && service) {
        this.event(s, service, t, out);
      }
    }
    const c = this.miner.clusterer;
    return { anomalies: out, templates: this.templates.take(this.org, (id) => c.resolve(id), (id) => c.template(id)), late: this.late };
  }

  private push(out: EngineAnomaly[], a: Omit<EngineAnomaly, 'id' | 'ts'> & { t: number }): void {
    const { t, ...rest } = a;
    out.push({ ...rest, ts: new Date(t).toISOString(), id: streamAnomalyId(this.org, a.service, a.series, t, a.detector) });
  }

  private metric(s: Signal, service: string, t: number, value: number, out: EngineAnomaly[]): void {
    const instance = s.labels.instance;
    if (instance) {
      if (/restart/i.test(s.key)) {
        const k = `${service}\u0000${instance}\u0000${s.key}`;
        const prev = this.restarts.get(k);
        this.restarts.set(k, value);
        if (this.restarts.size > 100_000) this.restarts.delete(this.restarts.keys().next().value as string);
        if (prev !== undefined && value > prev)
          this.push(out, { service, series: `${s.key}{instance=${instance}}`, t, value, baseline: prev, score: 0.6, direction: 'up', detector: DETECTORS.restart, signalId: s.id });
      }
      return;
    }
    this.metricServices.add(service);
    this.series(service, s.key, t, value, s.id, out);
  }

  /** A service-level series: SLO guard, then the seasonal detector. */
  private series(service: string, metric: string, t: number, value: number, signalId: string | null, out: EngineAnomaly[]): void {
    const b = this.slo.update(service, metric, t, value);
    if (b) this.push(out, { service, series: metric, t, value, baseline: b.threshold, score: b.score, direction: b.kind === 'probe' ? 'down' : 'up', detector: DETECTORS.slo, signalId });
    const d = this.registry.update({ org: this.org, service, metric }, t, value);
    if (d.late) this.late.folded++;
    else if (d.reason === 'out_of_order') this.late.dropped++;
    if (!d.alert) return;
    // A symptom the SLO covers pages through its burn rate; unusual but within budget, it only
    // supports an incident (a slow burn is a ticket, not a page).
    const kind = symptomOf(metric);
    const covered = !b && kind !== null && this.slo.threshold(service, kind) !== null;
    const detector = covered ? DETECTORS.seasonalWithinSlo : DETECTORS.seasonal;
    this.push(out, { service, series: metric, t, value, baseline: Number.isFinite(d.expected) ? d.expected : 0, score: d.score, direction: d.direction, detector, signalId });
  }

  private log(s: Signal, service: string, t: number, out: EngineAnomaly[]): void {
    const mined = this.miner.learn(s.text ?? s.key, t);
    const level = s.labels.level ?? mined.level ?? 'info';
    this.templates.add(service, mined.clusterId, t, level, mined.tokens, mined.created);
    for (const a of this.logs.add({ templateId: String(mined.clusterId), ts: t, level, service })) this.logAnomaly(a, out);
    for (const p of this.red.add({ ts: t, service, level, ...(mined.status !== undefined ? { status: mined.status } : {}) })) {
      if (this.metricServices.has(p.service)) continue;
      for (const x of redSeries(p)) this.series(p.service, `log.${x.metric}`, p.ts, x.value, null, out);
    }
  }

  private logAnomaly(a: LogAnomaly, out: EngineAnomaly[]): void {
    const detector = a.kind === 'novel_template' ? DETECTORS.novelTemplate : a.kind === 'template_rate' ? DETECTORS.templateRate : DETECTORS.errorBurst;
    const series = a.kind === 'error_burst' ? 'log.errors' : `log.template.${a.templateId}`;
    this.push(out, { service: a.service, series, t: a.ts, value: a.count ?? 1, baseline: a.expected ?? 0, score: a.score, direction: a.direction, detector, signalId: null });
  }

  private event(s: Signal, service: string, t: number, out: EngineAnomaly[]): void {
    const reason = s.labels.reason ?? String((s.meta as Record<string, unknown>).reason ?? '');
    const type = String((s.meta as Record<string, unknown>).type ?? '');
    if (type === 'Normal' || !(type === 'Warning' || this.warnings.has(reason))) return;
    const instance = s.labels.instance;
    const series = `k8s.${reason || 'warning'}${instance ? `{instance=${instance}}` : ''}`;
    this.push(out, { service, series, t, value: 1, baseline: 0, score: 0.6, direction: 'up', detector: DETECTORS.k8s, signalId: s.id });
  }

  toJSON(): EngineState {
    return {
      v: 1,
      registry: this.registry.toJSON(),
      slo: this.slo.toJSON(),
      miner: this.miner.toJSON(),
      logs: this.logs.toJSON(),
      restarts: [...this.restarts],
      metricServices: [...this.metricServices],
    };
  }

  static fromJSON(state: EngineState, opts: EngineOptions): DetectionEngine {
    if (state?.v !== 1) throw new Error('detection engine checkpoint: unknown version');
    return new DetectionEngine(opts, state);
  }
}
