/**
 * POST /v1/fix/preflight answers the gates with their reasons and ms; POST /v1/fix/execute of a
 * plan the policies deny answers 409 with the reason, and the plan stays approved.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runner } from '../../core/ports/index.js';
import { dryRunRunner } from '../../remediate/runners/dryrun.js';
import { startTestApi, type TestApi } from '../../test-support/analyze-harness.js';

describe('POST /v1/fix/preflight', () => {
  let api: TestApi;
  // a runner named like the sandbox's: the default policies keep it to namespace shop
  const sandbox: Runner = { name: 'sandbox', execute: async () => ({ exitCode: 0, output: 'applied' }), validate: async () => ({ ok: true, reason: 'accepted' }) };
  beforeAll(async () => {
    api = await startTestApi('pglite', { runners: { dryrun: dryRunRunner, sandbox } });
  });
  afterAll(async () => api?.stop());

  async function planFor(runner: string, namespace: string): Promise<string> {
    const c = api.client();
    const inc = await c.post('/v1/incidents/open', { title: 'cart down', service: 'cart', started_at: Date.now() - 60_000 });
    const plan = await c.post('/v1/fix/plan', { incident_id: (inc.body as { id: string }).id, env: 'staging', runner, namespace });
    expect(plan.status).toBe(201);
    return (plan.body as { id: string }).id;
  }

  it('answers the four gates, each with its reason, and how long it took', async () => {
    const id = await planFor('dryrun', 'shop');
    const r = await api.client().post('/v1/fix/preflight', { plan_id: id });
    expect(r.status).toBe(200);
    const body = r.body as { plan_id: string; passed: boolean; gates: { name: string; passed: boolean; reason: string }[]; ms: number };
    expect(body).toMatchObject({ plan_id: id, passed: true });
    expect(body.gates.map((g) => g.name)).toEqual(['dry_run', 'policy', 'slo_budget', 'drift']);
    expect(body.gates.every((g) => g.reason.length > 0)).toBe(true);
    expect(body.gates[1].reason).toMatch(/allowed for admin admin by permit-nonprod/);
    // how long it took is reported (the p95 target is `warroom eval preflight`'s, not a test's: this machine is shared)
    expect(Number.isFinite(body.ms) && body.ms >= 0).toBe(true);
  });

  it('404 for an unknown plan, 422 without plan_id', async () => {
    expect((await api.client().post('/v1/fix/preflight', { plan_id: 'nope' })).status).toBe(404);
    expect((await api.client().post('/v1/fix/preflight', {})).status).toBe(422);
  });

  it('a denied plan fails the policy gate, and executing it answers 409 with the reason; it stays approved', async () => {
    const id = await planFor('sandbox', 'default');
    const pf = await api.client().post('/v1/fix/preflight', { plan_id: id });
    const policy = (pf.body as { gates: { name: string; passed: boolean; reason: string }[] }).gates.find((g) => g.name === 'policy')!;
    expect(policy).toMatchObject({ passed: false, reason: 'denied: forbid-sandbox-outside-shop: "the sandbox runner acts only on the simulated shop (namespace shop)"' });
    expect((await api.client().post('/v1/fix/approve', { plan_id: id })).status).toBe(200);
    const run = await api.client().post('/v1/fix/execute', { plan_id: id });
    expect(run.status).toBe(409);
    expect(JSON.stringify(run.body)).toMatch(/forbid-sandbox-outside-shop/);
    expect(((await api.client().get(`/v1/fix/plans/${id}`)).body as { plan: { status: string } }).plan.status).toBe('approved');
  });
});
