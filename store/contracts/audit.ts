/** The `AuditStore` port: the per-org hash chain, append-only, with tampering detected (`AdminStore`, `verifyAudit`). */
import { beforeAll, describe, expect, it } from 'vitest';
import { type AuditCheckpoint, auditDigest, auditSignature, checkpointValid, signCheckpoint, verifyChain } from '../../core/audit-chain.js';
import type { AdminStore, AuditAnchor, OrgStore, Store } from '../../core/ports/index.js';
import type { Db } from '../sql.js';
import { verifyAudit } from '../verify.js';
import { failure, type StoreOpener, TEST_AUDIT_KEY, uid } from './fixtures.js';

export function auditStoreContract(name: string, open: StoreOpener): void {
  describe(`AuditStore contract: ${name}`, () => {
    let store: Store;
    let admin: AdminStore;
    let db: Db;

    beforeAll(async () => {
      ({ store, admin, db } = await open());
    });

    describe('audit chain', () => {
      /** A fresh org with n entries. */
      async function chain(n: number): Promise<{ org: string; o: OrgStore }> {
        const org = uid('orgaud');
        await store.createOrg({ id: org, name: 'audit' });
        const o = store.forOrg(org);
        for (let i = 1; i <= n; i++) {
          await o.appendAudit({ actor: 'alice', action: `act.${i}`, target: `t${i}`, payload: { i, tags: ['a', 'b'], nested: { z: 1, a: 2 } } });
        }
        return { org, o };
      }
      const problemsOf = async (org: string) => verifyChain(await admin.auditEntries(org), await admin.auditHead(org), { key: TEST_AUDIT_KEY });

      it('appends entries that verify, and read back identically', async () => {
        const org = uid('orgaud');
        await store.createOrg({ id: org, name: 'audit' });
        const o = store.forOrg(org);
        const written = [
          await o.appendAudit({ actor: 'alice', action: 'plan.create', target: 'p1', payload: { b: 1, a: { y: [1, 2.5, 'x'], x: null } } }),
          await o.appendAudit({ actor: 'bob', action: 'plan.approve', target: 'p1', payload: {}, ts: '2024-05-01T12:00:00.123456+02:00' }),
          await o.appendAudit({ actor: 'sys', action: 'odd', target: 't', payload: { big: 1e21, small: 5e-324, neg: -0.1, s: 'ünï \u2028 "q"', undef: undefined, d: 'x\u0000y' } }),
          await o.appendAudit({ actor: 'sys', action: 'many', target: 't', payload: { list: Array.from({ length: 50 }, (_, i) => ({ i })) } }),
        ];
        expect(written.map((e) => e.seq)).toEqual([1, 2, 3, 4]);
        expect(written[1].ts).toBe('2024-05-01T10:00:00.123Z');
        expect(written[1].prevHash).toBe(written[0].hash);
        const read = await admin.auditEntries(org);
        expect(read).toEqual(written);
        expect(await o.listAudit()).toEqual(written);
        expect(await o.listAudit({ afterSeq: 2, limit: 1 })).toEqual([written[2]]);
        // by target, oldest first, bounded; another org's entries with the same target never show
        expect(await o.listAuditFor('p1')).toEqual([written[0], written[1]]);
        expect(await o.listAuditFor('t', { limit: 1 })).toEqual([written[2]]);
        expect(await o.listAuditFor('nothing')).toEqual([]);
        const other = store.forOrg(uid('orgaud'));
        await store.createOrg({ id: other.orgId, name: 'other' });
        await other.appendAudit({ actor: 'eve', action: 'x', target: 'p1', payload: {} });
        expect(await o.listAuditFor('p1')).toEqual([written[0], written[1]]);
        expect(await o.auditHead()).toEqual({ seq: 4, hash: written[3].hash });
        expect(verifyChain(read, await admin.auditHead(org))).toEqual([]);
        const report = (await verifyAudit(admin)).find((r) => r.orgId === org);
        expect(report).toEqual({
          orgId: org,
          entries: 4,
          head: { seq: 4, hash: written[3].hash },
          checkpoint: null,
          summary: { keyed: 4, unchecked: 4, unkeyed: 0, sinceCheckpoint: null },
          problems: [],
        });
        expect(written.every((e) => /^[0-9a-f]{64}$/.test(e.digest ?? '') && /^[0-9a-f]{64}$/.test(e.sig ?? ''))).toBe(true);
        // With the key every signature is checked.
        expect((await verifyAudit(admin, [org], { key: TEST_AUDIT_KEY }))[0]).toMatchObject({ summary: { keyed: 4, unchecked: 0 }, problems: [] });
      });

      it('serialises concurrent appends of one org into one chain', async () => {
        const { org, o } = await chain(0);
        const out = await Promise.all(Array.from({ length: 12 }, (_, i) => o.appendAudit({ actor: 'x', action: 'race', target: String(i), payload: { i } })));
        expect(out.map((e) => e.seq).sort((x, y) => x - y)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
        expect(await problemsOf(org)).toEqual([]);
      });

      it('an append inside a rolled-back transaction leaves no trace', async () => {
        const { org, o } = await chain(2);
        await failure(() =>
          o.transaction(async (tx) => {
            await tx.appendAudit({ actor: 'x', action: 'doomed', target: 't', payload: {} });
            throw new Error('boom');
          }),
        );
        expect((await o.auditHead())!.seq).toBe(2);
        expect(await problemsOf(org)).toEqual([]);
      });

      it('the application role cannot UPDATE or DELETE audit rows; the owner is stopped by the trigger', async () => {
        const { org } = await chain(2);
        const up = await failure(() => db.tenant(org, (s) => s.query("UPDATE audit_log SET actor = 'mallory' WHERE org_id = $1", [org])));
        expect(up.code).toBe('42501');
        const del = await failure(() => db.tenant(org, (s) => s.query('DELETE FROM audit_log WHERE org_id = $1', [org])));
        expect(del.code).toBe('42501');
        const owner = await failure(() => admin.exec("UPDATE audit_log SET actor = 'mallory' WHERE org_id = $1", [org]));
        expect(owner.message).toMatch(/append-only/);
        const ownerDel = await failure(() => admin.exec('DELETE FROM audit_log WHERE org_id = $1', [org]));
        expect(ownerDel.message).toMatch(/append-only/);
        expect(await problemsOf(org)).toEqual([]);
      });

      describe('tampering by the owner (trigger disabled) is detected', () => {
        /** Runs DML against audit_log with the append-only trigger off. */
        async function tamper(sql: string, params: unknown[]) {
          await admin.exec('ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only');
          try {
            await admin.exec(sql, params);
          } finally {
            await admin.exec('ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only');
          }
        }

        it('an edited payload', async () => {
          const { org } = await chain(5);
          await tamper(`UPDATE audit_log SET payload = jsonb_set(payload, '{i}', '99') WHERE org_id = $1 AND seq = 3`, [org]);
          const problems = await problemsOf(org);
          expect(problems).toContainEqual(expect.objectContaining({ seq: 3, problem: 'edited' }));
          expect((await verifyAudit(admin, [org]))[0].problems).toEqual(problems);
        });

        it('a deleted middle row', async () => {
          const { org } = await chain(5);
          await tamper('DELETE FROM audit_log WHERE org_id = $1 AND seq = 3', [org]);
          const problems = await problemsOf(org);
          expect(problems).toContainEqual(expect.objectContaining({ seq: 4, problem: 'deleted_before' }));
          expect(problems).toContainEqual(expect.objectContaining({ seq: 4, problem: 'bad_link' }));
        });

        it('a deleted last row', async () => {
          const { org } = await chain(5);
          await tamper('DELETE FROM audit_log WHERE org_id = $1 AND seq = 5', [org]);
          expect(await problemsOf(org)).toEqual([expect.objectContaining({ problem: 'deleted_tail' })]);
        });

        it('a forged row (bogus hash, or a well-formed one appended behind the head)', async () => {
          const { org, o } = await chain(3);
          const [last] = await o.listAudit({ afterSeq: 2 });
          await tamper(
            `INSERT INTO audit_log (org_id, seq, ts, actor, action, target, payload, prev_hash, hash)
             VALUES ($1, 4, now(), 'mallory', 'grant', 'root', '{}', $2, $3)`,
            [org, last.hash, 'f'.repeat(64)],
          );
          const problems = await problemsOf(org);
          expect(problems).toContainEqual(expect.objectContaining({ seq: 4, problem: 'edited' }));
          expect(problems).toContainEqual(expect.objectContaining({ problem: 'deleted_tail' })); // head no longer matches the chain end

          // A forger who recomputes the hash still cannot move the head.
          const { org: org2, o: o2 } = await chain(3);
          const [tail] = await o2.listAudit({ afterSeq: 2 });
          const { auditHash } = await import('../../core/audit-chain.js');
          const forged = { orgId: org2, seq: 4, ts: new Date().toISOString(), actor: 'mallory', action: 'grant', target: 'root', payload: {}, prevHash: tail.hash };
          await tamper(
            `INSERT INTO audit_log (org_id, seq, ts, actor, action, target, payload, prev_hash, hash)
             VALUES ($1, 4, $2, 'mallory', 'grant', 'root', '{}', $3, $4)`,
            [org2, forged.ts, tail.hash, auditHash(forged)],
          );
          // a row in the pre-signing format after signed ones: unsigned, and the head disagrees
        expect(await problemsOf(org2)).toEqual([expect.objectContaining({ seq: 4, problem: 'unsigned' }), expect.objectContaining({ problem: 'deleted_tail' })]);
        });

        it('the newest rows deleted and the head moved back: caught by the checkpoint', async () => {
          const { org, o } = await chain(5);
          const anchor = memoryAnchor();
          await anchor.record(signCheckpoint({ orgId: org, ...(await o.auditHead())!, at: '2026-12-07T00:00:00.000Z' }, TEST_AUDIT_KEY));
          await tamper('DELETE FROM audit_log WHERE org_id = $1 AND seq > 3', [org]);
          const [third] = await admin.auditEntries(org).then((es) => es.filter((e) => e.seq === 3));
          await admin.exec('UPDATE audit_heads SET seq = 3, hash = $2 WHERE org_id = $1', [org, third.hash]);
          // the chain and its head agree: only the checkpoint sees it
          expect(await problemsOf(org)).toEqual([]);
          const [report] = await verifyAudit(admin, [org], { key: TEST_AUDIT_KEY, anchor });
          expect(report.problems).toEqual([expect.objectContaining({ seq: 5, problem: 'rewound' })]);
        });

        it('a tail rewritten past the checkpoint (rows deleted, others appended in their place)', async () => {
          const { org, o } = await chain(4);
          const anchor = memoryAnchor();
          await anchor.record(signCheckpoint({ orgId: org, ...(await o.auditHead())!, at: '2026-12-07T00:00:00.000Z' }, TEST_AUDIT_KEY));
          await tamper('DELETE FROM audit_log WHERE org_id = $1 AND seq = 4', [org]);
          const [third] = (await admin.auditEntries(org)).filter((e) => e.seq === 3);
          await admin.exec('UPDATE audit_heads SET seq = 3, hash = $2 WHERE org_id = $1', [org, third.hash]);
          await o.appendAudit({ actor: 'mallory', action: 'other', target: 't', payload: {} }); // seq 4 again, validly signed
          const [report] = await verifyAudit(admin, [org], { key: TEST_AUDIT_KEY, anchor });
          expect(report.problems).toEqual([expect.objectContaining({ seq: 4, problem: 'rewritten' })]);
        });

        it('an altered checkpoint is itself reported', async () => {
          const { org, o } = await chain(2);
          const anchor = memoryAnchor();
          const cp = signCheckpoint({ orgId: org, ...(await o.auditHead())!, at: '2026-12-07T00:00:00.000Z' }, TEST_AUDIT_KEY);
          await anchor.record({ ...cp, seq: 1 });
          const [report] = await verifyAudit(admin, [org], { key: TEST_AUDIT_KEY, anchor });
          expect(report.problems).toEqual([expect.objectContaining({ problem: 'rewritten', detail: expect.stringMatching(/do not verify/) })]);
        });
      });

      describe('the application role (its credentials, not the audit key)', () => {
        it('cannot insert rows or move the head directly', async () => {
          const { org } = await chain(2);
          const ins = await failure(() =>
            db.tenant(org, (s) =>
              s.query(`INSERT INTO audit_log (org_id, seq, ts, actor, action, target, payload, prev_hash, hash) VALUES ($1, 3, now(), 'mallory', 'x', 't', '{}', $2, $2)`, [org, 'f'.repeat(64)]),
            ),
          );
          expect(ins.code).toBe('42501');
          const head = await failure(() => db.tenant(org, (s) => s.query('UPDATE audit_heads SET seq = 1 WHERE org_id = $1', [org])));
          expect(head.code).toBe('42501');
          expect(await problemsOf(org)).toEqual([]);
        });

        it('cannot append to another org through the function', async () => {
          const { org } = await chain(1);
          const { org: other } = await chain(1);
          const e = await failure(() => db.tenant(org, (s) => s.query('SELECT warroom_audit_append($1, 2, $2, now(), $3, $4, $5, $6::jsonb, $7, NULL)', [other, 'x', 'mallory', 'x', 't', '{}', '0'.repeat(64)])));
          expect(e.code).toBe('42501');
          expect((await admin.auditEntries(other)).length).toBe(1);
        });

        it('a forged append through the function (a fix.approved by an admin) does not verify', async () => {
          const { org, o } = await chain(3);
          const head = (await o.auditHead())!;
          const forged = { orgId: org, seq: 4, ts: new Date().toISOString(), actor: 'user:admin', action: 'fix.approved', target: 'plan:p1', payload: {}, prevHash: head.hash };
          // Without the key the forger can only sign with a key of their own (or none).
          const otherKey = Buffer.alloc(32, 9);
          for (const sig of [auditSignature(forged, otherKey), null]) {
            await db.tenant(org, (s) =>
              s.query('SELECT warroom_audit_append($1, $2, $3, $4::timestamptz, $5, $6, $7, $8::jsonb, $9, $10)', [org, forged.seq, forged.prevHash, forged.ts, forged.actor, forged.action, forged.target, '{}', auditDigest(forged), sig]),
            );
            const problems = await problemsOf(org);
            expect(problems).toContainEqual(expect.objectContaining({ seq: forged.seq, problem: sig ? 'edited' : 'unsigned' }));
            // the chain hash itself is the database's: links and head agree, only the signature tells
            expect(problems.some((p) => p.problem === 'bad_link' || p.problem === 'deleted_tail')).toBe(false);
            forged.seq += 1;
            forged.prevHash = (await o.auditHead())!.hash;
          }
        });

        it('refuses a malformed digest or an append that does not follow the head', async () => {
          const { org, o } = await chain(2);
          const head = (await o.auditHead())!;
          const call = (seq: number, prev: string, digest: string) =>
            failure(() => db.tenant(org, (s) => s.query('SELECT warroom_audit_append($1, $2, $3, now(), $4, $5, $6, $7::jsonb, $8, NULL)', [org, seq, prev, 'm', 'x', 't', '{}', digest])));
          const good = 'a'.repeat(64);
          expect((await call(3, head.hash, 'not-a-digest')).code).toBe('23514');
          expect((await call(2, head.hash, good)).code).toBe('40001');
          expect((await call(3, 'f'.repeat(64), good)).code).toBe('40001');
          expect((await o.auditHead())!.seq).toBe(2);
        });
      });
    });
  });
}

/** Checkpoints in memory: the file anchor's contract is app/audit-anchor.test.ts. */
function memoryAnchor(): AuditAnchor {
  const all: AuditCheckpoint[] = [];
  return {
    record: async (c) => void all.push(c),
    latest: async (orgId, key) => {
      const mine = all.filter((c) => c.orgId === orgId);
      const valid = mine.filter((c) => checkpointValid(c, key));
      return { checkpoint: valid.sort((a, b) => b.seq - a.seq)[0] ?? null, invalid: mine.length - valid.length };
    },
  };
}
