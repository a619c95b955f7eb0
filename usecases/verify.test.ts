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
async function executedPlan(service: string, rollback: FixPlan['rollback'], startedAt?: string, expectWithinMinutes: number | null = null): Promise<FixPlan> {
  const inc = await openIncident(session('alice'), { title: `${service} errors`, service, severity: 'sev2', ...(startedAt ? { started_at: startedAt } : {}) });
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
    expectWithinMinutes,
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
    expect(await verifyDuePlans(opened.store, deps, publish)).toEqual([{ id: plan.id, orgId: 'o1', round: 1, decision: 'continue' }]);
    const v = (await org.getVerification(plan.id))!;
    expect(v).toMatchObject({ round: 1, decision: 'continue', basis: 'healed', nextRoundAt: null, healed: true, services: ['payments'], runBy: 'system:verify', windows: { pre: { to: new Date(t0).toISOString() }, post: { from: new Date(t0 + 60_000).toISOString() } } });
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

  it('does not roll back a right fix approved while the fault was still rising: it is compared with the state it found', async () => {
    const t0 = nowMs;
    // the fault ramped up inside the pre window (2% → 20% in its last 75 s); after the fix, a rollout half done: 11%
    const plan = await executedPlan('catalog', [{ action: 'undo rollback', target: 'catalog', command: 'kubectl rollout undo deployment/catalog -n shop --to-revision=9' }], new Date(t0 - 600_000).toISOString());
    await org.insertSignals([
      ...points('catalog', t0 - 300_000, t0 - 75_000, { rps: 30, err: 0.02, p95: 200 }),
      ...points('catalog', t0 - 75_000, t0, { rps: 30, err: 0.2, p95: 200 }),
      ...points('catalog', t0 + 60_000, t0 + 360_000, { rps: 30, err: 0.11, p95: 200 }),
    ]);
    nowMs = t0 + 400_000;
    const ranBefore = ran.length;
    const out = await verifyFix(session('bob'), { planId: plan.id });
    expect(out.verification).toMatchObject({ decision: 'continue', basis: 'improving' });
    expect(out.verification.message).toMatch(/catalog: error rate fell from (19|2\d)\.\d% to 1\d\.\d%.*compared with the end of the window before the fix: its error rate rose/);
    expect(out.rollback).toBeNull();
    expect(ran.length).toBe(ranBefore);
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
    // unknown is not "no effect": nothing undone, judged again after another window
    expect(out.verification).toMatchObject({ round: 1, decision: 'halt', basis: 'too_few_samples', healed: false, services: [], nextRoundAt: new Date(t0 + 660_000).toISOString() });
    expect(out.verification.message).toBe(`Halt: too few samples to judge the fix. no impacted service had data. Not undone: with too few samples it is unknown whether the fix helped; judged again at ${new Date(t0 + 660_000).toISOString()} (round 1 of 3).`);
    expect(out.rollback).toBeNull();
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

describe('no fix that did not heal is left in place; one not healed yet is judged again', () => {
  const iso = (ms: number) => new Date(ms).toISOString();
  const ours = (id: string, swept: { id: string }[]) => swept.filter((x) => x.id === id);

  it('undoes a fix that had no effect: its rollback runs, recorded and audited, and the verdict says "no effect; undone"', async () => {
    const t0 = nowMs;
    const plan = await executedPlan('orders', [{ action: 'undo rollback', target: 'orders', command: 'kubectl rollout undo deployment/orders -n shop --to-revision=3' }]);
    await org.insertSignals([...points('orders', t0 - 300_000, t0, { rps: 40, err: 0.03, p95: 250 }), ...points('orders', t0 + 60_000, t0 + 360_000, { rps: 40, err: 0.03, p95: 250 })]);
    nowMs = t0 + 400_000;
    published.length = 0;
    const out = await verifyFix(session('bob'), { planId: plan.id });
    expect(out.verification).toMatchObject({ round: 1, decision: 'halt', basis: 'no_effect', healed: false, nextRoundAt: null });
    expect(out.verification.message).toMatch(/^Halt: no effect; undone: its rollback runs \(rollback orders\)\. orders: error rate from 3\.\d% to 3\.\d% .*no significant change/);
    expect(out.rollback).toMatchObject({ ok: true, reason: '1 rollback step(s) ran' });
    expect(ran.at(-1)).toEqual({ action: 'rollback', target: 'orders', params: { namespace: 'shop', to_version: '1.3.0' }, command: 'kubectl rollout undo deployment/orders -n shop --to-revision=3' });
    expect((await org.listCommands(plan.id)).map((c) => [c.step, c.status])).toEqual([[0, 'succeeded'], [1, 'succeeded']]);
    const undone = (await org.listAuditFor(`plan:${plan.id}`)).find((e) => e.action === 'fix.rolled_back');
    expect(undone?.payload).toMatchObject({ round: 1, why: 'no_effect' });
    expect(published.find((m) => m.subject === 'verify.run')?.payload).toMatchObject({ round: 1, basis: 'no_effect', final: true, rollback: { ok: true } });
    expect((await org.getIncident(plan.incidentId))!.status).toBe('open');
    // final: no later round undoes it twice
    nowMs = t0 + 2_000_000;
    const ranNow = ran.length;
    expect(ours(plan.id, await verifyDuePlans(opened.store, deps, publish))).toEqual([]);
    expect(ran.length).toBe(ranNow);
  });

  it('does not undo a fix for "no effect" before it was due to show one (a slow rollout): judged again, healed; once due, no effect undoes it', async () => {
    const t0 = nowMs;
    const undoOf = (svc: string) => [{ action: 'undo rollback', target: svc, command: `kubectl rollout undo deployment/${svc} -n shop --to-revision=4` }];
    // the catalog gives a rollback 10 minutes; the first post window closes at 6
    const slow = await executedPlan('reviews', undoOf('reviews'), undefined, 10);
    const dud = await executedPlan('ratings', undoOf('ratings'), undefined, 10);
    expect(slow.expectWithinMinutes).toBe(10);
    await org.insertSignals([
      ...points('reviews', t0 - 300_000, t0, { rps: 40, err: 0.12, p95: 300 }),
      ...points('reviews', t0 + 60_000, t0 + 360_000, { rps: 40, err: 0.12, p95: 300 }), // still rolling out
      ...points('reviews', t0 + 360_000, t0 + 660_000, { rps: 40, err: 0.002, p95: 300 }),
      ...points('ratings', t0 - 300_000, t0, { rps: 40, err: 0.12, p95: 300 }),
      ...points('ratings', t0 + 60_000, t0 + 660_000, { rps: 40, err: 0.12, p95: 300 }), // never helps
    ]);
    nowMs = t0 + 400_000;
    const ranBefore = ran.length;
    const first = await verifyFix(session('bob'), { planId: slow.id });
    expect(first.verification).toMatchObject({ round: 1, decision: 'halt', basis: 'no_effect', nextRoundAt: iso(t0 + 660_000) });
    expect(first.verification.message).toMatch(new RegExp(`^Halt: no effect yet; not undone: the fix is due to show its effect by ${iso(t0 + 600_000).replace(/\./g, '\\.')} and this window closed before then; judged again at .* \\(round 1 of 3\\)\\. reviews: `));
    expect(first.rollback).toBeNull();
    expect((await verifyFix(session('bob'), { planId: dud.id })).rollback).toBeNull();
    expect(ran.length).toBe(ranBefore);

    nowMs = t0 + 661_000;
    const second = await verifyFix(session('bob'), { planId: slow.id });
    expect(second.verification).toMatchObject({ round: 2, basis: 'healed', windows: { post: { from: iso(t0 + 360_000), to: iso(t0 + 660_000) } } });
    expect((await org.getIncident(slow.incidentId))!.status).toBe('mitigated');
    const late = await verifyFix(session('bob'), { planId: dud.id });
    expect(late.verification).toMatchObject({ round: 2, basis: 'no_effect', nextRoundAt: null });
    expect(late.verification.message).toMatch(/^Halt: no effect; undone: its rollback runs \(rollback ratings\) \(round 2 of 3\)\./);
    expect(late.rollback).toMatchObject({ ok: true });
    expect(ran.length).toBe(ranBefore + 1);
  });

  it('says why a no-effect fix is not undone: a restart leaves nothing changed; an unrecorded inverse is left for a person', async () => {
    const t0 = nowMs;
    const inc = await openIncident(session('alice'), { title: 'inventory slow', service: 'inventory', severity: 'sev2' });
    const mk = async (steps: FixStep[], rollback: FixPlan['rollback']) => {
      const p = await org.createFixPlan({ id: `plan_${++n}`, incidentId: inc.id, title: 't', env: 'staging', runner: 'kube', risk: 'low', steps, status: 'pending_approval', requestedBy: 'alice', rollback });
      await decideFix(session('bob'), { planId: p.id, decision: 'approve' });
      return (await executeFix(session('bob'), { planId: p.id })).plan;
    };
    const restart = await mk([{ action: 'restart', target: 'inventory', params: { namespace: 'shop' }, command: 'kubectl rollout restart deployment/inventory -n shop' }], []);
    const scale = await mk([{ action: 'scale', target: 'inventory', params: { namespace: 'shop', replicas: 6 }, command: 'kubectl scale deployment/inventory --replicas=6 -n shop' }], [{ action: 'undo scale', target: 'inventory', command: 'kubectl scale deployment/inventory --replicas=? -n shop' }]);
    await org.insertSignals([...points('inventory', t0 - 300_000, t0, { rps: 40, err: 0.03, p95: 250 }), ...points('inventory', t0 + 60_000, t0 + 360_000, { rps: 40, err: 0.03, p95: 250 })]);
    nowMs = t0 + 400_000;
    const ranBefore = ran.length;
    const a = await verifyFix(session('bob'), { planId: restart.id });
    expect(a.verification).toMatchObject({ basis: 'no_effect', nextRoundAt: null });
    expect(a.verification.message).toMatch(/^Halt: no effect; not undone: nothing to undo \(step 1 \(restart inventory\): a restart leaves nothing to undo\): nothing it changed is left in place\. inventory: /);
    expect(a.rollback).toBeNull();
    const b = await verifyFix(session('bob'), { planId: scale.id });
    expect(b.verification.message).toMatch(/^Halt: no effect; not undone: left in place for a person to undo: step 1 \(scale inventory\): the previous replica count was not recorded\. /);
    expect(b.rollback).toBeNull();
    expect(ran.length).toBe(ranBefore);
  });

  it('counts a service back to its level before the incident as healed, though that level spends more than its budget', async () => {
    const t0 = nowMs;
    // the incident began 5 min before the fix; before it, shipping ran at 8% errors, more than the 5%
    // budget of the default objective (no SLO in a topology), so "within the SLO" alone never comes
    const plan = await executedPlan('shipping', [{ action: 'undo rollback', target: 'shipping', command: 'kubectl rollout undo deployment/shipping -n shop' }], iso(t0 - 300_000));
    await org.insertSignals([
      ...points('shipping', t0 - 600_000, t0 - 300_000, { rps: 40, err: 0.08, p95: 300 }),
      ...points('shipping', t0 - 300_000, t0, { rps: 40, err: 0.3, p95: 300 }),
      ...points('shipping', t0 + 60_000, t0 + 360_000, { rps: 40, err: 0.08, p95: 300 }),
    ]);
    nowMs = t0 + 400_000;
    const { verification: v } = await verifyFix(session('bob'), { planId: plan.id });
    expect(v).toMatchObject({ decision: 'continue', basis: 'healed', healed: true, nextRoundAt: null });
    expect(v.message).toMatch(/within its SLO or back to its level before the incident/);
    expect((await org.getIncident(plan.incidentId))!.status).toBe('mitigated');
  });

  it('judges a fix that is improving again after another window: healed in round 2, the incident mitigated, every round kept', async () => {
    const t0 = nowMs;
    const plan = await executedPlan('shipping', [{ action: 'undo rollback', target: 'shipping', command: 'kubectl rollout undo deployment/shipping -n shop --to-revision=2' }]);
    await org.insertSignals([
      ...points('shipping', t0 - 300_000, t0, { rps: 40, err: 0.12, p95: 300 }),
      ...points('shipping', t0 + 60_000, t0 + 360_000, { rps: 40, err: 0.05, p95: 300 }),
      ...points('shipping', t0 + 360_000, t0 + 660_000, { rps: 40, err: 0.002, p95: 300 }),
    ]);
    nowMs = t0 + 400_000;
    published.length = 0;
    expect(ours(plan.id, await verifyDuePlans(opened.store, deps, publish))).toEqual([{ id: plan.id, orgId: 'o1', round: 1, decision: 'continue' }]);
    const first = (await org.getVerification(plan.id))!;
    expect(first).toMatchObject({ round: 1, basis: 'improving', healed: false, nextRoundAt: iso(t0 + 660_000) });
    expect(first.message).toMatch(/^Continue: improving, not healed yet\. .*still outside the SLO and above its level before the incident: shipping\. Judged again at .* \(round 1 of 3\)\.$/);
    expect(published.find((m) => m.subject === 'verify.run')?.payload).toMatchObject({ round: 1, basis: 'improving', final: false, nextRoundAt: iso(t0 + 660_000) });
    expect((await org.getIncident(plan.incidentId))!.status).toBe('open');

    // not due yet: neither the sweep nor a direct call runs round 2
    nowMs = t0 + 600_000;
    expect(ours(plan.id, await verifyDuePlans(opened.store, deps, publish))).toEqual([]);
    expect(await verifyFix(session('bob'), { planId: plan.id })).toMatchObject({ created: false, verification: { round: 1 } });

    nowMs = t0 + 661_000;
    expect(ours(plan.id, await verifyDuePlans(opened.store, deps, publish))).toEqual([{ id: plan.id, orgId: 'o1', round: 2, decision: 'continue' }]);
    const second = (await org.getVerification(plan.id))!;
    // the same pre window; the post window is the new one alone
    expect(second).toMatchObject({ round: 2, basis: 'healed', healed: true, nextRoundAt: null, windows: { pre: first.windows.pre, post: { from: iso(t0 + 360_000), to: iso(t0 + 660_000) } } });
    expect(second.message).toMatch(/^Continue: the fix healed shipping\. .* Round 2 of 3\.$/);
    expect((await org.getIncident(plan.incidentId))!.status).toBe('mitigated');
    expect((await org.listVerifications(plan.id)).map((v) => [v.round, v.basis])).toEqual([[1, 'improving'], [2, 'healed']]);
    expect((await org.listAuditFor(`plan:${plan.id}`)).filter((e) => e.action === 'verify.decided').map((e) => e.payload.round)).toEqual([1, 2]);
    nowMs = t0 + 2_000_000;
    expect(ours(plan.id, await verifyDuePlans(opened.store, deps, publish))).toEqual([]);
  });

  it('stops after the last round: too few samples keeps the fix and gathers more each round; still not healed waits for a person', async () => {
    const two: UseCaseDeps = { ...deps, verify: { windowMs: 300_000, settleMs: 60_000, rounds: 2 } };
    const t0 = nowMs;
    const quiet = await executedPlan('reviews', [{ action: 'undo rollback', target: 'reviews', command: 'kubectl rollout undo deployment/reviews -n shop' }]);
    const slow = await executedPlan('ads', [{ action: 'undo rollback', target: 'ads', command: 'kubectl rollout undo deployment/ads -n shop' }]);
    await org.insertSignals([
      ...points('ads', t0 - 300_000, t0, { rps: 40, err: 0.12, p95: 300 }),
      ...points('ads', t0 + 60_000, t0 + 660_000, { rps: 40, err: 0.05, p95: 300 }),
    ]);
    const ranBefore = ran.length;
    nowMs = t0 + 400_000;
    await verifyDuePlans(opened.store, two, publish);
    nowMs = t0 + 661_000;
    published.length = 0;
    const swept = await verifyDuePlans(opened.store, two, publish);
    expect([...ours(quiet.id, swept), ...ours(slow.id, swept)]).toEqual([
      { id: quiet.id, orgId: 'o1', round: 2, decision: 'halt' },
      { id: slow.id, orgId: 'o1', round: 2, decision: 'continue' },
    ]);
    const q = await org.listVerifications(quiet.id);
    expect(q.map((v) => [v.round, v.basis, v.nextRoundAt])).toEqual([[1, 'too_few_samples', iso(t0 + 660_000)], [2, 'too_few_samples', null]]);
    // too few samples: the post window grows to gather more
    expect(q[1].windows.post).toEqual({ from: q[0].windows.post.from, to: iso(t0 + 660_000) });
    expect(q[1].message).toMatch(/Still too few samples after round 2 of 2: the fix stays in place, unjudged, and the incident waits for a person\.$/);
    const sl = (await org.getVerification(slow.id))!;
    expect(sl).toMatchObject({ round: 2, basis: 'improving', nextRoundAt: null });
    expect(sl.message).toMatch(/Still not healed after round 2 of 2: the fix stays in place \(it improved things\) and the incident waits for a person\.$/);
    expect(published.filter((m) => m.subject === 'verify.run').map((m) => m.payload)).toEqual(expect.arrayContaining([expect.objectContaining({ planId: slow.id, final: true, nextRoundAt: null })]));
    expect(ran.length).toBe(ranBefore); // nothing undone: unknown, or improving
    expect((await org.getIncident(slow.incidentId))!.status).toBe('open');
    nowMs = t0 + 5_000_000;
    const later = await verifyDuePlans(opened.store, two, publish);
    expect([...ours(quiet.id, later), ...ours(slow.id, later)]).toEqual([]);
  });
});
