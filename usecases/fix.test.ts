/**
 * Fix plans over time and on the bus: a plan expires WARROOM_PLAN_TTL_MINUTES after its drafting
 * (approving it is refused with the reason; rejecting is still allowed), and every change of a
 * plan publishes `incident.updated` {change: 'plan'} with its commit (the war rooms update the plan
 * card from it), and a refused change publishes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrgStore, OutboxMessage } from '../core/ports/index.js';
import type { FixPlan } from '../core/schemas.js';
import { DEFAULT_SECRET_MASKS } from '../detectors/secrets.js';
import { dryRunRunner } from '../remediate/runners/dryrun.js';
import { type OpenedStore } from '../store/index.js';
import { memoryAnalysisCache } from './analysis-cache.js';
import { abandonFix, decideFix, executeFix, planFix } from './fix.js';
import { openIncident } from './incidents.js';
import type { Principal } from './principal.js';
import { directSession, type UseCaseDeps } from './session.js';
import { closeOpened, openPgliteOrg } from '../test-support/pglite-org.js';

const TTL_MINUTES = 60;
let opened: OpenedStore;
let org: OrgStore;
let n = 0;
/** The use cases' clock, set by each test relative to a plan's drafting (stamped by the database). */
let nowMs = Date.now();
const published: OutboxMessage[] = [];
const deps: UseCaseDeps = {
  clock: { now: () => new Date(nowMs) },
  newId: () => `fx_${String(++n).padStart(4, '0')}`,
  masks: DEFAULT_SECRET_MASKS,
  runners: { dryrun: dryRunRunner },
  analysisCache: memoryAnalysisCache(),
  planTtlMs: TTL_MINUTES * 60_000,
};
const person = (userId: string): Principal => ({ orgId: 'o1', userId, scopes: ['read', 'plan', 'approve'], via: 'chat', ref: `slack:U${userId}` });
const session = (userId: string) => directSession(person(userId), org, deps, (msgs) => published.push(...msgs));
const alice = () => session('alice');
const bob = () => session('bob');

beforeAll(async () => ({ opened, org } = await openPgliteOrg()));
afterAll(() => closeOpened(opened));

async function draftPlan(): Promise<FixPlan> {
  nowMs = Date.now();
  const inc = await openIncident(alice(), { title: 'cart errors', service: 'cart', severity: 'sev2', started_at: new Date(nowMs - 60_000).toISOString() });
  return planFix(alice(), { incidentId: inc.id, env: 'prod', runner: 'dryrun', namespace: 'shop' });
}
const planEvents = (planId: string) =>
  published.filter((m) => m.subject === 'incident.updated' && (m.payload as { planId?: string }).planId === planId).map((m) => m.payload);

describe('plan TTL', () => {
  it('refuses approving a plan drafted longer ago than the TTL, saying why; rejecting it still works', async () => {
    const plan = await draftPlan();
    nowMs = Date.parse(plan.createdAt) + (TTL_MINUTES + 5) * 60_000;
    const e = await decideFix(bob(), { planId: plan.id, decision: 'approve' }).catch((x: unknown) => x);
    expect(e).toMatchObject({
      code: 'conflict',
      message: 'The plan expired: it was drafted 65 minutes ago and plans expire after 60 minutes (WARROOM_PLAN_TTL_MINUTES). Draft a new one.',
      extra: { reason: 'expired' },
    });
    expect((await org.getFixPlan(plan.id))?.status).toBe('pending_approval');
    const rejected = await decideFix(bob(), { planId: plan.id, decision: 'reject', reason: 'stale' });
    expect(rejected.plan.status).toBe('rejected');
  });

  it('approves a plan within the TTL (up to the minute it expires)', async () => {
    const plan = await draftPlan();
    nowMs = Date.parse(plan.createdAt) + TTL_MINUTES * 60_000;
    expect((await decideFix(bob(), { planId: plan.id, decision: 'approve' })).plan.status).toBe('approved');
  });

  it('the four-eyes rule and the status come first: an expired plan already decided is a status conflict', async () => {
    const plan = await draftPlan();
    nowMs = Date.parse(plan.createdAt) + 2 * TTL_MINUTES * 60_000;
    await expect(decideFix(alice(), { planId: plan.id, decision: 'approve' })).rejects.toMatchObject({ code: 'forbidden' });
    await decideFix(bob(), { planId: plan.id, decision: 'reject', reason: 'no' });
    await expect(decideFix(bob(), { planId: plan.id, decision: 'approve' })).rejects.toMatchObject({ code: 'conflict', message: expect.stringMatching(/^The plan is rejected;/) });
  });

  it('without a TTL plans never expire', async () => {
    const plan = await draftPlan();
    const s = directSession(person('bob'), org, { ...deps, planTtlMs: undefined, clock: { now: () => new Date(Date.parse(plan.createdAt) + 365 * 86_400_000) } }, () => undefined);
    expect((await decideFix(s, { planId: plan.id, decision: 'approve' })).plan.status).toBe('approved');
  });
});

describe('plan events', () => {
  it('drafting, approving and executing a plan each publish incident.updated {change: plan} after their commit', async () => {
    const plan = await draftPlan();
    const expected = { incidentId: plan.incidentId, change: 'plan', planId: plan.id };
    expect(planEvents(plan.id)).toEqual([expected]);
    await decideFix(bob(), { planId: plan.id, decision: 'approve' });
    expect(planEvents(plan.id)).toEqual([expected, expected]);
    const run = await executeFix(bob(), { planId: plan.id });
    expect(run.plan.status).toBe('dry_run');
    expect(planEvents(plan.id)).toEqual([expected, expected, expected]);
    // each is in the outbox too (the relay publishes it to other processes)
    const { rows } = await opened.admin.exec(`SELECT count(*) AS n FROM outbox WHERE org_id = 'o1' AND subject = 'incident.updated' AND payload->>'planId' = $1`, [plan.id]);
    expect(Number(rows[0].n)).toBe(3);
  });

  it('rejecting and abandoning publish it too; a refused change publishes nothing', async () => {
    const rejected = await draftPlan();
    await decideFix(bob(), { planId: rejected.id, decision: 'reject', reason: 'wrong service' });
    expect(planEvents(rejected.id)).toHaveLength(2);
    await expect(decideFix(bob(), { planId: rejected.id, decision: 'approve' })).rejects.toMatchObject({ code: 'conflict' });
    expect(planEvents(rejected.id)).toHaveLength(2);

    const stuck = await draftPlan();
    await decideFix(bob(), { planId: stuck.id, decision: 'approve' });
    await org.transitionFixPlan(stuck.id, ['approved'], 'executing'); // its process died mid-run
    await abandonFix(bob(), { planId: stuck.id, reason: 'runner host lost' });
    expect(planEvents(stuck.id)).toEqual(Array(3).fill({ incidentId: stuck.incidentId, change: 'plan', planId: stuck.id }));
  });
});
