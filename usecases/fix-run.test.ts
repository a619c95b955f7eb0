/**
 * The fix.execute worker (usecases/fix-run.ts): it records every step as the person who started
 * the run; a redelivered message (the same one again, or after a crash mid-plan) never runs a
 * recorded step twice; the runner gets the plan, org, environment and a signal; a message it
 * cannot read is refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrgStore, OutboxMessage, RunContext, Runner } from '../core/ports/index.js';
import type { FixStep } from '../core/schemas.js';
import { DEFAULT_SECRET_MASKS } from '../detectors/secrets.js';
import { type OpenedStore } from '../store/index.js';
import { memoryAnalysisCache } from './analysis-cache.js';
import { startFix } from './fix.js';
import { RunInterrupted, runFix, type FixWorkerDeps } from './fix-run.js';
import { openIncident } from './incidents.js';
import type { Principal } from './principal.js';
import { directSession, type UseCaseDeps } from './session.js';
import { closeOpened, openPgliteOrg } from '../test-support/pglite-org.js';

let opened: OpenedStore;
let org: OrgStore;
let n = 0;
const published: OutboxMessage[] = [];
/** Every step a runner was asked to run, with the context it got. */
const calls: { command: string; ctx: RunContext }[] = [];
/** Called before each step answers: lets a test act mid-run (a process stopping). */
let during: (command: string) => void = () => undefined;
const counted: Runner = {
  name: 'counted',
  async execute(step, ctx) {
    calls.push({ command: step.command, ctx });
    during(step.command);
    return step.command.startsWith('fail') ? { exitCode: 1, output: `could not ${step.command}` } : { exitCode: 0, output: `did ${step.command}` };
  },
};
const deps: UseCaseDeps = {
  clock: { now: () => new Date() },
  newId: () => `fr_${String(++n).padStart(4, '0')}`,
  masks: DEFAULT_SECRET_MASKS,
  runners: { counted },
  analysisCache: memoryAnalysisCache(),
};
const bob: Principal = { orgId: 'o1', userId: 'bob', scopes: ['read', 'plan', 'approve'], via: 'chat', ref: 'slack:UBOB' };
const session = () => directSession(bob, org, deps, (msgs) => published.push(...msgs));
const worker = (stopping?: AbortSignal): FixWorkerDeps => ({ store: opened.store, useCaseDeps: deps, publishCommitted: (msgs) => published.push(...msgs), ...(stopping ? { stopping } : {}) });

beforeAll(async () => ({ opened, org } = await openPgliteOrg()));
afterAll(() => closeOpened(opened));

/** An approved staging plan of `commands` (one step each), started by bob; its fix.execute message. */
async function started(...commands: string[]): Promise<{ planId: string; message: OutboxMessage }> {
  const inc = await openIncident(session(), { title: 'cart errors', service: 'cart', severity: 'sev2', started_at: new Date(Date.now() - 60_000).toISOString() });
  const steps: FixStep[] = commands.map((command) => ({ action: 'restart', target: 'cart', params: {}, command }));
  const plan = await org.createFixPlan({ id: deps.newId(), incidentId: inc.id, title: 'steps', env: 'staging', runner: 'counted', risk: 'low', steps, status: 'approved', requestedBy: 'alice' });
  expect((await startFix(session(), { planId: plan.id })).status).toBe('executing');
  const message = published.find((m) => m.subject === 'fix.execute' && (m.payload as { planId: string }).planId === plan.id)!;
  expect(message.payload).toEqual({ planId: plan.id, orgId: 'o1', actor: 'user:bob' });
  return { planId: plan.id, message };
}
const ranOf = (planId: string) => calls.filter((c) => c.ctx.planId === planId).map((c) => c.command);
const auditOf = async (planId: string) => (await org.listAudit()).filter((e) => e.target === `plan:${planId}` || (e.payload as { planId?: string }).planId === planId).map((e) => `${e.action} ${e.actor}`);

describe('the fix.execute worker', () => {
  it('starting queues fix.execute with the claim and runs nothing; the worker runs every step, as the person who started it', async () => {
    const { planId, message } = await started('one', 'two', 'three');
    expect(ranOf(planId)).toEqual([]);
    // the claim and its message are one commit: the message is in the outbox
    const { rows } = await opened.admin.exec(`SELECT count(*) AS n FROM outbox WHERE org_id = 'o1' AND subject = 'fix.execute' AND payload->>'planId' = $1`, [planId]);
    expect(Number(rows[0].n)).toBe(1);
    const out = await runFix(worker(), message);
    expect(out.ran).toBe(true);
    expect(out.plan.status).toBe('executed');
    expect(out.commands.map((c) => [c.step, c.status])).toEqual([[0, 'succeeded'], [1, 'succeeded'], [2, 'succeeded']]);
    expect(ranOf(planId)).toEqual(['one', 'two', 'three']);
    const ctx = calls.find((c) => c.ctx.planId === planId)!.ctx;
    expect(ctx).toMatchObject({ orgId: 'o1', planId, env: 'staging' });
    expect(ctx.signal.aborted).toBe(false);
    expect(await auditOf(planId)).toEqual(['fix.executing user:bob', ...Array(3).fill('command.executed user:bob'), 'fix.executed user:bob']);
    expect(published.filter((m) => m.subject === 'incident.updated' && (m.payload as { planId?: string }).planId === planId)).toHaveLength(1);
  });

  it('the same message delivered again does nothing: the plan is no longer executing', async () => {
    const { planId, message } = await started('one', 'two');
    await runFix(worker(), message);
    const audit = await auditOf(planId);
    const again = await runFix(worker(), { ...message, deliveryCount: 2 } as OutboxMessage);
    expect(again).toMatchObject({ ran: false, plan: { status: 'executed' } });
    expect(again.commands).toHaveLength(2);
    expect(ranOf(planId)).toEqual(['one', 'two']);
    expect(await auditOf(planId)).toEqual(audit);
  });

  it('a process stopping mid-plan leaves it executing; the redelivery runs only the steps with no command', async () => {
    const { planId, message } = await started('one', 'two', 'three');
    const stopping = new AbortController();
    during = (c) => c === 'two' && stopping.abort();
    try {
      await expect(runFix(worker(stopping.signal), message)).rejects.toBeInstanceOf(RunInterrupted);
    } finally {
      during = () => undefined;
    }
    expect((await org.getFixPlan(planId))!.status).toBe('executing');
    expect((await org.listCommands(planId)).map((c) => c.step)).toEqual([0, 1]); // 'two' answered while stopping: on record
    const out = await runFix(worker(), { ...message, deliveryCount: 2 } as OutboxMessage);
    expect(out.plan.status).toBe('executed');
    expect(out.commands.map((c) => c.step)).toEqual([0, 1, 2]);
    expect(ranOf(planId)).toEqual(['one', 'two', 'three']); // each once
  });

  it('a redelivery after a step that failed fails the plan and runs nothing more', async () => {
    const { planId, message } = await started('one', 'fail two', 'three');
    // the process recorded the failed step and died before the outcome: simulated by recording it here
    await org.addCommand({ id: deps.newId(), planId, step: 0, runner: 'counted', command: 'one', output: 'did one', exitCode: 0, status: 'succeeded', startedAt: new Date().toISOString(), finishedAt: new Date().toISOString() });
    await org.addCommand({ id: deps.newId(), planId, step: 1, runner: 'counted', command: 'fail two', output: 'could not', exitCode: 1, status: 'failed', startedAt: new Date().toISOString(), finishedAt: new Date().toISOString() });
    const out = await runFix(worker(), { ...message, deliveryCount: 2 } as OutboxMessage);
    expect(out.plan.status).toBe('failed');
    expect(out.commands).toHaveLength(2);
    expect(ranOf(planId)).toEqual([]);
  });

  it('refuses a message it cannot read, or one whose payload names another org, touching nothing', async () => {
    const { planId, message } = await started('one');
    await expect(runFix(worker(), { orgId: 'o1', payload: { planId } })).rejects.toMatchObject({ code: 'invalid_input', message: expect.stringMatching(/actor/) });
    await expect(runFix(worker(), { orgId: 'o2', payload: message.payload })).rejects.toMatchObject({ code: 'invalid_input', message: expect.stringMatching(/not the message's org/) });
    expect(ranOf(planId)).toEqual([]);
    expect((await org.getFixPlan(planId))!.status).toBe('executing');
  });
});
