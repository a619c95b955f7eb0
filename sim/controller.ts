/**
 * The controller: converges the world's actual state (pods, loaded config and flags,
 * certificates, indexes, volumes) to the desired state, with the delays a cluster has:
 * rolling updates one pod at a time, pod start-up, config reloads, index builds, OOM kills with
 * back-off.
 */
import { EMPTY_SET, type ClusterEvents, type Chunk, type Pod, type SvcRt, type WorldState } from './model.js';

/** What the controller reads of the world, and the actions it takes: schedule, add pods, emit events. */
export interface ControllerView extends Pick<WorldState, 't' | 'services' | 'byId' | 'desired'>, ClusterEvents {
  /** Runs `run` at the start of the first step at or after `at`. */
  schedule(at: number, run: (c: Chunk) => void): void;
  addPod(s: SvcRt, bootedAt: number, ready: boolean): Pod;
  /** A fresh node name (a rescheduled pod lands on a new node). */
  newNode(): string;
}

/** Pod start-up time by log format (a stand-in for the runtime: JVM, Python, Node, Go…). */
export const STARTUP_MS: Record<string, number> = { java: 40_000, python: 25_000, json: 15_000, logfmt: 8_000, nginx: 5_000, postgres: 45_000, redis: 10_000, rabbitmq: 30_000, none: 5_000 };
export const CONFIG_RELOAD_MS = 15_000;
export const CERT_RELOAD_MS = 20_000;
export const INDEX_BUILD_MS = 90_000;
export const DISK_EXPAND_MS = 60_000;
export const ONLINE_RESIZE_MS = 20_000;

/** Schedules the actual state to follow the desired state after the right delay. */
export function afterDesiredChange(w: ControllerView, service: string): void {
  const s = w.byId.get(service)!;
  const d = w.desired.services[service];
  const t = w.t;
  const cfg = { ...d.config };
  const flags = { ...d.flags };
  w.schedule(t + CONFIG_RELOAD_MS, () => {
    s.actual.config = { ...s.actual.config, ...cfg };
    s.actual.flags = { ...flags };
  });
  const cert = d.certificate ? Date.parse(d.certificate.not_after) : null;
  if (cert !== s.actual.certNotAfterMs) w.schedule(t + CERT_RELOAD_MS, () => (s.actual.certNotAfterMs = cert));
  for (const idx of d.indexes ?? []) {
    if (!s.actual.indexes.has(idx)) w.schedule(t + INDEX_BUILD_MS, () => s.actual.indexes.add(idx));
  }
  if (d.resources.disk_gb !== s.actual.diskGb) {
    const gb = d.resources.disk_gb;
    w.schedule(t + DISK_EXPAND_MS, () => (s.actual.diskGb = gb));
  }
  if (resizesOnline(s) && (d.resources.memory_mb !== s.actual.memoryMb || d.resources.cpu_millis !== s.actual.cpuMillis)) {
    const { memory_mb, cpu_millis } = d.resources;
    w.schedule(t + ONLINE_RESIZE_MS, () => {
      s.actual.memoryMb = memory_mb;
      s.actual.cpuMillis = cpu_millis;
      for (const p of s.pods) {
        p.memLimitMb = memory_mb;
        p.vars.maxmemory = String(memory_mb);
      }
    });
  }
}

/** Databases, caches and queues change memory and CPU in place (e.g. Redis `maxmemory`); services roll out. */
export function resizesOnline(s: SvcRt): boolean {
  return s.spec.type === 'cache' || s.spec.type === 'database' || s.spec.type === 'queue';
}

/** One controller pass: scale, delete pods asked for, finish started pods, roll the next outdated pod. */
export function reconcile(w: ControllerView, t: number): void {
  for (const s of w.services) {
    if (s.spec.type === 'external') continue;
    const d = w.desired.services[s.id];
    // Scale.
    while (s.pods.length < d.replicas) {
      const p = w.addPod(s, t, false);
      p.readyAt = t + s.startupMs;
      w.k8sEvent(null, s, 'Normal', 'ScalingReplicaSet', `Scaled up replica set ${s.id} to ${d.replicas}`);
      w.k8sEvent(p, s, 'Normal', 'Scheduled', `Successfully assigned shop/${p.id} to ${p.node}`);
    }
    if (s.pods.length > d.replicas) {
      s.pods.splice(d.replicas);
      w.k8sEvent(null, s, 'Normal', 'ScalingReplicaSet', `Scaled down replica set ${s.id} to ${d.replicas}`);
    }
    const memLimit = resizesOnline(s) ? s.actual.memoryMb : d.resources.memory_mb;
    let rolling = false;
    for (const p of s.pods) {
      // Pod deleted by hand: killed now, recreated on another node.
      const want = d.podRestarts[p.id] ?? 0;
      if (want > p.podRestart) {
        p.podRestart = want;
        w.k8sEvent(p, s, 'Normal', 'Killing', `Stopping container ${s.id}`);
        restartPod(w, p, t, d.version, d.restartGeneration, memLimit, false);
      }
      if (p.pending && p.pending.readyAt <= t) {
        const pd = p.pending;
        p.pending = null;
        swapPod(w, p, t, pd.version, pd.restartGen, pd.memLimitMb);
      }
      if (!p.ready && !p.pending && p.readyAt <= t) {
        p.ready = true;
        p.owns = true;
        w.k8sEvent(p, s, 'Normal', 'Started', `Started container ${s.id}`);
        p.burst.push({ set: s.logs?.problems.restart ?? EMPTY_SET, count: 2, vars: p.vars });
      }
      if (p.pending) rolling = true;
    }
    // Rolling update: one pod at a time (maxSurge 1, maxUnavailable 0).
    if (!rolling) {
      const outdated = s.pods.find((p) => p.version !== d.version || p.restartGen < d.restartGeneration || p.memLimitMb !== memLimit);
      if (outdated) {
        // The old pod serves until its replacement is ready (shards have replicas that take over).
        outdated.pending = { readyAt: t + s.startupMs, version: d.version, restartGen: d.restartGeneration, memLimitMb: memLimit };
        if (outdated === s.pods[0] || !s.pods.some((p) => p !== outdated && p.version === d.version && p.restartGen === d.restartGeneration)) {
          w.k8sEvent(null, s, 'Normal', 'RolloutStarted', `Rolling out ${s.id} ${d.version} (restart generation ${d.restartGeneration})`);
        }
      }
    }
  }
}

/** A rolling update finished for this pod: it now runs the new template on a new node. */
export function swapPod(w: Pick<ControllerView, 'newNode'>, p: Pod, t: number, version: string, restartGen: number, memLimitMb: number): void {
  p.version = version;
  p.restartGen = restartGen;
  p.memLimitMb = memLimitMb;
  p.node = w.newNode();
  p.bootedAt = t;
  p.leak = 0;
  p.poolLeak = 0;
  p.ready = true;
  p.vars = { ...p.vars, version, node: p.node };
  p.burst.push({ set: p.svc.logs?.problems.restart ?? EMPTY_SET, count: 2, vars: p.vars });
}

/** Kills a pod now; it comes back after start-up (with a back-off after repeated crashes). */
export function restartPod(w: Pick<ControllerView, 'newNode'>, p: Pod, t: number, version: string, restartGen: number, memLimitMb: number, crash: boolean): void {
  const backoff = crash ? Math.min(300_000, 10_000 * 2 ** Math.max(0, p.crashes - 1)) : 0;
  p.ready = false;
  p.readyAt = t + backoff + p.svc.startupMs;
  p.pending = null;
  p.version = version;
  p.restartGen = restartGen;
  p.memLimitMb = memLimitMb;
  p.leak = 0;
  p.poolLeak = 0;
  p.bootedAt = p.readyAt;
  if (!crash) p.node = w.newNode();
  p.vars = { ...p.vars, version, node: p.node };
}
