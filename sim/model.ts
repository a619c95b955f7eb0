/**
 * The runtime shapes of the simulated world: pods, services, edges, what a fault does to a pod
 * in one step (Impact), the chunk of signals one step produces, and the world's state as its
 * subsystems see it (`WorldState`): each subsystem (controller, traffic, emit, trace-logs,
 * faults) declares the part it reads as a `Pick` of it, plus the few actions it calls, and
 * world.ts, which alone owns the state, hands itself over as that view.
 */
import type { Rng } from '../core/rng.js';
import type { SignalInput } from '../core/schemas.js';
import type { Level, LineCtx, Template, TemplateSet, Vars } from './logs.js';
import type { EdgeSpec, Scenario, ServiceSpec } from './schema.js';
import type { ServiceLogs } from './logs.js';
import type { DesiredState, Scalar } from './state.js';
import type { IsoClock } from './util.js';

/** What a fault or condition does to one pod during one step. Combined multiplicatively. */
export interface Impact {
  /** Extra error ratio of the pod's requests (0..1). */
  err: number;
  /** How deterministic those errors are: 1 = a retry fails again, 0 = a retry usually succeeds. */
  det: number;
  latMul: number;
  tailMul: number;
  cpuAdd: number;
  /** CPU per request multiplier (less capacity). */
  cpuMul: number;
  satAdd: number;
  /** Memory growth as a fraction of the limit per second. */
  memRate: number;
}

/** A service's compiled lines of a sampled request, and the operation it serves (trace-logs.ts). */
export interface TraceTemplates {
  /** `GET /v1/<service>`: stable, so the lines of one step keep one shape. */
  op: string;
  start: Template;
  call: Template;
  done: Template;
  failed: Template;
  degraded: Template;
}

export interface LogSource {
  set: TemplateSet;
  frac: number;
  vars: Vars;
}

export interface Pod {
  id: string;
  svc: SvcRt;
  ordinal: number;
  node: string;
  version: string;
  restartGen: number;
  podRestart: number;
  memLimitMb: number;
  ready: boolean;
  readyAt: number;
  bootedAt: number;
  /** Has served before: a shard that owns keys (a brand-new shard takes keys only once ready). */
  owns: boolean;
  /** A replacement pod being started by a rollout (replicas keep serving meanwhile; shards do not). */
  pending: { readyAt: number; version: string; restartGen: number; memLimitMb: number } | null;
  /** Leaked memory as a fraction of the spec's limit. */
  leak: number;
  gcPeriod: number;
  gcPhase: number;
  restarts: number;
  crashes: number;
  crashedThisStep: boolean;
  diskUsedGb: number;
  poolLeak: number;
  labels: Record<string, string>;
  logLabels: Record<Level, Record<string, string>>;
  vars: Vars;
  imp: Impact;
  extra: LogSource[];
  burst: { set: TemplateSet; count: number; vars: Vars }[];
  // computed each step
  rps: number;
  err: number;
  p50: number;
  p95: number;
  p99: number;
  cpu: number;
  sat: number;
  mem: number;
  disk: number;
  /** CPU demand over capacity (above 1: overloaded). */
  rho: number;
}

export interface EdgeRt {
  spec: EdgeSpec;
  from: SvcRt;
  to: SvcRt;
  /** Failure of calls on this edge caused by the edge itself (DNS, TLS, provider outage). */
  fail: number;
  failDet: number;
  /** Share of the failing calls that never reach the callee (DNS, TLS handshake). */
  failPre: number;
  failLog: { cat: string; vars: Record<string, string> } | null;
  /** Computed: fraction of calls that time out at the caller's timeout. */
  timeoutFrac: number;
  perceived: number;
  /** The caller routes around the callee (failed over to a backup): its errors do not count. */
  bypass: boolean;
}

export interface SvcRt {
  id: string;
  spec: ServiceSpec;
  out: EdgeRt[];
  in: EdgeRt[];
  pods: Pod[];
  nextOrdinal: number;
  logs: ServiceLogs | null;
  /** Lines of sampled requests (trace logs on and a format with trace context), else null. */
  traceLogs: TraceTemplates | null;
  /** Requests per second one pod can serve at 100 % CPU. */
  capacity: number;
  basePeak: number;
  startupMs: number;
  actual: {
    config: Record<string, Scalar>;
    flags: Record<string, Scalar>;
    certNotAfterMs: number | null;
    indexes: Set<string>;
    memoryMb: number;
    cpuMillis: number;
    diskGb: number;
  };
  original: { config: Record<string, Scalar>; dnsName: string };
  labels: Record<string, string>;
  /** Requests per second arriving now (flow from callers + local extra). */
  demand: number;
  /** Demand from callers before any surge. */
  baseDemand: number;
  /** Extra demand that flows on to callees (a surge at this service). */
  extraDemand: number;
  /** Extra demand served here only (a surge passing through on its way to another service). */
  localDemand: number;
  /** Demand that callees see from this service. */
  flow: number;
  rps: number;
  err: number;
  det: number;
  p50: number;
  p95: number;
  p99: number;
  cpu: number;
  sat: number;
  /** What callers see (smoothed toward the current values: propagation takes a few seconds per hop). */
  seen: { err: number; det: number; p50: number; p95: number; p99: number };
  hit: number;
  evictions: number;
  queueDepth: number;
  probeOk: number;
  probeMs: number;
  wander: number;
  noisy: { until: number } | null;
  roll: Float64Array;
  rollN: number;
}

export interface Chunk {
  /** Step start and end, epoch ms. */
  from: number;
  to: number;
  events: SignalInput[];
  metrics: SignalInput[];
  logs: SignalInput[];
  spans: SignalInput[];
}

export interface WorldOptions {
  /** Log lines per minute over all services (default: the scenario's baseline); 0 = no logs. */
  logsPerMin?: number;
  instanceMetrics?: '10s' | '1m' | 'off';
  serviceMetrics?: '10s' | '1m' | 'off';
  tracesPerMin?: number;
  /** Sampled requests log their steps with their trace id (default: the scenario's `trace_logs`). */
  traceLogs?: boolean;
  /** Run past the scenario's duration (the real-time sandbox). */
  endless?: boolean;
  /** Skip background deploys and flag changes (tests that want a quiet world). */
  quiet?: boolean;
  /** Streams log lines to this function instead of collecting them in the chunk (nothing is retained). */
  onLog?: (line: SignalInput) => void;
}

/** What pods of a defective version do (set by a bad-deploy fault, keyed `${service}@${version}`). */
export interface Defect {
  impact: Partial<Impact>;
  log: string | null;
  logFrac: number;
}

/** The world's state, read-only as seen from a subsystem (which changes pods and services in place, and the rest through actions). */
export interface WorldState {
  readonly scenario: Scenario;
  readonly opts: WorldOptions;
  readonly stepMs: number;
  /** Start of the current step, epoch ms. */
  readonly t: number;
  readonly stepIndex: number;
  readonly services: readonly SvcRt[];
  readonly byId: ReadonlyMap<string, SvcRt>;
  /** Services in call order, callers before callees. */
  readonly order: readonly SvcRt[];
  readonly entry: SvcRt;
  readonly desired: DesiredState;
  readonly defects: Map<string, Defect>;
  /** The highest value of the daily traffic shape (it is scaled to 1). */
  readonly dailyMax: number;
  readonly logsPerMin: number;
  /** Steps between pod metrics and between service roll-ups (0: off). */
  readonly instEvery: number;
  readonly svcEvery: number;
  readonly tracesPerMin: number;
  /** The seeded streams: metrics, logs, events, traces (separate, so one never moves another). */
  readonly rm: Rng;
  readonly rl: Rng;
  readonly re: Rng;
  readonly rt: Rng;
  readonly iso: IsoClock;
  /** The shared clock of the line being written (logs.ts). */
  readonly line: LineCtx;
}

/** What a fault or condition does to pods this step. */
export interface PodEffects {
  /** Adds an impact to a pod (errors combine as independent failures, multipliers multiply). */
  addImpact(p: Pod, x: Partial<Impact>): void;
  /** Adds a share of problem lines (`cat` of the service's problem templates) to a pod's logs. */
  addLog(p: Pod, cat: string, frac: number, vars?: Vars): void;
}

/** Emits a Kubernetes-style event (OOMKilled, BackOff, Started…) with the step's signals. */
export interface ClusterEvents {
  k8sEvent(pod: Pod | null, svc: SvcRt, type: 'Normal' | 'Warning', reason: string, message: string): void;
}

export const INSTANCE_METRICS = ['http_requests_per_s', 'http_error_rate', 'latency_p50_ms', 'latency_p95_ms', 'latency_p99_ms', 'cpu_utilization', 'memory_utilization', 'saturation', 'restarts_total', 'disk_utilization'] as const;

export const noImpact = (): Impact => ({ err: 0, det: 0, latMul: 1, tailMul: 1, cpuAdd: 0, cpuMul: 1, satAdd: 0, memRate: 0 });

/** A template set with no templates (for services that do not log). */
export const EMPTY_SET: TemplateSet = { templates: [], cumulative: new Float64Array(0), total: 0 };
