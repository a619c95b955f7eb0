/**
 * The sandbox's Kubernetes API, driven by the official client (@kubernetes/client-node 1.4.0)
 * against the HTTP adapter on 127.0.0.1:0 and a live sandbox on a manual clock: each call a
 * runner makes, the sandbox remedy it becomes, and the Kubernetes errors a client relies on.
 */
import * as k8s from '@kubernetes/client-node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startK8sSandbox, type K8sSandbox } from '../test-support/k8s-sandbox.js';

const NS = 'shop';

let env: K8sSandbox;
let sb: K8sSandbox['sb'];
let url: string;

beforeEach(async () => {
  env = await startK8sSandbox();
  ({ sb, url } = env);
});

afterEach(async () => env.stop());

function clients(token = 'admin-key') {
  const kc = new k8s.KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'sandbox', server: url, skipTLSVerify: true }],
    users: [{ name: 'u', token }],
    contexts: [{ name: 'sandbox', cluster: 'sandbox', user: 'u', namespace: NS }],
    currentContext: 'sandbox',
  });
  return { apps: kc.makeApiClient(k8s.AppsV1Api), core: kc.makeApiClient(k8s.CoreV1Api) };
}

const strategic = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.StrategicMergePatch);
const merge = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch);
const jsonPatch = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.JsonPatch);
const desired = (svc: string) => sb.status().desired.services[svc];

/** The Status of a failed call: its HTTP code and reason. */
async function failure(p: Promise<unknown>): Promise<{ code: number; reason: string; message: string; causes?: { field: string }[] }> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(k8s.ApiException);
    const ex = e as k8s.ApiException<unknown>;
    const body = (typeof ex.body === 'string' ? JSON.parse(ex.body) : ex.body) as { reason: string; message: string; kind: string; details?: { causes?: { field: string }[] } };
    expect(body.kind).toBe('Status');
    return { code: ex.code, reason: body.reason, message: body.message, causes: body.details?.causes };
  }
  throw new Error('the call succeeded');
}

const ticks = (n: number) => env.ticks(n);

describe('the sandbox Kubernetes API with the official client', () => {
  it('lists and reads Deployments and StatefulSets with the desired state', async () => {
    const { apps } = clients();
    const list = await apps.listNamespacedDeployment({ namespace: NS });
    const names = list.items.map((d) => d.metadata!.name);
    expect(names).toContain('payments');
    expect(names).not.toContain('postgres');
    expect(names).not.toContain('payment-provider');
    const d = await apps.readNamespacedDeployment({ name: 'payments', namespace: NS });
    expect(d.spec!.replicas).toBe(3);
    expect(d.spec!.template.spec!.containers[0].image).toBe('registry.shop.local/shop/payments:1.42.0');
    expect(d.spec!.template.spec!.containers[0].resources!.limits!.memory).toBe('1536Mi');
    expect(d.status!.readyReplicas).toBe(3);
    const sts = await apps.listNamespacedStatefulSet({ namespace: NS });
    expect(sts.items.map((s) => s.metadata!.name).sort()).toEqual(['message-queue', 'postgres', 'redis', 'search']);
    expect((await apps.listNamespacedDeployment({ namespace: NS, labelSelector: 'app=cart' })).items).toHaveLength(1);
  });

  it('scales through the scale subresource (= scale), and replace works too', async () => {
    const { apps } = clients();
    const scale = await apps.readNamespacedDeploymentScale({ name: 'checkout', namespace: NS });
    expect(scale.spec!.replicas).toBe(3);
    const patched = await apps.patchNamespacedDeploymentScale({ name: 'checkout', namespace: NS, body: { spec: { replicas: 6 } } }, merge);
    expect(patched.spec!.replicas).toBe(6);
    expect(desired('checkout').replicas).toBe(6);
    // search is a StatefulSet: its scale lives under statefulsets
    expect(await failure(apps.replaceNamespacedDeploymentScale({ name: 'search', namespace: NS, body: { metadata: { name: 'search' }, spec: { replicas: 5 } } }))).toMatchObject({ code: 404 });
    const sts = await apps.replaceNamespacedStatefulSetScale({ name: 'search', namespace: NS, body: { metadata: { name: 'search' }, spec: { replicas: 5 } } });
    expect(sts.spec!.replicas).toBe(5);
    expect(desired('search').replicas).toBe(5);
  });

  it('a strategic-merge image patch is a deploy with a new ReplicaSet revision, and undo goes back to a revision', async () => {
    const { apps } = clients();
    const body = { spec: { template: { spec: { containers: [{ name: 'cart', image: 'registry.shop.local/shop/cart:2.9.1' }] } } } };
    const d = await apps.patchNamespacedDeployment({ name: 'cart', namespace: NS, body }, strategic);
    expect(d.spec!.template.spec!.containers[0].image).toBe('registry.shop.local/shop/cart:2.9.1');
    expect(d.spec!.template.spec!.containers[0].ports).toHaveLength(1); // merged by name, not replaced
    expect(desired('cart').version).toBe('2.9.1');
    expect(d.metadata!.annotations!['deployment.kubernetes.io/revision']).toBe('2');
    const rs = (await apps.listNamespacedReplicaSet({ namespace: NS, labelSelector: 'app=cart' })).items;
    expect(rs.map((r) => [r.metadata!.annotations!['deployment.kubernetes.io/revision'], r.spec!.template!.spec!.containers[0].image, r.spec!.replicas])).toEqual([
      ['1', 'registry.shop.local/shop/cart:2.9.0', 0],
      ['2', 'registry.shop.local/shop/cart:2.9.1', 3],
    ]);
    // `kubectl rollout undo --to-revision=1`: the revision's pod template, as a JSON patch
    const rev1 = rs.find((r) => r.metadata!.annotations!['deployment.kubernetes.io/revision'] === '1')!;
    const undone = await apps.patchNamespacedDeployment({ name: 'cart', namespace: NS, body: [{ op: 'replace', path: '/spec/template', value: rev1.spec!.template }] }, jsonPatch);
    expect(undone.spec!.template.spec!.containers[0].image).toBe('registry.shop.local/shop/cart:2.9.0');
    expect(undone.metadata!.annotations!['deployment.kubernetes.io/revision']).toBe('3');
    expect(desired('cart')).toMatchObject({ version: '2.9.0', restartGeneration: 0 });
  });

  it('rollout restart through the pod-template annotation (= a rolling restart), and resources (= resize)', async () => {
    const { apps } = clients();
    const at = '2026-03-03T10:01:00Z';
    const d = await apps.patchNamespacedDeployment({ name: 'orders', namespace: NS, body: { spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': at } } } } } }, strategic);
    expect(d.spec!.template.metadata!.annotations!['kubectl.kubernetes.io/restartedAt']).toBe(at);
    expect(desired('orders').restartGeneration).toBe(1);
    const again = await apps.readNamespacedDeployment({ name: 'orders', namespace: NS });
    expect(again.spec!.template.metadata!.annotations!['kubectl.kubernetes.io/restartedAt']).toBe(at);
    await apps.patchNamespacedDeployment({ name: 'orders', namespace: NS, body: { spec: { template: { spec: { containers: [{ name: 'orders', resources: { limits: { memory: '2Gi' } } }] } } } } }, strategic);
    expect(desired('orders').resources.memory_mb).toBe(2048);
    expect(desired('orders').restartGeneration).toBe(1);
  });

  it('ConfigMap patches set config keys and flags, typed like the values they replace', async () => {
    const { core } = clients();
    const cm = await core.readNamespacedConfigMap({ name: 'payments-config', namespace: NS });
    expect(cm.data).toMatchObject({ 'db.pool_size': String(desired('payments').config['db.pool_size']) });
    await core.patchNamespacedConfigMap({ name: 'payments-config', namespace: NS, body: { data: { 'db.pool_size': '50' } } }, merge);
    expect(desired('payments').config['db.pool_size']).toBe(50);
    await core.patchNamespacedConfigMap({ name: 'payments-flags', namespace: NS, body: { data: { use_backup_provider: 'true' } } }, strategic);
    expect(desired('payments').flags.use_backup_provider).toBe(true);
  });

  it('PVC resize expands the volume; a shrink is refused', async () => {
    const { core } = clients();
    const pvc = await core.readNamespacedPersistentVolumeClaim({ name: 'data-postgres-0', namespace: NS });
    expect(pvc.spec!.resources!.requests!.storage).toBe('500Gi');
    await core.patchNamespacedPersistentVolumeClaim({ name: 'data-postgres-0', namespace: NS, body: { spec: { resources: { requests: { storage: '750Gi' } } } } }, strategic);
    expect(desired('postgres').resources.disk_gb).toBe(750);
    const f = await failure(core.patchNamespacedPersistentVolumeClaim({ name: 'data-postgres-1', namespace: NS, body: { spec: { resources: { requests: { storage: '100Gi' } } } } }, merge));
    expect(f).toMatchObject({ code: 422, reason: 'Invalid' });
    expect(desired('postgres').resources.disk_gb).toBe(750);
  });

  it('dryRun=All validates and changes nothing', async () => {
    const { apps } = clients();
    const before = await apps.readNamespacedDeployment({ name: 'payments', namespace: NS });
    const dry = await apps.patchNamespacedDeployment({ name: 'payments', namespace: NS, body: { spec: { replicas: 7 } }, dryRun: 'All' }, strategic);
    expect(dry.spec!.replicas).toBe(7);
    expect(desired('payments').replicas).toBe(3);
    const after = await apps.readNamespacedDeployment({ name: 'payments', namespace: NS });
    expect(after.spec!.replicas).toBe(3);
    expect(after.metadata!.resourceVersion).toBe(before.metadata!.resourceVersion);
    // an invalid dry run still fails
    expect(await failure(apps.patchNamespacedDeployment({ name: 'payments', namespace: NS, body: { spec: { replicas: -1 } }, dryRun: 'All' }, strategic))).toMatchObject({ code: 422 });
  });

  it('answers 404 NotFound, 409 Conflict on a stale resourceVersion and 422 Invalid on an invalid spec', async () => {
    const { apps } = clients();
    expect(await failure(apps.readNamespacedDeployment({ name: 'nope', namespace: NS }))).toMatchObject({ code: 404, reason: 'NotFound', message: 'deployments.apps "nope" not found' });
    expect(await failure(apps.readNamespacedDeployment({ name: 'payments', namespace: 'default' }))).toMatchObject({ code: 404 });
    const d = await apps.readNamespacedDeployment({ name: 'users', namespace: NS });
    const stale = d.metadata!.resourceVersion!;
    await apps.patchNamespacedDeployment({ name: 'users', namespace: NS, body: { spec: { replicas: 4 } } }, strategic);
    const fresh = (await apps.readNamespacedDeployment({ name: 'users', namespace: NS })).metadata!.resourceVersion!;
    expect(Number(fresh)).toBeGreaterThan(Number(stale));
    expect(await failure(apps.patchNamespacedDeployment({ name: 'users', namespace: NS, body: { metadata: { resourceVersion: stale }, spec: { replicas: 5 } } }, merge))).toMatchObject({ code: 409, reason: 'Conflict' });
    expect(desired('users').replicas).toBe(4);
    const neg = await failure(apps.patchNamespacedDeployment({ name: 'users', namespace: NS, body: { spec: { replicas: -1 } } }, merge));
    expect(neg).toMatchObject({ code: 422, reason: 'Invalid' });
    expect(neg.causes?.[0].field).toBe('spec.replicas');
    const mem = await failure(apps.patchNamespacedDeployment({ name: 'users', namespace: NS, body: { spec: { template: { spec: { containers: [{ name: 'users', resources: { limits: { memory: 'lots' } } }] } } } } }, strategic));
    expect(mem).toMatchObject({ code: 422, reason: 'Invalid' });
    expect(await failure(apps.patchNamespacedDeployment({ name: 'users', namespace: NS, body: { spec: { template: { spec: { containers: [{ name: 'sidecar', image: 'x' }] } } } } }, strategic))).toMatchObject({ code: 422 });
    expect(desired('users').resources.memory_mb).toBe(512);
  });

  it('deleting a pod restarts that instance; pods list with status and restarts, events list', async () => {
    const { core } = clients();
    const pods = await core.listNamespacedPod({ namespace: NS, labelSelector: 'app=payments' });
    expect(pods.items.map((p) => p.metadata!.name).sort()).toEqual(['payments-0', 'payments-1', 'payments-2']);
    expect(pods.items[0].status!.containerStatuses![0].restartCount).toBe(0);
    expect(pods.items[0].status!.phase).toBe('Running');
    const gone = await core.deleteNamespacedPod({ name: 'payments-1', namespace: NS });
    expect(gone.metadata!.name).toBe('payments-1');
    expect(desired('payments').podRestarts).toEqual({ 'payments-1': 1 });
    const events = await core.listNamespacedEvent({ namespace: NS, fieldSelector: 'involvedObject.name=payments-1' });
    expect(events.items.map((e) => e.reason)).toContain('Killing');
  });

  it('a bad deploy injected into the sandbox is healed by the client\'s rollout undo to the previous revision', async () => {
    const { apps } = clients();
    const truth = sb.inject({ kind: 'bad_deploy_errors', service: 'payments', params: { error_rate: 0.5 } });
    await ticks(6);
    expect(sb.status().faults.find((f) => f.id === truth.id)!.healed_at).toBeNull();
    const d = await apps.readNamespacedDeployment({ name: 'payments', namespace: NS });
    const bad = d.spec!.template.spec!.containers[0].image!;
    expect(bad).not.toBe('registry.shop.local/shop/payments:1.42.0');
    const rs = (await apps.listNamespacedReplicaSet({ namespace: NS, labelSelector: 'app=payments' })).items;
    const current = Number(d.metadata!.annotations!['deployment.kubernetes.io/revision']);
    const previous = rs
      .map((r) => ({ r, rev: Number(r.metadata!.annotations!['deployment.kubernetes.io/revision']) }))
      .filter((x) => x.rev < current)
      .sort((a, b) => b.rev - a.rev)[0].r;
    await apps.patchNamespacedDeployment({ name: 'payments', namespace: NS, body: [{ op: 'replace', path: '/spec/template', value: previous.spec!.template }] }, jsonPatch);
    expect(desired('payments').version).toBe('1.42.0');
    await ticks(30);
    const fault = sb.status().faults.find((f) => f.id === truth.id)!;
    expect(fault.healed_at).not.toBeNull();
  });

  it('certificate Secrets: get shows the expiry; deleting one is a renewal that heals an expired certificate', async () => {
    const { core } = clients();
    const secret = await core.readNamespacedSecret({ name: 'auth-tls', namespace: NS });
    expect(secret.type).toBe('kubernetes.io/tls');
    expect(secret.metadata!.annotations!['cert-manager.io/not-after']).toBe(desired('auth').certificate!.not_after);
    expect((await core.listNamespacedSecret({ namespace: NS })).items.map((x) => x.metadata!.name).sort()).toEqual(['auth-tls', 'edge-gateway-tls', 'payments-tls', 'postgres-tls']);
    expect(await failure(core.patchNamespacedSecret({ name: 'auth-tls', namespace: NS, body: { data: {} } }, merge))).toMatchObject({ code: 405 });
    const truth = sb.inject({ kind: 'cert_expiry', service: 'auth' });
    await ticks(6);
    expect(sb.status().faults.find((f) => f.id === truth.id)!.healed_at).toBeNull();
    const before = desired('auth').certificate!.not_after;
    await core.deleteNamespacedSecret({ name: 'auth-tls', namespace: NS, dryRun: 'All' });
    expect(desired('auth').certificate!.not_after).toBe(before);
    await core.deleteNamespacedSecret({ name: 'auth-tls', namespace: NS });
    expect(Date.parse(desired('auth').certificate!.not_after)).toBeGreaterThan(Date.parse(before));
    await ticks(30);
    expect(sb.status().faults.find((f) => f.id === truth.id)!.healed_at).not.toBeNull();
  });

  it('asks for a valid key: 401 without, 403 for a read-only key writing or another org', async () => {
    expect((await fetch(`${url}/apis/apps/v1/namespaces/shop/deployments`)).status).toBe(401);
    const { apps } = clients('read-key');
    expect((await apps.listNamespacedDeployment({ namespace: NS })).items.length).toBeGreaterThan(5);
    expect(await failure(apps.patchNamespacedDeployment({ name: 'cart', namespace: NS, body: { spec: { replicas: 4 } } }, strategic))).toMatchObject({ code: 403, reason: 'Forbidden' });
    expect(await failure(clients('other-org').apps.listNamespacedDeployment({ namespace: NS }))).toMatchObject({ code: 403 });
    expect(desired('cart').replicas).toBe(3);
    const bad = await fetch(`${url}/apis/apps/v1/namespaces/shop/deployments/cart`, { method: 'PATCH', headers: { authorization: 'Bearer admin-key', 'content-type': 'application/merge-patch+json' }, body: '{"spec":' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ kind: 'Status', reason: 'BadRequest' });
  });
});
