/**
 * Twenty concurrent `POST /v1/fix/execute` of one approved plan under one shared Idempotency-Key
 * (clients retrying a request whose answer they lost): the plan starts once, runs once, and every
 * caller gets the first start's reply (202), on both engines (issue 18 §5). Without a key, the
 * losers are told the state the plan is in now.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runner } from '../../core/ports/index.js';
import { startTestApi, type TestApi } from '../../test-support/analyze-harness.js';

export function fixIdempotencyContract(engine: 'pglite' | 'postgres'): void {
  describe(`concurrent executes of one plan (${engine})`, () => {
    let api: TestApi;
    let runs = 0;
    const counted: Runner = {
      name: 'counted',
      async execute(s) {
        runs++;
        await new Promise((r) => setTimeout(r, 300)); // long enough for every duplicate to arrive
        return { exitCode: 0, output: `did ${s.command}` };
      },
    };
    beforeAll(async () => {
      api = await startTestApi(engine, { runners: { counted } });
    });
    afterAll(async () => api?.stop());

    /** The plan once the worker has run it. */
    async function outcomeOf(id: string): Promise<{ plan: { status: string } }> {
      for (const deadline = Date.now() + 15_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 50))) {
        const r = (await api.client().get(`/v1/fix/plans/${id}`)).body as { plan: { status: string } };
        if (r.plan.status !== 'executing') return r;
      }
      throw new Error(`plan ${id} still executing`);
    }

    async function approvedPlan(): Promise<string> {
      const c = api.client();
      const inc = await c.post('/v1/incidents/open', { title: 'cart down', service: 'cart', started_at: Date.now() - 60_000 });
      const plan = await c.post('/v1/fix/plan', { incident_id: (inc.body as { id: string }).id, env: 'staging', runner: 'counted' });
      const id = (plan.body as { id: string }).id;
      expect((await c.post('/v1/fix/approve', { plan_id: id })).status).toBe(200);
      return id;
    }

    it('with one shared Idempotency-Key: runs once, every caller gets the same reply', async () => {
      const id = await approvedPlan();
      runs = 0;
      const c = api.client();
      const all = await Promise.all(Array.from({ length: 20 }, () => c.post('/v1/fix/execute', { plan_id: id }, { 'idempotency-key': `exec-${id}` })));
      expect(all.map((r) => r.status)).toEqual(Array(20).fill(202));
      for (const r of all) expect(r.body).toEqual(all[0].body);
      expect(all.filter((r) => r.headers.get('idempotent-replayed') === 'true')).toHaveLength(19);
      expect((all[0].body as { plan: { status: string } }).plan.status).toBe('executing');
      expect((await outcomeOf(id)).plan.status).toBe('executed');
      expect(runs).toBe(1);
      // a retry after the run still gets the start's reply, and starts nothing
      const late = await c.post('/v1/fix/execute', { plan_id: id }, { 'idempotency-key': `exec-${id}` });
      expect(late).toMatchObject({ status: 202, body: all[0].body });
      expect(runs).toBe(1);
    });

    it('without a key: one runs, the others get 409 naming the state the plan is in now', async () => {
      const id = await approvedPlan();
      runs = 0;
      const c = api.client();
      const all = await Promise.all(Array.from({ length: 8 }, () => c.post('/v1/fix/execute', { plan_id: id })));
      expect(all.filter((r) => r.status === 202)).toHaveLength(1);
      for (const r of all.filter((x) => x.status !== 202)) {
        expect(r.status).toBe(409);
        const detail = (r.body as { detail: string }).detail;
        // never the contradiction "the plan is approved; only an approved plan can be executed"
        expect(detail).toMatch(/The plan is (executing|executed) now|Another request is starting this plan/);
      }
      expect((await outcomeOf(id)).plan.status).toBe('executed');
      expect(runs).toBe(1);
    });
  });
}
