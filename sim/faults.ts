/**
 * The fault library: 14 kinds, each with what it does to the world, the signals it moves on the
 * root-cause service, the remedy that heals it (and remedies that look plausible but do not),
 * and its ground truth. A fault acts through the world's state wherever it can (a defective
 * version, a flag or config value, an expired certificate, a missing index, a bad node), so a
 * remedy heals exactly when it changes what the fault depends on.
 */
import type { PodEffects, SvcRt, WorldState } from './model.js';
import type { Remedy, FaultKind, FaultSpec, TopologySpec, ServiceSpec } from './schema.js';
import type { ChangeRecord, Scalar } from './state.js';
import { bumpVersion } from './state.js';
import { surgePath, upstreamOf } from './topology.js';
import { timeoutOf } from './traffic.js';
import { parseDuration } from '../core/duration.js';
import { clamp } from '../core/math.js';
import { hash32, num } from './util.js';

/**
 * What a fault reads of the world (the topology, its services, the desired state) and the actions
 * it takes: impacts and problem lines on pods, version defects, and changes (deploys, flags,
 * config) that are recorded and announced like anyone else's.
 */
export interface FaultView extends Pick<WorldState, 'scenario' | 'stepMs' | 'desired' | 'defects'>, PodEffects {
  /** The service `id` (throws on an unknown one). */
  svc(id: string): SvcRt;
  /** Deploys a new version (rolling update); returns the deploy change. */
  deploy(service: string, version: string, opts?: { summary?: string; author?: string }): ChangeRecord;
  setFlag(service: string, flag: string, value: Scalar, author?: string): ChangeRecord;
  setConfig(service: string, key: string, value: Scalar, opts?: { author?: string; summary?: string }): ChangeRecord;
  /** How long a remedy takes to act (rollout, reload, index build…), ms. */
  effectiveAfter(r: Remedy): number;
}

export interface ActiveFault {
  id: string;
  kind: FaultKind;
  service: string;
  instance: string | null;
  params: Record<string, Scalar>;
  startMs: number;
  endMs: number | null;
  change: ChangeRecord | null;
  symptomsFromMs: number;
  healedAt: number | null;
  data: Record<string, unknown>;
}

export interface Move {
  key: string;
  direction: 'up' | 'down';
  /** Where to look: the root-cause pod (instance) or the service roll-up. */
  scope: 'instance' | 'service';
}

export interface FaultDef {
  kind: FaultKind;
  title: string;
  description: string;
  targets: readonly ServiceSpec['type'][];
  defaultService: string;
  change: 'deploy' | 'flag' | 'config' | null;
  remedyAction: Remedy['action'];
  moves: Move[];
  /** Keeps acting after it is healed (a surge goes on; scaling only absorbs it). */
  keepsTicking?: boolean;
  /** A static problem with this fault on this topology (checked when a scenario is loaded). */
  check?(t: TopologySpec, f: FaultSpec & { service: string }): string | undefined;
  inject(w: FaultView, f: ActiveFault): void;
  tick?(w: FaultView, f: ActiveFault, t: number): void;
  healed(w: FaultView, f: ActiveFault, t: number): boolean;
  remedy(w: FaultView, f: ActiveFault): Remedy;
  alternatives?(w: FaultView, f: ActiveFault): Remedy[];
  /** Plausible remedies that do not heal it. */
  wrong(w: FaultView, f: ActiveFault): Remedy[];
}

const str = (v: Scalar | undefined): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const durS = (v: Scalar | undefined, d: number): number => (typeof v === 'string' ? (parseDuration(v) ?? d * 1000) / 1000 : num(v, d));
const svcSpec = (t: TopologySpec, id: string) => t.services.find((s) => s.id === id);
const readyPods = (w: FaultView, service: string) => w.svc(service).pods.filter((p) => p.ready);

function deployFault(kind: 'bad_deploy_errors' | 'bad_deploy_latency' | 'memory_leak', def: Omit<FaultDef, 'kind' | 'inject' | 'healed' | 'remedy' | 'alternatives' | 'wrong' | 'targets' | 'change' | 'remedyAction'>, defect: (w: FaultView, f: ActiveFault) => { impact: Record<string, number>; log: string | null; logFrac: number }, summary: string): FaultDef {
  return {
    ...def,
    kind,
    targets: ['service', 'gateway'],
    change: 'deploy',
    remedyAction: 'rollback',
    inject(w, f) {
      const cur = w.desired.services[f.service].version;
      const version = str(f.params.version) ?? bumpVersion(cur, 'minor');
      w.defects.set(`${f.service}@${version}`, defect(w, f));
      f.change = w.deploy(f.service, version, { summary: str(f.params.summary) ?? summary });
      f.data.version = version;
      f.data.previous = cur;
      f.symptomsFromMs = f.startMs + w.svc(f.service).startupMs;
    },
    healed(w, f) {
      const v = f.data.version as string;
      return w.desired.services[f.service].version !== v && !w.svc(f.service).pods.some((p) => p.version === v || p.pending?.version === v);
    },
    remedy: (_w, f) => ({ action: 'rollback', service: f.service }),
    alternatives: (_w, f) => [{ action: 'rollback', service: f.service, to_version: f.data.previous as string }],
    wrong: (w, f) => [
      { action: 'restart', service: f.service },
      { action: 'scale', service: f.service, replicas: w.desired.services[f.service].replicas + 2 },
    ],
  };
}

const ERR_UP: Move = { key: 'http_error_rate', direction: 'up', scope: 'service' };
const P95_UP: Move = { key: 'latency_p95_ms', direction: 'up', scope: 'service' };

export const FAULTS: Record<FaultKind, FaultDef> = {
  bad_deploy_errors: deployFault(
    'bad_deploy_errors',
    {
      title: 'Bad deploy → errors',
      description: 'A new version throws on a common code path; errors rise pod by pod as the rollout proceeds.',
      defaultService: 'checkout',
      moves: [ERR_UP],
    },
    (_w, f) => {
      const e = clamp(num(f.params.error_rate, 0.35), 0.01, 1);
      return { impact: { err: e, det: 0.85, latMul: 1.1, tailMul: 1.3, cpuAdd: 0.03 }, log: 'exception', logFrac: Math.min(0.8, e * 0.9) };
    },
    'Validate shipping address earlier in the order pipeline',
  ),
  bad_deploy_latency: deployFault(
    'bad_deploy_latency',
    {
      title: 'Bad deploy → latency regression',
      description: 'A new version does more work per request (an N+1 query, a synchronous call); latency and CPU rise, errors do not.',
      defaultService: 'catalog',
      moves: [P95_UP, { key: 'latency_p99_ms', direction: 'up', scope: 'service' }, { key: 'cpu_utilization', direction: 'up', scope: 'service' }],
    },
    (_w, f) => ({ impact: { latMul: num(f.params.latency_factor, 3), tailMul: 1.6, cpuMul: 2, det: 0.5 }, log: 'slow', logFrac: 0.2 }),
    'Load product variants eagerly for the listing page',
  ),
  memory_leak: deployFault(
    'memory_leak',
    {
      title: 'Memory leak → OOM kills and restarts',
      description: 'A new version leaks memory; pods climb to their limit, are OOM-killed and restart, again and again.',
      defaultService: 'cart',
      moves: [
        { key: 'memory_utilization', direction: 'up', scope: 'service' },
        { key: 'restarts_total', direction: 'up', scope: 'service' },
      ],
    },
    (w, f) => {
      const base = w.svc(f.service).spec.memory.base;
      const after = durS(f.params.oom_after, 720);
      return { impact: { memRate: (1.02 - base - 0.03) / after }, log: null, logFrac: 0 };
    },
    'Cache cart totals per session',
  ),

  traffic_surge: {
    kind: 'traffic_surge',
    title: 'Traffic surge → CPU saturation (no change)',
    description: 'A flash sale or a crawler multiplies requests to one service; it runs out of CPU, sheds load and slows down. Nothing was changed.',
    targets: ['service', 'gateway'],
    defaultService: 'search',
    change: null,
    remedyAction: 'scale',
    keepsTicking: true,
    moves: [
      { key: 'http_requests_per_s', direction: 'up', scope: 'service' },
      { key: 'cpu_utilization', direction: 'up', scope: 'service' },
      { key: 'saturation', direction: 'up', scope: 'service' },
      P95_UP,
    ],
    inject(w, f) {
      f.endMs ??= f.startMs + 45 * 60_000;
      // The extra requests arrive at the entry and travel the shortest caller chain to the target.
      f.data.path = surgePath(w.scenario.topology, f.service);
      // Default: enough extra requests to load the service to 1.4x its capacity, whatever the hour.
      const s = w.svc(f.service);
      const capacity = s.capacity * (s.actual.cpuMillis / 1000) * s.pods.length;
      const factor = f.params.factor === undefined ? undefined : num(f.params.factor, 3);
      const extra = factor === undefined ? Math.max(0, 1.4 * capacity - s.baseDemand) : s.baseDemand * (factor - 1);
      f.data.extraRps = extra;
      f.data.peakDemand = s.baseDemand + extra;
      f.symptomsFromMs = f.startMs + 90_000;
    },
    tick(w, f, t) {
      if (f.endMs !== null && t >= f.endMs) return;
      const ramp = clamp(Math.min((t - f.startMs) / 180_000, f.endMs === null ? 1 : (f.endMs - t) / 180_000), 0, 1);
      const s = w.svc(f.service);
      const extra = (f.data.extraRps as number) * ramp;
      s.extraDemand += extra;
      for (const id of f.data.path as string[]) w.svc(id).localDemand += extra;
      if (s.pods.some((p) => p.ready && p.rho > 1)) f.data.peaked = true;
    },
    healed(w, f, t) {
      if (f.endMs !== null && t >= f.endMs) return true;
      return f.data.peaked === true && readyPods(w, f.service).every((p) => p.rho < 0.85);
    },
    remedy(w, f) {
      const s = w.svc(f.service);
      const replicas = Math.ceil((f.data.peakDemand as number) / (s.capacity * (s.actual.cpuMillis / 1000) * 0.6));
      return { action: 'scale', service: f.service, replicas: Math.max(replicas, w.desired.services[f.service].replicas + 1) };
    },
    wrong: (_w, f) => [
      { action: 'restart', service: f.service },
      { action: 'flag_off', service: f.service, flag: 'maintenance_banner' },
    ],
  },

  slow_query: {
    kind: 'slow_query',
    title: 'Slow query / missing index',
    description: 'An index is missing (a failed concurrent build left it invalid); a hot query turns into a sequential scan, the database burns CPU and every caller slows down.',
    targets: ['database'],
    defaultService: 'postgres',
    change: null,
    remedyAction: 'add_index',
    moves: [P95_UP, { key: 'cpu_utilization', direction: 'up', scope: 'service' }],
    check(t, f) {
      const idx = `${str(f.params.table) ?? 'orders'}.${str(f.params.column) ?? 'customer_id'}`;
      const s = svcSpec(t, f.service);
      if (!s?.indexes?.includes(idx)) return `params: the database has no index "${idx}" to lose (indexes: ${s?.indexes?.join(', ') || 'none'})`;
      return undefined;
    },
    inject(w, f) {
      const table = str(f.params.table) ?? 'orders';
      const column = str(f.params.column) ?? 'customer_id';
      const idx = `${table}.${column}`;
      const d = w.desired.services[f.service];
      d.indexes = (d.indexes ?? []).filter((i) => i !== idx);
      w.svc(f.service).actual.indexes.delete(idx);
      f.data = { idx, table, column };
    },
    tick(w, f) {
      const s = w.svc(f.service);
      if (s.actual.indexes.has(f.data.idx as string)) return;
      const factor = num(f.params.factor, 4);
      for (const p of s.pods) {
        if (!p.ready) continue;
        w.addImpact(p, { latMul: factor, tailMul: 2.5, cpuAdd: 0.3, satAdd: 0.35, det: 0.3 });
        w.addLog(p, 'slow_query', 0.35, { ...p.vars, table: f.data.table as string, column: f.data.column as string });
      }
    },
    healed: (w, f) => w.svc(f.service).actual.indexes.has(f.data.idx as string),
    remedy: (_w, f) => ({ action: 'add_index', service: f.service, table: f.data.table as string, column: f.data.column as string }),
    wrong: (w, f) => [
      { action: 'restart', service: f.service },
      { action: 'scale', service: f.service, replicas: w.desired.services[f.service].replicas + 1 },
    ],
  },

  connection_pool_exhaustion: {
    kind: 'connection_pool_exhaustion',
    title: 'Connection-pool exhaustion',
    description: 'Connections leak from the database pool (never returned after a brief failover); requests queue for a connection, then time out. CPU stays low while saturation is at the top.',
    targets: ['service'],
    defaultService: 'orders',
    change: null,
    remedyAction: 'restart',
    moves: [{ key: 'saturation', direction: 'up', scope: 'service' }, P95_UP, ERR_UP],
    inject(w, f) {
      f.data.leaky = w.svc(f.service).pods.map((p) => p.id);
      f.symptomsFromMs = f.startMs + durS(f.params.ramp, 360) * 600;
    },
    tick(w, f, t) {
      const ramp = durS(f.params.ramp, 360) * 1000;
      const leaky = new Set(f.data.leaky as string[]);
      for (const p of w.svc(f.service).pods) {
        if (!p.ready || !leaky.has(p.id) || p.bootedAt >= f.startMs) continue;
        const jitter = 0.9 + 0.2 * ((hash32(p.id) % 1000) / 1000);
        const leak = clamp(((t - f.startMs) / ramp) * jitter, 0, 1.2);
        p.poolLeak = leak;
        if (leak <= 0.6) continue;
        const wait = clamp((leak - 0.6) / 0.4, 0, 1);
        w.addImpact(p, { satAdd: leak, latMul: 1 + 6 * wait, tailMul: 1 + 3 * wait, err: 0.45 * clamp((leak - 0.85) / 0.15, 0, 1), det: 0.3, cpuAdd: -0.05 * wait });
        w.addLog(p, 'pool', wait * 0.4);
      }
    },
    healed(w, f) {
      const leaky = new Set(f.data.leaky as string[]);
      return !w.svc(f.service).pods.some((p) => leaky.has(p.id) && p.bootedAt < f.startMs);
    },
    remedy: (_w, f) => ({ action: 'restart', service: f.service }),
    wrong: (w, f) => [
      { action: 'scale', service: f.service, replicas: w.desired.services[f.service].replicas + 2 },
      { action: 'rollback', service: f.service },
    ],
  },

  external_outage: {
    kind: 'external_outage',
    title: 'External dependency outage',
    description: 'The external payment provider fails most requests; payments and checkout fail with it until traffic fails over to the backup provider (or the outage ends).',
    targets: ['external'],
    defaultService: 'payment-provider',
    change: null,
    remedyAction: 'flag_set',
    moves: [
      { key: 'probe_success', direction: 'down', scope: 'service' },
      { key: 'probe_duration_ms', direction: 'up', scope: 'service' },
    ],
    check(t, f) {
      if (!t.edges.some((e) => e.to === f.service)) return 'nobody calls this external service';
      return undefined;
    },
    inject(w, f) {
      f.endMs ??= f.startMs + 40 * 60_000;
      f.data.flag = str(f.params.failover_flag) ?? 'use_backup_provider';
    },
    tick(w, f, t) {
      if (f.endMs !== null && t >= f.endMs) return;
      const s = w.svc(f.service);
      const flag = f.data.flag as string;
      w.addImpact(s.pods[0], { err: num(f.params.error_rate, 0.9), det: 0.95, latMul: 4 });
      for (const e of s.in) if (e.from.actual.flags[flag] === true) e.bypass = true;
    },
    healed(w, f, t) {
      if (f.endMs !== null && t >= f.endMs) return true;
      const flag = f.data.flag as string;
      return w.svc(f.service).in.every((e) => e.from.actual.flags[flag] === true);
    },
    remedy: (w, f) => ({ action: 'flag_set', service: w.svc(f.service).in[0].from.id, flag: (f.data.flag as string) ?? 'use_backup_provider', value: true }),
    wrong: (w, f) => {
      const caller = w.svc(f.service).in[0].from.id;
      return [
        { action: 'restart', service: caller },
        { action: 'scale', service: caller, replicas: w.desired.services[caller].replicas + 2 },
      ];
    },
  },

  flag_misconfig: {
    kind: 'flag_misconfig',
    title: 'Feature-flag misconfiguration',
    description: 'A flag is switched on for everyone; the code path behind it fails and is slower. No deploy involved: a rollback does not help, the flag must go off.',
    targets: ['service', 'gateway'],
    defaultService: 'recommendations',
    change: 'flag',
    remedyAction: 'flag_off',
    moves: [ERR_UP, P95_UP],
    inject(w, f) {
      const flag = str(f.params.flag) ?? 'new_ranking_model';
      const value = f.params.value ?? true;
      f.data = { flag, value };
      f.change = w.setFlag(f.service, flag, value);
      f.symptomsFromMs = f.startMs + 15_000;
    },
    tick(w, f) {
      const s = w.svc(f.service);
      if (s.actual.flags[f.data.flag as string] !== f.data.value) return;
      const e = num(f.params.error_rate, 0.3);
      for (const p of s.pods) {
        if (!p.ready) continue;
        w.addImpact(p, { err: e, det: 0.9, latMul: num(f.params.latency_factor, 1.8) });
        w.addLog(p, 'flag', e * 0.8, { ...p.vars, flag: f.data.flag as string });
      }
    },
    healed: (w, f) => w.desired.services[f.service].flags[f.data.flag as string] !== f.data.value && w.svc(f.service).actual.flags[f.data.flag as string] !== f.data.value,
    remedy: (_w, f) => ({ action: 'flag_off', service: f.service, flag: f.data.flag as string }),
    wrong: (_w, f) => [
      { action: 'restart', service: f.service },
      { action: 'rollback', service: f.service },
    ],
  },

  config_timeout: {
    kind: 'config_timeout',
    title: 'Config change: timeout too low',
    description: 'A client timeout is lowered below the callee\'s normal latency; the caller fails while the callee stays healthy.',
    targets: ['service', 'gateway'],
    defaultService: 'checkout',
    change: 'config',
    remedyAction: 'config_revert',
    moves: [ERR_UP],
    check(t, f) {
      const callee = str(f.params.callee);
      const outs = t.edges.filter((e) => e.from === f.service && e.mode === 'sync');
      if (!outs.length) return 'the service calls nothing synchronously, so no timeout can be too low';
      if (callee && !outs.some((e) => e.to === callee)) return `params.callee: ${f.service} does not call "${callee}" (calls: ${outs.map((e) => e.to).join(', ')})`;
      return undefined;
    },
    inject(w, f) {
      const s = w.svc(f.service);
      const edges = s.out.filter((e) => e.spec.mode === 'sync');
      const named = str(f.params.callee);
      const e = named ? edges.find((x) => x.to.id === named)! : edges.reduce((a, b) => (b.to.seen.p50 > a.to.seen.p50 ? b : a));
      const key = `timeout_ms.${e.to.id}`;
      const original = timeoutOf(e);
      const value = Math.max(5, Math.round(num(f.params.timeout_ms, e.to.seen.p50 * 0.6)));
      f.data = { key, callee: e.to.id, original };
      f.change = w.setConfig(f.service, key, value, { summary: `fail fast on slow ${e.to.id} calls` });
      f.symptomsFromMs = f.startMs + 15_000;
    },
    healed: (w, f) => {
      const key = f.data.key as string;
      const orig = f.data.original as number;
      return num(w.desired.services[f.service].config[key], 0) >= orig && num(w.svc(f.service).actual.config[key], 0) >= orig;
    },
    remedy: (_w, f) => ({ action: 'config_revert', service: f.service, key: f.data.key as string }),
    alternatives: (_w, f) => [{ action: 'config_set', service: f.service, key: f.data.key as string, value: f.data.original as number }],
    wrong: (w, f) => [
      { action: 'restart', service: f.service },
      { action: 'scale', service: f.data.callee as string, replicas: w.desired.services[f.data.callee as string].replicas + 2 },
    ],
  },

  cert_expiry: {
    kind: 'cert_expiry',
    title: 'Certificate expiry',
    description: 'The TLS certificate expires (its renewal silently failed); every TLS handshake to the service fails, so callers error and the service itself sees its traffic vanish.',
    targets: ['service', 'gateway', 'database', 'cache', 'queue'],
    defaultService: 'auth',
    change: null,
    remedyAction: 'renew_certificate',
    moves: [
      { key: 'http_requests_per_s', direction: 'down', scope: 'service' },
      { key: 'tls_cert_expiry_seconds', direction: 'down', scope: 'service' },
    ],
    check(t, f) {
      if (!svcSpec(t, f.service)?.tls) return 'the service serves no TLS certificate (add "tls" to it in the topology)';
      return undefined;
    },
    inject(w, f) {
      const at = f.startMs + durS(f.params.expires_in, 0) * 1000;
      w.desired.services[f.service].certificate = { not_after: new Date(at).toISOString() };
      w.svc(f.service).actual.certNotAfterMs = at;
      f.symptomsFromMs = at;
    },
    healed: (w, f, t) => (w.svc(f.service).actual.certNotAfterMs ?? Infinity) > t,
    remedy: (_w, f) => ({ action: 'renew_certificate', service: f.service, valid_days: 90 }),
    wrong: (_w, f) => [
      { action: 'restart', service: f.service },
      { action: 'rollback', service: f.service },
    ],
  },

  disk_full: {
    kind: 'disk_full',
    title: 'Disk full',
    description: 'A volume fills up (an unconsumed backlog, a runaway write); once full, writes fail with "No space left on device".',
    targets: ['service', 'database', 'queue', 'cache'],
    defaultService: 'message-queue',
    change: null,
    remedyAction: 'expand_disk',
    moves: [{ key: 'disk_utilization', direction: 'up', scope: 'service' }, ERR_UP],
    check(t, f) {
      const s = svcSpec(t, f.service);
      if (f.instance && s && !Array.from({ length: s.instances }, (_, i) => `${s.id}-${i}`).includes(f.instance)) return `instance: no pod "${f.instance}" (pods: ${s.id}-0 … ${s.id}-${s.instances - 1})`;
      return undefined;
    },
    inject(w, f) {
      const s = w.svc(f.service);
      const pods = f.instance ? s.pods.filter((p) => p.id === f.instance) : s.pods;
      const fillS = durS(f.params.fill_after, 480);
      f.data.rates = Object.fromEntries(pods.map((p) => [p.id, ((0.999 - p.diskUsedGb / s.actual.diskGb) * s.actual.diskGb) / fillS]));
      f.symptomsFromMs = f.startMs + fillS * 1000 * 0.75;
    },
    tick(w, f) {
      const s = w.svc(f.service);
      const rates = f.data.rates as Record<string, number>;
      const dt = w.stepMs / 1000;
      for (const p of s.pods) {
        const rate = rates[p.id];
        if (rate === undefined) continue;
        p.diskUsedGb = Math.min(s.actual.diskGb, p.diskUsedGb + rate * dt);
        const frac = p.diskUsedGb / s.actual.diskGb;
        if (frac >= 0.97) {
          f.data.full = true;
          if (!p.ready) continue;
          w.addImpact(p, { err: num(f.params.error_rate, 0.5), det: 0.9, latMul: 1.3 });
          w.addLog(p, 'disk', 0.4);
        } else if (frac >= 0.9 && p.ready) w.addLog(p, 'disk', 0.03);
      }
    },
    healed(w, f) {
      if (f.data.full !== true) return false;
      const s = w.svc(f.service);
      const rates = f.data.rates as Record<string, number>;
      return s.pods.every((p) => rates[p.id] === undefined || p.diskUsedGb / s.actual.diskGb < 0.9);
    },
    remedy: (w, f) => ({ action: 'expand_disk', service: f.service, disk_gb: w.desired.services[f.service].resources.disk_gb * 2 }),
    wrong: (w, f) => [
      { action: 'restart', service: f.service },
      { action: 'scale', service: f.service, replicas: w.desired.services[f.service].replicas + 1 },
    ],
  },

  bad_node: {
    kind: 'bad_node',
    title: 'One bad node or shard',
    description: 'The node under one pod degrades (a failing disk, a noisy neighbour): that pod is slow and fails some requests while its siblings stay healthy (counter-evidence).',
    targets: ['service', 'gateway', 'database', 'cache', 'queue'],
    defaultService: 'search',
    change: null,
    remedyAction: 'restart',
    moves: [
      { key: 'latency_p95_ms', direction: 'up', scope: 'instance' },
      { key: 'latency_p99_ms', direction: 'up', scope: 'service' },
    ],
    check(t, f) {
      const s = svcSpec(t, f.service);
      if (!s) return undefined;
      if (s.instances < 2) return 'needs at least 2 pods (the healthy ones are the counter-evidence)';
      const pods = Array.from({ length: s.instances }, (_, i) => `${s.id}-${i}`);
      if (f.instance && !pods.includes(f.instance)) return `instance: no pod "${f.instance}" (pods: ${pods.join(', ')})`;
      return undefined;
    },
    inject(w, f) {
      f.instance ??= `${f.service}-1`;
      const p = w.svc(f.service).pods.find((x) => x.id === f.instance)!;
      f.data.node = p.node;
    },
    tick(w, f) {
      const s = w.svc(f.service);
      for (const p of s.pods) {
        if (p.node !== f.data.node || !p.ready) continue;
        w.addImpact(p, { err: num(f.params.error_rate, 0.12), det: s.spec.sharded ? 0.9 : 0.1, latMul: num(f.params.latency_factor, 6), tailMul: 1.6, cpuAdd: 0.25 });
        w.addLog(p, 'slow', 0.25);
        w.addLog(p, 'exception', 0.05);
      }
    },
    healed: (w, f) => {
      const pods = w.svc(f.service).pods;
      return !pods.some((p) => p.node === f.data.node) && pods.find((p) => p.id === f.instance)?.ready !== false;
    },
    remedy: (_w, f) => ({ action: 'restart', service: f.service, instance: f.instance! }),
    alternatives: (_w, f) => [{ action: 'restart', service: f.service }],
    wrong: (w, f) => [
      { action: 'scale', service: f.service, replicas: w.desired.services[f.service].replicas + 1 },
      { action: 'rollback', service: f.service },
    ],
  },

  cache_eviction_storm: {
    kind: 'cache_eviction_storm',
    title: 'Cache eviction storm',
    description: 'The working set outgrows the cache\'s memory; keys are evicted as fast as they are written, the hit ratio collapses and the load falls through to the database.',
    targets: ['cache'],
    defaultService: 'redis',
    change: null,
    remedyAction: 'resize',
    moves: [
      { key: 'cache_hit_ratio', direction: 'down', scope: 'service' },
      { key: 'cache_evictions_per_s', direction: 'up', scope: 'service' },
      { key: 'cpu_utilization', direction: 'up', scope: 'service' },
    ],
    inject(w, f) {
      f.data.ws = w.svc(f.service).actual.memoryMb * num(f.params.working_set_factor, 2.2);
      f.symptomsFromMs = f.startMs + 60_000;
    },
    tick(w, f, t) {
      const s = w.svc(f.service);
      const grow = clamp((t - f.startMs) / 120_000, 0, 1);
      const base = s.actual.memoryMb;
      const ws = (f.data.ws as number) * grow + Math.min(base, f.data.ws as number) * (1 - grow);
      const ratio = clamp(base / ws, 0, 1);
      s.hit = (s.spec.hit_ratio ?? 0.9) * ratio ** 1.3;
      s.evictions = (1 - ratio) * s.demand * 0.8;
      for (const p of s.pods) {
        if (!p.ready) continue;
        w.addImpact(p, { cpuAdd: 0.35 * (1 - ratio), latMul: 1 + (1 - ratio), det: 0.2 });
        w.addLog(p, 'evictions', (1 - ratio) * 0.5);
      }
    },
    healed: (w, f) => w.svc(f.service).actual.memoryMb >= (f.data.ws as number),
    remedy: (_w, f) => ({ action: 'resize', service: f.service, memory_mb: Math.ceil(((f.data.ws as number) * 1.25) / 256) * 256 }),
    wrong: (w, f) => [
      { action: 'restart', service: f.service },
      { action: 'scale', service: w.svc(f.service).in[0]?.from.id ?? f.service, replicas: w.desired.services[w.svc(f.service).in[0]?.from.id ?? f.service].replicas + 2 },
    ],
  },

  dns_failure: {
    kind: 'dns_failure',
    title: 'DNS failure',
    description: 'The Service is renamed during a blue/green cut-over; the name callers use stops resolving (NXDOMAIN), so every call fails before it leaves the caller.',
    targets: ['service', 'database', 'cache', 'queue'],
    defaultService: 'inventory',
    change: 'config',
    remedyAction: 'config_revert',
    moves: [{ key: 'http_requests_per_s', direction: 'down', scope: 'service' }],
    check(t, f) {
      if (!t.edges.some((e) => e.to === f.service)) return 'nobody calls this service, so a DNS failure would show nothing';
      return undefined;
    },
    inject(w, f) {
      const name = str(f.params.dns_name) ?? `${f.service}-v2.shop.svc.cluster.local`;
      f.change = w.setConfig(f.service, 'dns.name', name, { summary: 'rename Service for blue/green cut-over' });
      f.symptomsFromMs = f.startMs + 15_000;
    },
    healed: (w, f) => {
      const orig = w.svc(f.service).original.dnsName;
      return w.desired.services[f.service].config['dns.name'] === orig && w.svc(f.service).actual.config['dns.name'] === orig;
    },
    remedy: (_w, f) => ({ action: 'config_revert', service: f.service, key: 'dns.name' }),
    wrong: (_w, f) => [
      { action: 'restart', service: f.service },
      { action: 'rollback', service: f.service },
    ],
  },
};

export interface FaultGroundTruth {
  id: string;
  kind: FaultKind;
  title: string;
  root_cause_service: string;
  instance: string | null;
  change: ChangeRecord | null;
  start: string;
  symptoms_from: string;
  ends_at: string | null;
  remedy: Remedy;
  alternatives: Remedy[];
  wrong_remedies: Remedy[];
  /** Signals the fault moves on the root-cause service. */
  moves: Move[];
  /** The root cause and every service upstream of it: the only ones whose signals may move. */
  affected_services: string[];
  heals_after_s: number;
  healed_at: string | null;
}

export function groundTruthOf(w: FaultView, f: ActiveFault): FaultGroundTruth {
  const def = FAULTS[f.kind];
  const remedy = def.remedy(w, f);
  const iso = (ms: number) => new Date(ms).toISOString();
  return {
    id: f.id,
    kind: f.kind,
    title: def.title,
    root_cause_service: f.service,
    instance: f.instance,
    change: f.change,
    start: iso(f.startMs),
    symptoms_from: iso(f.symptomsFromMs),
    ends_at: f.endMs === null ? null : iso(f.endMs),
    remedy,
    alternatives: def.alternatives?.(w, f) ?? [],
    wrong_remedies: def.wrong(w, f),
    moves: def.moves,
    affected_services: [f.service, ...[...upstreamOf(w.scenario.topology, f.service)].sort()],
    heals_after_s: Math.round(w.effectiveAfter(remedy) / 1000) + 30,
    healed_at: f.healedAt === null ? null : iso(f.healedAt),
  };
}

/** The fault library as a table (for `warroom sim list`). */
export function faultCatalog(): { kind: FaultKind; title: string; default_service: string; change: string; remedy: string; moves: string }[] {
  return Object.values(FAULTS).map((d) => ({
    kind: d.kind,
    title: d.title,
    default_service: d.defaultService,
    change: d.change ?? 'none',
    remedy: d.remedyAction,
    moves: d.moves.map((m) => `${m.key} ${m.direction === 'up' ? '↑' : '↓'}`).join(', '),
  }));
}
