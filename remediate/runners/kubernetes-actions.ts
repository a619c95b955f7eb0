/**
 * What each fix-step action means as Kubernetes API calls (the `kubernetes` runner's table, one
 * entry per action): its params (zod, errors that name the field) and the calls, written once
 * for a real change and a server-side dry run (`dryRun: 'All'`, which the API server validates
 * fully and persists nothing). The calls are the ones kubectl makes for the same command, so a
 * plan's `command` and what runs agree — but the command string itself is never run.
 *
 * An action's result is one line per object: "deployment/payments: rolled back to revision 3
 * (image …:1.42.0)", or "… would roll back …" in a dry run. A step the cluster cannot carry out
 * throws `StepRefused` (or the client's ApiException); kubernetes.ts turns both into exit codes.
 */
import * as k8s from '@kubernetes/client-node';
import { z } from 'zod';
import { isK8sName } from '../commands.js';

export const RESTARTED_AT = 'kubectl.kubernetes.io/restartedAt';
export const REVISION = 'deployment.kubernetes.io/revision';

/** What an action's calls run with. */
export interface Cluster {
  apps: k8s.AppsV1Api;
  core: k8s.CoreV1Api;
  namespace: string;
  /** A server-side dry run: every call carries `dryRun=All` and nothing changes. */
  dryRun: boolean;
  /** Recorded by the API server as the manager of the fields a patch sets. */
  fieldManager: string;
  now(): Date;
}

/** The cluster cannot do what the step asks (no previous revision, not a TLS Secret…): the reason. */
export class StepRefused extends Error {}

const Name = z.string().refine(isK8sName, 'must be a Kubernetes name (lowercase letters, digits and "-", at most 63)');
const Tag = z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/, 'must be an image tag, e.g. 1.42.0');
const Key = z.string().regex(/^[-._a-zA-Z0-9]{1,253}$/, 'must be a ConfigMap key (letters, digits, "-", "_", ".")');
/** ConfigMap values are strings; a plan may carry the typed value (`false`, 6000). */
const Value = z.union([z.string(), z.number(), z.boolean()]).transform(String);

interface ActionDef<P extends z.ZodType> {
  params: P;
  run(c: Cluster, target: string, p: z.output<P>): Promise<string>;
}
const def = <P extends z.ZodType>(params: P, run: ActionDef<P>['run']): ActionDef<P> => ({ params, run });

const tense = (c: Cluster, done: string, would: string) => (c.dryRun ? would : done);
const writeOpts = (c: Cluster) => ({ namespace: c.namespace, fieldManager: c.fieldManager, ...(c.dryRun ? { dryRun: 'All' } : {}) });
const strategic = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.StrategicMergePatch);
const merge = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch);
const jsonPatch = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.JsonPatch);

export const isNotFound = (e: unknown): boolean => e instanceof k8s.ApiException && e.code === 404;

/** The Kubernetes `Status` of a refused call: `404 NotFound: deployments.apps "x" not found`. */
export function statusText(e: k8s.ApiException<unknown>): string {
  let body: unknown = e.body;
  if (typeof body === 'string') {
    try {
      body = JSON.parse(body);
    } catch {
      // not a Status (a proxy's error page): its text is the message
    }
  }
  const s = (typeof body === 'object' && body !== null ? body : {}) as { kind?: string; reason?: string; message?: string };
  const message = s.kind === 'Status' && s.message ? s.message : typeof body === 'string' && body.trim() ? body.trim().slice(0, 500) : e.message.split('\n')[0];
  return `${e.code}${s.reason ? ` ${s.reason}` : ''}: ${message}`;
}

type Workload = { kind: 'deployment'; name: string; obj: k8s.V1Deployment } | { kind: 'statefulset'; name: string; obj: k8s.V1StatefulSet };

/** The Deployment named `name`, else the StatefulSet (databases, caches and queues are StatefulSets). */
async function workload(c: Cluster, name: string): Promise<Workload> {
  try {
    return { kind: 'deployment', name, obj: await c.apps.readNamespacedDeployment({ name, namespace: c.namespace }) };
  } catch (e) {
    if (!isNotFound(e)) throw e;
    try {
      return { kind: 'statefulset', name, obj: await c.apps.readNamespacedStatefulSet({ name, namespace: c.namespace }) };
    } catch (e2) {
      if (isNotFound(e2)) throw new StepRefused(`the cluster refused it (${statusText(e as k8s.ApiException<unknown>)}; no statefulset "${name}" either)`);
      throw e2;
    }
  }
}

function patchWorkload(c: Cluster, w: Workload, body: unknown, opts: ReturnType<typeof k8s.setHeaderOptions>): Promise<unknown> {
  const req = { name: w.name, body, ...writeOpts(c) };
  return w.kind === 'deployment' ? c.apps.patchNamespacedDeployment(req, opts) : c.apps.patchNamespacedStatefulSet(req, opts);
}

const containersOf = (w: Workload): k8s.V1Container[] => w.obj.spec?.template.spec?.containers ?? [];

/** The container a step names, else the first one. */
function container(w: Workload, name: string | undefined): k8s.V1Container {
  const all = containersOf(w);
  const found = name === undefined ? all[0] : all.find((x) => x.name === name);
  if (!found) throw new StepRefused(`${w.kind}/${w.name} has no container${name === undefined ? 's' : ` "${name}" (it has: ${all.map((x) => x.name).join(', ')})`}`);
  return found;
}

/** The tag of an image reference (`registry/app:1.2` → `1.2`; a digest is ignored), or '' for none. */
export function tagOf(image: string): string {
  const ref = image.split('@')[0];
  const colon = ref.lastIndexOf(':');
  return colon > ref.lastIndexOf('/') ? ref.slice(colon + 1) : '';
}
/** The same image at another tag (any digest dropped: the tag names the version). */
export function withTag(image: string, tag: string): string {
  const ref = image.split('@')[0];
  const colon = ref.lastIndexOf(':');
  return `${colon > ref.lastIndexOf('/') ? ref.slice(0, colon) : ref}:${tag}`;
}

const imagesOf = (t: k8s.V1PodTemplateSpec | undefined) => (t?.spec?.containers ?? []).map((x) => x.image ?? '?').join(', ');
const revisionOf = (o: { metadata?: k8s.V1ObjectMeta }) => Number(o.metadata?.annotations?.[REVISION] ?? NaN);

/**
 * `kubectl rollout undo` for a Deployment: its ReplicaSets are its revisions; the chosen one's
 * pod template (without the pod-template-hash label) replaces the Deployment's.
 */
async function undoDeployment(c: Cluster, w: Workload & { kind: 'deployment' }, p: { to_revision?: number; to_version?: string }): Promise<string> {
  const d = w.obj;
  const selector = Object.entries(d.spec?.selector.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`).join(',');
  const owned = (await c.apps.listNamespacedReplicaSet({ namespace: c.namespace, ...(selector ? { labelSelector: selector } : {}) })).items
    .filter((rs) => rs.metadata?.ownerReferences?.some((o) => o.kind === 'Deployment' && (d.metadata?.uid ? o.uid === d.metadata.uid : o.name === w.name)))
    .filter((rs) => Number.isInteger(revisionOf(rs)))
    .sort((a, b) => revisionOf(b) - revisionOf(a));
  const current = Number.isInteger(revisionOf(d)) ? revisionOf(d) : revisionOf(owned[0] ?? {});
  const kept = owned.map(revisionOf).reverse().join(', ') || 'none';
  let to: k8s.V1ReplicaSet | undefined;
  if (p.to_revision !== undefined) {
    to = owned.find((rs) => revisionOf(rs) === p.to_revision);
    if (!to) throw new StepRefused(`deployment/${w.name} has no revision ${p.to_revision} (revisions kept: ${kept})`);
  } else if (p.to_version !== undefined) {
    to = owned.find((rs) => (rs.spec?.template?.spec?.containers ?? []).some((x) => tagOf(x.image ?? '') === p.to_version));
    if (!to) throw new StepRefused(`deployment/${w.name} kept no revision running version ${p.to_version} (revisions kept: ${kept}); roll forward to it with a new image instead`);
  } else {
    to = owned.find((rs) => revisionOf(rs) !== current);
    if (!to) throw new StepRefused(`deployment/${w.name} has no previous revision to roll back to (revisions kept: ${kept})`);
  }
  const rev = revisionOf(to);
  const images = imagesOf(to.spec?.template);
  if (rev === current || (p.to_version !== undefined && containersOf(w).some((x) => tagOf(x.image ?? '') === p.to_version))) {
    return `deployment/${w.name}: already at revision ${rev} (image ${images}); nothing to roll back`;
  }
  const template = structuredClone(to.spec!.template!);
  if (template.metadata?.labels) delete template.metadata.labels['pod-template-hash'];
  await patchWorkload(c, w, [{ op: 'replace', path: '/spec/template', value: template }], jsonPatch);
  return `deployment/${w.name}: ${tense(c, 'rolled back', 'would roll back')} to revision ${rev} (image ${images})`;
}

/** A StatefulSet's revisions are ControllerRevisions, which not every API serves: roll back by setting the version's image. */
async function undoStatefulSet(c: Cluster, w: Workload, p: { to_version?: string; container?: string }): Promise<string> {
  if (p.to_version === undefined) throw new StepRefused(`statefulset/${w.name}: a rollback needs params.to_version (the version to go back to)`);
  const ctr = container(w, p.container);
  const image = withTag(ctr.image ?? '', p.to_version);
  if (ctr.image === image) return `statefulset/${w.name}: already runs ${image}; nothing to roll back`;
  await patchWorkload(c, w, { spec: { template: { spec: { containers: [{ name: ctr.name, image }] } } } }, strategic);
  return `statefulset/${w.name}: ${tense(c, 'rolled back', 'would roll back')} to ${image} (was ${ctr.image})`;
}

/** The pod, checked to belong to the target service (a plan's pod name must not reach another service's pod). */
async function podOf(c: Cluster, target: string, name: string): Promise<k8s.V1Pod> {
  const pod = await c.core.readNamespacedPod({ name, namespace: c.namespace });
  const labels = pod.metadata?.labels ?? {};
  if (labels.app !== target && labels['app.kubernetes.io/name'] !== target && !name.startsWith(`${target}-`)) {
    throw new StepRefused(`pod/${name} does not belong to ${target} (its labels: ${Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(', ') || 'none'}); refusing to delete it`);
  }
  return pod;
}

async function deletePod(c: Cluster, target: string, name: string): Promise<string> {
  await podOf(c, target, name);
  await c.core.deleteNamespacedPod({ name, namespace: c.namespace, ...(c.dryRun ? { dryRun: 'All' } : {}) });
  return `pod/${name}: ${tense(c, 'deleted', 'would be deleted')}; its controller replaces it (rescheduled)`;
}

async function setConfigMap(c: Cluster, target: string, which: 'config' | 'flags', key: string, value: string, override?: string): Promise<string> {
  const name = override ?? `${target}-${which}`;
  const cm = await c.core.readNamespacedConfigMap({ name, namespace: c.namespace });
  const old = cm.data?.[key];
  if (old === value) return `configmap/${name}: ${key} is already ${value}; nothing to change`;
  await c.core.patchNamespacedConfigMap({ name, body: { data: { [key]: value } }, ...writeOpts(c) }, merge);
  return `configmap/${name}: ${key} ${old === undefined ? '(unset)' : old} → ${value}${tense(c, '', ' (dry run)')}`;
}

const BYTES: Record<string, number> = { '': 1, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, k: 1e3, M: 1e6, G: 1e9, T: 1e12 };
/** A storage quantity in bytes ("20Gi", "500M"), or NaN. */
function bytesOf(q: string | undefined): number {
  const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|k|M|G|T)?$/.exec(q ?? '');
  return m ? Number(m[1]) * BYTES[m[2] ?? ''] : NaN;
}

const ConfigMapName = { configmap: Name.optional().describe('default <target>-config / <target>-flags') };

/** Planner spellings of the same actions (the sandbox runner knows the same ones). */
export const ALIASES: Record<string, string> = {
  undo: 'rollback',
  rollout_undo: 'rollback',
  rollout_restart: 'restart',
  renew_cert: 'renew_certificate',
  resize_volume: 'expand_disk',
  resources: 'resize',
  set_resources: 'resize',
  pause: 'rollout_pause',
  resume: 'rollout_resume',
};

/** Actions a plan may carry that are not Kubernetes changes: why this runner leaves them. */
export const NOT_KUBERNETES: Record<string, string> = {
  add_index: 'an index is a database change, not a Kubernetes one: run it as a migration (or with the sandbox runner on the sandbox)',
  create_index: 'an index is a database change, not a Kubernetes one: run it as a migration (or with the sandbox runner on the sandbox)',
};

export const ACTIONS = {
  rollback: def(z.object({ to_revision: z.number().int().min(1).optional(), to_version: Tag.optional(), container: Name.optional() }), async (c, target, p) => {
    const w = await workload(c, target);
    return w.kind === 'deployment' ? undoDeployment(c, w, p) : undoStatefulSet(c, w, p);
  }),
  restart: def(z.object({ instance: Name.optional(), pod: Name.optional() }), async (c, target, p) => {
    const pod = p.instance ?? p.pod;
    if (pod) return deletePod(c, target, pod);
    const w = await workload(c, target);
    const at = c.now().toISOString();
    // `kubectl rollout restart`: a new pod-template annotation makes the controller replace every pod
    await patchWorkload(c, w, { spec: { template: { metadata: { annotations: { [RESTARTED_AT]: at } } } } }, strategic);
    return `${w.kind}/${target}: ${tense(c, 'rolling restart started', 'would restart (rolling)')} (${RESTARTED_AT}=${at})`;
  }),
  delete_pod: def(z.object({ instance: Name.optional(), pod: Name.optional() }).refine((p) => Boolean(p.instance ?? p.pod), 'params.instance: the pod to delete is required'), (c, target, p) => deletePod(c, target, (p.instance ?? p.pod)!)),
  scale: def(z.object({ replicas: z.number().int().min(0).max(10_000) }), async (c, target, p) => {
    const w = await workload(c, target);
    const req = { name: target, body: { spec: { replicas: p.replicas } }, ...writeOpts(c) };
    await (w.kind === 'deployment' ? c.apps.patchNamespacedDeploymentScale(req, merge) : c.apps.patchNamespacedStatefulSetScale(req, merge));
    return `${w.kind}/${target}: ${tense(c, 'scaled', 'would scale')} ${w.obj.spec?.replicas ?? '?'} → ${p.replicas} replicas`;
  }),
  rollout_pause: def(z.object({}), async (c, target) => {
    const w = await workload(c, target);
    if (w.kind !== 'deployment') throw new StepRefused(`statefulset/${target}: only a Deployment's rollout can be paused`);
    await patchWorkload(c, w, { spec: { paused: true } }, merge);
    return `deployment/${target}: rollout ${tense(c, 'paused', 'would be paused')}`;
  }),
  rollout_resume: def(z.object({}), async (c, target) => {
    const w = await workload(c, target);
    if (w.kind !== 'deployment') throw new StepRefused(`statefulset/${target}: only a Deployment's rollout can be resumed`);
    await patchWorkload(c, w, { spec: { paused: null } }, merge);
    return `deployment/${target}: rollout ${tense(c, 'resumed', 'would be resumed')}`;
  }),
  resize: def(
    z.object({ memory_mb: z.number().int().min(1).optional(), cpu_millis: z.number().int().min(1).optional(), container: Name.optional() }).refine((p) => p.memory_mb !== undefined || p.cpu_millis !== undefined, 'params: memory_mb or cpu_millis is required'),
    async (c, target, p) => {
      const w = await workload(c, target);
      const ctr = container(w, p.container);
      const limits = { ...(p.memory_mb !== undefined ? { memory: `${p.memory_mb}Mi` } : {}), ...(p.cpu_millis !== undefined ? { cpu: `${p.cpu_millis}m` } : {}) };
      await patchWorkload(c, w, { spec: { template: { spec: { containers: [{ name: ctr.name, resources: { limits } }] } } } }, strategic);
      const was = ctr.resources?.limits ?? {};
      const said = Object.entries(limits).map(([k, v]) => `${k} ${String(was[k] ?? '(none)')} → ${v}`).join(', ');
      return `${w.kind}/${target}: container ${ctr.name} limits ${said}${tense(c, '', ' (dry run)')}`;
    },
  ),
  config_set: def(z.object({ key: Key, value: Value, ...ConfigMapName }), (c, target, p) => setConfigMap(c, target, 'config', p.key, p.value, p.configmap)),
  config_revert: def(
    z.object({ key: Key, to_value: Value.optional(), value: Value.optional(), ...ConfigMapName }).refine((p) => (p.to_value ?? p.value) !== undefined, 'params.to_value: the value to revert to is required (a cluster keeps no history of a ConfigMap)'),
    (c, target, p) => setConfigMap(c, target, 'config', p.key, (p.to_value ?? p.value)!, p.configmap),
  ),
  flag_off: def(z.object({ flag: Key, ...ConfigMapName }), (c, target, p) => setConfigMap(c, target, 'flags', p.flag, 'false', p.configmap)),
  flag_set: def(z.object({ flag: Key, value: Value, ...ConfigMapName }), (c, target, p) => setConfigMap(c, target, 'flags', p.flag, p.value, p.configmap)),
  renew_certificate: def(z.object({ secret: Name.optional() }), async (c, target, p) => {
    const name = p.secret ?? `${target}-tls`;
    const s = await c.core.readNamespacedSecret({ name, namespace: c.namespace });
    if (s.type !== 'kubernetes.io/tls') throw new StepRefused(`secret/${name} is of type ${s.type ?? '(none)'}, not kubernetes.io/tls; refusing to delete it`);
    // cert-manager reissues a certificate whose Secret is gone: that is the renewal
    await c.core.deleteNamespacedSecret({ name, namespace: c.namespace, ...(c.dryRun ? { dryRun: 'All' } : {}) });
    const until = s.metadata?.annotations?.['cert-manager.io/not-after'];
    return `secret/${name}: ${tense(c, 'deleted', 'would be deleted')} for cert-manager to reissue${until ? ` (the old certificate is valid until ${until})` : ''}`;
  }),
  expand_disk: def(z.object({ disk_gb: z.number().positive().max(1_000_000), claim: Name.optional() }), async (c, target, p) => {
    const claims = p.claim
      ? [await c.core.readNamespacedPersistentVolumeClaim({ name: p.claim, namespace: c.namespace })]
      : (await c.core.listNamespacedPersistentVolumeClaim({ namespace: c.namespace, labelSelector: `app=${target}` })).items;
    if (!claims.length) throw new StepRefused(`no PersistentVolumeClaim labelled app=${target} in namespace ${c.namespace}; name one with params.claim`);
    const size = `${Math.ceil(p.disk_gb)}Gi`;
    const lines: string[] = [];
    // one at a time: a StatefulSet's claims grow together, and a refusal stops before the next
    for (const pvc of claims) {
      const name = pvc.metadata!.name!;
      const was = pvc.spec?.resources?.requests?.storage;
      if (bytesOf(was) >= bytesOf(size)) {
        lines.push(`pvc/${name}: already ${was}; nothing to expand`);
        continue;
      }
      await c.core.patchNamespacedPersistentVolumeClaim({ name, body: { spec: { resources: { requests: { storage: size } } } }, ...writeOpts(c) }, merge);
      lines.push(`pvc/${name}: storage ${was ?? '?'} → ${size}${tense(c, '', ' (dry run)')}`);
    }
    return lines.join('\n');
  }),
} satisfies Record<string, ActionDef<z.ZodType>>;

export type KubernetesAction = keyof typeof ACTIONS;
