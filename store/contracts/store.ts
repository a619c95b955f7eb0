/**
 * The `Store` port, the platform side of the store: migrations, orgs, settings, liveness and
 * exclusive roles. (Key lookup across orgs: tenancy.ts; the outbox relay: outbox.ts; orphaned
 * plans: fixplans.ts; row-level security across every tenant table: org-store.ts.)
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../core/errors.js';
import type { AdminStore, Store } from '../../core/ports/index.js';
import { migrate } from '../migrate.js';
import type { Db } from '../sql.js';
import { failure, type StoreOpener, TENANT_TABLES, uid } from './fixtures.js';

export function storeContract(name: string, open: StoreOpener): void {
  describe(`Store contract: ${name}`, () => {
    let store: Store;
    let admin: AdminStore;
    let db: Db;
    const orgA = uid('orga');

    beforeAll(async () => {
      ({ store, admin, db } = await open());
      await store.createOrg({ id: orgA, name: 'Org A' });
    });

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

    describe('orgs, settings, liveness and roles', () => {
      it('creates and reads orgs; a second org with the same id is a conflict', async () => {
        const org = await store.getOrg(orgA);
        expect(org).toMatchObject({ id: orgA, name: 'Org A' });
        expect(org!.createdAt).toMatch(/Z$/);
        expect(await store.getOrg(uid('nope'))).toBeNull();
        const e = await failure(() => store.createOrg({ id: orgA, name: 'again' }));
        expect(e).toBeInstanceOf(AppError);
        expect(e.code).toBe('conflict');
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
  });
}
