/**
 * The canary judge in a running instance: metrics sent through POST /v1/signals/ingest, a plan
 * executed 31 s ago with 30 s windows; the instance's sweep verifies it by itself (healed: the
 * incident is mitigated), POST /v1/fix/verify then answers the stored verdict, and a dry run is
 * refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rollbackSteps } from '../remediate/verify/rollback.js';
import { remedyFromFixStep } from '../sim/runner.js';
import { startEmbedded, type Embedded } from './embedded.js';

let e: Embedded;
beforeAll(async () => {
  e = await startEmbedded('pglite', { WARROOM_VERIFY_WINDOW_SECONDS: '30', WARROOM_VERIFY_SETTLE_SECONDS: '0' });
});
afterAll(async () => {
  await e?.stop();
});

/** Service-level points every 2 s over [fromMs, toMs) as the sandbox sends them. */
function points(service: string, fromMs: number, toMs: number, m: { err: number; p95: number }) {
  const out: { source: string; kind: 'metric'; ts: string; key: string; value: number; labels: Record<string, string> }[] = [];
  for (let t = fromMs, i = 0; t < toMs; t += 2_000, i++) {
    const ts = new Date(t).toISOString();
    const j = (i % 5) / 50;
    for (const [key, value] of [['http_requests_per_s', 40], ['http_error_rate', m.err * (1 + j)], ['latency_p95_ms', m.p95 * (1 + j)]] as const) out.push({ source: 'prometheus', kind: 'metric', ts, key, value, labels: { service } });
  }
  return out;
}

describe('verification in a running instance', () => {
  it('the sweep verifies an executed plan once its post window closed; POST /v1/fix/verify returns the stored verdict', async () => {
    const c = e.client();
    const executedAt = Date.now() - 31_000;
    const ingest = await c.post('/v1/signals/ingest', { signals: [...points('payments', executedAt - 30_000, executedAt, { err: 0.15, p95: 800 }), ...points('payments', executedAt, executedAt + 30_000, { err: 0.001, p95: 150 })] });
    expect(ingest.status).toBeLessThan(300);
    const inc = await c.post('/v1/incidents/open', { title: 'payments errors', service: 'payments', severity: 'sev2' });
    // an executed plan, written as a runner that changes things would leave it
    const org = e.w.store().forOrg('default');
    const plan = await org.createFixPlan({ id: 'plan_verify_1', incidentId: inc.body.id, title: 'Roll back payments', env: 'staging', runner: 'sandbox', risk: 'low', steps: [{ action: 'rollback', target: 'payments', params: {}, command: 'kubectl rollout undo deployment/payments -n shop' }], status: 'approved', requestedBy: 'admin' });
    await org.transitionFixPlan(plan.id, ['approved'], 'executing');
    const at = new Date(executedAt).toISOString();
    await org.addCommand({ id: 'cmd_verify_1', planId: plan.id, step: 0, runner: 'sandbox', command: plan.steps[0].command, output: 'ok', exitCode: 0, status: 'succeeded', startedAt: at, finishedAt: at });
    await org.transitionFixPlan(plan.id, ['executing'], 'executed');

    // the sweep runs every 5 s with 30 s windows
    const deadline = Date.now() + 20_000;
    let got = await c.get(`/v1/fix/plans/${plan.id}/verification`);
    while (got.status === 404 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      got = await c.get(`/v1/fix/plans/${plan.id}/verification`);
    }
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({ plan_id: plan.id, round: 1, decision: 'continue', basis: 'healed', next_round_at: null, healed: true, services: ['payments'], run_by: 'system:verify' });
    // the latest round, and every round: one here
    const { rounds, ...latest } = got.body as { rounds: unknown[] };
    expect(rounds).toEqual([latest]);
    expect(got.body.message).toMatch(/^Continue: the fix healed payments/);
    expect((await c.get(`/v1/incidents/${inc.body.id}`)).body.status).toBe('mitigated');

    const again = await c.post('/v1/fix/verify', { plan_id: plan.id });
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ verification: latest, created: false, rollback: null });
  }, 40_000);

  it('refuses a dry run (it changed nothing) and an unknown plan, with problem+json', async () => {
    const c = e.client();
    const inc = await c.post('/v1/incidents/open', { title: 'cart slow', service: 'cart' });
    const id = (await c.post('/v1/fix/plan', { incident_id: inc.body.id, env: 'staging', runner: 'dryrun' })).body.id as string;
    await c.post('/v1/fix/approve', { plan_id: id });
    expect((await c.post('/v1/fix/execute', { plan_id: id }, { prefer: 'wait=30' })).body.plan.status).toBe('dry_run');
    const r = await c.post('/v1/fix/verify', { plan_id: id });
    expect(r.status).toBe(409);
    expect(r.body.detail).toMatch(/The plan is dry_run; only an executed plan is verified \(a dry run changed nothing\)/);
    expect((await c.post('/v1/fix/verify', { plan_id: 'nope' })).status).toBe(404);
    expect((await c.post('/v1/fix/verify', {})).status).toBe(422);
    expect((await c.get(`/v1/fix/plans/${id}/verification`)).status).toBe(404);
  });

  it("the sandbox runner accepts the rollback of every catalog action that has an inverse", () => {
    const steps = [
      { action: 'rollback', target: 'cart', params: { namespace: 'shop', to_version: '2.0.0', from_version: '2.1.0' }, command: 'a' },
      { action: 'flag_off', target: 'cart', params: { namespace: 'shop', flag: 'new_checkout', from_value: true }, command: 'b' },
      { action: 'config_revert', target: 'cart', params: { namespace: 'shop', key: 'timeout_ms', from_value: 50 }, command: 'c' },
      { action: 'scale', target: 'cart', params: { namespace: 'shop', replicas: 6, from_replicas: 3 }, command: 'd' },
      { action: 'resize', target: 'cart', params: { namespace: 'shop', memory_mb: 768, from_memory_mb: 512 }, command: 'e' },
    ];
    const items = rollbackSteps({ steps, rollback: steps.map((x) => ({ action: `undo ${x.action}`, target: x.target, command: `undo ${x.command}` })) });
    const remedies = items.map((x) => ('step' in x ? remedyFromFixStep(x.step) : x));
    expect(remedies).toEqual([
      { ok: true, remedy: { action: 'resize', service: 'cart', memory_mb: 512 } },
      { ok: true, remedy: { action: 'scale', service: 'cart', replicas: 3 } },
      { ok: true, remedy: { action: 'config_set', service: 'cart', key: 'timeout_ms', value: 50 } },
      { ok: true, remedy: { action: 'flag_set', service: 'cart', flag: 'new_checkout', value: true } },
      { ok: true, remedy: { action: 'rollback', service: 'cart', to_version: '2.1.0' } },
    ]);
  });
});
