/**
 * Starts a throw-away instance for tests, evals and benchmarks: in-memory PGlite, or a fresh
 * database on the Postgres server that is dropped on stop. Keys are fixed so callers can use them.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { loadConfig, type Config } from './config.js';
import { httpClient, type HttpClient } from './http-client.js';
import { startWarroom, type StartOptions, type Warroom } from './runtime.js';

export { httpClient, type HttpClient, type HttpResult } from './http-client.js';

export type Engine = 'pglite' | 'postgres';

export interface Embedded {
  w: Warroom;
  cfg: Config;
  adminKey: string;
  apiKey: string;
  client(key?: string): HttpClient;
  stop(): Promise<void>;
}

export const POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/test';

/** Creates a fresh database on the Postgres server (owner URL) and returns its URL and a dropper. */
export async function freshPostgresDb(ownerUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `warroom_t_${randomBytes(6).toString('hex')}`;
  const c = new pg.Client({ connectionString: ownerUrl });
  await c.connect();
  await c.query(`CREATE DATABASE ${name}`);
  await c.end();
  const u = new URL(ownerUrl);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    async drop() {
      const d = new pg.Client({ connectionString: ownerUrl });
      await d.connect();
      // A stopped instance's clients may still be closing their sockets. FORCE would terminate one
      // mid-close, and the FATAL it then receives surfaces as an uncaught 'error' in the test run
      // (seen once in CI: 57P01 in app/chat.int.test.ts). So wait up to 5 s for them to go first.
      for (let i = 0; i < 50; i++) {
        const open = await d.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1', [name]);
        if (open.rows[0].n === 0) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      await d.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await d.end();
    },
  };
}

export async function startEmbedded(
  engine: Engine,
  env: Record<string, string> = {},
  ownerUrl = POSTGRES_URL,
  opts: Omit<StartOptions, 'announce'> = {},
): Promise<Embedded> {
  const adminKey = `wra_test_${randomBytes(16).toString('hex')}`;
  const apiKey = `wr_test_${randomBytes(16).toString('hex')}`;
  const db = engine === 'postgres' ? await freshPostgresDb(ownerUrl) : undefined;
  const cfg = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    WARROOM_DATA_DIR: ':memory:',
    LOG_LEVEL: 'silent',
    WARROOM_SANDBOX: 'off',
    WARROOM_ADMIN_KEY: adminKey,
    WARROOM_API_KEY: apiKey,
    ...(db ? { DATABASE_URL: db.url } : {}),
    ...env,
  });
  const w = await startWarroom(cfg, { ...opts, announce: () => undefined });
  try {
    await w.ready;
  } catch (e) {
    await w.stop().catch(() => undefined);
    await db?.drop();
    throw e;
  }
  return {
    w,
    cfg,
    adminKey,
    apiKey,
    client: (key = apiKey) => httpClient(w.url, key),
    async stop() {
      await w.stop();
      await db?.drop();
    },
  };
}

/** Polls `fn` until it returns a value that is not undefined, or throws after `ms`. */
export async function eventually<T>(fn: () => Promise<T | undefined>, ms = 10_000, what = 'condition'): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
