/**
 * The sandbox's desired state: what each service should run, as plain data, and `applyRemedy`,
 * which turns a remedy into a new desired state (pure: state in, state out). The world then
 * converges its actual state (pods, loaded config, certificates, indexes) to it after realistic
 * delays, exactly like a controller does, so a remedy heals only when it changes what the fault
 * depends on.
 *
 * Kubernetes mapping (served by the facade in k8s/ at /k8s; its full table: sim/README.md):
 * - `version`, `history`        ↔ Deployment `<service>` spec.template.spec.containers[0].image tag;
 *                                  history = the ReplicaSet revisions (`kubectl rollout undo`)
 * - `replicas`                   ↔ Deployment spec.replicas (`kubectl scale`); sharded services
 *                                  (search, redis) map to a StatefulSet instead
 * - `restartGeneration`          ↔ pod template annotation kubectl.kubernetes.io/restartedAt
 *                                  (`kubectl rollout restart`)
 * - `podRestarts[pod]`           ↔ DELETE /api/v1/namespaces/shop/pods/<pod> (the pod is
 *                                  recreated, on another node)
 * - `resources.memory_mb/cpu_millis` ↔ containers[0].resources.limits (a rollout for services;
 *                                  applied in place for databases and caches, as `maxmemory`)
 * - `resources.disk_gb`          ↔ PersistentVolumeClaim `data-<service>-<ordinal>` spec.resources.requests.storage
 *                                  (online volume expansion)
 * - `config`                     ↔ ConfigMap `<service>-config` data (reloaded by the app);
 *                                  the `dns.name` key ↔ the Service object's name
 * - `flags`                      ↔ ConfigMap `<service>-flags` (a flag provider such as flagd reads it)
 * - `certificate.not_after`      ↔ Secret `<service>-tls` (type kubernetes.io/tls), renewed by a
 *                                  cert-manager Certificate
 * - `indexes`                    ↔ no core object: a migration Job (or a custom resource) runs
 *                                  `CREATE INDEX CONCURRENTLY`
 */
import type { Remedy, ServiceSpec, TopologySpec } from './schema.js';

export type Scalar = string | number | boolean;

export interface ServiceDesired {
  version: string;
  /** Earlier versions, oldest first (rollback pops the last). */
  history: string[];
  replicas: number;
  restartGeneration: number;
  podRestarts: Record<string, number>;
  resources: { memory_mb: number; cpu_millis: number; disk_gb: number };
  config: Record<string, Scalar>;
  flags: Record<string, Scalar>;
  certificate: { not_after: string } | null;
  indexes: string[] | null;
}

export interface DesiredState {
  services: Record<string, ServiceDesired>;
}

/** A change to the desired state, as it is announced (deploy, flag or config event, scale…). */
export interface ChangeRecord {
  id: string;
  ts: string;
  kind: 'deploy' | 'flag' | 'config' | 'scale' | 'restart' | 'resources' | 'index' | 'certificate' | 'disk';
  service: string;
  key: string;
  from: Scalar | null;
  to: Scalar | null;
  author: string;
  rollback?: boolean;
  /** Deploys: commit and change summary. */
  commit?: string;
  summary?: string;
  instance?: string;
}

export const CPU_MILLIS_DEFAULT = 1000;

export function initialServiceState(s: ServiceSpec, startMs: number): ServiceDesired {
  return {
    version: s.version,
    history: [],
    replicas: s.instances,
    restartGeneration: 0,
    podRestarts: {},
    resources: { memory_mb: s.memory.limit_mb, cpu_millis: CPU_MILLIS_DEFAULT, disk_gb: s.disk.gb },
    config: { ...s.config },
    flags: { ...s.flags },
    certificate: s.tls ? { not_after: new Date(startMs + s.tls.valid_days * 86_400_000).toISOString() } : null,
    indexes: s.indexes ? [...s.indexes] : null,
  };
}

export function initialState(t: TopologySpec, startMs: number): DesiredState {
  return { services: Object.fromEntries(t.services.map((s) => [s.id, initialServiceState(s, startMs)])) };
}

/** A deep copy (the state is plain JSON). */
export function cloneState(s: DesiredState): DesiredState {
  return structuredClone(s);
}

export type RemedyOutcome =
  | { ok: true; state: DesiredState; changes: Omit<ChangeRecord, 'id' | 'ts' | 'author'>[]; message: string }
  | { ok: false; error: string };

/**
 * Applies a remedy to the desired state. Pure: returns a new state and the changes to announce,
 * or an error that says why the remedy cannot apply (unknown service, nothing to roll back to…).
 * `config_revert` needs the original values (the topology's config); `renew_certificate` the time.
 */
export function applyRemedy(state: DesiredState, r: Remedy, ctx: { nowMs: number; original?: Record<string, Record<string, Scalar>> }): RemedyOutcome {
  const original = ctx.original ?? {};
  const cur = state.services[r.service];
  if (!cur) return { ok: false, error: `unknown service "${r.service}" (known: ${Object.keys(state.services).join(', ')})` };
  const next = cloneState(state);
  const s = next.services[r.service];
  const base = { service: r.service };
  switch (r.action) {
    case 'rollback': {
      const to = r.to_version ?? s.history[s.history.length - 1];
      if (!to) return { ok: false, error: `${r.service} has no earlier version to roll back to (running ${s.version})` };
      if (to === s.version) return { ok: false, error: `${r.service} already runs ${to}` };
      const from = s.version;
      const i = s.history.lastIndexOf(to);
      s.history = i >= 0 ? s.history.slice(0, i) : [...s.history, from];
      s.version = to;
      return { ok: true, state: next, changes: [{ ...base, kind: 'deploy', key: 'version', from, to, rollback: true }], message: `rolling ${r.service} back from ${from} to ${to}` };
    }
    case 'restart': {
      if (r.instance) {
        s.podRestarts[r.instance] = (s.podRestarts[r.instance] ?? 0) + 1;
        return { ok: true, state: next, changes: [{ ...base, kind: 'restart', key: 'pod', from: null, to: r.instance, instance: r.instance }], message: `deleting pod ${r.instance}; it is recreated on another node` };
      }
      s.restartGeneration += 1;
      return { ok: true, state: next, changes: [{ ...base, kind: 'restart', key: 'restartGeneration', from: s.restartGeneration - 1, to: s.restartGeneration }], message: `rolling restart of ${r.service}` };
    }
    case 'scale': {
      const from = s.replicas;
      s.replicas = r.replicas;
      return { ok: true, state: next, changes: [{ ...base, kind: 'scale', key: 'replicas', from, to: r.replicas }], message: `scaling ${r.service} from ${from} to ${r.replicas} replicas` };
    }
    case 'flag_set':
    case 'flag_off': {
      const value = r.action === 'flag_off' ? false : r.value;
      if (!(r.flag in s.flags) && r.action === 'flag_off') return { ok: false, error: `${r.service} has no flag "${r.flag}" (flags: ${Object.keys(s.flags).join(', ') || 'none'})` };
      const from = s.flags[r.flag] ?? null;
      s.flags[r.flag] = value;
      return { ok: true, state: next, changes: [{ ...base, kind: 'flag', key: r.flag, from, to: value }], message: `flag ${r.flag} on ${r.service}: ${String(from)} → ${String(value)}` };
    }
    case 'config_set':
    case 'config_revert': {
      let value: Scalar;
      if (r.action === 'config_revert') {
        const orig = original[r.service]?.[r.key];
        if (orig === undefined) return { ok: false, error: `${r.service} has no original value for config key "${r.key}"` };
        value = orig;
      } else value = r.value;
      const from = s.config[r.key] ?? null;
      s.config[r.key] = value;
      return { ok: true, state: next, changes: [{ ...base, kind: 'config', key: r.key, from, to: value }], message: `config ${r.key} on ${r.service}: ${String(from)} → ${String(value)}` };
    }
    case 'add_index': {
      if (!s.indexes) return { ok: false, error: `${r.service} is not a database` };
      const idx = `${r.table}.${r.column}`;
      if (s.indexes.includes(idx)) return { ok: false, error: `index on ${idx} already exists` };
      s.indexes.push(idx);
      return { ok: true, state: next, changes: [{ ...base, kind: 'index', key: idx, from: null, to: `idx_${r.table}_${r.column}` }], message: `CREATE INDEX CONCURRENTLY idx_${r.table}_${r.column} ON ${r.table} (${r.column})` };
    }
    case 'renew_certificate': {
      if (!s.certificate) return { ok: false, error: `${r.service} serves no TLS certificate` };
      const from = s.certificate.not_after;
      const to = new Date(ctx.nowMs + r.valid_days * 86_400_000).toISOString();
      s.certificate = { not_after: to };
      return { ok: true, state: next, changes: [{ ...base, kind: 'certificate', key: 'not_after', from, to }], message: `renewing the TLS certificate of ${r.service} until ${to}` };
    }
    case 'expand_disk': {
      const from = s.resources.disk_gb;
      if (r.disk_gb <= from) return { ok: false, error: `a volume can only grow (${r.service} has ${from} GB)` };
      s.resources.disk_gb = r.disk_gb;
      return { ok: true, state: next, changes: [{ ...base, kind: 'disk', key: 'disk_gb', from, to: r.disk_gb }], message: `expanding the volume of ${r.service} from ${from} to ${r.disk_gb} GB` };
    }
    case 'resize': {
      if (r.memory_mb === undefined && r.cpu_millis === undefined) return { ok: false, error: 'resize needs memory_mb or cpu_millis' };
      const changes: Omit<ChangeRecord, 'id' | 'ts' | 'author'>[] = [];
      if (r.memory_mb !== undefined) {
        changes.push({ ...base, kind: 'resources', key: 'memory_mb', from: s.resources.memory_mb, to: r.memory_mb });
        s.resources.memory_mb = r.memory_mb;
      }
      if (r.cpu_millis !== undefined) {
        changes.push({ ...base, kind: 'resources', key: 'cpu_millis', from: s.resources.cpu_millis, to: r.cpu_millis });
        s.resources.cpu_millis = r.cpu_millis;
      }
      return { ok: true, state: next, changes, message: `resizing ${r.service}: ${changes.map((c) => `${c.key} ${c.from} → ${c.to}`).join(', ')}` };
    }
  }
}

/** The new version number of a deploy: 2.13.4 → 2.14.0 (minor) or 2.13.5 (patch). */
export function bumpVersion(v: string, kind: 'minor' | 'patch'): string {
  const m = /^(\d+)\.(\d+)\.(\d+)(.*)$/.exec(v);
  if (!m) return `${v}-1`;
  return kind === 'minor' ? `${m[1]}.${Number(m[2]) + 1}.0` : `${m[1]}.${m[2]}.${Number(m[3]) + 1}`;
}
