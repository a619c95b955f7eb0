/**
 * Server-side printing: the `meta.k8s.io/v1` Table kubectl asks for (`Accept: …;as=Table`), so
 * `kubectl get deploy` shows READY, UP-TO-DATE and AVAILABLE as against a real cluster. Pure:
 * the columns of each resource read from the rendered objects; ages against the sandbox's time.
 */
import type { K8sObject } from './objects.js';
import type { Json } from './patch.js';

type Col = [name: string, type: 'string' | 'integer' | 'date', cell: (o: Rec, nowMs: number) => Json, priority?: number];
type Rec = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A kubectl-style age: 45s, 7m, 5h, 3d. */
export function age(fromIso: string | undefined, nowMs: number): string {
  if (!fromIso) return '<unknown>';
  const s = Math.max(0, Math.floor((nowMs - Date.parse(fromIso)) / 1000));
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.floor(s / 60)}m`;
  if (s < 172_800) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86_400)}d`;
}

const name: Col = ['Name', 'string', (o) => o.metadata.name];
const ageCol: Col = ['Age', 'string', (o, now) => age(o.metadata.creationTimestamp, now)];
const ratio = (a: number | undefined, b: number | undefined) => `${a ?? 0}/${b ?? 0}`;

const COLUMNS: Record<string, Col[]> = {
  deployments: [name, ['Ready', 'string', (o) => ratio(o.status?.readyReplicas, o.spec.replicas)], ['Up-to-date', 'integer', (o) => o.status?.updatedReplicas ?? 0], ['Available', 'integer', (o) => o.status?.availableReplicas ?? 0], ageCol, ['Images', 'string', (o) => o.spec.template.spec.containers[0].image, 1]],
  statefulsets: [name, ['Ready', 'string', (o) => ratio(o.status?.readyReplicas, o.spec.replicas)], ageCol, ['Images', 'string', (o) => o.spec.template.spec.containers[0].image, 1]],
  replicasets: [name, ['Desired', 'integer', (o) => o.spec.replicas], ['Current', 'integer', (o) => o.status?.replicas ?? 0], ['Ready', 'integer', (o) => o.status?.readyReplicas ?? 0], ageCol, ['Images', 'string', (o) => o.spec.template.spec.containers[0].image, 1]],
  pods: [
    name,
    ['Ready', 'string', (o) => `${o.status.containerStatuses[0].ready ? 1 : 0}/1`],
    ['Status', 'string', (o) => o.status.containerStatuses[0].state.waiting?.reason ?? o.status.phase],
    ['Restarts', 'integer', (o) => o.status.containerStatuses[0].restartCount],
    ageCol,
    ['IP', 'string', (o) => o.status.hostIP, 1],
    ['Node', 'string', (o) => o.spec.nodeName, 1],
  ],
  configmaps: [name, ['Data', 'integer', (o) => Object.keys(o.data ?? {}).length], ageCol],
  secrets: [name, ['Type', 'string', (o) => o.type], ['Data', 'integer', (o) => Object.keys(o.data ?? {}).length], ageCol],
  persistentvolumeclaims: [
    name,
    ['Status', 'string', (o) => o.status.phase],
    ['Volume', 'string', (o) => o.spec.volumeName],
    ['Capacity', 'string', (o) => o.status.capacity.storage],
    ['Access Modes', 'string', () => 'RWO'],
    ['StorageClass', 'string', (o) => o.spec.storageClassName],
    ageCol,
  ],
  events: [
    ['Last Seen', 'string', (o, now) => age(o.lastTimestamp, now)],
    ['Type', 'string', (o) => o.type],
    ['Reason', 'string', (o) => o.reason],
    ['Object', 'string', (o) => `${String(o.involvedObject.kind).toLowerCase()}/${o.involvedObject.name}`],
    ['Message', 'string', (o) => o.message],
  ],
};

/** Whether an Accept header asks for a Table. */
export const wantsTable = (accept: string | undefined): boolean => !!accept && /as=Table/.test(accept) && /g=meta\.k8s\.io/.test(accept);

export function table(resource: string, items: K8sObject[], nowMs: number, resourceVersion: string): Json {
  const cols = COLUMNS[resource] ?? [name, ageCol];
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: { resourceVersion },
    columnDefinitions: cols.map(([n, type, , priority]) => ({ name: n, type: type === 'date' ? 'string' : type, format: n === 'Name' ? 'name' : '', description: '', priority: priority ?? 0 })),
    rows: items.map((o) => ({ cells: cols.map(([, , cell]) => cell(o as Rec, nowMs) ?? ''), object: { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata } })),
  };
}
