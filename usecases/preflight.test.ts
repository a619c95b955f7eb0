/**
 * Preflight on a PGlite store: the four gates with their reasons, stored with the plan and
 * audited; a prod plan runs only after a passed preflight (run first when missing) and is refused
 * with the failed gates otherwise, staying approved; any plan still passes the policy gate.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrgStore, OutboxMessage, Runner } from '../core/ports/index.js';
import type { FixPlan, FixStep } from '../core/schemas.js';
import { DEFAULT_SECRET_MASKS } from '../detectors/secrets.js';
import type { LiveService } from '../core/ports/live-state.js';
import { type OpenedStore } from '../store/index.js';
import { memoryAnalysisCache } from './analysis-cache.js';
import { decideFix, executeFix } from './fix.js';
import { openIncident } from './incidents.js';
import { preflightFix } from './preflight.js';
import type { Principal } from './principal.js';
import { directSession, type UseCaseDeps } from './session.js';
import { closeOpened, openPgliteOrg } from '../test-support/pglite-org.js';

let opened: OpenedStore;
let org: OrgStore;
let n = 0;
const live: Record<string, LiveService> = {};
const executed: FixStep[] = [];
/** A runner that changes things (no dry run) and checks each step: a target named "broken" fails its check. */
const kube: Runner = {
  name: 'kube',
  async execute(step) {
    executed.push(step);
    return { exitCode: 0, output: `did ${step.command}` };
  },
  async validate(step) {
    return step.target === 'broken' ? { ok: false, reason: 'deployments.apps "broken" not found' } : { ok: true, reason: 'server dry run accepted' };
  },
};
const deps: UseCaseDeps = {
  clock: { now: () => new Date('2026-12-07T12:00:00Z') }, // a Monday, noon UTC: no freeze, in the window
  newId: () => `pf_${String(++n).padStart(4, '0')}`,
  masks: DEFAULT_SECRET_MASKS,
  runners: { kube },
  analysisCache: memoryAnalysisCache(),
  liveState: (_org, service) => live[service] ?? null,
};
const person = (userId: string, scopes: Principal['scopes'] = ['read', 'plan', 'approve']): Principal => ({ orgId: 'o1', userId, scopes, via: 'chat', ref: `slack:U${userId}` });
const published: OutboxMessage[] = [];
const session = (userId: string, scopes?: Principal['scopes']) => directSession(person(userId, scopes), org, deps, (msgs) => published.push(...msgs));
const liveOf = (replicas: number): LiveService => ({ replicas, memoryMb: 512, diskGb: 10, version: '1.0.0', flags: {}, config: {}, callers: [], external: false });

beforeAll(async () => ({ opened, org } = await openPgliteOrg()));
afterAll(() => closeOpened(opened));

async function plan(over: Partial<FixPlan> = {}, steps?: FixStep[]): Promise<FixPlan> {
  const inc = await openIncident(session('alice'), { title: 'search slow', service: 'search', severity: 'sev2', started_at: '2026-12-07T11:50:00Z' });
  return org.createFixPlan({
    id: `plan_${++n}`,
    incidentId: inc.id,
    title: 'Scale search out',
    env: 'prod',
    runner: 'kube',
    risk: 'low',
    steps: steps ?? [{ action: 'scale', target: 'search', params: { namespace: 'shop', replicas: 4, from_replicas: 2 }, command: 'kubectl scale deployment/search --replicas=4 -n shop' }],
    status: 'pending_approval',
    requestedBy: 'alice',
    ...over,
  });
}

describe('preflightFix', () => {
  it('runs the four gates with their reasons, stores the result with the plan and audits it', async () => {
    live.search = liveOf(2);
    const p = await plan();
    const r = await preflightFix(session('bob'), { planId: p.id });
    expect(r.passed).toBe(true);
    expect(r.gates.map((g) => [g.name, g.passed])).toEqual([['dry_run', true], ['policy', true], ['slo_budget', true], ['drift', true]]);
    expect(r.gates[1].reason).toBe('allowed for sre bob by permit-prod-sre');
    expect(r.gates[2].reason).toMatch(/no stored analysis/);
    expect(r.gates[3].reason).toMatch(/matches what the plan assumed \(1 value/);
    expect(r.ms).toBeGreaterThanOrEqual(0);
    expect(await org.latestPreflight(p.id)).toEqual(r);
    expect((await org.listAuditFor(`plan:${p.id}`)).map((e) => e.action)).toEqual(['fix.preflight']);
    // the war rooms update the plan card (it shows the gates)
    expect(published.filter((m) => m.subject === 'incident.updated').map((m) => m.payload)).toContainEqual({ incidentId: p.incidentId, change: 'plan', planId: p.id });
  });

  it('fails the gates that fail, each with its reason: the runner check, the policy, the drift', async () => {
    live.search = liveOf(3);
    const p = await plan({}, [
      { action: 'restart', target: 'broken', params: { namespace: 'kube-system' }, command: 'kubectl rollout restart deployment/broken -n kube-system' },
      { action: 'scale', target: 'search', params: { namespace: 'shop', replicas: 4, from_replicas: 2 }, command: 'kubectl scale deployment/search --replicas=4 -n shop' },
    ]);
    const r = await preflightFix(session('bob'), { planId: p.id });
    expect(r.passed).toBe(false);
    const by = Object.fromEntries(r.gates.map((g) => [g.name, g]));
    expect(by.dry_run.reason).toBe('step 1: deployments.apps "broken" not found');
    expect(by.policy.reason).toMatch(/^denied: forbid-system-namespaces: "system namespaces/);
    expect(by.drift.reason).toBe('the live state changed since the plan was drafted: search replicas is 3 now, the plan assumed 2. Draft a new plan.');
    expect(by.slo_budget.passed).toBe(true);
  });

  it('refuses a plan that already ran, and one that does not exist', async () => {
    const p = await plan({ status: 'executed' });
    await expect(preflightFix(session('bob'), { planId: p.id })).rejects.toMatchObject({ code: 'conflict' });
    await expect(preflightFix(session('bob'), { planId: 'nope' })).rejects.toMatchObject({ code: 'not_found' });
    await expect(preflightFix(session('vera', ['read']), { planId: p.id })).rejects.toMatchObject({ code: 'forbidden' });
  });
});

describe('executeFix needs the preflight', () => {
  it('runs a prod plan with no preflight yet after running one that passes', async () => {
    live.search = liveOf(2);
    const p = await plan();
    await decideFix(session('bob'), { planId: p.id, decision: 'approve' });
    const before = executed.length;
    const run = await executeFix(session('bob'), { planId: p.id });
    expect(run.plan.status).toBe('executed');
    expect(executed.length).toBe(before + 1);
    expect((await org.latestPreflight(p.id))?.passed).toBe(true);
  });

  it('refuses a prod plan whose preflight fails (409 naming the gates); it stays approved and nothing runs', async () => {
    live.search = liveOf(2);
    const p = await plan();
    await decideFix(session('bob'), { planId: p.id, decision: 'approve' });
    expect((await preflightFix(session('bob'), { planId: p.id })).passed).toBe(true);
    live.search = liveOf(6); // someone scaled it meanwhile: the next preflight fails on drift
    const again = await preflightFix(session('bob'), { planId: p.id });
    expect(again.passed).toBe(false);
    const before = executed.length;
    const e = await executeFix(session('bob'), { planId: p.id }).catch((x: unknown) => x);
    expect(e).toMatchObject({ code: 'conflict', extra: { reason: 'preflight_failed' } });
    expect((e as Error).message).toMatch(/did not pass its preflight.*drift: .*search replicas is 6 now, the plan assumed 2/);
    expect((await org.getFixPlan(p.id))?.status).toBe('approved');
    expect(executed.length).toBe(before);
  });

  it('holds a non-prod plan to the policy gate too', async () => {
    const p = await plan({ env: 'staging' }, [{ action: 'restart', target: 'coredns', params: { namespace: 'kube-system' }, command: 'kubectl rollout restart deployment/coredns -n kube-system' }]);
    await decideFix(session('alice'), { planId: p.id, decision: 'approve' });
    const e = await executeFix(session('alice'), { planId: p.id }).catch((x: unknown) => x);
    expect(e).toMatchObject({ code: 'conflict', extra: { reason: 'policy_denied' } });
    expect((e as Error).message).toMatch(/forbid-system-namespaces/);
    expect((await org.getFixPlan(p.id))?.status).toBe('approved');
  });
});
