/** The `FixPlanStore` port: plans moved by compare-and-set, their heartbeat, approvals, commands, preflights and verifications (and `Store.orphanedFixPlans`, `Store.unverifiedFixPlans`). */
import { beforeAll, describe, expect, it } from 'vitest';
import type { AdminStore, OrgStore, Store } from '../../core/ports/index.js';
import type { FixPlan } from '../../core/schemas.js';
import { checkCommandSignature } from '../../core/signing.js';
import type { Db } from '../sql.js';
import { verifyCommandSignatures } from '../../usecases/audit-signatures.js';
import { TEST_AUDIT_KEY, failure, incident, planOf, type StoreOpener, twoOrgs, uid } from './fixtures.js';

export function fixPlanStoreContract(name: string, open: StoreOpener): void {
  describe(`FixPlanStore contract: ${name}`, () => {
    let store: Store;
    let admin: AdminStore;
    let db: Db;
    const orgA = uid('orga');
    const orgB = uid('orgb');
    let A: OrgStore;
    let B: OrgStore;

    beforeAll(async () => {
      ({ store, admin, db } = await open());
      ({ A, B } = await twoOrgs(store, orgA, orgB));
    });

    describe('fix plans', () => {
      it("lists an incident's plans, newest first, and never another org's", async () => {
        const inc = await incident(A);
        const first = await A.createFixPlan(planOf(inc.id));
        const second = await A.createFixPlan(planOf(inc.id));
        await A.createFixPlan(planOf((await incident(A)).id));
        const listed = await A.listFixPlans(inc.id);
        expect(listed.map((p) => p.id).sort()).toEqual([first.id, second.id].sort());
        expect(Date.parse(listed[0].createdAt)).toBeGreaterThanOrEqual(Date.parse(listed[1].createdAt));
        expect(await B.listFixPlans(inc.id)).toEqual([]);
        expect(await A.listFixPlans(uid('inc'))).toEqual([]);
      });

      it('transitions by compare-and-set', async () => {
        const inc = await incident(A);
        const p = await A.createFixPlan(planOf(inc.id));
        expect(p).toMatchObject({ status: 'pending_approval', orgId: orgA, steps: planOf(inc.id).steps });
        expect(await A.transitionFixPlan(p.id, ['approved'], 'executing')).toBeNull();
        const approved = await A.transitionFixPlan(p.id, ['pending_approval'], 'approved');
        expect(approved).toMatchObject({ id: p.id, status: 'approved' });
        expect(Date.parse(approved!.updatedAt)).toBeGreaterThanOrEqual(Date.parse(p.updatedAt));
        expect(await A.transitionFixPlan(p.id, ['pending_approval'], 'approved')).toBeNull();
        // Racing executors: exactly one wins.
        const race = await Promise.all([1, 2, 3, 4].map(() => A.transitionFixPlan(p.id, ['approved'], 'executing')));
        expect(race.filter((r) => r !== null)).toHaveLength(1);
        expect((await A.getFixPlan(p.id))!.status).toBe('executing');
        expect(await A.transitionFixPlan(uid('plan'), ['approved'], 'executing')).toBeNull();
      });

      it('renews an executing plan\'s heartbeat, lists the plans whose heartbeat went stale across orgs, and fails them only while still stale', async () => {
        const claim = async (S: typeof A, incidentId: string) => {
          const p = await S.createFixPlan(planOf(incidentId));
          await S.transitionFixPlan(p.id, ['pending_approval'], 'approved');
          return (await S.transitionFixPlan(p.id, ['approved'], 'executing'))!;
        };
        const a = await claim(A, (await incident(A)).id);
        const b = await claim(B, (await incident(B)).id);
        const pending = await A.createFixPlan(planOf((await incident(A)).id));
        expect(await A.heartbeatFixPlan(pending.id)).toBe(false); // not executing
        expect(await B.heartbeatFixPlan(a.id)).toBe(false); // another org's plan
        expect(await A.heartbeatFixPlan(a.id)).toBe(true);
        // the processes running them died an hour ago
        await admin.exec(`UPDATE fix_plans SET updated_at = updated_at - interval '1 hour' WHERE id IN ($1, $2, $3)`, [a.id, b.id, pending.id]);
        const ours = async (staleMs: number) => (await store.orphanedFixPlans(staleMs)).filter((o) => [a.id, b.id, pending.id].includes(o.id));
        expect((await ours(30 * 60_000)).map((o) => [o.id, o.orgId]).sort()).toEqual([[a.id, orgA], [b.id, orgB]].sort());
        expect(await ours(2 * 3600_000)).toEqual([]);
        // a heartbeat renewed since takes the plan off the list, and the guarded transition leaves it alone
        expect(await A.heartbeatFixPlan(a.id)).toBe(true);
        expect((await ours(30 * 60_000)).map((o) => o.id)).toEqual([b.id]);
        expect(await A.transitionFixPlan(a.id, ['executing'], 'failed', 30 * 60_000)).toBeNull();
        expect(await B.transitionFixPlan(b.id, ['executing'], 'failed', 30 * 60_000)).toMatchObject({ id: b.id, status: 'failed' });
        expect(await B.heartbeatFixPlan(b.id)).toBe(false);
        expect(await ours(30 * 60_000)).toEqual([]);
      });

      it('records approvals and commands', async () => {
        const inc = await incident(A);
        const p = await A.createFixPlan(planOf(inc.id));
        const ap = await A.addApproval({ id: uid('ap'), planId: p.id, approver: 'bob', decision: 'approve', reason: null });
        expect(ap).toMatchObject({ planId: p.id, approver: 'bob', decision: 'approve', reason: null, orgId: orgA });
        expect(await A.listApprovals(p.id)).toEqual([ap]);
        expect(await B.listApprovals(p.id)).toEqual([]);
        const cmd = await A.addCommand({
          id: uid('cmd'),
          planId: p.id,
          step: 0,
          runner: 'dryrun',
          command: 'kubectl rollout undo deploy/checkout',
          output: 'would roll back',
          exitCode: 0,
          status: 'succeeded',
          startedAt: '2024-05-01T10:05:00.000Z',
          finishedAt: '2024-05-01T10:05:01.250Z',
        });
        expect(await A.listCommands(p.id)).toEqual([cmd]);
        expect(cmd.finishedAt).toBe('2024-05-01T10:05:01.250Z');
        expect((await failure(() => A.addApproval({ id: uid('ap'), planId: uid('missing'), approver: 'x', decision: 'approve', reason: null }))).code).toBe(
          'invalid_input',
        );
      });

      it('signs each command over what it stores; nobody can change or delete one, and tampering shows', async () => {
        // the contract's stores are opened with commandSigning (store/pglite.test.ts, store/postgres.int.test.ts)
        const key = A.commandSigningKey();
        expect(key).toMatchObject({ algorithm: 'ed25519', publicKeyPem: expect.stringContaining('BEGIN PUBLIC KEY') });
        expect(await admin.signingKey()).toEqual({ ...key, mac: expect.stringMatching(/^[0-9a-f]{64}$/) });
        const inc = await incident(A);
        const p = await A.createFixPlan(planOf(inc.id));
        // a time the database rewrites (no milliseconds, an offset) and an output with a NUL it cannot hold
        const cmd = await A.addCommand({
          id: uid('cmd'),
          planId: p.id,
          step: 0,
          runner: 'sandbox',
          command: 'kubectl -n shop scale deployment/cart --replicas=4',
          output: 'scaled\u0000',
          exitCode: 0,
          status: 'succeeded',
          startedAt: '2024-05-01T12:05:00+02:00',
          finishedAt: '2024-05-01T10:05:01.250Z',
        });
        expect(cmd.signature).toMatchObject({ keyId: key!.keyId, sig: expect.stringMatching(/^[0-9a-f]{128}$/) });
        const [stored] = await A.listCommands(p.id);
        expect(stored).toEqual(cmd);
        expect(stored.startedAt).toBe('2024-05-01T10:05:00.000Z');
        expect(checkCommandSignature(stored, stored.signature ?? null, { keyId: key!.keyId, publicKey: key!.publicKeyPem })).toBeNull();
        expect((await admin.commands(orgA)).map((c) => c.id)).toContain(cmd.id);
        expect(await admin.commands(orgB)).not.toContainEqual(expect.objectContaining({ id: cmd.id }));

        const where = [orgA, cmd.id];
        expect((await failure(() => db.tenant(orgA, (s) => s.query("UPDATE commands SET output = 'x' WHERE org_id = $1 AND id = $2", where)))).code).toBe('42501');
        expect((await failure(() => db.tenant(orgA, (s) => s.query('DELETE FROM commands WHERE org_id = $1 AND id = $2', where)))).code).toBe('42501');
        expect((await failure(() => admin.exec("UPDATE commands SET output = 'x' WHERE org_id = $1 AND id = $2", where))).message).toMatch(/immutable/);
        expect((await failure(() => admin.exec('DELETE FROM commands WHERE org_id = $1 AND id = $2', where))).message).toMatch(/immutable/);
        expect(await verifyCommandSignatures(admin, [orgA], { auditKey: TEST_AUDIT_KEY })).toMatchObject({ keyProblem: null, orgs: [{ orgId: orgA, problems: [] }] });

        // an owner who disables the trigger can edit the row, not its signature
        await admin.exec('ALTER TABLE commands DISABLE TRIGGER commands_immutable');
        try {
          await admin.exec("UPDATE commands SET exit_code = 0, status = 'succeeded', output = 'all good' WHERE org_id = $1 AND id = $2", where);
        } finally {
          await admin.exec('ALTER TABLE commands ENABLE TRIGGER commands_immutable');
        }
        const report = await verifyCommandSignatures(admin, [orgA]);
        expect(report.key?.keyId).toBe(key!.keyId);
        expect(report.orgs[0].problems).toEqual([{ id: cmd.id, planId: p.id, problem: 'bad_signature', detail: expect.any(String) }]);
      });

      it('keeps preflight runs with the plan, the latest first, never another org\'s', async () => {
        const inc = await incident(A);
        const p = await A.createFixPlan(planOf(inc.id));
        expect(await A.latestPreflight(p.id)).toBeNull();
        const gates = [{ name: 'policy' as const, passed: false, reason: 'denied', details: { determining: ['forbid-x'] } }];
        const first = await A.addPreflight({ id: uid('pf'), planId: p.id, passed: false, gates, ms: 12, runBy: 'user:bob' });
        expect(first).toMatchObject({ planId: p.id, passed: false, gates, ms: 12, runBy: 'user:bob', orgId: orgA });
        const second = await A.addPreflight({ id: uid('pf'), planId: p.id, passed: true, gates: [], ms: 3, runBy: 'user:bob' });
        expect(await A.latestPreflight(p.id)).toEqual(second);
        expect(Date.parse(second.createdAt)).toBeGreaterThanOrEqual(Date.parse(p.createdAt));
        expect(await B.latestPreflight(p.id)).toBeNull();
        expect((await failure(() => B.addPreflight({ id: uid('pf'), planId: p.id, passed: true, gates: [], ms: 1, runBy: 'user:x' }))).code).toBe('invalid_input');
      });

      it("keeps one verification per plan, never another org's, and lists executed plans awaiting one across orgs", async () => {
        const executed = async (S: OrgStore, finishedAt: string) => {
          const p = await S.createFixPlan(planOf((await incident(S)).id));
          await S.transitionFixPlan(p.id, ['pending_approval'], 'approved');
          await S.transitionFixPlan(p.id, ['approved'], 'executing');
          await S.addCommand({ id: uid('cmd'), planId: p.id, step: 0, runner: 'kube', command: 'kubectl rollout undo deployment/x -n shop', output: 'ok', exitCode: 0, status: 'succeeded', startedAt: finishedAt, finishedAt });
          return (await S.transitionFixPlan(p.id, ['executing'], 'executed'))!;
        };
        const a = await executed(A, '2020-01-01T10:00:00.000Z');
        const b = await executed(B, '2020-01-01T10:03:00.000Z');
        const late = await executed(A, '2020-01-01T11:00:00.000Z');
        const ours = async (before: string) => (await store.unverifiedFixPlans(before)).filter((o) => [a.id, b.id, late.id].includes(o.id));
        expect(await ours('2020-01-01T10:05:00Z')).toEqual([
          { id: a.id, orgId: orgA, executedAt: '2020-01-01T10:00:00.000Z' },
          { id: b.id, orgId: orgB, executedAt: '2020-01-01T10:03:00.000Z' },
        ]);
        expect(await A.getVerification(a.id)).toBeNull();
        const v = {
          id: uid('ver'),
          planId: a.id,
          incidentId: a.incidentId,
          decision: 'rollback' as const,
          healed: false,
          message: 'Rollback: worse.',
          checks: [{ signal: 'error_rate' as const, service: 'checkout', pre: 0.01, post: 0.2, test: 'z', p: 0.0001, verdict: 'worse' as const, reason: 'rose' }],
          services: ['checkout'],
          windows: { pre: { from: '2020-01-01T09:55:00.000Z', to: '2020-01-01T10:00:00.000Z' }, post: { from: '2020-01-01T10:01:00.000Z', to: '2020-01-01T10:06:00.000Z' } },
          ms: 0.25,
          runBy: 'system:verify',
        };
        const stored = await A.addVerification(v);
        // given no round: round 1, final, no basis
        expect(stored).toMatchObject({ ...v, orgId: orgA, round: 1, basis: null, nextRoundAt: null });
        expect(await A.getVerification(a.id)).toEqual(stored);
        expect(await B.getVerification(a.id)).toBeNull();
        // one per plan and round: a second run (another process) gets a conflict
        expect((await failure(() => A.addVerification({ ...v, id: uid('ver'), decision: 'halt' }))).code).toBe('conflict');
        expect((await failure(() => B.addVerification({ ...v, id: uid('ver') }))).code).toBe('invalid_input');
        expect((await ours('2020-01-01T12:00:00Z')).map((o) => o.id)).toEqual([b.id, late.id]);
      });

      it('keeps each verification round of a plan, the latest as its verification, and lists the rounds due across orgs', async () => {
        const executed = async (S: OrgStore) => {
          const p = await S.createFixPlan(planOf((await incident(S)).id));
          await S.transitionFixPlan(p.id, ['pending_approval'], 'approved');
          await S.transitionFixPlan(p.id, ['approved'], 'executing');
          return (await S.transitionFixPlan(p.id, ['executing'], 'executed'))!;
        };
        const a = await executed(A);
        const b = await executed(B);
        const span = { from: '2020-02-01T10:01:00.000Z', to: '2020-02-01T10:06:00.000Z' };
        const round = (p: FixPlan, r: number, nextRoundAt: string | null) => ({
          id: uid('ver'),
          planId: p.id,
          incidentId: p.incidentId,
          round: r,
          decision: 'continue' as const,
          basis: nextRoundAt ? ('improving' as const) : ('healed' as const),
          nextRoundAt,
          healed: !nextRoundAt,
          message: `round ${r}`,
          checks: [],
          services: ['checkout'],
          windows: { pre: span, post: span },
          ms: 1,
          runBy: 'system:verify',
        });
        const due = async (now: string) => (await store.verificationsDue(now)).filter((d) => [a.id, b.id].includes(d.planId));
        const a1 = await A.addVerification(round(a, 1, '2020-02-01T10:11:00+00:00'));
        expect(a1).toMatchObject({ round: 1, basis: 'improving', nextRoundAt: '2020-02-01T10:11:00.000Z' });
        await B.addVerification(round(b, 1, '2020-02-01T10:20:00.000Z'));
        expect(await due('2020-02-01T10:10:59Z')).toEqual([]);
        expect(await due('2020-02-01T10:30:00Z')).toEqual([
          { planId: a.id, orgId: orgA, round: 1, dueAt: '2020-02-01T10:11:00.000Z' },
          { planId: b.id, orgId: orgB, round: 1, dueAt: '2020-02-01T10:20:00.000Z' },
        ]);
        // the next round: the latest is the plan's verification, and no longer due
        expect((await failure(() => A.addVerification({ ...round(a, 1, null), id: uid('ver') }))).code).toBe('conflict');
        const a2 = await A.addVerification(round(a, 2, null));
        expect(await A.getVerification(a.id)).toEqual(a2);
        expect(await A.listVerifications(a.id)).toEqual([a1, a2]);
        expect(await B.listVerifications(a.id)).toEqual([]);
        expect((await due('2020-02-01T10:30:00Z')).map((d) => d.planId)).toEqual([b.id]);
      });
    });
  });
}
