/**
 * What the Kubernetes facade remembers that the sandbox's desired state does not hold: the
 * `resourceVersion` and `generation` of each object (bumped when its content changes, from one
 * cluster-wide counter, like etcd's), the ReplicaSet revision of each version a Deployment ran
 * (a rollback to an old version makes it the newest revision, as `kubectl rollout undo` does),
 * and the `restartedAt` annotation each rolling restart was asked with. Derived lazily from what
 * the facade sees, so changes made around it (the sandbox runner, a scenario) count too.
 */
import type { ServiceDesired } from '../state.js';

/** A stable, deterministic hash of a string (FNV-1a, 32 bits) as 8 hex digits. */
export function fnv(s: string, seed = 0x811c9dc5): string {
  let h = seed >>> 0;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

/** A uid in the UUID layout, stable per object key. */
export const uidOf = (key: string): string => {
  const h = fnv(key) + fnv(key, 0x12345678) + fnv(key, 0x9abcdef0) + fnv(key, 0x0badcafe);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
};

/** The `pod-template-hash` of a version's ReplicaSet (10 characters, like Kubernetes'). */
export const templateHash = (service: string, version: string): string => (fnv(`${service}@${version}`) + fnv(version, 7)).slice(0, 10);

export class Bookkeeping {
  private counter = 1000;
  private readonly objects = new Map<string, { content: string; spec: string; rv: number; generation: number }>();
  private readonly revisions = new Map<string, { byVersion: Map<string, number>; max: number }>();
  private readonly restarts = new Map<string, { gen: number; at: string }>();

  /** The cluster's resourceVersion now (of lists). */
  current(): string {
    return String(this.counter);
  }

  /** The resourceVersion and generation of an object whose content (and spec) is as given. */
  stamp(key: string, content: unknown, spec: unknown): { resourceVersion: string; generation: number } {
    const c = JSON.stringify(content);
    const s = JSON.stringify(spec ?? null);
    let e = this.objects.get(key);
    if (!e) {
      e = { content: c, spec: s, rv: ++this.counter, generation: 1 };
      this.objects.set(key, e);
    } else if (e.content !== c) {
      e.rv = ++this.counter;
      if (e.spec !== s) e.generation += 1;
      e.content = c;
      e.spec = s;
    }
    return { resourceVersion: String(e.rv), generation: e.generation };
  }

  /** The ReplicaSet revisions of a service, oldest first; the running version has the highest. */
  revisionsOf(service: string, d: ServiceDesired): { version: string; revision: number }[] {
    let r = this.revisions.get(service);
    if (!r) {
      r = { byVersion: new Map(), max: 0 };
      for (const v of d.history) if (!r.byVersion.has(v)) r.byVersion.set(v, ++r.max);
      this.revisions.set(service, r);
    }
    if (r.byVersion.get(d.version) !== r.max) r.byVersion.set(d.version, ++r.max);
    return [...r.byVersion.entries()].map(([version, revision]) => ({ version, revision })).sort((a, b) => a.revision - b.revision);
  }

  /** Remembers the annotation a rolling restart was asked with (the next generation's). */
  noteRestart(service: string, gen: number, at: string): void {
    this.restarts.set(service, { gen, at });
  }

  /** The restartedAt annotation of a service at restart generation `gen` (none before the first restart). */
  restartedAt(service: string, gen: number, nowIso: string): string | undefined {
    if (gen === 0) return undefined;
    const r = this.restarts.get(service);
    if (r?.gen === gen) return r.at;
    // restarted around the facade (the sandbox runner): first seen now
    this.restarts.set(service, { gen, at: nowIso });
    return nowIso;
  }
}
