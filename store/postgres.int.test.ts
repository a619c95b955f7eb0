/**
 * The store's contract suites against a real PostgreSQL (15+). Each run creates its own database
 * (warroom_test_<random>) from DATABASE_URL and drops it afterwards; the application role is
 * cluster-wide and shared by concurrent runs.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signal, storeContracts, TEST_AUDIT_KEY } from './contracts/index.js';
import { openStore } from './index.js';
import { appRoleUrl, openPostgresStore } from './postgres.js';

const BASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const DB_NAME = `warroom_test_${randomBytes(6).toString('hex')}`;
const url = (() => {
  const u = new URL(BASE_URL);
  u.pathname = `/${DB_NAME}`;
  return u.toString();
})();

async function onServer<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: BASE_URL });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

beforeAll(async () => {
  await onServer((c) => c.query(`CREATE DATABASE ${DB_NAME}`));
});

/** Extra roles a test created (dropped after the database that holds their grants). */
const extraRoles: string[] = [];

afterAll(async () => {
  await onServer(async (c) => {
    await c.query(`DROP DATABASE IF EXISTS ${DB_NAME} WITH (FORCE)`);
    for (const r of extraRoles) await c.query(`DROP ROLE IF EXISTS ${r}`);
  });
});

storeContracts('postgres', () => openPostgresStore({ url, auditKey: TEST_AUDIT_KEY, commandSigning: { passphrase: TEST_AUDIT_KEY } }));

describe('postgres specifics', () => {
  it('a held role excludes other processes, and passes on when the holder\'s connection dies', async () => {
    const [p1, p2] = await Promise.all([openPostgresStore({ url }), openPostgresStore({ url })]);
    try {
      const role = `detect-${randomBytes(4).toString('hex')}`;
      const held = await p1.store.lead(role);
      expect(held).not.toBeNull();
      expect(await p2.store.lead(role)).toBeNull();
      // the holder's backend goes away (a crash, a network cut): Postgres drops its session lock
      await onServer((c) => c.query(`SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND classid = $1 AND granted AND database = (SELECT oid FROM pg_database WHERE datname = $2)`, [0x77720004, DB_NAME]));
      await held!.lost; // noticed by the holder
      const taken = await p2.store.lead(role);
      expect(taken).not.toBeNull();
      await taken!.release();
    } finally {
      for (const o of [p1, p2]) {
        await o.admin.close();
        await o.store.close();
      }
    }
  });

  it('two processes starting at once apply the migrations once', async () => {
    const opened = await Promise.all([openStore({ databaseUrl: url }), openPostgresStore({ url }), openPostgresStore({ url })]);
    try {
      const { rows } = await opened[0].admin.exec('SELECT version, count(*) AS n FROM schema_migrations GROUP BY version HAVING count(*) > 1');
      expect(rows).toEqual([]);
      for (const o of opened) expect(o.store.engine).toBe('postgres');
    } finally {
      for (const o of opened) {
        await o.admin.close();
        await o.store.close();
      }
    }
  });

  it('creates a missing application role, even when several processes race to do it', async () => {
    const role = `warroom_app_t${randomBytes(4).toString('hex')}`;
    extraRoles.push(role);
    const opened = await Promise.all([1, 2, 3].map(() => openPostgresStore({ url, appRole: role, appPassword: 'not-checked-under-trust' })));
    try {
      for (const o of opened) {
        const [r] = await o.db.tenant(null, (s) => s.query('SELECT current_user AS u'));
        expect(r.u).toBe(role);
      }
      const { rows } = await opened[0].admin.exec('SELECT rolsuper, rolbypassrls, rolcanlogin FROM pg_roles WHERE rolname = $1', [role]);
      expect(rows).toEqual([{ rolsuper: false, rolbypassrls: false, rolcanlogin: true }]);
    } finally {
      for (const o of opened) {
        await o.admin.close();
        await o.store.close();
      }
    }
  });

  it('the application pool connects as the application role', async () => {
    const { store, admin, db } = await openPostgresStore({ url });
    try {
      const [r] = await db.tenant(null, (s) => s.query('SELECT current_user AS u, session_user AS s'));
      expect(r).toEqual({ u: 'warroom_app', s: 'warroom_app' });
      expect(appRoleUrl('postgres://owner:secret@db.example:6543/app?sslmode=require', 'warroom_app', 'p@ss')).toBe(
        'postgres://warroom_app:p%40ss@db.example:6543/app?sslmode=require',
      );
    } finally {
      await admin.close();
      await store.close();
    }
  });

  it('refuses to run the application as a role that bypasses row-level security', async () => {
    await expect(openPostgresStore({ url, appRole: 'postgres' })).rejects.toThrow(/superuser|bypass row-level security/);
  });

  it('ingests 50,000 signals in batches of 1,000, each once (the rate is logged; `warroom bench ingest` measures it)', async () => {
    const { store, admin } = await openPostgresStore({ url });
    try {
      const org = `bench_${randomBytes(4).toString('hex')}`;
      await store.createOrg({ id: org, name: 'bench' });
      const o = store.forOrg(org);
      const total = 50_000;
      const t0 = Date.parse('2024-07-01T00:00:00.000Z');
      const all = Array.from({ length: total }, (_, i) =>
        signal(org, { id: `b${i}`, ts: new Date(t0 + i).toISOString(), value: i, labels: { service: `svc${i % 20}`, pod: `p${i % 7}` }, meta: { i } }),
      );
      const started = performance.now();
      for (let i = 0; i < total; i += 1000) {
        const r = await o.insertSignals(all.slice(i, i + 1000));
        expect(r.inserted).toBe(1000);
      }
      const secs = (performance.now() - started) / 1000;
      const rate = Math.round(total / secs);
      console.log(`postgres insertSignals: ${total} signals in ${secs.toFixed(2)} s = ${rate}/s`);
      expect((await o.listSignals({ limit: 100_000 })).length).toBe(total);
      const dup = await o.insertSignals(all.slice(0, 1000));
      expect(dup).toEqual({ inserted: 0, duplicates: all.slice(0, 1000).map((s) => s.id), failed: [] });
    } finally {
      await admin.close();
      await store.close();
    }
  });
});
