/**
 * The `kubernetes` runner against a live embedded instance and its sandbox, through the
 * instance's own Kubernetes API (/k8s) with a real API key: the runner contract; a bad deploy
 * healed by the fix catalog's rollback step; the server-side dry run changing nothing; Status
 * errors (404, 422) answered with non-zero exit codes; every fault kind a Kubernetes change
 * fixes, healed through the API. The runner as `warroom start` wires it: app/kubernetes-runner.test.ts.
 */
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kubeconfigYaml } from '../../app/kubeconfig.js';
import { startEmbedded, type Embedded } from '../../app/embedded.js';
import { ManualClock } from '../../core/clock.js';
import type { FixStep } from '../../core/schemas.js';
import { startSandbox, type RunningSandbox } from '../../sim/edge/realtime.js';
import { FAULT_KINDS } from '../../sim/schema.js';
import { CATALOG } from '../catalog.js';
import { faultSignature, type FixEvidence } from '../signature.js';
import { runnerContract, testRunContext } from './contract.js';
import { kubernetesRunner } from './kubernetes.js';

const T0 = Date.parse('2026-03-03T10:00:03Z');
let instance: Promise<Embedded> | undefined;
/** One embedded instance for the file (PGlite in memory); each test attaches a sandbox of its own. */
const embedded = () => (instance ??= startEmbedded('pglite'));
afterAll(async () => (await instance)?.stop(), 30_000);

interface Live {
  e: Embedded;
  sb: RunningSandbox;
  clock: ManualClock;
  kc: k8s.KubeConfig;
}

async function live(): Promise<Live> {
  const e = await embedded();
  const clock = new ManualClock(T0);
  const sb = await startSandbox({ clock, tickMs: 0, seed: 3, ingest: async () => undefined });
  await sb.tick();
  e.w.attachSandbox(sb);
  const kc = new k8s.KubeConfig();
  kc.loadFromString(kubeconfigYaml(`${e.w.url}/k8s`, e.apiKey));
  return { e, sb, clock, kc };
}

const runnerFor = (l: Live) => kubernetesRunner({ kubeConfig: async () => l.kc, owner: 'default', clock: l.clock });
const ctx = testRunContext('default');
const step = (action: string, target: string, params: Record<string, unknown> = {}): FixStep => ({ action, target, params: { namespace: 'shop', ...params }, command: `# ${action} ${target}` });

runnerContract('kubernetes (the sandbox API of a live instance)', {
  open: async () => {
    const l = await live();
    return { runner: runnerFor(l), close: () => l.sb.stop() };
  },
  carriesOut: [
    step('restart', 'cart'),
    step('rollout_restart', 'payments'),
    step('scale', 'search', { replicas: 6 }), // a StatefulSet: its scale subresource
    step('config_set', 'checkout', { key: 'db.pool_size', value: 40 }),
    step('flag_set', 'frontend', { flag: 'reviews_widget', value: false }),
    step('resize', 'orders', { memory_mb: 2048 }),
    step('expand_disk', 'message-queue', { disk_gb: 900 }),
  ],
  boundToOrg: true,
  refuses: [
    step('pray', 'search'), // no such action
    step('scale', 'search'), // replicas missing
    step('restart', 'nope'), // 404: no such workload
    step('add_index', 'postgres', { table: 'orders', column: 'user_id' }), // a database change
    step('renew_certificate', 'cart'), // 404: cart serves no TLS (no cart-tls Secret)
    step('scale', 'cart', { replicas: 0 }), // 422: the sandbox keeps 1..64 replicas
  ],
});

describe('kubernetes runner on the sandbox', () => {
  let l: Live;
  beforeAll(async () => {
    l = await live();
  }, 60_000);
  afterAll(async () => l?.sb.stop());

  it("heals a bad deploy: the catalog's rollback step goes back to the previous ReplicaSet revision", async () => {
    const runner = runnerFor(l);
    const fault = l.sb.inject({ kind: 'bad_deploy_errors', service: 'payments' });
    const change = fault.change!;
    expect(l.sb.status().desired.services.payments.version).toBe(String(change.to));
    const evidence: FixEvidence = {
      service: 'payments',
      confidence: 0.82,
      change: { id: change.id, kind: 'deploy', key: `payments@${String(change.to)}`, service: 'payments', from: String(change.from), to: String(change.to) },
      templates: [],
      families: {},
      badInstances: [],
      namedDependencies: [],
    };
    const entry = CATALOG.find((c) => c.id === 'undo-deploy')!;
    const built = entry.build({ evidence, signature: faultSignature(evidence), namespace: 'shop', live: null });
    if ('missing' in built) throw new Error(built.missing);
    const [rollback] = built.steps;
    expect(rollback.command).toBe('kubectl rollout undo deployment/payments -n shop'); // shown to people, never run

    const before = JSON.stringify(l.sb.status().desired);
    const check = await runner.validate!(rollback, ctx);
    expect(check).toEqual({ ok: true, reason: `server dry run: deployment/payments: would roll back to revision 1 (image registry.shop.local/shop/payments:${String(change.from)})` });
    expect(JSON.stringify(l.sb.status().desired)).toBe(before);

    const r = await runner.execute(rollback, ctx);
    expect(r).toEqual({ exitCode: 0, output: `deployment/payments: rolled back to revision 1 (image registry.shop.local/shop/payments:${String(change.from)})` });
    expect(l.sb.status().desired.services.payments.version).toBe(String(change.from));
    // the pods converge (a rolling update, one pod at a time), and the fault's ground truth says healed
    for (let i = 0; i < 60 && !l.sb.status().faults[0].healed_at; i++) {
      l.clock.advance(10_000);
      await l.sb.tick();
    }
    expect(l.sb.status().faults[0]).toMatchObject({ kind: 'bad_deploy_errors', root_cause_service: 'payments', healed_at: expect.any(String) });
    // run again (at-least-once delivery): it is already there, and says so
    expect(await runner.execute(rollback, ctx)).toEqual({ exitCode: 0, output: `deployment/payments: already at revision 3 (image registry.shop.local/shop/payments:${String(change.from)}); nothing to roll back` });
  }, 60_000);

  it('dry-runs every kind of step on the server and changes nothing', async () => {
    const runner = runnerFor(l);
    const before = JSON.stringify(l.sb.status().desired);
    const steps = [
      step('restart', 'cart'),
      step('scale', 'checkout', { replicas: 7 }),
      step('resize', 'cart', { memory_mb: 4096 }),
      step('flag_off', 'frontend', { flag: 'reviews_widget' }),
      step('config_revert', 'checkout', { key: 'db.pool_size', to_value: 20 }),
      step('renew_certificate', 'auth'),
      step('expand_disk', 'postgres', { disk_gb: 2000 }),
    ];
    const reasons: string[] = [];
    for (const s of steps) {
      const c = await runner.validate!(s, ctx);
      expect(c.ok, c.reason).toBe(true);
      reasons.push(c.reason);
    }
    expect(reasons[0]).toMatch(/^server dry run: deployment\/cart: would restart \(rolling\)/);
    expect(reasons[1]).toBe('server dry run: deployment/checkout: would scale 3 → 7 replicas');
    expect(reasons[5]).toMatch(/^server dry run: secret\/auth-tls: would be deleted for cert-manager to reissue \(the old certificate is valid until /);
    expect(JSON.stringify(l.sb.status().desired)).toBe(before);
    // and a dry run the server refuses fails the gate with the server's reason
    const refused = await runner.validate!(step('scale', 'checkout', { replicas: 65 }), ctx);
    expect(refused.ok).toBe(false);
    expect(refused.reason).toMatch(/^the cluster refused it \(422 Invalid: .*1 to 64 replicas/);
  });

  it('answers Kubernetes Status errors with a non-zero exit code and the Status message', async () => {
    const runner = runnerFor(l);
    expect(await runner.execute(step('restart', 'nope'), ctx)).toEqual({ exitCode: 1, output: 'the cluster refused it (404 NotFound: deployments.apps "nope" not found; no statefulset "nope" either)' });
    expect(await runner.execute(step('renew_certificate', 'cart'), ctx)).toEqual({ exitCode: 1, output: 'the cluster refused it (404 NotFound: secrets "cart-tls" not found)' });
    const invalid = await runner.execute(step('scale', 'cart', { replicas: 0 }), ctx);
    expect(invalid.exitCode).toBe(1);
    expect(invalid.output).toMatch(/^the cluster refused it \(422 Invalid: /);
    expect(l.sb.status().desired.services.cart.replicas).toBeGreaterThan(0);
  });

  it('carries out each catalog action, saying what changed', async () => {
    const runner = runnerFor(l);
    const d = () => l.sb.status().desired.services;
    expect(await runner.execute(step('flag_off', 'payments', { flag: 'use_backup_provider' }), ctx)).toEqual({ exitCode: 0, output: 'configmap/payments-flags: use_backup_provider is already false; nothing to change' });
    expect(await runner.execute(step('flag_set', 'payments', { flag: 'use_backup_provider', value: true }), ctx)).toEqual({ exitCode: 0, output: 'configmap/payments-flags: use_backup_provider false → true' });
    expect(d().payments.flags.use_backup_provider).toBe(true);
    expect((await runner.execute(step('config_revert', 'inventory', { key: 'db.pool_size', to_value: 50 }), ctx)).output).toBe('configmap/inventory-config: db.pool_size 25 → 50');
    expect(d().inventory.config['db.pool_size']).toBe(50);
    expect((await runner.execute(step('resize', 'users', { memory_mb: 3072 }), ctx)).output).toMatch(/^deployment\/users: container users limits memory \d+Mi → 3072Mi$/);
    expect(d().users.resources.memory_mb).toBe(3072);
    const gen = d().auth.certificate!.not_after;
    expect((await runner.execute(step('renew_certificate', 'auth'), ctx)).output).toMatch(/^secret\/auth-tls: deleted for cert-manager to reissue/);
    expect(d().auth.certificate!.not_after).not.toBe(gen);
    const pods = await l.kc.makeApiClient(k8s.CoreV1Api).listNamespacedPod({ namespace: 'shop', labelSelector: 'app=shipping' });
    const pod = pods.items[0].metadata!.name!;
    expect(await runner.execute(step('restart', 'shipping', { instance: pod }), ctx)).toEqual({ exitCode: 0, output: `pod/${pod}: deleted; its controller replaces it (rescheduled)` });
    // a pod of another service is not the target's to delete
    expect((await runner.execute(step('delete_pod', 'cart', { instance: pod }), ctx)).output).toMatch(/does not belong to cart/);
    expect((await runner.execute(step('expand_disk', 'redis', { disk_gb: 700 }), ctx)).output).toMatch(/^pvc\/data-redis-0: storage \d+Gi → 700Gi/);
    expect(d().redis.resources.disk_gb).toBe(700);
    // the sandbox does not model a paused rollout: the API server's 422 is the answer
    expect((await runner.execute(step('rollout_pause', 'cart'), ctx)).output).toMatch(/^the cluster refused it \(422 Invalid: /);
  });

  it('answers a step it cannot map with exit code 2 and the field at fault, and another org with 1', async () => {
    const runner = runnerFor(l);
    expect(await runner.execute(step('scale', 'search', { replicas: 'many' }), ctx)).toEqual({ exitCode: 2, output: 'cannot run "scale" on Kubernetes: params.replicas: Invalid input: expected number, received string' });
    expect((await runner.execute(step('config_revert', 'checkout', { key: 'db.pool_size' }), ctx)).output).toMatch(/params.to_value: the value to revert to is required/);
    expect((await runner.execute(step('restart', 'cart', { namespace: 'Shop; rm -rf /' }), ctx)).exitCode).toBe(2);
    expect((await runner.execute(step('add_index', 'postgres'), ctx)).output).toMatch(/database change, not a Kubernetes one/);
    expect((await runner.execute(step('restart', 'cart'), testRunContext('acme'))).exitCode).toBe(1);
  });

  it('answers without a cluster, and when the cluster cannot be reached', async () => {
    const none = kubernetesRunner({ kubeConfig: async () => Promise.reject(new Error('Warroom is still starting')) });
    expect(await none.execute(step('restart', 'cart'), ctx)).toEqual({ exitCode: 1, output: 'no Kubernetes cluster to run this step on: Warroom is still starting' });
    const kc = new k8s.KubeConfig();
    kc.loadFromString(kubeconfigYaml('http://127.0.0.1:9/k8s', 'k'));
    const unreachable = await kubernetesRunner({ kubeConfig: async () => kc }).execute(step('restart', 'cart'), ctx);
    expect(unreachable.exitCode).toBe(1);
    expect(unreachable.output).toMatch(/^could not reach the cluster at http:\/\/127.0.0.1:9\/k8s: /);
  });
});

/** Every fault kind whose fix is a Kubernetes change (all but slow_query's index, a database change). */
const K8S_FIXED = FAULT_KINDS.filter((k) => k !== 'slow_query');

describe('kubernetes runner heals every fault kind of the sandbox that a Kubernetes change fixes', () => {
  it.each(K8S_FIXED)('%s: its ground-truth remedy, as a step through the API, heals it', async (kind) => {
    const l = await live();
    try {
      const injected = l.sb.inject({ kind });
      // the fix follows the symptoms (a surge's replicas, a full disk's size): plan it once they show, as people would
      while (Date.parse(l.sb.status().now) < Date.parse(injected.symptoms_from) + 240_000) {
        l.clock.advance(10_000);
        await l.sb.tick();
      }
      const fault = l.sb.status().faults[0];
      const { action, service, ...params } = fault.remedy as { action: string; service: string } & Record<string, unknown>;
      // a revert names the value to go back to: the one the change event recorded (as the catalog does)
      if (action === 'config_revert') params.to_value = fault.change!.from;
      const r = await runnerFor(l).execute(step(action, service, params), ctx);
      expect(r.exitCode, r.output).toBe(0);
      for (let i = 0; i < 120 && !l.sb.status().faults[0].healed_at; i++) {
        l.clock.advance(10_000);
        await l.sb.tick();
      }
      expect(l.sb.status().faults[0].healed_at, `${kind} not healed by ${r.output}`).toEqual(expect.any(String));
    } finally {
      await l.sb.stop();
    }
  }, 60_000);
});
