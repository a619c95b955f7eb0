/**
 * The sandbox as a Kubernetes API server, without the HTTP: a request (method, path, query,
 * content type, parsed body) in, a status and a JSON body out. Reads render the sandbox's
 * desired state and pods (objects.ts); a patch, replace or pod delete is mapped to the sandbox
 * remedies it means (remedies.ts), validated as a whole against the desired state, and applied
 * through the sandbox's own `apply` — so a real fix heals the simulated service. `?dryRun=All`
 * validates and changes nothing. The HTTP adapter with its auth lives in api/k8s.ts.
 */
import type { Sandbox } from '../sandbox.js';
import type { Remedy } from '../schema.js';
import { applyRemedy, type DesiredState, type Scalar } from '../state.js';
import { conflict, discovery, invalidSpec, notFound, statusError, type K8sResponse } from './discovery.js';
import { NAMESPACE, RESTARTED_AT, renderConfigMaps, renderEvents, renderPod, renderPvcs, renderReplicaSets, renderSecrets, renderWorkload, workloadKind, type ClusterSnapshot, type K8sObject } from './objects.js';
import { applyPatch, PatchError, type Json } from './patch.js';
import { configMapRemedies, pvcRemedies, scaleRemedies, workloadRemedies, type Mapped } from './remedies.js';
import { matchesField, matchesLabels } from './selectors.js';
import { table, wantsTable } from './table.js';
import { Bookkeeping } from './versions.js';

export type { K8sResponse } from './discovery.js';

export interface K8sRequest {
  method: string;
  /** The path below the API root, e.g. `/apis/apps/v1/namespaces/shop/deployments/payments`. */
  path: string;
  query: Record<string, string | undefined>;
  contentType?: string;
  /** The Accept header: kubectl asks for a server-printed Table. */
  accept?: string;
  body?: unknown;
  /** Who asks (recorded as the author of the sandbox's change). */
  actor: string;
}

/** What the facade needs of a running sandbox. */
export interface ClusterSource {
  /** Identity of the sandbox (a new one starts new bookkeeping). */
  readonly id: object;
  snapshot(): ClusterSnapshot;
  original(): Record<string, Record<string, Scalar>>;
  apply(remedy: Remedy, actor: string): { ok: boolean; message: string };
}

export function sandboxSource(sb: Sandbox): ClusterSource {
  const w = sb.world;
  return {
    id: sb,
    snapshot: () => ({ nowMs: w.t, startMs: w.scenario.startMs, services: w.services.map((s) => ({ spec: s.spec, pods: s.pods })), desired: w.desired, changes: w.changes }),
    original: () => Object.fromEntries(w.services.map((s) => [s.id, s.original.config])),
    apply: (r, actor) => sb.apply(r, actor),
  };
}

type Resource = 'deployments' | 'statefulsets' | 'replicasets' | 'pods' | 'configmaps' | 'secrets' | 'persistentvolumeclaims' | 'events';
const GROUP: Record<Resource, string> = { deployments: 'apps', statefulsets: 'apps', replicasets: 'apps', pods: '', configmaps: '', secrets: '', persistentvolumeclaims: '', events: '' };
const LIST_KIND: Record<Resource, string> = {
  deployments: 'DeploymentList',
  statefulsets: 'StatefulSetList',
  replicasets: 'ReplicaSetList',
  pods: 'PodList',
  configmaps: 'ConfigMapList',
  secrets: 'SecretList',
  persistentvolumeclaims: 'PersistentVolumeClaimList',
  events: 'EventList',
};
const WRITABLE = new Set<Resource>(['deployments', 'statefulsets', 'configmaps', 'persistentvolumeclaims']);

const CORE_PATH = /^\/api\/v1\/(?:namespaces\/([^/]+)\/)?(pods|configmaps|secrets|persistentvolumeclaims|events)(?:\/([^/]+))?$/;
const APPS_PATH = /^\/apis\/apps\/v1\/(?:namespaces\/([^/]+)\/)?(deployments|statefulsets|replicasets)(?:\/([^/]+)(?:\/(scale))?)?$/;

const ok = (body: Json, status = 200): K8sResponse => ({ status, body });

export class SandboxCluster {
  private book = new Bookkeeping();
  private bookOf: object | undefined;

  constructor(private readonly source: () => ClusterSource | undefined) {}

  handle(req: K8sRequest): K8sResponse {
    try {
      return this.route(req);
    } catch (e) {
      if (e instanceof PatchError) return statusError(e.status, e.message);
      throw e;
    }
  }

  private route(req: K8sRequest): K8sResponse {
    const path = req.path.replace(/\/+$/, '') || '/';
    const method = req.method.toUpperCase();
    const doc = method === 'GET' ? discovery(path) : null;
    if (doc) return ok(doc);
    const src = this.source();
    if (!src) return statusError(503, 'the sandbox is not running (WARROOM_SANDBOX=off, or still starting)');
    if (this.bookOf !== src.id) {
      this.book = new Bookkeeping();
      this.bookOf = src.id;
    }
    if (path === '/api/v1/namespaces' && method === 'GET') return ok({ apiVersion: 'v1', kind: 'NamespaceList', metadata: { resourceVersion: '1' }, items: [namespace()] });
    if (path.startsWith('/api/v1/namespaces/') && !path.slice('/api/v1/namespaces/'.length).includes('/') && method === 'GET') {
      const name = path.slice('/api/v1/namespaces/'.length);
      return name === NAMESPACE ? ok(namespace()) : notFound('namespaces', '', name);
    }
    const m = CORE_PATH.exec(path) ?? APPS_PATH.exec(path);
    if (!m) return statusError(404, 'the server could not find the requested resource');
    const [, ns, resource, name, sub] = m as unknown as [string, string | undefined, Resource, string | undefined, string | undefined];
    if (req.query.watch === 'true' || req.query.watch === '1') return statusError(405, 'watch is not supported by the sandbox; list again instead');
    const snap = src.snapshot();
    const inNs = ns === undefined || ns === NAMESPACE;
    if (!name) {
      if (method !== 'GET') return statusError(405, `${method} is not supported on a ${resource} collection`);
      const items = inNs ? this.objects(resource, snap).filter((o) => matchesLabels(o, req.query.labelSelector) && matchesField(o, req.query.fieldSelector)) : [];
      if (wantsTable(req.accept)) return ok(table(resource, items, snap.nowMs, this.book.current()));
      return ok({ apiVersion: GROUP[resource] ? 'apps/v1' : 'v1', kind: LIST_KIND[resource], metadata: { resourceVersion: this.book.current() }, items });
    }
    const before = inNs ? this.objects(resource, snap).find((o) => o.metadata.name === name) : undefined;
    if (!before) return notFound(resource, GROUP[resource], name);
    const target = sub === 'scale' ? scaleOf(before) : before;
    if (method === 'GET') return ok(wantsTable(req.accept) && !sub ? table(resource, [target], snap.nowMs, this.book.current()) : target);
    const dry = req.query.dryRun;
    if (dry !== undefined && dry !== 'All') return statusError(400, `Invalid dry run value "${dry}": the only supported value is "All"`);
    if (method === 'DELETE') {
      const service = String((before.metadata.labels as Record<string, string>).app);
      // cert-manager reissues a deleted certificate Secret: that is the renewal
      if (resource === 'secrets') return this.commit(src, snap, req.actor, resource, name, [{ action: 'renew_certificate', service, valid_days: 90 }], dry === 'All', () => before);
      if (resource !== 'pods') return statusError(405, `the sandbox does not delete ${resource}`);
      return this.commit(src, snap, req.actor, resource, name, [{ action: 'restart', service, instance: name }], dry === 'All', () => ({ ...before, metadata: { ...before.metadata, deletionTimestamp: new Date(snap.nowMs).toISOString(), deletionGracePeriodSeconds: 30 } }));
    }
    if (method !== 'PATCH' && method !== 'PUT') return statusError(405, `${method} is not supported on ${resource}`);
    if (resource === 'secrets') return statusError(405, 'the sandbox does not patch certificate Secrets: delete one and cert-manager reissues it (a renewal)');
    if (!WRITABLE.has(resource)) return statusError(405, `the sandbox does not change ${resource} (they follow their Deployment)`);
    const after = (method === 'PATCH' ? applyPatch(target as Json, req.contentType, req.body) : replaceBody(req.body)) as K8sObject;
    if (typeof after !== 'object' || after === null || Array.isArray(after)) return statusError(400, 'the patched object is not an object');
    const meta = (after.metadata ?? {}) as Record<string, Json>;
    if (meta.name !== undefined && meta.name !== name) return statusError(400, `the name of the object (${String(meta.name)}) does not match the name on the URL (${name})`);
    if (meta.resourceVersion !== undefined && meta.resourceVersion !== target.metadata.resourceVersion) return conflict(sub ? `${resource}/scale` : resource, GROUP[resource], name);
    const mapped = this.remediesOf(resource, sub, snap, target, after, name);
    const kind = sub ? 'Scale' : String(before.kind);
    if (!mapped.ok) return invalidSpec(kind, sub ? 'autoscaling' : GROUP[resource], name, mapped.causes);
    const dryView = () => ({ ...after, metadata: target.metadata, ...(after.status !== undefined ? {} : { status: target.status }) });
    return this.commit(src, snap, req.actor, resource, name, mapped.remedies, dry === 'All', dryView, restartedAtOf(after), sub);
  }

  /** Validates the remedies together, then (unless a dry run) applies them; answers with the object. */
  private commit(src: ClusterSource, snap: ClusterSnapshot, actor: string, resource: Resource, name: string, remedies: Remedy[], dryRun: boolean, dryView: () => K8sObject, restartedAt?: string, sub?: string): K8sResponse {
    let state: DesiredState = snap.desired;
    for (const r of remedies) {
      const out = applyRemedy(state, r, { nowMs: snap.nowMs, original: src.original() });
      if (!out.ok) return statusError(422, `${resource} "${name}": ${out.error}`, { name, kind: resource, group: GROUP[resource], causes: [{ field: 'spec', reason: 'FieldValueInvalid', message: out.error }] });
      state = out.state;
    }
    if (dryRun) return ok(dryView());
    for (const r of remedies) {
      if (r.action === 'restart' && !r.instance && restartedAt) this.book.noteRestart(r.service, snap.desired.services[r.service].restartGeneration + 1, restartedAt);
      const res = src.apply(r, actor);
      if (!res.ok) return statusError(422, `${resource} "${name}": ${res.message}`);
    }
    if (resource === 'pods') return ok(dryView());
    if (resource === 'secrets') return ok({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details: { name, kind: resource } });
    const now = this.objects(resource, src.snapshot()).find((o) => o.metadata.name === name)!;
    return ok(sub === 'scale' ? scaleOf(now) : now);
  }

  private remediesOf(resource: Resource, sub: string | undefined, snap: ClusterSnapshot, before: K8sObject, after: K8sObject, name: string): Mapped {
    const labels = (before.metadata.labels ?? {}) as Record<string, string>;
    const service = sub === 'scale' ? name : labels.app; // a Scale carries no labels; its workload is named after the service
    const d = snap.desired.services[service];
    if (sub === 'scale') return scaleRemedies(service, before, after);
    if (resource === 'configmaps') return configMapRemedies(service, name.endsWith('-flags') ? 'flags' : 'config', before, after, d);
    if (resource === 'persistentvolumeclaims') return pvcRemedies(service, before, after);
    return workloadRemedies(service, before, after, d);
  }

  private objects(resource: Resource, snap: ClusterSnapshot): K8sObject[] {
    const b = this.book;
    const inCluster = snap.services.filter((s) => workloadKind(s.spec));
    switch (resource) {
      case 'deployments':
      case 'statefulsets': {
        const kind = resource === 'deployments' ? 'Deployment' : 'StatefulSet';
        return inCluster.filter((s) => workloadKind(s.spec) === kind).map((s) => renderWorkload(b, snap, s.spec, s.pods)!);
      }
      case 'replicasets':
        return inCluster.flatMap((s) => renderReplicaSets(b, snap, s.spec, s.pods));
      case 'pods':
        return inCluster.flatMap((s) => s.pods.map((p) => renderPod(b, snap, s.spec, p)));
      case 'configmaps':
        return inCluster.flatMap((s) => renderConfigMaps(b, snap, s.spec));
      case 'secrets':
        return inCluster.flatMap((s) => renderSecrets(b, snap, s.spec));
      case 'persistentvolumeclaims':
        return inCluster.flatMap((s) => renderPvcs(b, snap, s.spec));
      case 'events':
        return renderEvents(b, snap);
    }
  }
}

function namespace(): Json {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NAMESPACE, uid: 'shop', resourceVersion: '1', labels: { 'kubernetes.io/metadata.name': NAMESPACE } }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } };
}

/** The restartedAt annotation a patched workload asks for (kept so reads show the client's value). */
function restartedAtOf(o: K8sObject): string | undefined {
  const template = (o.spec as { template?: { metadata?: { annotations?: Record<string, Json> } } } | undefined)?.template;
  const v = template?.metadata?.annotations?.[RESTARTED_AT];
  return typeof v === 'string' ? v : undefined;
}

function replaceBody(body: unknown): Json {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new PatchError('a replace needs the whole object as JSON', 400);
  return body as Json;
}

/** The autoscaling/v1 Scale of a workload. */
function scaleOf(w: K8sObject): K8sObject {
  const spec = w.spec as Record<string, Json>;
  const status = (w.status ?? {}) as Record<string, Json>;
  const { name, namespace: ns, uid, resourceVersion, creationTimestamp } = w.metadata;
  return {
    apiVersion: 'autoscaling/v1',
    kind: 'Scale',
    metadata: { name, namespace: ns, uid, resourceVersion, creationTimestamp },
    spec: { replicas: spec.replicas },
    status: { replicas: status.replicas ?? 0, selector: `app=${String(name)}` },
  };
}
