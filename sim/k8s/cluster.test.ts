/**
 * The facade without HTTP: routing, the errors a client sees for what the sandbox does not do,
 * and resourceVersions that follow changes made around the facade (the HTTP contract with the
 * real clients: api/k8s.test.ts, api/k8s-kubectl.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { loadTopology } from '../edge/library.js';
import { Sandbox } from '../sandbox.js';
import { SandboxCluster, sandboxSource, type K8sRequest } from './cluster.js';

function setup() {
  const sb = new Sandbox({ topology: loadTopology('shop'), startMs: Date.parse('2026-03-03T10:00:00Z'), seed: 3, logsPerMin: 0 });
  sb.advanceTo(Date.parse('2026-03-03T10:00:30Z'));
  let running: Sandbox | undefined = sb;
  const cluster = new SandboxCluster(() => (running ? sandboxSource(running) : undefined));
  const call = (method: string, path: string, extra: Partial<K8sRequest> = {}) => cluster.handle({ method, path, query: {}, actor: 'user:test', ...extra });
  return { sb, call, stop: () => (running = undefined) };
}

const body = (r: { body: unknown }) => r.body as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('the sandbox cluster', () => {
  it('routes discovery, lists and names; other namespaces are empty or 404', () => {
    const { call } = setup();
    expect(body(call('GET', '/apis')).groups[0].name).toBe('apps');
    expect(body(call('GET', '/api/v1/namespaces/shop/pods')).items.length).toBeGreaterThan(40);
    expect(body(call('GET', '/api/v1/pods')).items.length).toBe(body(call('GET', '/api/v1/namespaces/shop/pods')).items.length);
    expect(body(call('GET', '/api/v1/namespaces/kube-system/pods')).items).toEqual([]);
    expect(call('GET', '/api/v1/namespaces/kube-system/pods/x').status).toBe(404);
    expect(call('GET', '/api/v1/namespaces/shop').status).toBe(200);
    expect(call('GET', '/api/v1/namespaces/prod').status).toBe(404);
    const unknown = call('GET', '/apis/batch/v1/namespaces/shop/jobs');
    expect(unknown).toMatchObject({ status: 404, body: { kind: 'Status', reason: 'NotFound' } });
  });

  it('says what it does not do: watch, writes to ReplicaSets, deleting a Deployment, a bad dryRun, a renamed object', () => {
    const { call } = setup();
    expect(call('GET', '/apis/apps/v1/namespaces/shop/deployments', { query: { watch: 'true' } }).status).toBe(405);
    expect(call('PATCH', '/apis/apps/v1/namespaces/shop/replicasets/x').status).toBe(404);
    const rs = body(call('GET', '/apis/apps/v1/namespaces/shop/replicasets')).items[0].metadata.name as string;
    expect(call('PATCH', `/apis/apps/v1/namespaces/shop/replicasets/${rs}`, { contentType: 'application/merge-patch+json', body: { spec: { replicas: 1 } } }).status).toBe(405);
    expect(call('DELETE', '/apis/apps/v1/namespaces/shop/deployments/cart').status).toBe(405);
    expect(call('PATCH', '/apis/apps/v1/namespaces/shop/deployments/cart', { contentType: 'application/merge-patch+json', body: { spec: { replicas: 4 } }, query: { dryRun: 'yes' } }).status).toBe(400);
    expect(call('PATCH', '/apis/apps/v1/namespaces/shop/deployments/cart', { contentType: 'application/merge-patch+json', body: { metadata: { name: 'other' } } }).status).toBe(400);
    expect(call('PATCH', '/apis/apps/v1/namespaces/shop/deployments/cart', { contentType: 'text/plain', body: {} }).status).toBe(400);
    expect(call('PATCH', '/apis/apps/v1/namespaces/shop/deployments/cart', { contentType: 'application/json-patch+json', body: [{ op: 'test', path: '/spec/replicas', value: 99 }] }).status).toBe(422);
  });

  it('moves resourceVersion and generation on a change made around the facade, and records the actor', () => {
    const { sb, call } = setup();
    const before = body(call('GET', '/apis/apps/v1/namespaces/shop/deployments/cart')).metadata;
    expect(body(call('GET', '/apis/apps/v1/namespaces/shop/deployments/cart')).metadata.resourceVersion).toBe(before.resourceVersion);
    sb.apply({ action: 'scale', service: 'cart', replicas: 4 }, 'runner');
    const after = body(call('GET', '/apis/apps/v1/namespaces/shop/deployments/cart')).metadata;
    expect(Number(after.resourceVersion)).toBeGreaterThan(Number(before.resourceVersion));
    expect(after.generation).toBe(before.generation + 1);
    call('PATCH', '/apis/apps/v1/namespaces/shop/deployments/cart/scale', { contentType: 'application/merge-patch+json', body: { spec: { replicas: 5 } } });
    expect(sb.world.changes.at(-1)).toMatchObject({ kind: 'scale', service: 'cart', to: 5, author: 'user:test' });
  });

  it('answers 503 while no sandbox runs', () => {
    const { call, stop } = setup();
    stop();
    expect(call('GET', '/apis/apps/v1/namespaces/shop/deployments')).toMatchObject({ status: 503, body: { kind: 'Status' } });
    expect(call('GET', '/version').status).toBe(200);
  });
});
