/**
 * The sandbox's desired state and pods, rendered as the Kubernetes objects of namespace `shop`
 * (pure, given the facade's bookkeeping). The mapping is the one sim/state.ts documents:
 * stateless services are Deployments (with one ReplicaSet per version they ran), databases,
 * caches, queues and sharded services StatefulSets; `<svc>-config` and `<svc>-flags` ConfigMaps;
 * PVCs `data-<svc>-<ordinal>`; pods by their sandbox ids; events from the sandbox's change log.
 * External dependencies (payment-provider) are not in the cluster.
 */
import type { Pod } from '../model.js';
import type { ServiceSpec } from '../schema.js';
import type { ChangeRecord, DesiredState, ServiceDesired } from '../state.js';
import type { Json } from './patch.js';
import { templateHash, uidOf, type Bookkeeping } from './versions.js';

export const NAMESPACE = 'shop';
export const REGISTRY = 'registry.shop.local/shop';
export const RESTARTED_AT = 'kubectl.kubernetes.io/restartedAt';
export const REVISION = 'deployment.kubernetes.io/revision';

export type K8sObject = { [k: string]: Json } & { metadata: { [k: string]: Json } };

/** What the renderer reads from a running sandbox. */
export interface ClusterSnapshot {
  nowMs: number;
  startMs: number;
  services: { spec: ServiceSpec; pods: Pod[] }[];
  desired: DesiredState;
  changes: readonly ChangeRecord[];
}

export type WorkloadKind = 'Deployment' | 'StatefulSet';

/** Deployment or StatefulSet (null: not in the cluster). */
export function workloadKind(spec: ServiceSpec): WorkloadKind | null {
  if (spec.type === 'external') return null;
  return spec.sharded || spec.type === 'database' || spec.type === 'cache' || spec.type === 'queue' ? 'StatefulSet' : 'Deployment';
}

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
export const imageOf = (service: string, version: string) => `${REGISTRY}/${service}:${version}`;

/** Adds uid, resourceVersion and generation (when the object has a spec) to a rendered object. */
function stamped(book: Bookkeeping, kind: string, obj: K8sObject, snap: ClusterSnapshot): K8sObject {
  const name = String(obj.metadata.name);
  const key = `${kind}/${name}`;
  const { resourceVersion, generation } = book.stamp(key, obj, obj.spec ?? obj.data ?? null);
  const metadata: { [k: string]: Json } = { name, namespace: NAMESPACE, uid: uidOf(key), resourceVersion, creationTimestamp: iso(snap.startMs), ...obj.metadata };
  if (obj.spec && kind !== 'Pod' && kind !== 'PersistentVolumeClaim') metadata.generation = generation;
  return { ...obj, metadata };
}

function podTemplate(book: Bookkeeping, svc: string, d: ServiceDesired, version: string, snap: ClusterSnapshot, extraLabels: Record<string, string> = {}, withRestart = true): Json {
  const restartedAt = withRestart ? book.restartedAt(svc, d.restartGeneration, iso(snap.nowMs)) : undefined;
  const limits = { memory: `${d.resources.memory_mb}Mi`, cpu: `${d.resources.cpu_millis}m` };
  return {
    metadata: { labels: { app: svc, ...extraLabels }, ...(restartedAt ? { annotations: { [RESTARTED_AT]: restartedAt } } : {}) },
    spec: {
      containers: [{ name: svc, image: imageOf(svc, version), ports: [{ containerPort: 8080, protocol: 'TCP' }], resources: { limits, requests: { ...limits } } }],
    },
  };
}

function podsReady(pods: Pod[]): number {
  return pods.filter((p) => p.ready).length;
}

export function renderWorkload(book: Bookkeeping, snap: ClusterSnapshot, spec: ServiceSpec, pods: Pod[]): K8sObject | null {
  const kind = workloadKind(spec);
  const d = snap.desired.services[spec.id];
  if (!kind || !d) return null;
  const ready = podsReady(pods);
  const updated = pods.filter((p) => p.version === d.version && !p.pending).length;
  const labels = { app: spec.id, 'app.kubernetes.io/part-of': 'shop', 'app.kubernetes.io/component': spec.type };
  if (kind === 'Deployment') {
    const revs = book.revisionsOf(spec.id, d);
    const current = revs[revs.length - 1].revision;
    const obj = {
      apiVersion: 'apps/v1',
      kind,
      metadata: { name: spec.id, labels, annotations: { [REVISION]: String(current) } },
      spec: {
        replicas: d.replicas,
        selector: { matchLabels: { app: spec.id } },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
        revisionHistoryLimit: 10,
        progressDeadlineSeconds: 600,
        template: podTemplate(book, spec.id, d, d.version, snap),
      },
    } as unknown as K8sObject;
    const out = stamped(book, kind, obj, snap);
    out.status = {
      observedGeneration: out.metadata.generation as number,
      replicas: pods.length,
      updatedReplicas: updated,
      readyReplicas: ready,
      availableReplicas: ready,
      ...(pods.length > ready ? { unavailableReplicas: pods.length - ready } : {}),
      conditions: [
        { type: 'Available', status: ready >= Math.max(1, Math.ceil(d.replicas * 0.75)) ? 'True' : 'False', reason: 'MinimumReplicasAvailable', lastTransitionTime: iso(snap.startMs) },
        { type: 'Progressing', status: 'True', reason: updated === pods.length ? 'NewReplicaSetAvailable' : 'ReplicaSetUpdated', lastTransitionTime: iso(snap.nowMs) },
      ],
    };
    return out;
  }
  const obj = {
    apiVersion: 'apps/v1',
    kind,
    metadata: { name: spec.id, labels },
    spec: {
      replicas: d.replicas,
      serviceName: spec.id,
      selector: { matchLabels: { app: spec.id } },
      podManagementPolicy: 'OrderedReady',
      updateStrategy: { type: 'RollingUpdate' },
      template: podTemplate(book, spec.id, d, d.version, snap),
      volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: `${d.resources.disk_gb}Gi` } } } }],
    },
  } as unknown as K8sObject;
  const out = stamped(book, kind, obj, snap);
  const rev = `${spec.id}-${templateHash(spec.id, d.version)}`;
  out.status = { observedGeneration: out.metadata.generation as number, replicas: pods.length, readyReplicas: ready, availableReplicas: ready, currentReplicas: updated, updatedReplicas: updated, currentRevision: rev, updateRevision: rev };
  return out;
}

/** A Deployment's ReplicaSets: one per version it ran, the running one scaled to the replicas. */
export function renderReplicaSets(book: Bookkeeping, snap: ClusterSnapshot, spec: ServiceSpec, pods: Pod[]): K8sObject[] {
  const d = snap.desired.services[spec.id];
  if (workloadKind(spec) !== 'Deployment' || !d) return [];
  const revs = book.revisionsOf(spec.id, d);
  return revs.map(({ version, revision }) => {
    const hash = templateHash(spec.id, version);
    const running = version === d.version;
    const ownPods = pods.filter((p) => p.version === version);
    const obj = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: `${spec.id}-${hash}`,
        labels: { app: spec.id, 'pod-template-hash': hash },
        annotations: { [REVISION]: String(revision), 'deployment.kubernetes.io/desired-replicas': String(d.replicas) },
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: spec.id, uid: uidOf(`Deployment/${spec.id}`), controller: true, blockOwnerDeletion: true }],
      },
      spec: { replicas: running ? d.replicas : 0, selector: { matchLabels: { app: spec.id, 'pod-template-hash': hash } }, template: podTemplate(book, spec.id, d, version, snap, { 'pod-template-hash': hash }, false) },
    } as unknown as K8sObject;
    const out = stamped(book, 'ReplicaSet', obj, snap);
    out.status = { replicas: ownPods.length, readyReplicas: podsReady(ownPods), availableReplicas: podsReady(ownPods), observedGeneration: out.metadata.generation as number };
    return out;
  });
}

export function renderPod(book: Bookkeeping, snap: ClusterSnapshot, spec: ServiceSpec, p: Pod): K8sObject {
  const kind = workloadKind(spec);
  const hash = templateHash(spec.id, p.version);
  const owner =
    kind === 'Deployment'
      ? { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `${spec.id}-${hash}`, uid: uidOf(`ReplicaSet/${spec.id}-${hash}`), controller: true }
      : { apiVersion: 'apps/v1', kind: 'StatefulSet', name: spec.id, uid: uidOf(`StatefulSet/${spec.id}`), controller: true };
  const labels: Record<string, string> = kind === 'Deployment' ? { app: spec.id, 'pod-template-hash': hash } : { app: spec.id, 'statefulset.kubernetes.io/pod-name': p.id };
  const started = iso(p.bootedAt);
  const state: Json = p.ready ? { running: { startedAt: started } } : { waiting: { reason: p.crashes > 0 ? 'CrashLoopBackOff' : 'ContainerCreating' } };
  const obj = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: p.id, labels, ownerReferences: [owner], creationTimestamp: started },
    spec: { nodeName: p.node, containers: [{ name: spec.id, image: imageOf(spec.id, p.version), resources: { limits: { memory: `${p.memLimitMb}Mi` } } }], restartPolicy: 'Always' },
    status: {
      phase: p.ready || p.crashes > 0 ? 'Running' : 'Pending',
      conditions: [{ type: 'Ready', status: p.ready ? 'True' : 'False', lastTransitionTime: iso(p.ready ? p.readyAt : p.bootedAt) }],
      hostIP: `10.0.${Number(/\d+$/.exec(p.node)?.[0] ?? 0) % 256}.1`,
      startTime: started,
      containerStatuses: [
        {
          name: spec.id,
          ready: p.ready,
          started: p.ready,
          restartCount: p.restarts,
          image: imageOf(spec.id, p.version),
          imageID: `${imageOf(spec.id, p.version)}@sha256:${templateHash(spec.id, p.version).repeat(7).slice(0, 64)}`,
          state,
          ...(p.crashes > 0 ? { lastState: { terminated: { reason: p.mem >= 0.99 ? 'OOMKilled' : 'Error', exitCode: p.mem >= 0.99 ? 137 : 1 } } } : {}),
        },
      ],
    },
  } as unknown as K8sObject;
  return stamped(book, 'Pod', obj, snap);
}

/** `<svc>-config` and `<svc>-flags`, for the services that have any. */
export function renderConfigMaps(book: Bookkeeping, snap: ClusterSnapshot, spec: ServiceSpec): K8sObject[] {
  const d = snap.desired.services[spec.id];
  if (!workloadKind(spec) || !d) return [];
  const maps: [string, Record<string, unknown>][] = [
    [`${spec.id}-config`, d.config],
    [`${spec.id}-flags`, d.flags],
  ];
  return maps
    .filter(([, data]) => Object.keys(data).length > 0)
    .map(([name, data]) => stamped(book, 'ConfigMap', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, labels: { app: spec.id } }, data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, String(v)])) } as K8sObject, snap));
}

/** PVCs: `data-<svc>-<ordinal>` per StatefulSet replica; one `data-<svc>-0` for a Deployment. All share the service's volume size. */
export function renderPvcs(book: Bookkeeping, snap: ClusterSnapshot, spec: ServiceSpec): K8sObject[] {
  const kind = workloadKind(spec);
  const d = snap.desired.services[spec.id];
  if (!kind || !d) return [];
  const n = kind === 'StatefulSet' ? d.replicas : 1;
  const storage = `${d.resources.disk_gb}Gi`;
  return Array.from({ length: n }, (_, i) => {
    const obj = {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: `data-${spec.id}-${i}`, labels: { app: spec.id } },
      spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'standard-expandable', volumeMode: 'Filesystem', volumeName: `pv-${uidOf(`pv/${spec.id}/${i}`)}`, resources: { requests: { storage } } },
    } as unknown as K8sObject;
    const out = stamped(book, 'PersistentVolumeClaim', obj, snap);
    out.status = { phase: 'Bound', accessModes: ['ReadWriteOnce'], capacity: { storage } };
    return out;
  });
}

/**
 * `<svc>-tls` (type kubernetes.io/tls) for the services that serve TLS, as cert-manager keeps
 * it; the expiry is in the `cert-manager.io/not-after` annotation (the data are placeholders,
 * never key material). Deleting it makes cert-manager reissue it: a renewal.
 */
export function renderSecrets(book: Bookkeeping, snap: ClusterSnapshot, spec: ServiceSpec): K8sObject[] {
  const d = snap.desired.services[spec.id];
  if (!workloadKind(spec) || !d?.certificate) return [];
  const placeholder = (what: string) => Buffer.from(`sandbox ${what} of ${spec.id}, valid until ${d.certificate!.not_after}`).toString('base64');
  const obj = {
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'kubernetes.io/tls',
    metadata: {
      name: `${spec.id}-tls`,
      labels: { app: spec.id },
      annotations: { 'cert-manager.io/certificate-name': spec.id, 'cert-manager.io/issuer-name': 'shop-ca', 'cert-manager.io/not-after': d.certificate.not_after },
    },
    data: { 'tls.crt': placeholder('certificate'), 'tls.key': placeholder('key') },
  } as unknown as K8sObject;
  return [stamped(book, 'Secret', obj, snap)];
}

const EVENT_REASONS: Record<ChangeRecord['kind'], [kind: string, reason: string]> = {
  deploy: ['Deployment', 'ScalingReplicaSet'],
  scale: ['Deployment', 'ScalingReplicaSet'],
  restart: ['Deployment', 'RollingRestart'],
  resources: ['Deployment', 'ResourcesChanged'],
  flag: ['ConfigMap', 'FlagChanged'],
  config: ['ConfigMap', 'ConfigChanged'],
  disk: ['PersistentVolumeClaim', 'FileSystemResizeSuccessful'],
  certificate: ['Secret', 'Issued'],
  index: ['Job', 'Completed'],
};

/** Events: each change of the sandbox's log, and a BackOff warning per pod that restarted. */
export function renderEvents(book: Bookkeeping, snap: ClusterSnapshot): K8sObject[] {
  const kinds = new Map(snap.services.map((s) => [s.spec.id, workloadKind(s.spec)]));
  const out: K8sObject[] = [];
  snap.changes.forEach((c, i) => {
    if (!kinds.get(c.service) || Date.parse(c.ts) > snap.nowMs) return;
    let [kind, reason] = EVENT_REASONS[c.kind];
    let name = c.service;
    if (kind === 'Deployment') kind = kinds.get(c.service)!;
    if (c.kind === 'restart' && c.instance) [kind, reason, name] = ['Pod', 'Killing', c.instance];
    if (kind === 'ConfigMap') name = `${c.service}-${c.kind === 'flag' ? 'flags' : 'config'}`;
    if (kind === 'PersistentVolumeClaim') name = `data-${c.service}-0`;
    if (kind === 'Secret') name = `${c.service}-tls`;
    const message = c.kind === 'deploy' ? `${c.rollback ? 'Rolled back' : 'Updated'} ${c.service} image ${String(c.from)} → ${String(c.to)}${c.summary ? ` (${c.summary})` : ''}` : `${c.key}: ${String(c.from)} → ${String(c.to)} by ${c.author}`;
    out.push(eventOf(book, snap, `${name}.${c.id || i}`, { kind, name, namespace: NAMESPACE, uid: uidOf(`${kind}/${name}`) }, reason, message, 'Normal', c.ts, 1));
  });
  for (const s of snap.services) {
    for (const p of s.pods) {
      if (p.restarts > 0) out.push(eventOf(book, snap, `${p.id}.backoff`, { kind: 'Pod', name: p.id, namespace: NAMESPACE, uid: uidOf(`Pod/${p.id}`) }, 'BackOff', 'Back-off restarting failed container', 'Warning', iso(snap.nowMs), p.restarts));
    }
  }
  return out;
}

function eventOf(book: Bookkeeping, snap: ClusterSnapshot, name: string, involved: Json, reason: string, message: string, type: string, ts: string, count: number): K8sObject {
  const obj = { apiVersion: 'v1', kind: 'Event', metadata: { name }, involvedObject: involved, reason, message, type, count, firstTimestamp: ts, lastTimestamp: ts, source: { component: 'warroom-sandbox' }, reportingComponent: 'warroom-sandbox' } as unknown as K8sObject;
  return stamped(book, 'Event', obj, snap);
}
