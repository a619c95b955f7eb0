/**
 * Ansible: a play of `kubernetes.core` tasks that makes the step's change (a strategic-merge or
 * merge patch through `kubernetes.core.k8s` with `state: patched`, `kubernetes.core.k8s_rollback`
 * for a rollout undo), and the play that undoes it. The container is assumed to be named after the
 * service (as in the Terraform layout). A rolling restart is left out: its patch is a fresh
 * timestamp per run, which a stored play cannot hold; indexes and certificate renewals are no
 * Kubernetes patch either.
 */
import type { StepChange } from './step.js';
import { unavailable, type RenderResult } from './types.js';
import { yaml, type Yaml } from './yaml.js';

type Task = Record<string, Yaml>;

const play = (name: string, task: Task): string =>
  yaml([{ name, hosts: 'localhost', gather_facts: false, tasks: [task] }]);

function patched(c: { namespace: string }, name: string, kind: 'Deployment' | 'ConfigMap' | 'PersistentVolumeClaim', mergeType: 'strategic-merge' | 'merge', definition: Yaml, what: string): Task {
  const apiVersion = kind === 'Deployment' ? 'apps/v1' : 'v1';
  return { name: what, 'kubernetes.core.k8s': { state: 'patched', api_version: apiVersion, kind, name, namespace: c.namespace, merge_type: mergeType, definition } };
}

const rolloutUndo = (c: { service: string; namespace: string }, what: string): Task => ({ name: what, 'kubernetes.core.k8s_rollback': { api_version: 'apps/v1', kind: 'Deployment', name: c.service, namespace: c.namespace } });

const pair = (title: string, change: Task, undo: Task | string): RenderResult => ({
  format: 'ansible',
  change: play(`Fix: ${title}`, change),
  rollback: typeof undo === 'string' ? undo : play(`Roll back: ${title}`, undo),
});

const containerPatch = (c: { service: string }, fields: Record<string, Yaml>): Yaml => ({ spec: { template: { spec: { containers: [{ name: c.service, ...fields }] } } } });
const notRecorded = (what: string) => unavailable('ansible', `the plan did not record ${what}, which the rollback play needs`);

export function renderAnsible(c: StepChange): RenderResult {
  switch (c.kind) {
    case 'image':
      // like kubectl rollout undo: back to the previous revision, and undoing it goes forward again
      return pair(`roll back ${c.service}`, rolloutUndo(c, `Roll back deployment ${c.service} to its previous revision`), rolloutUndo(c, `Undo the rollback of deployment ${c.service}`));
    case 'replicas': {
      if (c.from === undefined) return notRecorded('the replica count now (params.from_replicas)');
      const scale = (n: number) => patched(c, c.service, 'Deployment', 'merge', { spec: { replicas: n } }, `Scale deployment ${c.service} to ${n} replicas`);
      return pair(`scale ${c.service} to ${c.to} replicas`, scale(c.to), scale(c.from));
    }
    case 'pause': {
      const paused = (p: boolean) => patched(c, c.service, 'Deployment', 'merge', { spec: { paused: p } }, `${p ? 'Pause' : 'Resume'} the rollout of deployment ${c.service}`);
      return pair(`pause the rollout of ${c.service}`, paused(true), paused(false));
    }
    case 'memory': {
      if (c.fromMb === undefined) return notRecorded('the memory limit now (params.from_memory_mb)');
      const limit = (mb: number) => patched(c, c.service, 'Deployment', 'strategic-merge', containerPatch(c, { resources: { limits: { memory: `${mb}Mi` } } }), `Set the memory limit of deployment ${c.service} to ${mb}Mi`);
      return pair(`memory limit of ${c.service} to ${c.toMb}Mi`, limit(c.toMb), limit(c.fromMb));
    }
    case 'configmap': {
      if (c.from === undefined) return notRecorded(`the value of ${c.key} now (params.from_value)`);
      const cm = `${c.service}-${c.map}`;
      const set = (v: string) => patched(c, cm, 'ConfigMap', 'merge', { data: { [c.key]: v } }, `Set ${c.key} to ${v} in configmap ${cm}`);
      const remove: Task = { name: `Remove ${c.key} from configmap ${cm}`, 'kubernetes.core.k8s_json_patch': { api_version: 'v1', kind: 'ConfigMap', name: cm, namespace: c.namespace, patch: [{ op: 'remove', path: `/data/${c.key}` }] } };
      return pair(`${c.key} to ${c.to} on ${c.service}`, set(c.to), c.from === null ? remove : set(c.from));
    }
    case 'disk': {
      const grow = patched(c, c.claim, 'PersistentVolumeClaim', 'strategic-merge', { spec: { resources: { requests: { storage: `${c.toGb}Gi` } } } }, `Grow volume claim ${c.claim} to ${c.toGb}Gi`);
      return pair(`grow the volume of ${c.service}`, grow, '# a volume cannot shrink: nothing to undo (the extra space stays allocated)');
    }
    case 'restart':
      if (c.pod) {
        const del: Task = { name: `Delete pod ${c.pod} (its ReplicaSet replaces it)`, 'kubernetes.core.k8s': { state: 'absent', api_version: 'v1', kind: 'Pod', name: c.pod, namespace: c.namespace } };
        return pair(`replace pod ${c.pod} of ${c.service}`, del, '# nothing to undo: the ReplicaSet replaces the pod with the same spec');
      }
      return unavailable('ansible', 'a rolling restart patches a fresh timestamp each run, which a stored play cannot hold: use the kubectl format (kubectl rollout restart)');
    case 'certificate':
      return unavailable('ansible', 'renewing a certificate is a cert-manager call, no Kubernetes patch: use the kubectl format (cmctl renew)');
    case 'index':
      return unavailable('ansible', 'an index is a database change: see the sql format');
  }
}
