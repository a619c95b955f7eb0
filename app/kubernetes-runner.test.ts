/**
 * The `kubernetes` runner as `warroom start` wires it: by default on the instance's own sandbox
 * API (a key it issues itself), through plan → preflight (its server dry run is the dry_run
 * gate) → approve → execute; with KUBECONFIG on that file's cluster; a bad KUBECONFIG stops the
 * start with its reason.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../core/clock.js';
import { startSandbox, type RunningSandbox } from '../sim/edge/realtime.js';
import { startK8sSandbox, type K8sSandbox } from '../test-support/k8s-sandbox.js';
import { kubeconfigYaml } from './kubeconfig.js';
import { startEmbedded, type Embedded } from './embedded.js';
import { KUBERNETES_RUNNER_KEY_NAME, loadKubeconfig } from './kubernetes-runner.js';

type Gate = { name: string; passed: boolean; reason: string; details: { steps?: { ok: boolean; reason: string }[] } };
type Command = { runner: string; exit_code: number; output: string };

/** Opens an incident on `service`, plans with the kubernetes runner, preflights, approves and executes. */
async function fixThroughTheApi(e: Embedded, service: string): Promise<{ gates: Gate[]; status: string; commands: Command[] }> {
  const c = e.client();
  const inc = await c.post('/v1/incidents/open', { title: `${service} is slow`, service, started_at: Date.now() - 60_000 });
  const plan = await c.post('/v1/fix/plan', { incident_id: (inc.body as { id: string }).id, env: 'staging', runner: 'kubernetes', namespace: 'shop' });
  expect(plan.status, JSON.stringify(plan.body)).toBe(201);
  const id = (plan.body as { id: string }).id;
  const pf = await c.post('/v1/fix/preflight', { plan_id: id });
  expect((await c.post('/v1/fix/approve', { plan_id: id })).status).toBe(200);
  const run = await c.post('/v1/fix/execute', { plan_id: id }, { prefer: 'wait=30' });
  expect(run.status, JSON.stringify(run.body)).toBe(200);
  const body = run.body as { plan: { status: string }; commands: Command[] };
  return { gates: (pf.body as { gates: Gate[] }).gates, status: body.plan.status, commands: body.commands };
}

describe('the kubernetes runner of warroom start, on its own sandbox', () => {
  let e: Embedded;
  let sb: RunningSandbox;
  beforeAll(async () => {
    e = await startEmbedded('pglite');
    sb = await startSandbox({ clock: new ManualClock(Date.parse('2026-03-03T10:00:03Z')), tickMs: 0, seed: 3, ingest: async () => undefined });
    await sb.tick();
    e.w.attachSandbox(sb);
  }, 60_000);
  afterAll(async () => {
    await sb?.stop();
    await e?.stop();
  });

  it('plans, dry-runs on the server, executes and restarts the service in the sandbox, as its own user', async () => {
    const r = await fixThroughTheApi(e, 'cart');
    const dry = r.gates.find((g) => g.name === 'dry_run')!;
    expect(dry).toMatchObject({ passed: true, reason: 'every step checked by runner "kubernetes" would apply' });
    expect(dry.details.steps).toEqual([expect.objectContaining({ ok: true, reason: expect.stringMatching(/^server dry run: deployment\/cart: would restart \(rolling\)/) })]);
    expect(sb.status().desired.services.cart.restartGeneration).toBe(1);
    expect(r.status).toBe('executed');
    expect(r.commands).toEqual([expect.objectContaining({ runner: 'kubernetes', exit_code: 0, output: expect.stringMatching(/^deployment\/cart: rolling restart started/) })]);
    expect(sb.sandbox.world.changes.at(-1)).toMatchObject({ kind: 'restart', service: 'cart', author: 'user:kubernetes-runner' });
    // one key, issued on first use and reused (stored hashed, audited)
    await fixThroughTheApi(e, 'orders');
    const audit = await e.w.store().forOrg('default').transaction((tx) => tx.listAudit({ limit: 200 }));
    const issued = audit.filter((a: { action: string; payload: unknown }) => a.action === 'apikey.created' && JSON.stringify(a.payload).includes(KUBERNETES_RUNNER_KEY_NAME));
    expect(issued).toHaveLength(1);
  }, 60_000);
});

describe('KUBECONFIG', () => {
  let cluster: K8sSandbox;
  let dir: string;
  beforeAll(async () => {
    cluster = await startK8sSandbox();
    dir = mkdtempSync(join(tmpdir(), 'warroom-kubeconfig-'));
  });
  afterAll(async () => {
    await cluster?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("runs the plan on that file's cluster, not on the instance's sandbox", async () => {
    const file = join(dir, 'config');
    writeFileSync(file, kubeconfigYaml(cluster.url, 'admin-key'));
    const e = await startEmbedded('pglite', { KUBECONFIG: file });
    try {
      const r = await fixThroughTheApi(e, 'checkout');
      expect(r.commands[0]).toMatchObject({ runner: 'kubernetes', exit_code: 0 });
      expect(cluster.sb.status().desired.services.checkout.restartGeneration).toBe(1);
    } finally {
      await e.stop();
    }
  }, 60_000);

  it('loads a kubectl-style list, the first file naming the context; a bad file stops the start, naming the variable', async () => {
    const a = join(dir, 'a');
    const b = join(dir, 'b');
    writeFileSync(a, kubeconfigYaml('http://127.0.0.1:1/k8s', 'one'));
    writeFileSync(b, kubeconfigYaml('http://127.0.0.1:2/k8s', 'two').replaceAll('warroom-sandbox', 'other').replace('name: warroom\n', 'name: other-user\n').replace('user: warroom', 'user: other-user'));
    const kc = loadKubeconfig(`${a}${delimiter}${b}`);
    expect(kc.getCurrentCluster()?.server).toBe('http://127.0.0.1:1/k8s');
    expect(kc.getContexts().map((x) => x.name).sort()).toEqual(['other', 'warroom-sandbox']);
    expect(() => loadKubeconfig(join(dir, 'missing'))).toThrow(/^KUBECONFIG: cannot load .*missing/);
    await expect(startEmbedded('pglite', { KUBECONFIG: join(dir, 'missing') })).rejects.toThrow(/KUBECONFIG: cannot load/);
  });
});
