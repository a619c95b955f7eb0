/**
 * The sandbox's data formats, as zod schemas: topologies (services, call graph, SLOs), remedies,
 * and scenarios (topology, baseline, faults with times, red herrings, ground truth). Every
 * loader goes through `parseTopology` / `parseScenario`, whose errors name the field
 * (`faults[0].service: unknown service "chekout" (known: …)`).
 */
import { z } from 'zod';
import { parseDuration } from '../core/duration.js';

// ---- topology -------------------------------------------------------------------------

export const SERVICE_TYPES = ['gateway', 'service', 'database', 'cache', 'queue', 'external'] as const;
export const LOG_FORMATS = ['nginx', 'json', 'logfmt', 'java', 'python', 'postgres', 'redis', 'rabbitmq', 'none'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

const Name = z.string().regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, 'a Kubernetes-style name: lowercase letters, digits and "-"');
const Ratio = z.number().min(0).max(1);
const Latency = z
  .object({ p50: z.number().positive(), p95: z.number().positive(), p99: z.number().positive() })
  .refine((l) => l.p50 <= l.p95 && l.p95 <= l.p99, { message: 'needs p50 <= p95 <= p99' });
const Scalar = z.union([z.string(), z.number(), z.boolean()]);

export const ServiceSpec = z.object({
  id: Name,
  type: z.enum(SERVICE_TYPES),
  description: z.string().optional(),
  team: z.string().optional(),
  language: z.string().optional(),
  log_format: z.enum(LOG_FORMATS),
  /** Relative share of the log volume (1 = proportional to the square root of traffic). */
  log_weight: z.number().min(0).default(1),
  instances: z.number().int().min(1).max(64),
  /** Shards split traffic by key: a bad shard's requests cannot go to a healthy one. */
  sharded: z.boolean().default(false),
  version: z.string().min(1),
  /** The service's own processing time (time in callees comes on top). */
  latency_ms: Latency,
  error_rate: Ratio.max(0.02, 'a calm error rate must stay well below the 5 % detector threshold'),
  /** CPU utilisation at the daily peak; capacity per instance is sized from it. */
  peak_utilization: z.number().gt(0).lt(0.9),
  memory: z.object({ limit_mb: z.number().int().positive(), base: Ratio }),
  disk: z.object({ gb: z.number().positive(), base: Ratio }).default({ gb: 20, base: 0.2 }),
  /** Serves TLS with a certificate valid for this many days after the scenario start. */
  tls: z.object({ valid_days: z.number().positive() }).optional(),
  slo: z.object({ availability: z.number().gt(0.9).lt(1), p95_ms: z.number().positive() }),
  config: z.record(z.string(), Scalar).default({}),
  flags: z.record(z.string(), z.union([z.boolean(), z.number(), z.string()])).default({}),
  /** Databases: indexes as "table.column". */
  indexes: z.array(z.string().regex(/^[a-z_]+\.[a-z_]+$/)).optional(),
  /** Caches: the baseline hit ratio. */
  hit_ratio: Ratio.optional(),
});
export type ServiceSpec = z.output<typeof ServiceSpec>;

export const EdgeSpec = z.object({
  from: Name.describe('caller'),
  to: Name.describe('callee'),
  /** Calls to the callee per request of the caller (0.3 = 30 % of requests call it once). */
  share: z.number().gt(0).max(10),
  /** sync: errors and latency flow back to the caller; async: messages, only load flows. */
  mode: z.enum(['sync', 'async']).default('sync'),
  /** Whether the caller fails when this call fails (false: it degrades gracefully). */
  critical: z.boolean().default(true),
  retries: z.number().int().min(0).max(5).default(1),
  timeout_ms: z.number().int().positive().default(1000),
  /** Cache-aside: the share scales with the miss ratio of this cache. */
  on_cache_miss: Name.optional(),
});
export type EdgeSpec = z.output<typeof EdgeSpec>;

export const TopologySpec = z
  .object({
    name: Name,
    description: z.string().optional(),
    entry: z.object({ service: Name, peak_rps: z.number().positive() }),
    services: z.array(ServiceSpec).min(1),
    edges: z.array(EdgeSpec),
  })
  .superRefine((t, ctx) => {
    const ids = new Map<string, ServiceSpec>();
    t.services.forEach((s, i) => {
      if (ids.has(s.id)) ctx.addIssue({ code: 'custom', path: ['services', i, 'id'], message: `duplicate service "${s.id}"` });
      ids.set(s.id, s);
    });
    const known = [...ids.keys()].join(', ');
    if (!ids.has(t.entry.service)) ctx.addIssue({ code: 'custom', path: ['entry', 'service'], message: `unknown service "${t.entry.service}" (known: ${known})` });
    const seen = new Set<string>();
    t.edges.forEach((e, i) => {
      for (const end of ['from', 'to', 'on_cache_miss'] as const) {
        const v = e[end];
        if (v !== undefined && !ids.has(v)) ctx.addIssue({ code: 'custom', path: ['edges', i, end], message: `unknown service "${v}" (known: ${known})` });
      }
      if (e.from === e.to) ctx.addIssue({ code: 'custom', path: ['edges', i, 'to'], message: 'a service cannot call itself' });
      const k = `${e.from}>${e.to}`;
      if (seen.has(k)) ctx.addIssue({ code: 'custom', path: ['edges', i], message: `duplicate edge ${e.from} → ${e.to}` });
      seen.add(k);
      if (e.on_cache_miss && ids.get(e.on_cache_miss)?.type !== 'cache') {
        ctx.addIssue({ code: 'custom', path: ['edges', i, 'on_cache_miss'], message: `"${e.on_cache_miss}" is not a cache` });
      }
    });
    const cycle = findCycle(t.edges);
    if (cycle) ctx.addIssue({ code: 'custom', path: ['edges'], message: `the call graph has a cycle: ${cycle.join(' → ')}` });
  });
export type TopologySpec = z.output<typeof TopologySpec>;

function findCycle(edges: { from: string; to: string }[]): string[] | undefined {
  const out = new Map<string, string[]>();
  for (const e of edges) out.set(e.from, [...(out.get(e.from) ?? []), e.to]);
  const state = new Map<string, 1 | 2>();
  const stack: string[] = [];
  const visit = (n: string): string[] | undefined => {
    if (state.get(n) === 2) return undefined;
    if (state.get(n) === 1) return [...stack.slice(stack.indexOf(n)), n];
    state.set(n, 1);
    stack.push(n);
    for (const m of out.get(n) ?? []) {
      const c = visit(m);
      if (c) return c;
    }
    stack.pop();
    state.set(n, 2);
    return undefined;
  };
  for (const n of out.keys()) {
    const c = visit(n);
    if (c) return c;
  }
  return undefined;
}

// ---- remedies -------------------------------------------------------------------------

/**
 * What a responder (or a runner executing an approved plan) does to the sandbox. Each remedy
 * is a change to the desired state; the sandbox converges to it after a realistic delay.
 */
export const Remedy = z.discriminatedUnion('action', [
  z.object({ action: z.literal('rollback'), service: Name, to_version: z.string().optional().describe('default: the previous version') }),
  z.object({ action: z.literal('restart'), service: Name, instance: z.string().optional().describe('one pod (rescheduled on another node); default: a rolling restart of all') }),
  z.object({ action: z.literal('scale'), service: Name, replicas: z.number().int().min(1).max(64) }),
  z.object({ action: z.literal('flag_set'), service: Name, flag: z.string().min(1), value: z.union([z.boolean(), z.number(), z.string()]) }),
  z.object({ action: z.literal('flag_off'), service: Name, flag: z.string().min(1) }),
  z.object({ action: z.literal('config_set'), service: Name, key: z.string().min(1), value: Scalar }),
  z.object({ action: z.literal('config_revert'), service: Name, key: z.string().min(1) }),
  z.object({ action: z.literal('add_index'), service: Name, table: z.string().regex(/^[a-z_]+$/), column: z.string().regex(/^[a-z_]+$/) }),
  z.object({ action: z.literal('renew_certificate'), service: Name, valid_days: z.number().positive().default(90) }),
  z.object({ action: z.literal('expand_disk'), service: Name, disk_gb: z.number().positive() }),
  z.object({ action: z.literal('resize'), service: Name, memory_mb: z.number().int().positive().optional(), cpu_millis: z.number().int().positive().optional() }),
]);
export type Remedy = z.output<typeof Remedy>;
export type RemedyAction = Remedy['action'];
export const REMEDY_ACTIONS = Remedy.options.map((o) => o.shape.action.value) as RemedyAction[];

// ---- faults and scenarios -------------------------------------------------------------

export const FAULT_KINDS = [
  'bad_deploy_errors',
  'bad_deploy_latency',
  'memory_leak',
  'traffic_surge',
  'slow_query',
  'connection_pool_exhaustion',
  'external_outage',
  'flag_misconfig',
  'config_timeout',
  'cert_expiry',
  'disk_full',
  'bad_node',
  'cache_eviction_storm',
  'dns_failure',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

const Offset = z
  .string()
  .refine((s) => parseDuration(s) !== undefined, { message: 'expected a duration like "90s", "15m", "2h" or "7d"' })
  .describe('time since the scenario start');

export const FaultSpec = z.object({
  id: z.string().regex(/^[a-z0-9_-]{1,40}$/).optional(),
  kind: z.enum(FAULT_KINDS),
  service: Name.optional().describe('the root-cause service; default: the kind\'s usual target'),
  instance: z.string().optional().describe('bad_node: the pod; disk_full: one pod (default all)'),
  at: Offset,
  /** For faults that end by themselves (surge, external outage); default: until healed. */
  duration: Offset.optional(),
  params: z.record(z.string(), Scalar).default({}),
});
export type FaultSpec = z.output<typeof FaultSpec>;

export const RED_HERRING_KINDS = ['innocent_deploy', 'noisy_service', 'innocent_flag'] as const;
export const RedHerringSpec = z.object({
  kind: z.enum(RED_HERRING_KINDS),
  service: Name,
  at: Offset,
  duration: Offset.optional(),
  note: z.string().optional(),
});
export type RedHerringSpec = z.output<typeof RedHerringSpec>;

export const ScheduledRemedy = z.object({ at: Offset, remedy: Remedy });

export const Baseline = z.object({
  /** Multiplies the topology's entry peak rate. */
  traffic_scale: z.number().positive().default(1),
  /** Hours ahead of UTC of the shop's customers (moves the daily peak). */
  utc_offset_h: z.number().min(-12).max(14).default(0),
  /** Relative noise of traffic (0.03 = 3 %). */
  noise: z.number().min(0).max(0.5).default(0.03),
  logs_per_min: z.number().int().min(0).max(2_000_000).default(3000),
  /** Log lines carrying a secret (bearer token, password…) per 10,000 lines. */
  secrets_per_10k: z.number().min(0).max(1000).default(2),
  /** Resolution of the per-instance series. */
  instance_metrics: z.enum(['10s', '1m', 'off']).default('10s'),
  /** Resolution of the per-service roll-ups. */
  service_metrics: z.enum(['10s', '1m', 'off']).default('1m'),
  /** Innocent background deploys per day (working hours). */
  deploys_per_day: z.number().min(0).max(200).default(6),
  flag_changes_per_day: z.number().min(0).max(100).default(2),
  /** Sampled traces per minute (spans as events); 0 = none. */
  traces_per_min: z.number().int().min(0).max(10_000).default(0),
  /**
   * Sampled traces also log: each span of a service whose format carries trace context (json,
   * logfmt, java, python) writes lines with the trace and span id, and calls are made one after
   * another (see sim/trace-logs.ts). Off: spans only, as before.
   */
  trace_logs: z.boolean().default(false),
});
export type Baseline = z.output<typeof Baseline>;

export const GroundTruthSummary = z.object({
  fault: z.string().describe('the id of the fault it describes'),
  kind: z.enum(FAULT_KINDS),
  root_cause_service: Name,
  change: z.enum(['deploy', 'flag', 'config']).nullable().describe('the kind of change that caused it, null when none'),
  remedy: z.enum(REMEDY_ACTIONS as [RemedyAction, ...RemedyAction[]]),
});

export const ScenarioSpec = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{1,79}$/, 'lowercase letters, digits and "-"'),
  title: z.string().min(1),
  description: z.string().default(''),
  tags: z.array(z.string()).default([]),
  seed: z.number().int().nonnegative(),
  start: z.iso.datetime({ offset: true }),
  duration: Offset,
  /** Simulation step; 1 minute suits week-long calm scenarios. */
  step: z.enum(['10s', '1m']).default('10s'),
  topology: z.union([Name.describe('name of a built-in topology, e.g. "shop"'), TopologySpec]).default('shop'),
  baseline: Baseline.default(Baseline.parse({})),
  faults: z.array(FaultSpec).default([]),
  red_herrings: z.array(RedHerringSpec).default([]),
  remedies: z.array(ScheduledRemedy).default([]),
  ground_truth: z.array(GroundTruthSummary),
});
export type ScenarioSpec = z.output<typeof ScenarioSpec>;
export type ScenarioInput = z.input<typeof ScenarioSpec>;

/** A scenario with its topology resolved and its times in epoch milliseconds. */
export interface Scenario extends Omit<ScenarioSpec, 'topology'> {
  topology: TopologySpec;
  startMs: number;
  durationMs: number;
  stepMs: number;
}

// ---- errors ---------------------------------------------------------------------------

export interface SpecIssue {
  path: string;
  message: string;
}

/** A data file that does not match its schema; `issues` name each field. */
export class SpecError extends Error {
  constructor(
    readonly source: string,
    readonly issues: SpecIssue[],
  ) {
    super(`${source}: ${issues.length === 1 ? '' : `${issues.length} problems:\n  `}${issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('\n  ')}`);
    this.name = 'SpecError';
  }
}

/** `["faults", 0, "kind"]` → `faults[0].kind`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${String(p)}` : String(p);
  return out;
}

function issuesOf(e: z.ZodError): SpecIssue[] {
  return e.issues.map((i) => ({ path: formatPath(i.path), message: i.message }));
}

export function parseTopology(data: unknown, source = 'topology'): TopologySpec {
  const r = TopologySpec.safeParse(data);
  if (!r.success) throw new SpecError(source, issuesOf(r.error));
  return r.data;
}
