/**
 * POST /v1/fix/execute answers 202 once the plan is claimed; the fix.execute worker runs it with
 * no transaction held while a runner works: each step's command and audit entry commit as soon as
 * it returns, the outcome last. `Prefer: wait=N` waits for the outcome.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runner } from '../../core/ports/index.js';
import type { FixStep } from '../../core/schemas.js';
import { failOrphanedPlans } from '../../usecases/fix-leases.js';
import { TEST_ORG, gate, startTestApi, type TestApi } from '../../test-support/analyze-harness.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('POST /v1/fix/execute', () => {
  let api: TestApi;
  const step = gate();
  const ran: FixStep[] = [];
  const slow: Runner = {
    name: 'slow',
    async execute(s) {
      ran.push(s);
      await step.wait();
      return { exitCode: 0, output: `did ${s.command}` };
    },
  };
  const broken: Runner = {
    name: 'broken',
    async execute() {
      throw new Error('kube API unreachable');
    },
  };
  beforeAll(async () => {
    // the heartbeat of an executing plan every 20 ms (the default is 15 s)
    api = await startTestApi('pglite', { runners: { slow, broken }, fixHeartbeatMs: 20 });
  });
  afterAll(async () => api?.stop());

  async function approvedPlan(runner: string): Promise<string> {
    const c = api.client();
    const inc = await c.post('/v1/incidents/open', { title: 'cart down', service: 'cart', started_at: Date.now() - 60_000 });
    expect(inc.status).toBe(201);
    const plan = await c.post('/v1/fix/plan', { incident_id: (inc.body as { id: string }).id, env: 'staging', runner });
    expect(plan.status).toBe(201);
    const id = (plan.body as { id: string }).id;
    expect((await c.post('/v1/fix/approve', { plan_id: id })).status).toBe(200);
    return id;
  }

  const WAIT = { prefer: 'wait=30' };
  /** The plan once it has left executing (the worker's outcome), polled as a script would. */
  async function outcomeOf(id: string): Promise<{ plan: { status: string }; commands: { status: string; output: string }[] }> {
    for (const deadline = Date.now() + 15_000; Date.now() < deadline; await sleep(20)) {
      const r = (await api.client().get(`/v1/fix/plans/${id}`)).body as { plan: { status: string }; commands: { status: string; output: string }[] };
      if (r.plan.status !== 'executing') return r;
    }
    throw new Error(`plan ${id} still executing`);
  }

  it('answers 202 with the plan executing while the runner works; the worker runs the step with no transaction open and records the outcome', async () => {
    const id = await approvedPlan('slow');
    const c = api.client();
    api.spy.reset();
    const started = await c.post('/v1/fix/execute', { plan_id: id });
    try {
      expect(started.status).toBe(202);
      expect(started.body).toMatchObject({ plan: { id, status: 'executing' }, status_url: `/v1/fix/plans/${id}` });
      expect(started.headers.get('location')).toBe(`/v1/fix/plans/${id}`);
      expect(api.published.filter((m) => m.subject === 'fix.execute').map((m) => m.payload)).toContainEqual({ planId: id, orgId: TEST_ORG, actor: 'user:admin' });
      for (let i = 0; i < 200 && ran.length === 0; i++) await sleep(5);
      expect(ran).toHaveLength(1);
      // the runner is at work: nothing is held, the claim is visible, a second execute is refused
      expect(api.spy.open).toBe(0);
      expect(((await c.get(`/v1/fix/plans/${id}`)).body as { plan: { status: string } }).plan.status).toBe('executing');
      expect((await c.post('/v1/fix/execute', { plan_id: id })).status).toBe(409);
    } finally {
      step.open();
    }
    const body = await outcomeOf(id);
    expect(body.plan.status).toBe('executed');
    expect(body.commands).toHaveLength(1);
    expect(body.commands[0]).toMatchObject({ status: 'succeeded' });
    const actions = (await api.org.listAudit()).filter((e) => e.target === `plan:${id}` || (e.payload as { planId?: string }).planId === id).map((e) => e.action);
    expect(actions).toEqual(['fix.planned', 'fix.approved', 'fix.executing', 'command.executed', 'fix.executed']);
    // the person who started it is the actor of the worker's entries
    expect((await api.org.listAudit()).filter((e) => e.target === `plan:${id}` && e.action === 'fix.executed').map((e) => e.actor)).toEqual(['user:admin']);
  });

  it('Prefer: wait=N answers 200 with the outcome once the worker is done, or 202 if it is still running at the deadline', async () => {
    const id = await approvedPlan('slow'); // the gate of the first test is open: it runs at once
    const done = await api.client().post('/v1/fix/execute', { plan_id: id }, WAIT);
    expect(done.status).toBe(200);
    expect(done.headers.get('preference-applied')).toBe('wait=30');
    expect(done.body).toMatchObject({ plan: { id, status: 'executed' }, commands: [{ status: 'succeeded', output: expect.stringMatching(/^did /) }] });

    const hold = gate();
    api.deps.runners.stuck = { name: 'stuck', execute: async () => (await hold.wait(), { exitCode: 0, output: 'ok' }) };
    const stuck = await approvedPlan('stuck');
    try {
      const t0 = Date.now();
      const late = await api.client().post('/v1/fix/execute', { plan_id: stuck }, { prefer: 'respond-async, wait=1' });
      expect(late.status).toBe(202);
      expect(Date.now() - t0).toBeGreaterThanOrEqual(900);
      expect(late.body).toMatchObject({ plan: { status: 'executing' }, status_url: `/v1/fix/plans/${stuck}` });
    } finally {
      hold.open();
    }
    expect((await outcomeOf(stuck)).plan.status).toBe('executed');
  });

  it('a plan left executing can be abandoned by a person; the run still going has its runner’s signal aborted and runs no further step', async () => {
    const c = api.client();
    expect((await c.post('/v1/fix/plans/nope/abandon', {})).status).toBe(404);
    const idle = await approvedPlan('slow');
    expect((await c.post(`/v1/fix/plans/${idle}/abandon`, {})).status).toBe(409); // approved, not executing
    // a two-step plan whose first step is held up
    const inc = (await c.post('/v1/incidents/open', { title: 'two steps', service: 'cart', started_at: Date.now() - 60_000 })).body as { id: string };
    const stepOf = (command: string): FixStep => ({ action: 'restart', target: 'cart', params: { namespace: 'default' }, command });
    const plan = await api.org.createFixPlan({ id: `plan-${Date.now()}`, incidentId: inc.id, title: 'two steps', env: 'staging', runner: 'held', risk: 'low', steps: [stepOf('first'), stepOf('second')], status: 'approved', requestedBy: 'admin' });
    const did: string[] = [];
    let abortedBy: unknown;
    api.deps.runners.held = {
      name: 'held',
      // a step that runs until its signal aborts: the abandon must reach it
      async execute(s, ctx) {
        did.push(s.command);
        if (!ctx.signal.aborted) await new Promise((r) => ctx.signal.addEventListener('abort', r, { once: true }));
        abortedBy = ctx.signal.reason;
        return { exitCode: 130, output: 'stopped: the plan was abandoned' };
      },
    };
    expect((await c.post('/v1/fix/execute', { plan_id: plan.id })).status).toBe(202);
    for (let i = 0; i < 200 && did.length === 0; i++) await sleep(5);
    const abandoned = await c.post(`/v1/fix/plans/${plan.id}/abandon`, { reason: 'the node was drained by hand' });
    expect(abandoned.status).toBe(200);
    expect((abandoned.body as { status: string }).status).toBe('failed');
    // the worker's heartbeat (every 20 ms) finds the plan abandoned, aborts the step and ends the run
    const actionsOf = async () => (await api.org.listAudit()).filter((e) => e.target === `plan:${plan.id}`).map((e) => e.action);
    for (let i = 0; i < 300 && !(await actionsOf()).includes('fix.run_ended'); i++) await sleep(20);
    expect(abortedBy).toBeInstanceOf(Error);
    expect(await actionsOf()).toEqual(['fix.executing', 'fix.abandoned', 'fix.run_ended']);
    const res = (await c.get(`/v1/fix/plans/${plan.id}`)).body as { plan: { status: string }; commands: { step: number; status: string }[] };
    expect(res.plan.status).toBe('failed');
    expect(res.commands).toEqual([expect.objectContaining({ step: 0, status: 'failed' })]);
    expect(did).toEqual(['first']); // the second step never ran
  });

  it('renews the plan\'s heartbeat while a step runs, so the lease sweep leaves a live run alone', async () => {
    const hold = gate();
    let started = false;
    api.deps.runners.beating = {
      name: 'beating',
      async execute() {
        started = true;
        await hold.wait();
        return { exitCode: 0, output: 'ok' };
      },
    };
    const id = await approvedPlan('beating');
    const running = api.client().post('/v1/fix/execute', { plan_id: id }, WAIT);
    try {
      for (let i = 0; i < 200 && !started; i++) await sleep(5);
      const first = Date.parse((await api.org.getFixPlan(id))!.updatedAt);
      // the heartbeat moves updatedAt: poll for it rather than sleep a guess (bounded at 15 s)
      let later = first;
      for (const deadline = Date.now() + 15_000; later <= first && Date.now() < deadline; ) {
        await sleep(20);
        later = Date.parse((await api.org.getFixPlan(id))!.updatedAt);
      }
      expect(later).toBeGreaterThan(first);
      // a lease of a second: the run beats every 20 ms, so it is not orphaned
      expect((await failOrphanedPlans(api.opened.store, 1000)).map((o) => o.id)).not.toContain(id);
    } finally {
      hold.open();
    }
    expect(((await running).body as { plan: { status: string } }).plan.status).toBe('executed');
  });

  it('the plan of a run that died (claimed, no heartbeat since) is failed by the lease sweep and audited as abandoned by the system', async () => {
    const id = await approvedPlan('slow');
    // claimed by a process that died right after
    await api.org.transitionFixPlan(id, ['approved'], 'executing');
    // ... a second ago: moved in SQL rather than waited for
    await api.opened.admin.exec(`UPDATE fix_plans SET updated_at = updated_at - interval '1 second' WHERE id = $1`, [id]);
    expect((await failOrphanedPlans(api.opened.store, 60_000)).map((o) => o.id)).not.toContain(id); // within its lease
    const warned: string[] = [];
    const failed = await failOrphanedPlans(api.opened.store, 10, { warn: (_o, msg) => void warned.push(msg) });
    expect(failed).toContainEqual({ id, orgId: TEST_ORG });
    expect(warned.length).toBeGreaterThan(0);
    expect((await api.org.getFixPlan(id))!.status).toBe('failed');
    const entry = (await api.org.listAudit()).find((e) => e.target === `plan:${id}` && e.action === 'fix.abandoned')!;
    expect(entry.actor).toBe('system');
    expect(entry.payload).toMatchObject({ reason: expect.stringMatching(/^lease expired/), commandsRecorded: 0 });
    // once is enough; the plan can no longer be executed
    expect((await failOrphanedPlans(api.opened.store, 10)).map((o) => o.id)).not.toContain(id);
    expect((await api.client().post('/v1/fix/execute', { plan_id: id })).status).toBe(409);
  });

  it('a runner that throws fails the step: recorded as a failed command, the plan failed', async () => {
    const id = await approvedPlan('broken');
    const res = await api.client().post('/v1/fix/execute', { plan_id: id }, WAIT);
    expect(res.status).toBe(200);
    const body = res.body as { plan: { status: string }; commands: { status: string; output: string }[] };
    expect(body.plan.status).toBe('failed');
    expect(body.commands).toEqual([expect.objectContaining({ status: 'failed', output: 'runner error: kube API unreachable' })]);
  });
});
