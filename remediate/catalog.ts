/**
 * The fix catalog: for each kind of cause an analysis can name, the fix an SRE would reach for,
 * when it applies (its preconditions), what it should move and how soon, its risk, its blast
 * radius and how to undo it. `choose.ts` matches the analysis against every entry; the entries'
 * `build` renders typed steps (commands.ts) or says what is missing to build them.
 */
import type { LiveService } from '../core/ports/live-state.js';
import type { FixStep } from '../core/schemas.js';
import { isK8sName, kubectl, sql, type Rendered, type Target } from './commands.js';
import type { BlamedChange, FaultSignature, FixEvidence } from './signature.js';

export type { LiveService };

export interface FixContext {
  evidence: FixEvidence;
  signature: FaultSignature;
  namespace: string;
  live: LiveService | null;
}

export interface Built {
  title: string;
  steps: FixStep[];
  rollback: Pick<FixStep, 'action' | 'target' | 'command'>[];
}

export interface CatalogEntry {
  id: string;
  /** The step action (the sandbox's remedy names; a Kubernetes runner maps each to its API calls). */
  action: string;
  summary: string;
  preconditions: string[];
  /** Which signals should move, and within how long, when the fix works. */
  expect: { signals: string[]; withinMinutes: number };
  risk: 'low' | 'medium' | 'high';
  blastRadius: 'one pod' | 'the service' | 'the service and its callers' | 'the database';
  /** Matches anything and fixes nothing specific: never named as a runner-up, never followed on an unsure analysis. */
  lastResort?: true;
  /** How well the evidence matches (0 = not at all) and why, in one sentence. */
  match(ctx: FixContext): { score: number; why: string } | null;
  /** The steps, or why they cannot be built (a missing live value, an unsafe name). */
  build(ctx: FixContext): Built | { missing: string };
}

const target = (ctx: FixContext, service = ctx.evidence.service): Target => ({ namespace: ctx.namespace, service });
const step = (action: string, service: string, params: Record<string, unknown>, r: Rendered): { step: FixStep; rollback: Built['rollback'][number] } => ({
  step: { action, target: service, params, command: r.command },
  rollback: { action: `undo ${action}`, target: service, command: r.rollback },
});
/** What the plan assumes the live value is now (the preflight's drift gate compares it): only when known. */
const assumed = (key: string, v: string | number | boolean | null | undefined): Record<string, unknown> => (v === null || v === undefined ? {} : { [key]: v });
const one = (title: string, s: ReturnType<typeof step>): Built => ({ title, steps: [s.step], rollback: [s.rollback] });
const changeOf = (ctx: FixContext, kind: string): BlamedChange | null => (ctx.evidence.change?.kind === kind ? ctx.evidence.change : null);
/** An unblamed recent change of that kind on the service (usecases/fix-evidence.ts: flag and config changes just before its onset). */
const recentOf = (ctx: FixContext, kind: 'flag' | 'config' | 'deploy'): BlamedChange | null => (ctx.evidence.change ? null : (ctx.evidence.recentChanges ?? []).find((c) => c.kind === kind) ?? null);
/** The change a flag-off or config revert undoes: the blamed one, else the recent one. */
const toUndo = (ctx: FixContext, kind: 'flag' | 'config'): BlamedChange | null => changeOf(ctx, kind) ?? recentOf(ctx, kind);
/**
 * How well an unblamed recent change explains the trouble: its key named in the service's error
 * logs (a feature path failing, a timeout to the dependency the key configures) is strong; the
 * change alone, just before the onset, beats only a bare restart.
 */
function recentMatch(ctx: FixContext, c: BlamedChange, what: string): { score: number; why: string } {
  const words = c.key.toLowerCase().split(/[^a-z0-9]+/).filter((w) => w.length >= 3);
  const named = ctx.evidence.templates.find((t) => t.toLowerCase().includes(c.key.toLowerCase())) ?? (words.length >= 2 ? ctx.evidence.templates.find((t) => words.every((w) => t.toLowerCase().includes(w))) : undefined);
  if (named) return { score: 0.9, why: `${what} ${c.key} changed on ${ctx.evidence.service} just before its onset and its error logs name it ("${named.slice(0, 100)}")` };
  return { score: 0.6, why: `${what} ${c.key} changed on ${ctx.evidence.service} just before its onset (the analysis did not blame it, and nothing more specific matched): undoing it is cheap and reversible` };
}
const has = (ctx: FixContext, s: Parameters<FaultSignature['symptoms']['has']>[0]) => ctx.signature.symptoms.has(s);
/** Memory trouble on a service deployed just before it: the deploy (not blamed by the analysis) is the leak's likely source. */
const deployBeforeGrowth = (ctx: FixContext): BlamedChange | null =>
  ctx.evidence.recentDeploy && (ctx.signature.symptoms.has('out_of_memory') || ctx.signature.saturated.memory) ? ctx.evidence.recentDeploy : null;
/**
 * How much memory to give: a cache that evicts gets what its working set needs, estimated from its
 * hit ratio — under uniform access a cache holding a share s of the working set hits s of what it
 * hit when it held all of it, so the working set is about limit × (hit ratio before ÷ hit ratio
 * now) — times a headroom; skewed access (hot keys) makes that an underestimate, hence the headroom.
 * Bounded: at least the plain step (a resize that adds less is not worth a rollout), at most
 * MEMORY_MAX_STEP times the limit (a bigger jump is a capacity decision for a person). Without a
 * hit ratio (an out-of-memory process: usage is capped at the limit, so it does not say the need)
 * the plain step.
 */
export const MEMORY = { step: 1.5, headroom: 1.25, maxStep: 4, roundMb: 256 } as const;
export function memoryTarget(mb: number, ctx: Pick<FixContext, 'evidence' | 'signature'>): { to: number; basis: string } {
  const round = (x: number) => Math.ceil(x / MEMORY.roundMb) * MEMORY.roundMb;
  const h = ctx.evidence.hitRatio;
  if (h && h.before > h.low && ctx.signature.symptoms.has('cache_evictions')) {
    const need = h.low > 0 ? mb * (h.before / h.low) : Infinity;
    const capped = need * MEMORY.headroom > mb * MEMORY.maxStep;
    const to = round(Math.min(mb * MEMORY.maxStep, Math.max(mb * MEMORY.step, need * MEMORY.headroom)));
    const pct = (x: number) => `${Math.round(x * 100)}%`;
    return { to, basis: `hit ratio ${pct(h.before)} → ${pct(h.low)}: working set ≈ ${Number.isFinite(need) ? `${Math.round(need)} MiB` : `over ${MEMORY.maxStep}×`}, ×${MEMORY.headroom} headroom${capped ? `, capped at ×${MEMORY.maxStep}` : ''}` };
  }
  return { to: round(mb * MEMORY.step), basis: `×${MEMORY.step}` };
}

/** A switch to a backup, fallback or secondary path: the failover a caller can flip. */
const FAILOVER_FLAG = /backup|fallback|failover|secondary|standby/i;

export const CATALOG: CatalogEntry[] = [
  {
    id: 'undo-deploy',
    action: 'rollback',
    summary: 'Roll the deployment back to the version before the blamed deploy',
    preconditions: ['the top hypothesis blames a deploy of the service', 'the previous revision is still kept'],
    expect: { signals: ['error rate', 'p95 latency', 'memory growth'], withinMinutes: 10 },
    risk: 'medium',
    blastRadius: 'the service',
    match: (ctx) => {
      const c = changeOf(ctx, 'deploy');
      if (c) return { score: 0.95, why: `the analysis blames deploy ${c.key}: undoing it removes the cause` };
      const r = deployBeforeGrowth(ctx);
      if (r) return { score: 0.85, why: `it runs out of memory since deploy ${r.key}: new code that grows in memory is undone, not fed more` };
      // its own deploy just before the onset, unblamed, and no signature names a fix: new code is the likelier cause than state a restart clears
      const d = recentOf(ctx, 'deploy');
      return d ? { score: 0.6, why: `deploy ${d.key} of ${ctx.evidence.service} went out just before its onset (the analysis did not blame it, and nothing more specific matched): undoing it is reversible, a restart would keep the new code` } : null;
    },
    build(ctx) {
      const c = changeOf(ctx, 'deploy') ?? deployBeforeGrowth(ctx) ?? recentOf(ctx, 'deploy')!;
      const s = step('rollback', ctx.evidence.service, { namespace: ctx.namespace, change_id: c.id, ...(c.from ? { to_version: c.from } : {}), ...assumed('from_version', ctx.live ? ctx.live.version : c.to) }, kubectl.rolloutUndo(target(ctx)));
      return one(`Roll back ${ctx.evidence.service}${c.from ? ` to ${c.from}` : ''} (undo ${c.key})`, s);
    },
  },
  {
    id: 'flag-off',
    action: 'flag_off',
    summary: 'Turn the blamed feature flag off',
    preconditions: ['the top hypothesis blames a feature-flag change'],
    expect: { signals: ['error rate of the flagged path'], withinMinutes: 2 },
    risk: 'low',
    blastRadius: 'the service',
    match: (ctx) => {
      const c = changeOf(ctx, 'flag');
      if (c) return { score: 0.95, why: `the analysis blames the flag change ${c.key}: turning it off takes the failing path out` };
      const r = recentOf(ctx, 'flag');
      return r ? recentMatch(ctx, r, 'flag') : null;
    },
    build(ctx) {
      const c = toUndo(ctx, 'flag')!;
      const now = ctx.live ? ctx.live.flags[c.key] : c.to;
      // the undo puts back the value the step replaces (on, as the blamed change left it), not the one before that change
      const undoTo = now === undefined || now === null ? (c.to ?? null) : String(now);
      const s = step('flag_off', ctx.evidence.service, { namespace: ctx.namespace, flag: c.key, change_id: c.id, ...assumed('from_value', now) }, kubectl.patchConfigMap(target(ctx), 'flags', c.key, 'false', undoTo));
      return one(`Turn flag ${c.key} off on ${ctx.evidence.service}`, s);
    },
  },
  {
    id: 'revert-config',
    action: 'config_revert',
    summary: 'Revert the blamed configuration key to its previous value',
    preconditions: ['the top hypothesis blames a configuration change', 'its previous value is known'],
    expect: { signals: ['the symptom the change caused (timeouts, resolution errors…)'], withinMinutes: 3 },
    risk: 'low',
    blastRadius: 'the service',
    match: (ctx) => {
      const c = changeOf(ctx, 'config');
      if (c) return { score: 0.95, why: `the analysis blames the config change ${c.key}${c.from ? ` (${c.from} → ${c.to ?? '?'})` : ''}: reverting it restores what worked` };
      const r = recentOf(ctx, 'config');
      return r ? recentMatch(ctx, r, 'config key') : null;
    },
    build(ctx) {
      const c = toUndo(ctx, 'config')!;
      if (c.from === undefined || c.from === null) return { missing: `the previous value of ${c.key} (the change event did not carry it)` };
      const s = step('config_revert', ctx.evidence.service, { namespace: ctx.namespace, key: c.key, to_value: c.from, change_id: c.id, ...assumed('from_value', ctx.live ? ctx.live.config[c.key] : c.to) }, kubectl.patchConfigMap(target(ctx), 'config', c.key, c.from, c.to ?? null));
      return one(`Revert ${c.key} on ${ctx.evidence.service} to ${c.from}`, s);
    },
  },
  {
    id: 'renew-certificate',
    action: 'renew_certificate',
    summary: 'Renew the expired TLS certificate',
    preconditions: ['TLS verification failures or an expiring-certificate metric on the service', 'a certificate manager issues it'],
    expect: { signals: ['TLS handshake errors of its callers', 'its traffic back to normal'], withinMinutes: 5 },
    risk: 'low',
    blastRadius: 'the service',
    match: (ctx) => {
      const byMetric = Object.entries(ctx.evidence.families).some(([k, v]) => /cert/i.test(k) && /expir/i.test(k) && v > 0);
      if (!has(ctx, 'cert_expired') && !byMetric) return null;
      return { score: 0.9, why: byMetric ? 'its certificate-expiry metric fell to nothing' : `its logs say the certificate expired ("${ctx.signature.seenIn.cert_expired}")` };
    },
    build: (ctx) => one(`Renew the TLS certificate of ${ctx.evidence.service}`, step('renew_certificate', ctx.evidence.service, { namespace: ctx.namespace, valid_days: 90 }, kubectl.renewCertificate(target(ctx), `${ctx.evidence.service}-tls`))),
  },
  {
    id: 'expand-disk',
    action: 'expand_disk',
    summary: 'Grow the full volume (PersistentVolumeClaim resize)',
    preconditions: ['writes fail for lack of space or disk usage is saturated', 'the storage class allows expansion'],
    expect: { signals: ['write errors', 'disk usage below 80%'], withinMinutes: 5 },
    risk: 'low',
    blastRadius: 'the service',
    match: (ctx) => (has(ctx, 'disk_full') ? { score: 0.9, why: ctx.signature.seenIn.disk_full ? `its writes fail for lack of space ("${ctx.signature.seenIn.disk_full}")` : 'its disk usage is saturated' } : null),
    build(ctx) {
      const gb = ctx.live?.diskGb;
      if (!gb) return { missing: 'the volume\'s current size (no live state of the service)' };
      const to = Math.ceil(gb * 2);
      return one(`Double the volume of ${ctx.evidence.service} (${gb} → ${to} GiB)`, step('expand_disk', ctx.evidence.service, { namespace: ctx.namespace, disk_gb: to, from_disk_gb: gb }, kubectl.resizeVolume(target(ctx), `data-${ctx.evidence.service}-0`, to)));
    },
  },
  {
    id: 'add-index',
    action: 'add_index',
    summary: 'Add the index the slow query lacks (built concurrently: no table lock)',
    preconditions: ['slow statements filter one table on one column', 'the database can build an index concurrently'],
    expect: { signals: ['query latency', 'database CPU'], withinMinutes: 15 },
    risk: 'medium',
    blastRadius: 'the database',
    match: (ctx) => (has(ctx, 'slow_query') ? { score: 0.85, why: `its slow statements scan a table ("${ctx.signature.seenIn.slow_query}")` } : null),
    build(ctx) {
      const m = ctx.evidence.templates.map((t) => /\bFROM\s+([a-z_][a-z0-9_]*)\s+WHERE\s+([a-z_][a-z0-9_]*)\s*(=|IN\b|>|<)/i.exec(t)).find(Boolean);
      if (!m) return { missing: 'the table and column the slow statement filters on (no statement text in its logs)' };
      const [table, column] = [m[1].toLowerCase(), m[2].toLowerCase()];
      return one(`Index ${table}.${column} on ${ctx.evidence.service}`, step('add_index', ctx.evidence.service, { namespace: ctx.namespace, table, column }, sql.createIndex(table, column)));
    },
  },
  {
    id: 'raise-memory',
    action: 'resize',
    summary: 'Raise the memory limit (out-of-memory or a cache evicting under pressure)',
    preconditions: ['out-of-memory errors, restarts with memory saturation, or cache evictions', 'no deploy to blame (a leak in new code is undone instead)'],
    expect: { signals: ['restarts', 'evictions', 'hit ratio'], withinMinutes: 5 },
    risk: 'low',
    blastRadius: 'the service',
    match: (ctx) => {
      if (has(ctx, 'cache_evictions')) return { score: 0.85, why: `it evicts under memory pressure ("${ctx.signature.seenIn.cache_evictions}")` };
      if (has(ctx, 'out_of_memory') || ctx.signature.saturated.memory) return { score: 0.8, why: 'it runs out of memory with no deploy before it to undo' };
      return null;
    },
    build(ctx) {
      const mb = ctx.live?.memoryMb;
      if (!mb) return { missing: 'the current memory limit (no live state of the service)' };
      const { to, basis } = memoryTarget(mb, ctx);
      return one(`Raise the memory limit of ${ctx.evidence.service} (${mb} → ${to} MiB, ${basis})`, step('resize', ctx.evidence.service, { namespace: ctx.namespace, memory_mb: to, from_memory_mb: mb }, kubectl.setMemory(target(ctx), to, mb)));
    },
  },
  {
    id: 'restart-pool',
    action: 'restart',
    summary: 'Restart the service to release its exhausted connection pool',
    preconditions: ['requests time out waiting for a pooled connection', 'no change to blame'],
    expect: { signals: ['pool wait errors', 'latency'], withinMinutes: 5 },
    risk: 'low',
    blastRadius: 'the service',
    match: (ctx) => (has(ctx, 'pool_exhausted') ? { score: 0.8, why: `requests wait for pooled connections ("${ctx.signature.seenIn.pool_exhausted}"); a restart releases the leaked ones` } : null),
    build: (ctx) => one(`Restart ${ctx.evidence.service} (release its connection pool)`, step('restart', ctx.evidence.service, { namespace: ctx.namespace }, kubectl.rolloutRestart(target(ctx)))),
  },
  {
    id: 'replace-pod',
    action: 'restart',
    summary: 'Replace the one bad pod (rescheduled elsewhere)',
    preconditions: ['one pod of several is anomalous and the others are not'],
    expect: { signals: ['errors and latency of that pod'], withinMinutes: 3 },
    risk: 'low',
    blastRadius: 'one pod',
    match: (ctx) => (ctx.evidence.badInstances.length === 1 ? { score: 0.8, why: `only ${ctx.evidence.badInstances[0]} of its pods is anomalous: its node or pod is the trouble, not the code` } : null),
    build(ctx) {
      const pod = ctx.evidence.badInstances[0];
      if (!isK8sName(pod)) return { missing: `a valid pod name ("${pod}" is not one)` };
      return one(`Replace pod ${pod} of ${ctx.evidence.service}`, step('restart', ctx.evidence.service, { namespace: ctx.namespace, instance: pod }, kubectl.deletePod(target(ctx), pod)));
    },
  },
  {
    id: 'scale-out',
    action: 'scale',
    summary: 'Scale out: more replicas for more load',
    preconditions: ['it sheds load or is CPU-saturated while its traffic rose', 'no change to blame'],
    expect: { signals: ['rejections', 'CPU throttling', 'latency'], withinMinutes: 5 },
    risk: 'low',
    blastRadius: 'the service',
    match: (ctx) => {
      if (has(ctx, 'overloaded')) return { score: 0.8, why: `it sheds load ("${ctx.signature.seenIn.overloaded}")` };
      if (ctx.signature.saturated.cpu && ctx.signature.trafficUp) return { score: 0.6, why: 'its CPU saturated as its traffic rose' };
      return null;
    },
    build(ctx) {
      const n = ctx.live?.replicas;
      if (!n) return { missing: 'the current replica count (no live state of the service)' };
      const to = Math.min(64, n * 2);
      return one(`Scale ${ctx.evidence.service} out (${n} → ${to} replicas)`, step('scale', ctx.evidence.service, { namespace: ctx.namespace, replicas: to, from_replicas: n }, kubectl.scale(target(ctx), to, n)));
    },
  },
  {
    id: 'fail-over',
    action: 'flag_set',
    summary: 'Switch callers to their backup provider (a third party is failing)',
    preconditions: ['the failing service is a third party we only probe', 'a caller has a backup/fallback switch'],
    expect: { signals: ["the callers' errors"], withinMinutes: 2 },
    risk: 'medium',
    blastRadius: 'the service and its callers',
    match: (ctx) => (ctx.live?.external ? { score: 0.85, why: `${ctx.evidence.service} is a third party: we cannot fix it, only route around it` } : null),
    build(ctx) {
      const caller = ctx.live?.callers.map((c) => ({ c, flag: Object.keys(c.flags).find((f) => FAILOVER_FLAG.test(f)) })).find((x) => x.flag);
      if (!caller?.flag) return { missing: 'a failover switch (a backup/fallback flag) on any caller' };
      const { c, flag } = caller;
      const s = step('flag_set', c.service, { namespace: ctx.namespace, flag, value: true, ...assumed('from_value', c.flags[flag]) }, kubectl.patchConfigMap(target(ctx, c.service), 'flags', flag, 'true', String(c.flags[flag])));
      return one(`Switch ${c.service} to its backup (${flag} on) while ${ctx.evidence.service} is down`, s);
    },
  },
  {
    id: 'restart',
    action: 'restart',
    lastResort: true,
    summary: 'Rolling restart (nothing more specific matched)',
    preconditions: ['none: the last resort when no change and no known fault signature points elsewhere'],
    expect: { signals: ['whatever was anomalous, if it was transient state'], withinMinutes: 5 },
    risk: 'low',
    blastRadius: 'the service',
    match: () => ({ score: 0.2, why: 'no blamed change and no known fault signature: a restart clears transient state, and heals nothing else' }),
    build: (ctx) => one(`Restart ${ctx.evidence.service}`, step('restart', ctx.evidence.service, { namespace: ctx.namespace }, kubectl.rolloutRestart(target(ctx)))),
  },
];
