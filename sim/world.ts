/**
 * The simulated world: services with replicas or shards, traffic with daily and weekly
 * seasonality, a call graph that carries load down and errors and latency back up, a controller
 * that converges pods, config and certificates to the desired state, and faults that act on it.
 * Pure and deterministic: time comes from the scenario's virtual clock, randomness from seeded
 * streams (metrics, logs, events are separate streams, so a log-rate change never moves a metric).
 *
 * One call to `step()` advances one simulation step (10 s or 1 min) and returns the signals of
 * that step as `SignalInput`-shaped objects, ready for `POST /v1/signals/ingest`.
 */
import type { SignalInput } from '../core/schemas.js';
import type { Rng } from '../core/rng.js';
import { CERT_RELOAD_MS, CONFIG_RELOAD_MS, DISK_EXPAND_MS, INDEX_BUILD_MS, ONLINE_RESIZE_MS, STARTUP_MS, afterDesiredChange, reconcile, resizesOnline, type ControllerView } from './controller.js';
import { changeSignal, emitLogs, emitMetrics, emitSpans } from './emit.js';
import { FAULTS, type ActiveFault, groundTruthOf, type FaultGroundTruth, type FaultView } from './faults.js';
import { ERRORS, LEVELS, languageOf, plantSecrets, serviceLogs, type Level, type LineCtx, type PlantedSecrets, type Vars } from './logs.js';
import { INSTANCE_METRICS, noImpact, type Chunk, type Defect, type EdgeRt, type Impact, type Pod, type SvcRt, type WorldOptions, type WorldState } from './model.js';
import type { FaultSpec, Remedy, Scenario, ServiceSpec, RedHerringSpec } from './schema.js';
import { applyRemedy, bumpVersion, initialState, type ChangeRecord, type DesiredState, type Scalar } from './state.js';
import { peakDemand, topoOrder } from './topology.js';
import { emitRequests, traceTemplates } from './trace-logs.js';
import { computeDemand, computeServices, dailyRaw, type TrafficView } from './traffic.js';
import { parseDuration } from '../core/duration.js';
import { clamp } from '../core/math.js';
import { IsoClock, gauss, hex8, num, pick, subRng } from './util.js';

export type { Chunk, EdgeRt, Impact, LogSource, Pod, SvcRt, WorldOptions } from './model.js';
export { INSTANCE_METRICS } from './model.js';
export { changeSignal } from './emit.js';
export { queueFactor, timeoutFraction } from './traffic.js';

const AUTHORS = ['alice.chen', 'bob.kumar', 'carol.diaz', 'dave.okafor', 'erin.novak', 'frank.li', 'grace.mensah', 'heidi.schulz', 'renovate[bot]'];
const SUMMARIES = [
  'Bump dependencies (weekly renovate batch)',
  'Add request tracing attributes to %s handlers',
  'Refactor %s client retry policy',
  'Normalise cache keys for product ids',
  'Update translations (de, fr, nl)',
  'Fix pagination off-by-one on list endpoints',
  'Switch JSON serializer to the streaming one',
  'Tune GC settings for the new node pool',
  'Remove dead code behind the old checkout flag',
  'Log the tenant id on every request',
];

const dnsNameOf = (id: string) => `${id}.shop.svc.cluster.local`;

interface Scheduled {
  at: number;
  seq: number;
  run: (c: Chunk) => void;
}

/**
 * The one owner of the world's state. Each subsystem gets it as its own narrow view (see
 * `WorldState` in model.ts): the `implements` list is where a new need of a subsystem shows.
 */
export class World implements WorldState, ControllerView, TrafficView, FaultView {
  readonly scenario: Scenario;
  readonly stepMs: number;
  readonly services: SvcRt[];
  readonly byId: Map<string, SvcRt>;
  readonly order: SvcRt[];
  readonly entry: SvcRt;
  desired: DesiredState;
  readonly faults: ActiveFault[] = [];
  readonly changes: ChangeRecord[] = [];
  readonly herrings: (RedHerringSpec & { atMs: number; change: ChangeRecord | null })[] = [];
  readonly secrets: PlantedSecrets;
  readonly remediesApplied: { ts: string; remedy: Remedy; ok: boolean; message: string }[] = [];
  /** Version defects: `${service}@${version}` → what pods of that version do. */
  readonly defects = new Map<string, Defect>();
  t: number;
  readonly end: number;
  readonly rm: Rng;
  readonly rl: Rng;
  readonly re: Rng;
  readonly rt: Rng;
  readonly iso = new IsoClock();
  readonly line: LineCtx;
  queue: Scheduled[] = [];
  seq = 0;
  changeSeq = 0;
  nodeSeq = 12;
  scheduledDays = new Set<number>();
  dailyMax = 0;
  readonly logsPerMin: number;
  readonly instEvery: number;
  readonly svcEvery: number;
  readonly tracesPerMin: number;
  /** Sampled traces are requests that log (sim/trace-logs.ts). */
  readonly traceLogs: boolean;
  readonly opts: WorldOptions;
  stepIndex = 0;

  constructor(scenario: Scenario, opts: WorldOptions = {}) {
    this.scenario = scenario;
    this.opts = opts;
    this.stepMs = scenario.stepMs;
    this.t = scenario.startMs;
    this.end = opts.endless ? Infinity : scenario.startMs + scenario.durationMs;
    const seed = scenario.seed;
    this.rm = subRng(seed, 'metrics');
    this.rl = subRng(seed, 'logs');
    this.re = subRng(seed, 'events');
    this.rt = subRng(seed, 'traces');
    this.secrets = plantSecrets(subRng(seed, 'secrets'));
    this.line = { sec: this.iso.at(this.t), ms: 0, iso: '', secrets: this.secrets };
    const b = scenario.baseline;
    this.logsPerMin = opts.logsPerMin ?? b.logs_per_min;
    const every = (r: '10s' | '1m' | 'off') => (r === 'off' ? 0 : Math.max(1, Math.round((r === '10s' ? 10_000 : 60_000) / this.stepMs)));
    this.instEvery = every(opts.instanceMetrics ?? b.instance_metrics);
    this.svcEvery = every(opts.serviceMetrics ?? b.service_metrics);
    this.tracesPerMin = opts.tracesPerMin ?? b.traces_per_min;
    this.traceLogs = this.tracesPerMin > 0 && (opts.traceLogs ?? b.trace_logs);
    for (let h = 0; h < 24; h += 0.05) this.dailyMax = Math.max(this.dailyMax, dailyRaw(h));

    const topo = scenario.topology;
    this.desired = initialState(topo, scenario.startMs);
    const peak = peakDemand(topo, b.traffic_scale);
    this.services = topo.services.map((spec) => this.makeService(spec, peak.get(spec.id) ?? 0));
    this.byId = new Map(this.services.map((s) => [s.id, s]));
    for (const e of topo.edges) {
      const er: EdgeRt = { spec: e, from: this.byId.get(e.from)!, to: this.byId.get(e.to)!, fail: 0, failDet: 0, failPre: 0, failLog: null, timeoutFrac: 0, perceived: 0, bypass: false };
      er.from.out.push(er);
      er.to.in.push(er);
    }
    this.order = topoOrder(topo).map((id) => this.byId.get(id)!);
    this.entry = this.byId.get(topo.entry.service)!;
    for (const s of this.services) {
      // Client timeouts and the DNS name live in the service's config (a ConfigMap), so they can be changed and reverted.
      const cfg: Record<string, Scalar> = { 'dns.name': s.original.dnsName };
      for (const e of s.out) if (e.spec.mode === 'sync') cfg[`timeout_ms.${e.to.id}`] = e.spec.timeout_ms;
      Object.assign(cfg, s.spec.config);
      s.original.config = { ...cfg };
      s.actual.config = { ...cfg };
      this.desired.services[s.id].config = { ...cfg };
      for (let i = 0; i < s.spec.instances; i++) this.addPod(s, scenario.startMs - Math.floor(this.re() * 7 * 86_400_000), true);
    }

    // The scenario's timeline.
    for (const f of scenario.faults) this.schedule(scenario.startMs + parseDuration(f.at)!, () => this.inject(f));
    for (const h of scenario.red_herrings) this.schedule(scenario.startMs + parseDuration(h.at)!, () => this.redHerring(h));
    for (const r of scenario.remedies) this.schedule(scenario.startMs + parseDuration(r.at)!, () => this.apply(r.remedy, 'scenario'));
  }

  // ---- setup ----------------------------------------------------------------------------

  private makeService(spec: ServiceSpec, peak: number): SvcRt {
    const d = this.desired.services[spec.id];
    return {
      id: spec.id,
      spec,
      out: [],
      in: [],
      pods: [],
      nextOrdinal: 0,
      logs: spec.log_format === 'none' ? null : serviceLogs(spec.id, spec.type, spec.log_format),
      traceLogs: this.traceLogs ? traceTemplates(spec.id, spec.log_format) : null,
      capacity: spec.type === 'external' ? 1e12 : Math.max(1, peak / spec.instances / spec.peak_utilization),
      basePeak: peak,
      startupMs: STARTUP_MS[spec.log_format] ?? 15_000,
      actual: {
        config: { ...d.config, 'dns.name': (d.config['dns.name'] as string | undefined) ?? dnsNameOf(spec.id) },
        flags: { ...d.flags },
        certNotAfterMs: d.certificate ? Date.parse(d.certificate.not_after) : null,
        indexes: new Set(d.indexes ?? []),
        memoryMb: d.resources.memory_mb,
        cpuMillis: d.resources.cpu_millis,
        diskGb: d.resources.disk_gb,
      },
      original: { config: { ...spec.config, 'dns.name': (spec.config['dns.name'] as string | undefined) ?? dnsNameOf(spec.id) }, dnsName: (spec.config['dns.name'] as string | undefined) ?? dnsNameOf(spec.id) },
      labels: { service: spec.id },
      demand: 0,
      baseDemand: 0,
      extraDemand: 0,
      localDemand: 0,
      flow: 0,
      rps: 0,
      err: 0,
      det: 0,
      p50: spec.latency_ms.p50,
      p95: spec.latency_ms.p95,
      p99: spec.latency_ms.p99,
      cpu: 0,
      sat: 0,
      seen: { err: 0, det: 0, p50: spec.latency_ms.p50, p95: spec.latency_ms.p95, p99: spec.latency_ms.p99 },
      hit: spec.hit_ratio ?? 0.9,
      evictions: 0,
      queueDepth: 0,
      probeOk: 1,
      probeMs: spec.latency_ms.p50,
      wander: 0,
      noisy: null,
      roll: new Float64Array(INSTANCE_METRICS.length),
      rollN: 0,
    };
  }

  addPod(s: SvcRt, bootedAt: number, ready: boolean): Pod {
    const ordinal = s.nextOrdinal++;
    const id = s.spec.type === 'external' ? s.id : `${s.id}-${ordinal}`;
    const lang = languageOf(s.spec.log_format);
    const err = ERRORS[lang];
    const cls = s.id
      .split('-')
      .map((w) => w[0].toUpperCase() + w.slice(1))
      .join('');
    const labels = { service: s.id, instance: id };
    const d = this.desired.services[s.id];
    const node = `node-${1 + ((this.services.indexOf(s) * 3 + ordinal) % 12)}`;
    const p: Pod = {
      id,
      svc: s,
      ordinal,
      node: ordinal < s.spec.instances ? node : this.newNode(),
      version: d.version,
      restartGen: d.restartGeneration,
      podRestart: d.podRestarts[id] ?? 0,
      memLimitMb: d.resources.memory_mb,
      ready,
      readyAt: ready ? bootedAt : bootedAt + s.startupMs,
      bootedAt,
      owns: ready,
      pending: null,
      leak: 0,
      gcPeriod: 120_000 + Math.floor(this.re() * 360_000),
      gcPhase: this.re(),
      restarts: 0,
      crashes: 0,
      crashedThisStep: false,
      diskUsedGb: s.spec.disk.gb * s.spec.disk.base * (0.95 + this.re() * 0.1),
      poolLeak: 0,
      labels,
      logLabels: Object.fromEntries(LEVELS.map((l) => [l, { ...labels, level: l } as Record<string, string>])) as Record<Level, Record<string, string>>,
      vars: {
        svc: s.id,
        inst: id,
        pkg: s.id.replace(/-/g, ''),
        cls,
        errtype: err.errtype,
        errmsg: err.errmsg,
        oom: err.oom,
        version: d.version,
        node,
        route: `/v1/${s.id}`,
        upstream: s.out[0]?.to.id ? `${s.out[0].to.id}:8080` : 'frontend:8080',
        pool: `${cls}Pool`,
        poolsize: String(num(d.config['db.pool_size'], 20)),
        path: s.spec.type === 'queue' ? '/var/lib/rabbitmq/mnesia' : s.spec.type === 'database' ? '/var/lib/postgresql/data' : '/var/log/app',
        maxmemory: String(d.resources.memory_mb),
      },
      imp: noImpact(),
      extra: [],
      burst: [],
      rps: 0,
      err: 0,
      p50: 0,
      p95: 0,
      p99: 0,
      cpu: 0,
      sat: 0,
      mem: 0,
      disk: 0,
      rho: 0,
    };
    p.vars.node = p.node;
    s.pods.push(p);
    return p;
  }

  newNode(): string {
    return `node-${++this.nodeSeq}`;
  }

  schedule(at: number, run: (c: Chunk) => void): void {
    this.queue.push({ at, seq: this.seq++, run });
    this.queue.sort((a, b) => a.at - b.at || a.seq - b.seq);
  }

  // ---- public API -----------------------------------------------------------------------

  get done(): boolean {
    return this.t >= this.end;
  }

  svc(id: string): SvcRt {
    const s = this.byId.get(id);
    if (!s) throw new Error(`unknown service "${id}"`);
    return s;
  }

  /** Advances one step and returns its signals. */
  step(): Chunk {
    const t = this.t;
    const c: Chunk = { from: t, to: t + this.stepMs, events: [], metrics: [], logs: [], spans: [] };
    if (!this.opts.quiet) this.scheduleBackground(t);
    while (this.queue.length && this.queue[0].at <= t) this.queue.shift()!.run(c);
    this.flushPendingEvents(c);
    reconcile(this, t);
    this.resetStep();
    for (const f of this.faults) if (f.healedAt === null || FAULTS[f.kind].keepsTicking) FAULTS[f.kind].tick?.(this, f, t);
    this.genericConditions(t);
    computeDemand(this, t);
    computeServices(this, t);
    for (const f of this.faults) {
      if (f.healedAt === null && t >= f.startMs && FAULTS[f.kind].healed(this, f, t)) f.healedAt = t;
    }
    emitMetrics(this, t, c);
    if (this.logsPerMin > 0) emitLogs(this, t, c);
    if (this.traceLogs) emitRequests(this, t, c);
    else if (this.tracesPerMin > 0) emitSpans(this, t, c);
    this.stepIndex++;
    this.t += this.stepMs;
    return c;
  }

  /** Injects a fault now (or at its `at` when called by the timeline); returns its ground truth. */
  inject(spec: FaultSpec): FaultGroundTruth {
    const def = FAULTS[spec.kind];
    const service = spec.service ?? def.defaultService;
    const svc = this.byId.get(service);
    if (!svc) throw new Error(`unknown service "${service}" (known: ${this.services.map((s) => s.id).join(', ')})`);
    const problem = def.check?.(this.scenario.topology, { ...spec, service });
    if (problem) throw new Error(`${spec.kind} on ${service}: ${problem}`);
    const f: ActiveFault = {
      id: spec.id ?? `f${this.faults.length + 1}`,
      kind: spec.kind,
      service,
      instance: spec.instance ?? null,
      params: spec.params,
      startMs: this.t,
      endMs: spec.duration ? this.t + parseDuration(spec.duration)! : null,
      change: null,
      symptomsFromMs: this.t,
      healedAt: null,
      data: {},
    };
    def.inject(this, f);
    this.faults.push(f);
    return groundTruthOf(this, f);
  }

  /** Applies a remedy to the desired state; the world converges to it over the next steps. */
  apply(remedy: Remedy, actor = 'sandbox'): { ok: boolean; message: string; effective_after_s: number } {
    const out = applyRemedy(this.desired, remedy, { nowMs: this.t, original: Object.fromEntries(this.services.map((s) => [s.id, s.original.config])) });
    const ts = this.iso.iso(this.t);
    if (!out.ok) {
      this.remediesApplied.push({ ts, remedy, ok: false, message: out.error });
      return { ok: false, message: out.error, effective_after_s: 0 };
    }
    this.desired = out.state;
    for (const ch of out.changes) this.recordChange({ ...ch, author: actor });
    afterDesiredChange(this, remedy.service);
    this.remediesApplied.push({ ts, remedy, ok: true, message: out.message });
    return { ok: true, message: out.message, effective_after_s: Math.round(this.effectiveAfter(remedy) / 1000) };
  }

  /** How long a remedy takes to act (rollout, reload, index build…). */
  effectiveAfter(r: Remedy): number {
    const s = this.byId.get(r.service);
    if (!s) return 0;
    const startup = s.startupMs;
    switch (r.action) {
      case 'rollback':
        return startup * s.pods.length;
      case 'restart':
        return r.instance ? startup : startup * s.pods.length;
      case 'scale':
        return startup;
      case 'flag_set':
      case 'flag_off':
      case 'config_set':
      case 'config_revert':
        return CONFIG_RELOAD_MS;
      case 'add_index':
        return INDEX_BUILD_MS;
      case 'renew_certificate':
        return CERT_RELOAD_MS;
      case 'expand_disk':
        return DISK_EXPAND_MS;
      case 'resize':
        return resizesOnline(s) ? ONLINE_RESIZE_MS : startup * s.pods.length;
    }
  }

  /** Ground truth of every fault so far. */
  groundTruth(): FaultGroundTruth[] {
    return this.faults.map((f) => groundTruthOf(this, f));
  }

  // ---- changes (used by faults, red herrings and background activity) --------------------

  pendingEvents: SignalInput[] = [];

  /** Records a change, emits its event signal, and returns it. */
  recordChange(ch: Omit<ChangeRecord, 'id' | 'ts'> & { ts?: string }): ChangeRecord {
    const rec: ChangeRecord = { ...ch, id: `chg-${String(++this.changeSeq).padStart(4, '0')}`, ts: ch.ts ?? this.iso.iso(this.t) };
    this.changes.push(rec);
    this.pendingEvents.push(changeSignal(rec));
    return rec;
  }

  /** Deploys a new version (rolling update); returns the deploy change. */
  deploy(service: string, version: string, opts: { summary?: string; author?: string } = {}): ChangeRecord {
    const d = this.desired.services[service];
    const from = d.version;
    d.history.push(from);
    d.version = version;
    const summary = (opts.summary ?? pick(this.re, SUMMARIES)).replace('%s', service);
    return this.recordChange({ kind: 'deploy', service, key: 'version', from, to: version, author: opts.author ?? pick(this.re, AUTHORS), commit: hex8(this.re) + hex8(this.re) + hex8(this.re) + hex8(this.re) + hex8(this.re), summary });
  }

  setFlag(service: string, flag: string, value: Scalar, author?: string): ChangeRecord {
    const d = this.desired.services[service];
    const from = d.flags[flag] ?? null;
    d.flags[flag] = value;
    afterDesiredChange(this, service);
    return this.recordChange({ kind: 'flag', service, key: flag, from, to: value, author: author ?? pick(this.re, AUTHORS) });
  }

  setConfig(service: string, key: string, value: Scalar, opts: { author?: string; summary?: string } = {}): ChangeRecord {
    const d = this.desired.services[service];
    const from = d.config[key] ?? null;
    d.config[key] = value;
    afterDesiredChange(this, service);
    return this.recordChange({ kind: 'config', service, key, from, to: value, author: opts.author ?? pick(this.re, AUTHORS), summary: opts.summary });
  }

  /** Emits a Kubernetes-style event (OOMKilled, BackOff, Started…). */
  k8sEvent(pod: Pod | null, svc: SvcRt, type: 'Normal' | 'Warning', reason: string, message: string): void {
    const obj = pod ? `pod/${pod.id}` : `deployment/${svc.id}`;
    this.pendingEvents.push({
      source: 'kubernetes',
      kind: 'event',
      ts: this.iso.iso(this.t),
      key: 'k8s_event',
      text: `${type} ${reason} ${obj}: ${message}`,
      labels: pod ? { service: svc.id, instance: pod.id, reason } : { service: svc.id, reason },
      meta: { type, reason, object: obj, namespace: 'shop' },
    });
  }

  private flushPendingEvents(c: Chunk): void {
    if (this.pendingEvents.length) {
      c.events.push(...this.pendingEvents);
      this.pendingEvents = [];
    }
  }

  // ---- background activity and red herrings ----------------------------------------------

  private scheduleBackground(t: number): void {
    const day = Math.floor(t / 86_400_000);
    if (this.scheduledDays.has(day)) return;
    this.scheduledDays.add(day);
    const b = this.scenario.baseline;
    const r = subRng(this.scenario.seed, `background-${day}`);
    const faultTargets = new Set(this.scenario.faults.map((f) => f.service ?? FAULTS[f.kind].defaultService));
    for (const h of this.scenario.red_herrings) faultTargets.add(h.service);
    const deployable = this.services.filter((s) => (s.spec.type === 'service' || s.spec.type === 'gateway') && !faultTargets.has(s.id));
    const dow = (day + 4) % 7;
    const weekend = dow === 0 || dow === 6;
    const count = (perDay: number) => {
      const lambda = perDay * (weekend ? 0.2 : 1.2);
      let n = Math.floor(lambda);
      if (r() < lambda - n) n++;
      return n;
    };
    const workHour = () => {
      const localH = 9 + r() * 8.5;
      return day * 86_400_000 + Math.floor((localH - b.utc_offset_h) * 3_600_000);
    };
    const start = this.scenario.startMs;
    for (let i = count(b.deploys_per_day); i > 0 && deployable.length; i--) {
      const at = workHour();
      const s = pick(r, deployable);
      const kind = r() < 0.7 ? 'patch' : 'minor';
      if (at >= Math.max(t, start)) this.schedule(at, () => this.deploy(s.id, bumpVersion(this.desired.services[s.id].version, kind)));
    }
    for (let i = count(b.flag_changes_per_day); i > 0 && deployable.length; i--) {
      const at = workHour();
      const s = pick(r, deployable);
      const pct = pick(r, [5, 10, 25, 50, 100]);
      if (at >= Math.max(t, start)) this.schedule(at, () => this.setFlag(s.id, pick(r, ['banner_experiment', 'new_footer', 'reviews_widget', 'lazy_images']), pct));
    }
  }

  private redHerring(h: RedHerringSpec): void {
    const atMs = this.t;
    let change: ChangeRecord | null = null;
    if (h.kind === 'innocent_deploy') {
      change = this.deploy(h.service, bumpVersion(this.desired.services[h.service].version, 'patch'), { summary: h.note });
    } else if (h.kind === 'innocent_flag') {
      change = this.setFlag(h.service, 'banner_experiment', 50);
    } else {
      this.svc(h.service).noisy = { until: h.duration ? atMs + parseDuration(h.duration)! : Infinity };
    }
    this.herrings.push({ ...h, atMs, change });
  }

  // ---- one step of traffic ----------------------------------------------------------------

  private resetStep(): void {
    for (const s of this.services) {
      for (const p of s.pods) {
        const i = p.imp;
        i.err = 0;
        i.det = 0;
        i.latMul = 1;
        i.tailMul = 1;
        i.cpuAdd = 0;
        i.cpuMul = 1;
        i.satAdd = 0;
        i.memRate = 0;
        p.extra.length = 0;
        p.crashedThisStep = false;
      }
      for (const e of s.out) {
        e.fail = 0;
        e.failDet = 0;
        e.failPre = 0;
        e.failLog = null;
        e.bypass = false;
      }
      s.extraDemand = 0;
      s.localDemand = 0;
      if (s.spec.type === 'cache') {
        s.hit = clamp((s.spec.hit_ratio ?? 0.9) + 0.004 * gauss(this.rm), 0, 1);
        s.evictions = Math.max(0, 2 + 2 * gauss(this.rm));
      }
    }
  }

  /** Adds an impact to a pod (errors combine as independent failures, multipliers multiply). */
  addImpact(p: Pod, x: Partial<Impact>): void {
    const i = p.imp;
    if (x.err) {
      const e = x.err;
      const total = 1 - (1 - i.err) * (1 - e);
      i.det = total > 0 ? (i.det * i.err + (x.det ?? 0.5) * e) / (i.err + e) : 0;
      i.err = total;
    }
    if (x.latMul) i.latMul *= x.latMul;
    if (x.tailMul) i.tailMul *= x.tailMul;
    if (x.cpuAdd) i.cpuAdd += x.cpuAdd;
    if (x.cpuMul) i.cpuMul *= x.cpuMul;
    if (x.satAdd) i.satAdd += x.satAdd;
    if (x.memRate) i.memRate += x.memRate;
  }

  addLog(p: Pod, cat: string, frac: number, vars?: Vars): void {
    const set = p.svc.logs?.problems[cat];
    if (set && frac > 0) p.extra.push({ set, frac, vars: vars ?? p.vars });
  }

  /** Makes calls on an edge fail (DNS, TLS, provider outage). */
  failEdge(e: EdgeRt, fail: number, det: number, pre: number, log: { cat: string; vars: Record<string, string> } | null): void {
    const total = 1 - (1 - e.fail) * (1 - fail);
    e.failDet = total > 0 ? (e.failDet * e.fail + det * fail) / (e.fail + fail) : 0;
    e.failPre = total > 0 ? (e.failPre * e.fail + pre * fail) / (e.fail + fail) : 0;
    e.fail = total;
    if (log) e.failLog = log;
  }

  /** Conditions that follow from the actual state, whoever caused them. */
  private genericConditions(t: number): void {
    for (const s of this.services) {
      // Pods of a defective version.
      for (const p of s.pods) {
        if (!p.ready && !p.pending) continue;
        const d = this.defects.get(`${s.id}@${p.version}`);
        if (d) {
          this.addImpact(p, d.impact);
          if (d.log) this.addLog(p, d.log, d.logFrac);
        }
      }
      // Expired certificate: TLS handshakes to this service fail.
      if (s.actual.certNotAfterMs !== null && t >= s.actual.certNotAfterMs) {
        const vars = { host: s.original.dnsName, notafter: new Date(s.actual.certNotAfterMs).toISOString(), callee: s.id };
        for (const e of s.in) this.failEdge(e, 1, 1, 1, { cat: 'tls', vars });
      }
      // The DNS name callers use no longer resolves.
      if (s.actual.config['dns.name'] !== s.original.dnsName) {
        const vars = { host: s.original.dnsName, callee: s.id };
        for (const e of s.in) this.failEdge(e, 1, 1, 1, { cat: 'dns', vars });
      }
      // A noisy service (red herring): bursts of latency and warnings, errors under the threshold.
      if (s.noisy && t < s.noisy.until) {
        const burst = this.re() < 0.2;
        for (const p of s.pods) {
          this.addImpact(p, { err: 0.006 + this.re() * (burst ? 0.02 : 0.006), det: 0.2, latMul: burst ? 2 + this.re() * 2 : 1 + this.re() * 0.3, tailMul: burst ? 1.5 : 1 });
          this.addLog(p, 'noisy', burst ? 0.3 : 0.08);
        }
      }
    }
  }

}

