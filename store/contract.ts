/**
 * The store contract: one suite, run against every engine (store/pglite.test.ts,
 * store/postgres.int.test.ts). The factory opens a freshly created, empty database once for
 * the whole suite.
 */
import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyChain } from '../core/audit-chain.js';
import { AppError } from '../core/errors.js';
import type { AdminStore, OrgStore, Store } from '../core/ports.js';
import type { Evidence, FixPlan, Hypothesis, Signal } from '../core/schemas.js';
import { migrate } from './migrate.js';
import type { OpenedStore } from './store.js';
import type { Db } from './sql.js';
import { verifyAudit } from './verify.js';

/** Every table that carries org data under row-level security (orgs: keyed on id). */
export const TENANT_TABLES = [
  'users',
  'api_keys',
  'connectors',
  'signals',
  'topologies',
  'log_templates',
  'incidents',
  'anomalies',
  'evidence',
  'hypotheses',
  'hypothesis_evidence',
  'fix_plans',
  'approvals',
  'commands',
  'audit_log',
  'audit_heads',
  'idempotency_keys',
  'outbox',
  'docs',
  'chunks',
  'kb_terms',
] as const;

const uid = (p: string): string => `${p}_${ulid().toLowerCase()}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs fn, expecting it to fail; returns the error. */
async function failure(fn: () => Promise<unknown>): Promise<Error & { code?: string; extra?: Record<string, unknown> }> {
  try {
    await fn();
  } catch (e) {
    return e as Error & { code?: string };
  }
  throw new Error('expected a failure, but the call succeeded');
}

export function signal(orgId: string, over: Partial<Signal> = {}): Signal {
  return {
    id: uid('sig'),
    orgId,
    source: 'test',
    kind: 'metric',
    ts: '2024-05-01T10:00:00.000Z',
    key: 'http_errors',
    value: 1,
    text: null,
    labels: { service: 'checkout' },
    meta: {},
    ...over,
  };
}

export function storeContract(name: string, factory: () => Promise<OpenedStore>): void {
  describe(`store contract: ${name}`, () => {
    let store: Store;
    let admin: AdminStore;
    let db: Db;
    const orgA = uid('orga');
    const orgB = uid('orgb');
    let A: OrgStore;
    let B: OrgStore;

    /** An incident of org `o`, with ids fresh per call. */
    async function incident(o: OrgStore, service = 'checkout') {
      return o.openIncident({
        id: uid('inc'),
        title: `${service} errors`,
        service,
        severity: 'sev2',
        startedAt: '2024-05-01T10:00:00.000Z',
        openedAt: '2024-05-01T10:01:00.000Z',
        openedBy: 'detector',
      });
    }
    const evidenceOf = (incidentId: string, over: Partial<Evidence> = {}): Omit<Evidence, 'orgId' | 'createdAt'> => ({
      id: uid('ev'),
      incidentId,
      kind: 'anomaly',
      summary: 'error rate up 12x',
      ref: null,
      data: { z: 9.1 },
      ...over,
    });
    const hypothesisOf = (incidentId: string, evidenceIds: string[], over: Partial<Hypothesis> = {}): Omit<Hypothesis, 'orgId' | 'createdAt'> => ({
      id: uid('hyp'),
      incidentId,
      rank: 1,
      statement: 'deploy 42 broke checkout',
      confidence: 0.8,
      service: 'checkout',
      changeId: 'deploy-42',
      evidenceIds,
      counterEvidence: [],
      whyNot: [{ alt: 'db', reason: 'db latency flat' }],
      ...over,
    });
    const planOf = (incidentId: string): Omit<FixPlan, 'orgId' | 'createdAt' | 'updatedAt'> => ({
      id: uid('plan'),
      incidentId,
      title: 'roll back checkout',
      env: 'prod',
      runner: 'dryrun',
      risk: 'medium',
      steps: [{ action: 'rollback', target: 'checkout', params: { to: 'v41' }, command: 'kubectl rollout undo deploy/checkout' }],
      status: 'pending_approval',
      requestedBy: 'alice',
    });

    beforeAll(async () => {
      ({ store, admin, db } = await factory());
      await store.createOrg({ id: orgA, name: 'Org A' });
      await store.createOrg({ id: orgB, name: 'Org B' });
      A = store.forOrg(orgA);
      B = store.forOrg(orgB);
    });

    afterAll(async () => {
      await admin?.close();
      await store?.close();
    });

    // ---- migrations ---------------------------------------------------------------------

    describe('migrations', () => {
      it('are recorded and re-running them applies nothing', async () => {
        const again = await migrate(db, { appRole: db.appRole });
        expect(again.applied).toEqual([]);
        expect(again.hasVector).toBe(store.hasVector);
        const { rows } = await admin.exec('SELECT version FROM schema_migrations ORDER BY version');
        expect(rows.map((r) => Number(r.version))).toEqual(rows.map((_, i) => i + 1));
        expect(rows.length).toBeGreaterThanOrEqual(9);
      });

      it('reports pgvector when chunks have a vector column, else the real[] fallback', async () => {
        const { rows } = await admin.exec(
          `SELECT column_name, data_type, udt_name FROM information_schema.columns
           WHERE table_name = 'chunks' AND column_name IN ('embedding', 'embedding_arr')`,
        );
        expect(rows).toHaveLength(1);
        expect(rows[0].column_name).toBe(store.hasVector ? 'embedding' : 'embedding_arr');
        const avail = await admin.exec("SELECT 1 FROM pg_available_extensions WHERE name = 'vector'");
        expect(store.hasVector).toBe(avail.rows.length > 0);
        if (store.hasVector) {
          const idx = await admin.exec("SELECT indexdef FROM pg_indexes WHERE tablename = 'chunks' AND indexname = 'chunks_embedding_hnsw'");
          expect(String(idx.rows[0]?.indexdef)).toMatch(/hnsw.*vector_cosine_ops/);
        }
      });

      it('enables row-level security on every tenant table', async () => {
        const { rows } = await admin.exec(
          `SELECT c.relname, c.relrowsecurity, (SELECT count(*) FROM pg_policy p WHERE p.polrelid = c.oid) AS policies
           FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relname = ANY ($1::text[])`,
          [[...TENANT_TABLES, 'orgs']],
        );
        expect(rows).toHaveLength(TENANT_TABLES.length + 1);
        for (const r of rows) {
          expect({ table: r.relname, rls: r.relrowsecurity, policies: Number(r.policies) }).toEqual({ table: r.relname, rls: true, policies: 1 });
        }
      });
    });

    // ---- tenancy ------------------------------------------------------------------------

    describe('orgs, users and keys', () => {
      it('creates and reads orgs; a second org with the same id is a conflict', async () => {
        const org = await store.getOrg(orgA);
        expect(org).toMatchObject({ id: orgA, name: 'Org A' });
        expect(org!.createdAt).toMatch(/Z$/);
        expect(await store.getOrg(uid('nope'))).toBeNull();
        const e = await failure(() => store.createOrg({ id: orgA, name: 'again' }));
        expect(e).toBeInstanceOf(AppError);
        expect(e.code).toBe('conflict');
      });

      it('upserts users and resolves API keys by hash across orgs', async () => {
        const u = await A.upsertUser({ id: 'alice', name: 'Alice', email: 'a@example.com', role: 'sre' });
        expect(u).toEqual({ id: 'alice', orgId: orgA, name: 'Alice', email: 'a@example.com', role: 'sre' });
        expect(await A.upsertUser({ id: 'alice', name: 'Alice B', role: 'admin' })).toMatchObject({ name: 'Alice B', email: null, role: 'admin' });
        expect(await A.getUser('alice')).toMatchObject({ name: 'Alice B' });
        expect(await B.getUser('alice')).toBeNull();

        const hash = 'a'.repeat(56) + ulid().slice(0, 8).toLowerCase();
        const key = await A.createApiKey({ id: uid('key'), userId: 'alice', name: 'ci', scopes: ['ingest', 'read'], hash });
        expect(key).toMatchObject({ orgId: orgA, userId: 'alice', scopes: ['ingest', 'read'] });
        expect(await store.findApiKeyByHash(hash)).toEqual(key);
        expect(await store.findApiKeyByHash('f'.repeat(64))).toBeNull();
        // Revocation: by id or by name, only in the key's own org, once.
        const hash2 = 'b'.repeat(56) + ulid().slice(0, 8).toLowerCase();
        const key2 = await A.createApiKey({ id: uid('key'), userId: 'alice', name: 'ci', scopes: ['read'], hash: hash2 });
        expect(await B.revokeApiKeys({ id: key.id }, '2024-05-01T10:00:00.000Z')).toEqual([]);
        expect(await A.revokeApiKeys({ id: key.id }, '2024-05-01T10:00:00.000Z')).toEqual([key.id]);
        expect(await store.findApiKeyByHash(hash)).toBeNull();
        expect(await store.findApiKeyByHash(hash2)).toEqual(key2);
        expect(await A.revokeApiKeys({ name: 'ci' }, '2024-05-01T10:00:00.000Z')).toEqual([key2.id]);
        expect(await A.revokeApiKeys({ name: 'ci' }, '2024-05-01T10:00:00.000Z')).toEqual([]);
        expect(await A.revokeApiKeys({}, '2024-05-01T10:00:00.000Z')).toEqual([]);
        expect(await store.findApiKeyByHash(hash2)).toBeNull();
        // A key for a user who does not exist in this org is refused.
        const e = await failure(() => B.createApiKey({ id: uid('key'), userId: 'alice', name: 'x', scopes: ['read'], hash: 'b'.repeat(64) }));
        expect(e.code).toBe('invalid_input');
      });

      it('claims platform settings once', async () => {
        const n = uid('setting');
        const got = await Promise.all([store.claimSetting(n, 'one'), store.claimSetting(n, 'two'), store.claimSetting(n, 'three')]);
        expect(new Set(got).size).toBe(1);
        expect(await store.claimSetting(n, 'four')).toBe(got[0]);
      });

      it('pings', async () => {
        await expect(store.ping()).resolves.toBeUndefined();
      });

      it('gives a role to one holder at a time; a release hands it on', async () => {
        const role = uid('role');
        const first = await store.lead(role);
        expect(first).not.toBeNull();
        expect(first!.role).toBe(role);
        expect(await store.lead(role)).toBeNull(); // held
        const other = await store.lead(uid('role')); // other roles are independent
        expect(other).not.toBeNull();
        let settled = false;
        void first!.lost.then(() => (settled = true));
        await first!.release();
        await first!.release(); // idempotent
        await first!.lost;
        expect(settled).toBe(true);
        const second = await store.lead(role);
        expect(second).not.toBeNull();
        await second!.release();
        await other!.release();
      });
    });

    // ---- isolation ----------------------------------------------------------------------

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

    // ---- signals ------------------------------------------------------------------------

    describe('signals', () => {
      it('stores a batch, reports duplicates (stored before or repeated in the batch) and does not re-insert them', async () => {
        const o = store.forOrg(orgB);
        const first = [signal(orgB, { ts: '2024-05-02T00:00:00.000Z' }), signal(orgB, { ts: '2024-05-02T00:00:01.000Z' })];
        expect(await o.insertSignals(first)).toEqual({ inserted: 2, duplicates: [] });
        const fresh = signal(orgB, { ts: '2024-05-02T00:00:02.000Z', value: 7 });
        const again = await o.insertSignals([first[0], fresh, fresh, first[1]]);
        expect(again.inserted).toBe(1);
        expect(again.duplicates.sort()).toEqual([first[0].id, fresh.id, first[1].id].sort());
        const stored = await o.listSignals({ from: '2024-05-02T00:00:00.000Z', to: '2024-05-03T00:00:00.000Z' });
        expect(stored.map((s) => s.id)).toEqual([first[0].id, first[1].id, fresh.id]);
        expect(stored[2]).toEqual({ ...fresh, orgId: orgB });
        // The same id in another org is a different signal.
        expect(await A.insertSignals([{ ...first[0], orgId: orgA }])).toEqual({ inserted: 1, duplicates: [] });
      });

      it('inserts more than one batch and filters by time, kind, service and limit', async () => {
        const o = store.forOrg(orgB);
        const base = Date.parse('2024-06-01T00:00:00.000Z');
        const many = Array.from({ length: 2500 }, (_, i) =>
          signal(orgB, {
            ts: new Date(base + i * 1000).toISOString(),
            kind: i % 5 === 0 ? 'log' : 'metric',
            value: i % 5 === 0 ? null : i,
            text: i % 5 === 0 ? `line ${i} "quoted", {braces} \\ back\u0000slash ünïcode` : null,
            labels: { service: i % 2 === 0 ? 'checkout' : 'payments', pod: `p-${i % 3}` },
            meta: { i, nested: { a: [1, 'x', null] } },
          }),
        );
        expect(await o.insertSignals(many)).toEqual({ inserted: 2500, duplicates: [] });
        const window = await o.listSignals({ from: new Date(base).toISOString(), to: new Date(base + 100_000).toISOString(), limit: 10_000 });
        expect(window).toHaveLength(100);
        expect(window[0].ts).toBe(new Date(base).toISOString());
        const logs = await o.listSignals({ from: new Date(base).toISOString(), kind: 'log', service: 'checkout', limit: 10_000 });
        expect(logs).toHaveLength(250);
        expect(logs.every((s) => s.kind === 'log' && s.labels.service === 'checkout')).toBe(true);
        expect(logs[0].text).toBe('line 0 "quoted", {braces} \\ back\uFFFDslash ünïcode');
        expect(logs[0].meta).toEqual({ i: 0, nested: { a: [1, 'x', null] } });
        expect(await o.listSignals({ from: new Date(base).toISOString(), limit: 7 })).toHaveLength(7);
      });

      it('accepts an empty batch', async () => {
        expect(await A.insertSignals([])).toEqual({ inserted: 0, duplicates: [] });
      });
    });

    // ---- topology, connectors -----------------------------------------------------------

    describe('topology and connectors', () => {
      it('puts the topology with a version that goes up by one each time', async () => {
        const org = uid('orgt');
        await store.createOrg({ id: org, name: 'T' });
        const o = store.forOrg(org);
        expect(await o.getTopology()).toBeNull();
        const t1 = await o.putTopology({ nodes: [{ id: 'web', type: 'service', attributes: {} }], edges: [] });
        expect(t1).toMatchObject({ orgId: org, version: 1 });
        const t2 = await o.putTopology({
          nodes: [
            { id: 'web', type: 'service', attributes: { team: 'a' } },
            { id: 'db', type: 'database', attributes: {} },
          ],
          edges: [{ from: 'web', to: 'db', attributes: {} }],
        });
        expect(t2.version).toBe(2);
        const got = await o.getTopology();
        expect(got).toEqual(t2);
        expect(got!.edges).toEqual([{ from: 'web', to: 'db', attributes: {} }]);
        const concurrent = await Promise.all([1, 2, 3].map(() => o.putTopology({ nodes: [], edges: [] })));
        expect(concurrent.map((t) => t.version).sort()).toEqual([3, 4, 5]);
      });

      it('creates and lists connectors per org', async () => {
        const c = await A.createConnector({ id: uid('con'), kind: 'prometheus', name: 'prom', config: { url: 'http://prom:9090' } });
        expect(c).toMatchObject({ orgId: orgA, kind: 'prometheus', config: { url: 'http://prom:9090' } });
        expect((await A.listConnectors()).map((x) => x.id)).toContain(c.id);
        expect(await B.listConnectors()).toEqual([]);
        expect((await failure(() => A.createConnector({ id: c.id, kind: 'loki', name: 'dup', config: {} }))).code).toBe('conflict');
      });
    });

    // ---- incidents, anomalies, evidence, hypotheses -------------------------------------

    describe('incidents and anomalies', () => {
      it('serialises find-or-open per service: racing correlators open one incident', async () => {
        const findOrOpen = () =>
          A.transaction(async (tx) => {
            const found = await tx.findOpenIncident('race-svc');
            if (found) return found;
            await new Promise((r) => setTimeout(r, 30)); // widen the window a lost race would need
            return tx.openIncident({ id: uid('inc'), title: 't', service: 'race-svc', severity: 'sev3', startedAt: '2024-05-01T10:00:00.000Z', openedAt: '2024-05-01T10:00:00.000Z', openedBy: 'detector' });
          });
        const got = await Promise.all([findOrOpen(), findOrOpen(), findOrOpen()]);
        expect(new Set(got.map((i) => i.id)).size).toBe(1);
        expect((await A.listIncidents({ status: 'open', limit: 500 })).filter((i) => i.service === 'race-svc')).toHaveLength(1);
      });

      it('opens, finds, lists and gets incidents; a duplicate id is a conflict', async () => {
        const inc = await incident(A, 'search');
        expect(inc).toMatchObject({ orgId: orgA, status: 'open', service: 'search', resolvedAt: null, startedAt: '2024-05-01T10:00:00.000Z' });
        expect(await A.findOpenIncident('search')).toEqual(inc);
        expect(await A.findOpenIncident('nothing-here')).toBeNull();
        expect(await A.getIncident(inc.id)).toEqual(inc);
        expect((await A.listIncidents({ status: 'open' })).map((i) => i.id)).toContain(inc.id);
        expect(await A.listIncidents({ status: 'closed' })).toEqual([]);
        expect(await A.listIncidents({ limit: 1 })).toHaveLength(1);
        const e = await failure(() => A.openIncident({ ...inc }));
        expect(e.code).toBe('conflict');
      });

      it('changes an incident\'s status: resolved_at set on resolve, kept on close, cleared on reopen; other orgs cannot', async () => {
        const inc = await incident(A, 'status-svc');
        const r = await A.setIncidentStatus(inc.id, 'resolved', '2024-05-01T11:00:00.000Z');
        expect(r).toMatchObject({ status: 'resolved', resolvedAt: '2024-05-01T11:00:00.000Z' });
        expect(await A.findOpenIncident('status-svc')).toBeNull();
        expect(await A.setIncidentStatus(inc.id, 'closed', '2024-05-01T12:00:00.000Z')).toMatchObject({ status: 'closed', resolvedAt: '2024-05-01T11:00:00.000Z' });
        expect(await A.setIncidentStatus(inc.id, 'open', '2024-05-01T13:00:00.000Z')).toMatchObject({ status: 'open', resolvedAt: null });
        expect(await B.setIncidentStatus(inc.id, 'resolved', '2024-05-01T14:00:00.000Z')).toBeNull();
        expect((await A.getIncident(inc.id))!.status).toBe('open');
        expect(await A.setIncidentStatus('no-such-incident', 'resolved', '2024-05-01T14:00:00.000Z')).toBeNull();
      });

      it('revises an incident\'s title and severity, each alone or both; other orgs cannot', async () => {
        const inc = await incident(A, 'revise-svc');
        expect(await A.reviseIncident(inc.id, { severity: 'sev1' })).toMatchObject({ title: inc.title, severity: 'sev1' });
        expect(await A.reviseIncident(inc.id, { title: 'payments down' })).toMatchObject({ title: 'payments down', severity: 'sev1' });
        expect(await B.reviseIncident(inc.id, { title: 'x', severity: 'sev4' })).toBeNull();
        expect(await A.getIncident(inc.id)).toMatchObject({ title: 'payments down', severity: 'sev1', status: inc.status });
        expect(await A.reviseIncident('no-such-incident', { severity: 'sev2' })).toBeNull();
      });

      it('stores anomalies once per id', async () => {
        const a = {
          id: uid('an'),
          service: 'checkout',
          series: 'http_errors',
          ts: '2024-05-01T10:00:00.000Z',
          value: 50,
          baseline: 4,
          score: 9.5,
          direction: 'up' as const,
          detector: 'zscore',
          signalId: null,
        };
        expect(await A.insertAnomalies([a])).toEqual([a.id]);
        expect(await A.insertAnomalies([a])).toEqual([]);
        expect(await A.listAnomalies({ service: 'checkout' })).toEqual([{ ...a, orgId: orgA }]);
        expect(await A.listAnomalies({ service: 'checkout', from: '2024-05-01T10:00:00.001Z' })).toEqual([]);
        expect(await B.listAnomalies({})).toEqual([]);
      });

      it('shows open incidents to the correlator with the services and newest anomaly time of their evidence', async () => {
        const org = uid('corr');
        await store.createOrg({ id: org, name: 'c' });
        const O = store.forOrg(org);
        const inc = await incident(O, 'payments');
        expect(await O.openIncidentActivity()).toEqual([{ id: inc.id, service: 'payments', startedAt: inc.startedAt, openedBy: 'detector', lastTs: inc.startedAt, services: [] }]);
        await O.addEvidence([
          evidenceOf(inc.id, { data: { service: 'payments', ts: '2024-05-01T10:05:00.000Z' } }),
          evidenceOf(inc.id, { data: { service: 'checkout', ts: '2024-05-01T10:09:00.000Z' } }),
          evidenceOf(inc.id, { kind: 'note', data: { service: 'ignored', ts: '2024-05-01T11:00:00.000Z' } }),
        ]);
        const [a] = await O.transaction((tx) => tx.openIncidentActivity(10));
        expect(a).toMatchObject({ id: inc.id, lastTs: '2024-05-01T10:09:00.000Z' });
        expect([...a.services].sort()).toEqual(['checkout', 'payments']);
        expect(await store.forOrg(orgB).openIncidentActivity()).toEqual([]);
      });

      it('keeps one detector checkpoint per org and name, replaced in place', async () => {
        expect(await A.getDetectorState('stream-v1')).toBeNull();
        await A.putDetectorState('stream-v1', { v: 1, series: [1, 2] });
        // Detector keys join names with U+0000, which jsonb would refuse.
        await A.putDetectorState('stream-v1', { v: 1, series: [3], keys: ['cart\u0000latency_p95_ms'] });
        const got = await A.getDetectorState('stream-v1');
        expect(got?.state).toEqual({ v: 1, series: [3], keys: ['cart\u0000latency_p95_ms'] });
        expect(Number.isFinite(Date.parse(got!.savedAt))).toBe(true);
        expect(await B.getDetectorState('stream-v1')).toBeNull();
      });
    });

    describe('hypotheses must cite evidence of their incident', () => {
      it('accepts a hypothesis citing its own evidence, keeping the order of citations', async () => {
        const inc = await incident(A);
        const evs = await A.addEvidence([evidenceOf(inc.id), evidenceOf(inc.id, { kind: 'change', ref: 'deploy-42' })]);
        expect(evs.map((e) => e.incidentId)).toEqual([inc.id, inc.id]);
        expect(await A.listEvidence(inc.id)).toEqual(evs);
        const [h] = await A.addHypotheses([hypothesisOf(inc.id, [evs[1].id, evs[0].id])]);
        expect(h.evidenceIds).toEqual([evs[1].id, evs[0].id]);
        expect(await A.listHypotheses(inc.id)).toEqual([h]);
      });

      it('adds evidence idempotently with skipExisting: known ids are skipped in one statement, a plain duplicate is an error', async () => {
        const inc = await incident(A);
        const [first] = await A.addEvidence([evidenceOf(inc.id)]);
        const fresh = evidenceOf(inc.id, { kind: 'change', ref: 'deploy-7' });
        const again = await A.addEvidence([{ ...first, summary: 'changed text' }, fresh, fresh], { skipExisting: true });
        expect(again.map((e) => e.id)).toEqual([fresh.id]);
        expect((await A.listEvidence(inc.id)).map((e) => [e.id, e.summary])).toEqual([
          [first.id, first.summary],
          [fresh.id, fresh.summary],
        ]);
        await expect(A.addEvidence([evidenceOf(inc.id, { id: first.id })])).rejects.toThrow();
      });

      it('refuses at commit a hypothesis that cites no evidence, storing nothing', async () => {
        const inc = await incident(A);
        const h = hypothesisOf(inc.id, []);
        const e = await failure(() => A.addHypotheses([h]));
        expect(e).toBeInstanceOf(AppError);
        expect(e.code).toBe('invalid_input');
        expect(e.message).toMatch(/cites no evidence/);
        expect(await A.listHypotheses(inc.id)).toEqual([]);
      });

      it('the check is deferred: the statement succeeds and the commit fails', async () => {
        const inc = await incident(A);
        let inserted = false;
        const e = await failure(() =>
          db.tenant(orgA, async (s) => {
            await s.query(
              `INSERT INTO hypotheses (org_id, id, incident_id, rank, statement, confidence) VALUES ($1, $2, $3, 1, 'no evidence', 0.5)`,
              [orgA, uid('hyp'), inc.id],
            );
            inserted = true;
          }),
        );
        expect(inserted).toBe(true);
        expect(e.code).toBe('23514');
        expect(await A.listHypotheses(inc.id)).toEqual([]);
      });

      it('refuses a hypothesis citing evidence of another incident', async () => {
        const inc1 = await incident(A);
        const inc2 = await incident(A, 'payments');
        const [ev2] = await A.addEvidence([evidenceOf(inc2.id)]);
        const [ev1] = await A.addEvidence([evidenceOf(inc1.id)]);
        const e = await failure(() => A.addHypotheses([hypothesisOf(inc1.id, [ev2.id])]));
        expect(e.code).toBe('invalid_input');
        // Mixing its own evidence with another incident's is refused too.
        const m = await failure(() => A.addHypotheses([hypothesisOf(inc1.id, [ev1.id, ev2.id])]));
        expect(m.code).toBe('invalid_input');
        expect(await A.listHypotheses(inc1.id)).toEqual([]);
      });

      it("refuses a hypothesis citing another org's evidence", async () => {
        const incB = await incident(B);
        const [evB] = await B.addEvidence([evidenceOf(incB.id)]);
        const incA = await incident(A);
        const e = await failure(() => A.addHypotheses([hypothesisOf(incA.id, [evB.id])]));
        expect(e.code).toBe('invalid_input');
      });

      it('refuses at commit removing the last citation (even as owner)', async () => {
        const inc = await incident(A);
        const [ev] = await A.addEvidence([evidenceOf(inc.id)]);
        const [h] = await A.addHypotheses([hypothesisOf(inc.id, [ev.id])]);
        const e = await failure(() => admin.exec('DELETE FROM hypothesis_evidence WHERE org_id = $1 AND hypothesis_id = $2', [orgA, h.id]));
        expect(e.code).toBe('23514');
        expect((await A.listHypotheses(inc.id))[0].evidenceIds).toEqual([ev.id]);
      });

      it('evidence, hypotheses and their links go in one transaction', async () => {
        const inc = await incident(A);
        const out = await A.transaction(async (tx) => {
          const [ev] = await tx.addEvidence([evidenceOf(inc.id)]);
          return tx.addHypotheses([hypothesisOf(inc.id, [ev.id], { rank: 2 }), hypothesisOf(inc.id, [ev.id], { rank: 1 })]);
        });
        expect((await A.listHypotheses(inc.id)).map((h) => h.id)).toEqual([out[1].id, out[0].id]);
      });
    });

    // ---- fix plans ----------------------------------------------------------------------

    describe('fix plans', () => {
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
    });

    // ---- audit --------------------------------------------------------------------------

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
      const problemsOf = async (org: string) => verifyChain(await admin.auditEntries(org), await admin.auditHead(org));

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
        expect(await o.auditHead()).toEqual({ seq: 4, hash: written[3].hash });
        expect(verifyChain(read, await admin.auditHead(org))).toEqual([]);
        const report = (await verifyAudit(admin)).find((r) => r.orgId === org);
        expect(report).toEqual({ orgId: org, entries: 4, head: { seq: 4, hash: written[3].hash }, problems: [] });
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
          const { auditHash } = await import('../core/audit-chain.js');
          const forged = { orgId: org2, seq: 4, ts: new Date().toISOString(), actor: 'mallory', action: 'grant', target: 'root', payload: {}, prevHash: tail.hash };
          await tamper(
            `INSERT INTO audit_log (org_id, seq, ts, actor, action, target, payload, prev_hash, hash)
             VALUES ($1, 4, $2, 'mallory', 'grant', 'root', '{}', $3, $4)`,
            [org2, forged.ts, tail.hash, auditHash(forged)],
          );
          expect(await problemsOf(org2)).toEqual([expect.objectContaining({ problem: 'deleted_tail' })]);
        });
      });
    });

    // ---- idempotency --------------------------------------------------------------------

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

    // ---- transactions and outbox ---------------------------------------------------------

    describe('transactions and the outbox', () => {
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

      it('queues messages per org and publishes them across orgs', async () => {
        const ids = { a1: uid('msg'), b1: uid('msg'), a2: uid('msg') };
        await A.transaction(async (tx) => {
          await tx.enqueueOutbox({ id: ids.a1, subject: 'signal.detect', payload: { n: 1 } });
        });
        await B.enqueueOutbox({ id: ids.b1, subject: 'rca.make', payload: { n: 2 } });
        await A.enqueueOutbox({ id: ids.a2, subject: 'incident.updated', payload: [1, 2] });
        await A.enqueueOutbox({ id: ids.a2, subject: 'incident.updated', payload: 'dup' }); // same id: stored once
        const mine = (await store.pendingOutbox(10_000)).filter((m) => Object.values(ids).includes(m.id));
        expect(mine.map((m) => m.id)).toEqual([ids.a1, ids.b1, ids.a2]);
        expect(mine[1]).toMatchObject({ orgId: orgB, subject: 'rca.make', payload: { n: 2 } });
        expect(mine[2].payload).toEqual([1, 2]);
        // A sweep that skips young rows leaves them to the process publishing them.
        expect((await store.pendingOutbox(10_000, 60_000)).filter((m) => Object.values(ids).includes(m.id))).toEqual([]);
        await store.markOutboxPublished([ids.a1, ids.b1]);
        const left = (await store.pendingOutbox(10_000)).filter((m) => Object.values(ids).includes(m.id));
        expect(left.map((m) => m.id)).toEqual([ids.a2]);
        await store.markOutboxPublished([ids.a2]);
        await store.markOutboxPublished([]);
        expect((await store.pendingOutbox(10_000)).filter((m) => Object.values(ids).includes(m.id))).toEqual([]);
        // The application role reaches the outbox rows only through the functions.
        const direct = await db.tenant(null, (s) => s.query('SELECT count(*) AS n FROM outbox'));
        expect(Number(direct[0].n)).toBe(0);
      });
    });

    // ---- root-cause analysis reads (issue 5) ------------------------------------------------

    describe('analysis reads', () => {
      it('reads one range as compact series, log lines and changes, both ends inclusive, and caps it', async () => {
        const org = uid('orgrca');
        await store.createOrg({ id: org, name: 'RCA' });
        const o = store.forOrg(org);
        const base = Date.parse('2024-07-01T00:00:00.000Z');
        const at = (s: number) => new Date(base + s * 1000).toISOString();
        await o.insertSignals([
          signal(org, { ts: at(0), key: 'latency_ms', value: 10, labels: { service: 'cart', instance: 'cart-0' } }),
          signal(org, { ts: at(60), key: 'latency_ms', value: 12.5, labels: { service: 'cart', instance: 'cart-0' } }),
          signal(org, { ts: at(60), key: 'latency_ms', value: 11, labels: { service: 'cart', pod: 'cart-1' } }),
          signal(org, { ts: at(30), key: 'cpu', value: 0.25, labels: { app: 'api' } }),
          signal(org, { ts: at(30), key: 'cpu', value: 1, labels: { other: 'x' } }), // no service: still read, service null is dropped
          signal(org, { ts: at(120), key: 'latency_ms', value: 99, labels: { service: 'cart', instance: 'cart-0' } }), // after the range
          signal(org, { ts: at(10), kind: 'log', value: null, text: 'ERROR "boom" \\ ünïcode', labels: { service: 'cart', pod: 'cart-0' } }),
          signal(org, { ts: at(-600), kind: 'deploy', key: 'cart', value: null, text: 'Deployed cart', labels: { service: 'cart' }, meta: { change_id: 'c1' } }),
          signal(org, { ts: at(-7200), kind: 'flag', key: 'f', value: null, labels: { service: 'cart' } }),
        ]);
        const r = await o.readAnalysisSignals({ from: at(0), to: at(60), changesFrom: at(-3600) });
        expect(r.truncated).toBe(false);
        expect(r.metricPoints).toBe(4);
        const series = r.series.map((x) => ({ ...x, pts: x.ts.map((t, i) => [t, x.values[i]]).sort((a, b) => a[0] - b[0]) })).sort((a, b) => (`${a.service}${a.metric}${a.instance}` < `${b.service}${b.metric}${b.instance}` ? -1 : 1));
        expect(series.map((x) => [x.service, x.metric, x.instance, x.pts])).toEqual([
          ['api', 'cpu', null, [[base + 30_000, 0.25]]],
          ['cart', 'latency_ms', 'cart-0', [[base, 10], [base + 60_000, 12.5]]],
          ['cart', 'latency_ms', 'cart-1', [[base + 60_000, 11]]],
        ]);
        expect(r.logs).toEqual([{ ts: base + 10_000, service: 'cart', instance: 'cart-0', text: 'ERROR "boom" \\ ünïcode', id: expect.any(String) }]);
        expect(r.changes.map((c) => [c.kind, c.meta])).toEqual([['deploy', { change_id: 'c1' }]]);
        expect((await o.readAnalysisSignals({ from: at(0), to: at(60), changes: false })).changes).toEqual([]);
        const capped = await o.readAnalysisSignals({ from: at(0), to: at(60), maxMetricPoints: 2 });
        expect(capped.truncated).toBe(true);
        // exactly at the caps is not truncated (the cap counts rows read, the one without a service too)
        expect((await o.readAnalysisSignals({ from: at(0), to: at(60), maxMetricPoints: 5, maxLogLines: 1 })).truncated).toBe(false);
        expect(await o.lastSignalAt({ from: at(0), to: at(100) })).toBe(at(60));
        expect(await o.lastSignalAt({ from: at(200), to: at(300) })).toBeNull();
        // tenancy: another org sees nothing of it
        expect((await B.readAnalysisSignals({ from: at(-7200), to: at(120) })).metricPoints).toBe(0);
      });

      it('reads trace spans as the calls they show, not as changes (they would crowd real changes out)', async () => {
        const org = uid('orgspan');
        await store.createOrg({ id: org, name: 'Spans' });
        const o = store.forOrg(org);
        const base = Date.parse('2024-07-02T00:00:00.000Z');
        const at = (s: number) => new Date(base + s * 1000).toISOString();
        const span = (t: number, id: string, parent: string | null, service: string, where: 'labels' | 'meta' = 'labels') =>
          signal(org, { ts: at(t), kind: 'event', key: 'span', value: null, labels: where === 'labels' ? { service } : {}, meta: { trace_id: 't1', span_id: id, parent_span_id: parent, ...(where === 'meta' ? { service } : {}) } });
        await o.insertSignals([
          span(1, 'a', null, 'web'),
          span(2, 'b', 'a', 'api'),
          span(3, 'c', 'b', 'db', 'meta'),
          span(4, 'd', 'a', 'api'),
          span(5, 'e', 'd', 'api'), // a call within one service is no edge
          span(6, 'f', 'zz', 'api'), // its parent is not stored
          span(-7200, 'g', null, 'old'), // long before the range
          signal(org, { ts: at(30), kind: 'deploy', key: 'api', value: null, labels: { service: 'api' }, meta: { change_id: 'c9' } }),
          signal(org, { ts: at(31), kind: 'event', key: 'config_change', value: null, labels: { service: 'api' }, meta: {} }),
        ]);
        const r = await o.readAnalysisSignals({ from: at(0), to: at(60) });
        expect(r.changes.map((c) => c.key)).toEqual(['api', 'config_change']);
        expect(r.calls).toEqual([
          { caller: 'api', callee: 'db', n: 1 },
          { caller: 'web', callee: 'api', n: 2 },
        ]);
        expect((await o.readAnalysisSignals({ from: at(0), to: at(60), changes: false })).calls).toEqual([]);
        expect((await B.readAnalysisSignals({ from: at(0), to: at(60) })).calls).toEqual([]);
      });
    });
  });
}
