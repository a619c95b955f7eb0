/**
 * Verifying executed fixes on a PGlite store, with metric points written before and after the
 * change: a fix that heals marks the incident mitigated; one that makes things worse has its
 * rollback run with the plan's runner, recorded and audited; the sweep verifies each plan once,
 * only after its post window closed; a dry run or a plan without data is never judged healed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrgStore, OutboxMessage, Runner } from '../core/ports/index.js';
import type { FixPlan, FixStep, Signal } from '../core/schemas.js';
import { DEFAULT_SECRET_MASKS } from '../detectors/secrets.js';
import { type OpenedStore } from '../store/index.js';
import { memoryAnalysisCache } from './analysis-cache.js';
import { decideFix, executeFix } from './fix.js';
import { openIncident } from './incidents.js';
import type { Principal } from './principal.js';
import { directSession, type UseCaseDeps } from './session.js';
import { executedAtOf, impactedServices, verifyFix } from './verify.js';
import { verifyDuePlans } from './verify-sweep.js';
import { verifyWindows, windowSample } from './verify-windows.js';
import { closeOpened, openPgliteOrg } from '../test-support/pglite-org.js';

let opened: OpenedStore;
let org: OrgStore;
let n = 0;
let nowMs = Date.parse('2026-12-07T12:00:00Z'); // a Monday noon: no change freeze
const ran: FixStep[] = [];
/** A runner that changes things: records what it ran; a command containing "explode" fails. */
const kube: Runner = {
  name: 'kube',
  async execute(step) {
    ran.push(step);
    return step.command.includes('explode') ? { exitCode: 1, output: 'error: rollout failed' } : { exitCode: 0, output: `did ${step.command}` };
  },
};
const deps: UseCaseDeps = {
  clock: { now: () => new Date(nowMs) },
  newId: () => `v_${String(++n).padStart(5, '0')}`,
  masks: DEFAULT_SECRET_MASKS,
  runners: { kube },
  analysisCache: memoryAnalysisCache(),
  verify: { windowMs: 300_000, settleMs: 60_000 },
};
const person = (userId: string): Principal => ({ orgId: 'o1', userId, scopes: ['read', 'plan', 'approve'], via: 'chat', ref: `slack:U${userId}` });
const published: OutboxMessage[] = [];
const publish = (msgs: OutboxMessage[]) => published.push(...msgs);
const session = (userId: string) => directSession(person(userId), org, deps, publish);

beforeAll(async () => ({ opened, org } = await openPgliteOrg()));
afterAll(() => closeOpened(opened));

/** Service-level metric points every 15 s over [fromMs, toMs). */
function points(service: string, fromMs: number, toMs: number, m: { rps: number; err: number; p95: number }): Signal[] {
  const out: Signal[] = [];
  for (let t = fromMs; t < toMs; t += 15_000) {
    const ts = new Date(t).toISOString();
    const sig = (key: string, value: number): Signal => ({ id: `sig_${++n}`, orgId: 'o1', source: 'prometheus', kind: 'metric', ts, key, value, text: null, labels: { service }, meta: {} });
    // a little deterministic jitter so the values are not all tied
    const j = ((t / 15_000) % 7) / 70;
    out.push(sig('http_requests_per_s', m.rps * (1 + j / 10)), sig('http_error_rate', m.err * (1 + j)), sig('latency_p95_ms', m.p95 * (1 + j)), sig('cpu_utilization', 0.4 + j / 10));
  }
  return out;
}

/** An incident on `service` and a plan for it, approved and executed now with the `kube` runner. */
async function executedPlan(service: string, rollback: FixPlan['rollback']): Promise<FixPlan> {
  const inc = await openIncident(session('alice'), { title: `${service} errors`, service, severity: 'sev2' });
  const plan = await org.createFixPlan({
    id: `plan_${++n}`,
    incidentId: inc.id,
    title: `Roll back ${service}`,
    env: 'staging',
    runner: 'kube',
    risk: 'low',
    steps: [{ action: 'rollback', target: service, params: { namespace: 'shop', to_version: '1.2.0', from_version: '1.3.0' }, command: `kubectl rollout undo deployment/${service} -n shop` }],
    status: 'pending_approval',
    requestedBy: 'alice',
    rollback,
  });
  await decideFix(session('bob'), { planId: plan.id, decision: 'approve' });
  return (await executeFix(session('bob'), { planId: plan.id })).plan;
}

const auditOf = async (target: string) => (await org.listAuditFor(target)).map((e) => e.action);

describe('verifyFix and the sweep', () => {
  it('waits for the post window, then judges a healing fix: continue, healed, incident mitigated, audited and published', async () => {
    const t0 = nowMs;
    const plan = await executedPlan('payments', [{ action: 'undo rollback', target: 'payments', command: 'kubectl rollout undo deployment/payments -n shop --to-revision=7' }]);
    expect(plan.status).toBe('executed');
    await org.insertSignals([...points('payments', t0 - 300_000, t0, { rps: 40, err: 0.12, p95: 900 }), ...points('payments', t0 + 60_000, t0 + 360_000, { rps: 40, err: 0.002, p95: 180 })]);

    nowMs = t0 + 200_000;
    await expect(verifyFix(session('bob'), { planId: plan.id })).rejects.toMatchObject({ code: 'conflict', extra: { reason: 'window_open', closes_at: new Date(t0 + 360_000).toISOString() } });
    expect(await verifyDuePlans(opened.store, deps, publish)).toEqual([]);

    nowMs = t0 + 361_000;
    published.length = 0;
    const ranBefore = ran.length;
    expect(await verifyDuePlans(opened.store, deps, publish)).toEqual([{ id: plan.id, orgId: 'o1', decision: 'continue' }]);
    const v = (await org.getVerification(plan.id))!;
    expect(v).toMatchObject({ decision: 'continue', healed: true, services: ['payments'], runBy: 'system:verify', windows: { pre: { to: new Date(t0).toISOString() }, post: { from: new Date(t0 + 60_000).toISOString() } } });
    expect(v.message).toMatch(/^Continue: the fix healed payments\. payments: error rate fell from 1[23]\.\d% to 0\.2\d%/);
    expect(v.checks.find((c) => c.signal === 'latency_p95')).toMatchObject({ verdict: 'better', pre: expect.any(Number), post: expect.any(Number) });
    expect(Number.isFinite(v.ms) && v.ms >= 0).toBe(true); // the < 1 s target is `warroom bench verify`'s, not a test's
    expect(ran.length).toBe(ranBefore); // nothing rolled back

    const inc = (await org.getIncident(plan.incidentId))!;
    expect(inc.status).toBe('mitigated');
    expect(await auditOf(`plan:${plan.id}`)).toContain('verify.decided');
    expect((await org.listAuditFor(`incident:${inc.id}`)).find((e) => e.action === 'incident.status')).toMatchObject({ actor: 'system:verify', payload: { from: 'open', to: 'mitigated' } });
    expect(published.map((m) => m.subject)).toEqual(['verify.run', 'incident.updated', 'incident.updated']);
    expect(published[0].payload).toMatchObject({ planId: plan.id, decision: 'continue', healed: true });
    expect(published.map((m) => (m.payload as { change?: string }).change)).toEqual([undefined, 'status', 'verify']);

    // once: the sweep finds nothing more, a direct call returns the stored verdict
    published.length = 0;
    expect(await verifyDuePlans(opened.store, deps, publish)).toEqual([]);
    const again = await verifyFix(session('bob'), { planId: plan.id });
    expect(again).toEqual({ verification: v, created: false, rollback: null });
    expect(published).toEqual([]);
    expect((await auditOf(`plan:${plan.id}`)).filter((a) => a === 'verify.decided')).toHaveLength(1);
  });

  it('rolls back a fix that made things worse: the rollback steps run with the plan runner, recorded after its steps and audited', async () => {
    const t0 = nowMs;
    const plan = await executedPlan('cart', [{ action: 'undo rollback', target: 'cart', command: 'kubectl rollout undo deployment/cart -n shop --to-revision=4' }]);
    await org.insertSignals([...points('cart', t0 - 300_000, t0, { rps: 30, err: 0.004, p95: 200 }), ...points('cart', t0 + 60_000, t0 + 360_000, { rps: 30, err: 0.09, p95: 650 })]);
    nowMs = t0 + 400_000;
    const out = await verifyFix(session('bob'), { planId: plan.id });
    expect(out.created).toBe(true);
    expect(out.verification).toMatchObject({ decision: 'rollback', healed: false });
    expect(out.verification.message).toMatch(/^Rollback: the fix made things worse\. cart: error rate rose from 0\.\d+% to (9|10)\.\d%/);
    expect(out.rollback).toMatchObject({ ok: true, reason: '1 rollback step(s) ran' });
    // the inverse of the step for the runner (back to the version it replaced), the recorded command for people
    expect(ran.at(-1)).toEqual({ action: 'rollback', target: 'cart', params: { namespace: 'shop', to_version: '1.3.0' }, command: 'kubectl rollout undo deployment/cart -n shop --to-revision=4' });
    const commands = await org.listCommands(plan.id);
    expect(commands.map((c) => [c.step, c.command, c.status])).toEqual([
      [0, 'kubectl rollout undo deployment/cart -n shop', 'succeeded'],
      [1, 'kubectl rollout undo deployment/cart -n shop --to-revision=4', 'succeeded'],
    ]);
    expect(await auditOf(`plan:${plan.id}`)).toEqual(expect.arrayContaining(['verify.decided', 'fix.rolled_back']));
    expect((await org.listAuditFor(`command:${commands[1].id}`))[0]).toMatchObject({ action: 'command.executed', actor: 'user:bob', payload: { rollback: true, step: 1 } });
    expect((await org.getIncident(plan.incidentId))!.status).toBe('open');
    // the sweep does not verify (nor roll back) it again
    const ranNow = ran.length;
    expect(await verifyDuePlans(opened.store, deps, publish)).toEqual([]);
    expect(ran.length).toBe(ranNow);
  });

  it('records a rollback that fails, and one the plan cannot do', async () => {
    const t0 = nowMs;
    const failing = await executedPlan('search', [{ action: 'undo rollback', target: 'search', command: 'kubectl explode deployment/search' }]);
    const none = await executedPlan('search', []);
    await org.insertSignals([...points('search', t0 - 300_000, t0, { rps: 30, err: 0.004, p95: 200 }), ...points('search', t0 + 60_000, t0 + 360_000, { rps: 30, err: 0.2, p95: 200 })]);
    nowMs = t0 + 400_000;
    const a = await verifyFix(session('bob'), { planId: failing.id });
    expect(a.rollback).toMatchObject({ ok: false, reason: 'rollback step 1 (kubectl explode deployment/search) failed with exit code 1' });
    expect(await auditOf(`plan:${failing.id}`)).toContain('fix.rollback_failed');
    const b = await verifyFix(session('bob'), { planId: none.id });
    expect(b.rollback).toEqual({ commands: [], ok: false, reason: 'the plan recorded no rollback steps' });
  });

  it('halts with "too few samples" when the services sent nothing, and refuses plans that did not execute', async () => {
    const t0 = nowMs;
    const quiet = await executedPlan('ledger', []);
    nowMs = t0 + 400_000;
    const out = await verifyFix(session('bob'), { planId: quiet.id });
    expect(out.verification).toMatchObject({ decision: 'halt', healed: false, services: [], message: 'Halt: too few samples to judge the fix. no impacted service had data.' });
    const inc = await openIncident(session('alice'), { title: 'x', service: 'ledger', severity: 'sev3' });
    const pending = await org.createFixPlan({ id: `plan_${++n}`, incidentId: inc.id, title: 't', env: 'dev', runner: 'kube', risk: 'low', steps: [], status: 'pending_approval', requestedBy: 'alice' });
    await expect(verifyFix(session('bob'), { planId: pending.id })).rejects.toMatchObject({ code: 'conflict', extra: { plan_status: 'pending_approval' } });
    await expect(verifyFix(session('bob'), { planId: 'nope' })).rejects.toMatchObject({ code: 'not_found' });
    await expect(verifyFix(directSession({ ...person('vic'), scopes: ['read'] }, org, deps, publish), { planId: quiet.id })).rejects.toMatchObject({ code: 'forbidden' });
  });

  it('judges the incident\'s service, the top suspect, what the steps changed and the blast radius, once each; from the last command\'s end', () => {
    const step = (target: string): FixStep => ({ action: 'restart', target, params: {}, command: 'x' });
    expect(impactedServices({ service: 'frontend' }, [{ rank: 2, service: 'cart' }, { rank: 1, service: 'payments' }], { steps: [step('payments'), step('db')] }, ['frontend', 'checkout'])).toEqual(['frontend', 'payments', 'db', 'checkout']);
    expect(impactedServices({ service: 'a' }, [], { steps: [] }, Array.from({ length: 20 }, (_, i) => `s${i}`))).toHaveLength(8);
    expect(executedAtOf({ updatedAt: '2026-12-07T12:00:00.000Z' }, [{ finishedAt: '2026-12-07T11:00:00.000Z' }, { finishedAt: '2026-12-07T11:05:00.000Z' }])).toBe('2026-12-07T11:05:00.000Z');
    expect(executedAtOf({ updatedAt: '2026-12-07T12:00:00.000Z' }, [])).toBe('2026-12-07T12:00:00.000Z');
  });

  it('starts the pre window at the incident when it began inside it (at least a minute before the change)', () => {
    const E = Date.parse('2026-12-07T12:00:00Z');
    const iso = (ms: number) => new Date(ms).toISOString();
    expect(verifyWindows(E, 300_000, 60_000)).toEqual({ pre: { from: iso(E - 300_000), to: iso(E) }, post: { from: iso(E + 60_000), to: iso(E + 360_000) } });
    expect(verifyWindows(E, 300_000, 60_000, E - 120_000).pre).toEqual({ from: iso(E - 120_000), to: iso(E) });
    expect(verifyWindows(E, 300_000, 60_000, E - 30_000).pre.from).toBe(iso(E - 300_000)); // too short: the whole window
    expect(verifyWindows(E, 300_000, 60_000, E - 3_600_000).pre.from).toBe(iso(E - 300_000));
    expect(verifyWindows(E, 300_000, 60_000, E + 5_000).pre.from).toBe(iso(E - 300_000));
  });

  it('turns rates into counts: requests are the rate over the window, errors each interval\'s ratio weighted by its rate', () => {
    const b = (t: string, avg: number) => ({ t: `2026-12-07T12:00:${t}.000Z`, min: avg, avg, max: avg, n: 1 });
    const w = windowSample(60_000, [b('00', 10), b('30', 30)], [b('00', 0.1), b('30', 0.5)], [b('00', 200)], { cpu_utilization: [b('00', 0.5)], disk_utilization: [] });
    expect(w).toEqual({ requests: 1200, errors: 480, latencyMs: [200], saturation: { cpu_utilization: [0.5] } });
    expect(windowSample(60_000, [], [], [], {})).toEqual({ requests: 0, errors: 0, latencyMs: [], saturation: {} });
  });
});
