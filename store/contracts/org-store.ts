/**
 * What spans the small ports of `OrgStore`: row-level security over every tenant table (one org
 * never sees or writes another's rows, whichever port it goes through), idempotency and
 * transactions (effects of several ports commit together or not at all).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../core/errors.js';
import type { AdminStore, OrgStore, Store } from '../../core/ports/index.js';
import type { Db } from '../sql.js';
import { evidenceOf, failure, incident, planOf, signal, sleep, type StoreOpener, TENANT_TABLES, twoOrgs, uid } from './fixtures.js';

export function orgStoreContract(name: string, open: StoreOpener): void {
  describe(`OrgStore contract (across ports): ${name}`, () => {
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

    describe('cross-tenant isolation', () => {
      let ids: { incident: string; evidence: string; plan: string; signal: string };

      beforeAll(async () => {
        const inc = await incident(A);
        const [ev] = await A.addEvidence([evidenceOf(inc.id)]);
        const plan = await A.createFixPlan(planOf(inc.id));
        const sig = signal(orgA);
        await A.insertSignals([sig]);
        await A.appendAudit({ actor: 'alice', action: 'plan.create', target: plan.id, payload: {} });
        await A.putTopology({ nodes: [{ id: 'checkout', type: 'service', attributes: {} }], edges: [] });
        await A.enqueueOutbox({ id: uid('msg'), subject: 'rca.make', payload: { incidentId: inc.id } });
        ids = { incident: inc.id, evidence: ev.id, plan: plan.id, signal: sig.id };
      });

      it("org B cannot read, list or get org A's rows through the store", async () => {
        expect(await B.listSignals({})).toEqual([]);
        expect(await B.getIncident(ids.incident)).toBeNull();
        expect(await B.listIncidents({})).toEqual([]);
        expect(await B.findOpenIncident('checkout')).toBeNull();
        expect(await B.listEvidence(ids.incident)).toEqual([]);
        expect(await B.getFixPlan(ids.plan)).toBeNull();
        expect(await B.transitionFixPlan(ids.plan, ['pending_approval'], 'approved')).toBeNull();
        expect(await B.listAudit()).toEqual([]);
        expect(await B.auditHead()).toBeNull();
        expect(await B.getTopology()).toBeNull();
        // Org A still sees its own.
        expect((await A.listSignals({})).map((s) => s.id)).toContain(ids.signal);
        expect(await A.getIncident(ids.incident)).not.toBeNull();
        expect(await A.getFixPlan(ids.plan)).toMatchObject({ status: 'pending_approval' });
      });

      it('org B cannot attach rows to org A incidents', async () => {
        const e = await failure(() => B.addEvidence([evidenceOf(ids.incident)]));
        expect(e.code).toBe('invalid_input');
        const p = await failure(() => B.createFixPlan(planOf(ids.incident)));
        expect(p.code).toBe('invalid_input');
      });

      it('direct SQL as the application role: no org set sees nothing', async () => {
        const counts = await db.tenant(null, async (s) => {
          const out: Record<string, number> = {};
          for (const t of [...TENANT_TABLES, 'orgs']) out[t] = Number((await s.query(`SELECT count(*) AS n FROM ${t}`))[0].n);
          return out;
        });
        for (const [t, n] of Object.entries(counts)) expect({ t, n }).toEqual({ t, n: 0 });
      });

      it('direct SQL as the application role: org A sees only its rows', async () => {
        const rows = await db.tenant(orgA, async (s) => {
          const out: string[] = [];
          for (const t of TENANT_TABLES) {
            for (const r of await s.query(`SELECT DISTINCT org_id FROM ${t}`)) out.push(String(r.org_id));
          }
          out.push(...(await s.query('SELECT id AS org_id FROM orgs')).map((r) => String(r.org_id)));
          return out;
        });
        expect(rows.length).toBeGreaterThan(5);
        expect(new Set(rows)).toEqual(new Set([orgA]));
        // The owner sees both orgs' signals: the rows exist, they are just not visible.
        const owner = await admin.exec('SELECT id FROM orgs WHERE id = ANY ($1::text[])', [[orgA, orgB]]);
        expect(owner.rows).toHaveLength(2);
      });

      it('direct SQL as the application role: writing another org row fails with a row-level security error', async () => {
        const e = await failure(() =>
          db.tenant(orgA, (s) =>
            s.query(`INSERT INTO signals (org_id, id, source, kind, ts, key) VALUES ($1, 'x1', 'sql', 'event', now(), 'k')`, [orgB]),
          ),
        );
        expect(e.code).toBe('42501');
        expect(e.message).toMatch(/row-level security/);
        const u = await failure(() => db.tenant(orgA, (s) => s.query('INSERT INTO orgs (id, name) VALUES ($1, $2)', [uid('evil'), 'x'])));
        expect(u.message).toMatch(/row-level security/);
        // Moving a row to another org is refused too.
        const m = await failure(() => db.tenant(orgA, (s) => s.query('UPDATE incidents SET org_id = $1 WHERE id = $2', [orgB, ids.incident])));
        expect(m.message).toMatch(/row-level security|violates/);
        // And an UPDATE of another org's rows touches nothing.
        const n = await db.tenant(orgB, (s) => s.query("UPDATE fix_plans SET status = 'approved' WHERE id = $1 RETURNING id", [ids.plan]));
        expect(n).toHaveLength(0);
      });

      it('the application role is no superuser, cannot bypass RLS, owns nothing and has narrow grants', async () => {
        const [r] = await db.tenant(null, (s) =>
          s.query(
            `SELECT current_user AS who, r.rolsuper, r.rolbypassrls,
                    (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                      WHERE n.nspname = 'public' AND c.relowner = r.oid) AS owned,
                    has_table_privilege(current_user, 'audit_log', 'UPDATE') AS audit_update,
                    has_table_privilege(current_user, 'audit_log', 'DELETE') AS audit_delete,
                    has_table_privilege(current_user, 'schema_migrations', 'SELECT') AS migrations_select,
                    has_table_privilege(current_user, 'settings', 'SELECT') AS settings_select
             FROM pg_roles r WHERE r.rolname = current_user`,
          ),
        );
        expect(r).toEqual({
          who: db.appRole,
          rolsuper: false,
          rolbypassrls: false,
          owned: expect.anything(),
          audit_update: false,
          audit_delete: false,
          migrations_select: false,
          settings_select: false,
        });
        expect(Number(r.owned)).toBe(0);
        const tables = await admin.exec("SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = 'public'");
        expect(tables.rows.map((t) => t.tableowner)).not.toContain(db.appRole);
      });
    });

    describe('idempotency', () => {
      const req = (key: string, requestHash = 'h1') => ({ key, method: 'POST', path: '/v1/connectors', requestHash });

      it('replays the stored response for the same key and hash; the effects happen once', async () => {
        const key = uid('idem');
        let runs = 0;
        const handler = async (tx: OrgStore) => {
          runs++;
          const c = await tx.createConnector({ id: uid('con'), kind: 'webhook', name: key, config: {} });
          return { status: 201, body: { id: c.id, nested: { ok: true } } };
        };
        const first = await A.idempotent(req(key), handler);
        expect(first).toMatchObject({ status: 201, replayed: false });
        const second = await A.idempotent(req(key), handler);
        expect(second).toEqual({ ...first, replayed: true });
        expect(runs).toBe(1);
        expect((await A.listConnectors()).filter((c) => c.name === key)).toHaveLength(1);
        // Keys are per org.
        const other = await B.idempotent(req(key), async () => ({ status: 200, body: 'b' }));
        expect(other).toEqual({ status: 200, body: 'b', replayed: false });
      });

      it('reserves a key for a long run: others see it in progress, the final commit stores the reply, a released or stale one is taken over', async () => {
        const key = uid('idem');
        expect(await A.reserveIdempotencyKey(req(key), 60_000)).toEqual({ state: 'reserved' });
        expect(await A.reserveIdempotencyKey(req(key), 60_000)).toEqual({ state: 'in_progress' });
        expect(await B.reserveIdempotencyKey(req(key), 60_000)).toEqual({ state: 'reserved' }); // keys are per org
        expect((await failure(() => A.reserveIdempotencyKey(req(key, 'h2'), 60_000))).code).toBe('idempotency_mismatch');
        expect(await A.idempotent(req(key), async () => ({ status: 200, body: { done: 1 } }), { reserved: true })).toEqual({ status: 200, body: { done: 1 }, replayed: false });
        expect(await A.reserveIdempotencyKey(req(key), 60_000)).toEqual({ state: 'stored', response: { status: 200, body: { done: 1 } } });
        // a second final commit of the same reservation replays
        expect(await A.idempotent(req(key), async () => ({ status: 200, body: 'again' }), { reserved: true })).toMatchObject({ body: { done: 1 }, replayed: true });

        const released = uid('idem');
        await A.reserveIdempotencyKey(req(released), 60_000);
        await A.releaseIdempotencyKey(req(released));
        expect(await A.reserveIdempotencyKey(req(released), 60_000)).toEqual({ state: 'reserved' });
        const stale = uid('idem');
        await A.reserveIdempotencyKey(req(stale), 60_000);
        await sleep(20);
        expect(await A.reserveIdempotencyKey(req(stale), 10)).toEqual({ state: 'reserved' }); // its holder is presumed dead
        expect(await A.reserveIdempotencyKey(req(stale), 60_000)).toEqual({ state: 'in_progress' });
      });

      it('reads a stored response without claiming the key', async () => {
        const key = uid('idem');
        expect(await A.storedResponse(req(key))).toBeNull();
        // Looking did not claim it: the first real request still runs.
        expect(await A.idempotent(req(key), async () => ({ status: 201, body: { n: 1 } }))).toMatchObject({ replayed: false });
        expect(await A.storedResponse(req(key))).toEqual({ status: 201, body: { n: 1 } });
        expect(await B.storedResponse(req(key))).toBeNull();
        expect((await failure(() => A.storedResponse(req(key, 'h2')))).code).toBe('idempotency_mismatch');
      });

      it('refuses the same key with another request hash', async () => {
        const key = uid('idem');
        await A.idempotent(req(key, 'h1'), async () => ({ status: 200, body: null }));
        const e = await failure(() => A.idempotent(req(key, 'h2'), async () => ({ status: 200, body: 'x' })));
        expect(e).toBeInstanceOf(AppError);
        expect(e.code).toBe('idempotency_mismatch');
        // A JSON null body is kept apart from no body.
        expect(await A.idempotent(req(key, 'h1'), async () => ({ status: 500, body: 'never' }))).toEqual({ status: 200, body: null, replayed: true });
        const k2 = uid('idem');
        await A.idempotent(req(k2), async () => ({ status: 204, body: undefined }));
        expect(await A.idempotent(req(k2), async () => ({ status: 500, body: 'never' }))).toEqual({ status: 204, body: undefined, replayed: true });
      });

      it('runs fn once for concurrent calls with one key', async () => {
        const key = uid('idem');
        let runs = 0;
        const calls = Array.from({ length: 5 }, () =>
          A.idempotent(req(key), async (tx) => {
            runs++;
            await tx.insertSignals([signal(orgA, { key })]);
            await sleep(150);
            return { status: 202, body: { accepted: 1 } };
          }),
        );
        const out = await Promise.all(calls);
        expect(runs).toBe(1);
        expect(out.filter((r) => !r.replayed)).toHaveLength(1);
        expect(out.every((r) => r.status === 202 && JSON.stringify(r.body) === '{"accepted":1}')).toBe(true);
        const rows = await db.tenant(orgA, (s) => s.query('SELECT count(*) AS n FROM signals WHERE key = $1', [key]));
        expect(Number(rows[0].n)).toBe(1);
      });

      it('stores nothing when fn throws, so a retry runs again', async () => {
        const key = uid('idem');
        const e = await failure(() =>
          A.idempotent(req(key), async (tx) => {
            await tx.createConnector({ id: uid('con'), kind: 'webhook', name: key, config: {} });
            throw new AppError('unavailable', 'downstream failed');
          }),
        );
        expect(e.code).toBe('unavailable');
        expect((await A.listConnectors()).filter((c) => c.name === key)).toHaveLength(0);
        const ok = await A.idempotent(req(key), async () => ({ status: 201, body: 'second try' }));
        expect(ok).toEqual({ status: 201, body: 'second try', replayed: false });
      });
    });

    describe('transactions', () => {
      it('a transaction commits all or nothing, and its OrgStore is unusable afterwards', async () => {
        const inc = await incident(A);
        let kept: OrgStore | undefined;
        const e = await failure(() =>
          A.transaction(async (tx) => {
            kept = tx;
            await tx.addEvidence([evidenceOf(inc.id)]);
            await tx.enqueueOutbox({ id: uid('msg'), subject: 'rca.make', payload: { incidentId: inc.id } });
            throw new Error('abort');
          }),
        );
        expect(e.message).toBe('abort');
        expect(await A.listEvidence(inc.id)).toEqual([]);
        expect((await store.pendingOutbox(10_000)).filter((m) => (m.payload as { incidentId?: string }).incidentId === inc.id)).toEqual([]);
        await expect(kept!.listEvidence(inc.id)).rejects.toThrow();
      });
    });
  });
}
