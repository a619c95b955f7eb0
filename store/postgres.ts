/**
 * Server engine: PostgreSQL (15+) through pg. Migrations run over the owner connection from the
 * URL; the application pool connects as the application role (same host and database, user
 * replaced), which owns nothing and cannot bypass row-level security — checked at start-up.
 */
import pg from 'pg';
import type { PoolClient } from 'pg';
import type { Lead } from '../core/ports/index.js';
import { LOCK_CLASS_LEAD, assertAppRoleIsConfined, ensureAppRole, migrate } from './migrate.js';
import { type Db, type Row, type SqlSession } from './sql.js';
import { OrgTokens, orgToken } from './tenant-token.js';
import { type CommandSigningOptions, loadCommandSigner } from './signing-key.js';
import { type OpenedStore, createStore } from './store.js';

export interface PostgresStoreOptions {
  /** Owner connection URL (runs migrations, admin operations). */
  url: string;
  /** Role the application pool connects as (default warroom_app); created when missing. */
  appRole?: string;
  /** Its password, if the server does not trust the connection. */
  appPassword?: string;
  /** Size of the application pool (default 10). */
  poolSize?: number;
  /** The audit key (see CreateStoreOptions). */
  auditKey?: Uint8Array | null;
  /** Sign every command recorded, with the database's key (store/signing-key.ts; generated on the first such open). */
  commandSigning?: CommandSigningOptions;
}

/** A session over one checked-out client; unusable once its transaction has ended (the client may then serve another org). */
function session(c: PoolClient): { s: SqlSession; end: () => void } {
  let open = true;
  const check = () => {
    if (!open) throw new Error('store (postgres): this transaction has ended; its OrgStore can no longer be used');
  };
  return {
    s: {
      async query<R extends Row = Row>(sql: string, params?: unknown[]): Promise<R[]> {
        check();
        return (await c.query<R>(sql, params)).rows;
      },
      async exec(sql: string): Promise<void> {
        check();
        await c.query(sql);
      },
    },
    end: () => {
      open = false;
    },
  };
}

async function inTransaction<T>(pool: pg.Pool, prelude: (c: PoolClient) => Promise<void>, fn: (s: SqlSession) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  const sess = session(client);
  let broken = false;
  try {
    await client.query('BEGIN');
    await prelude(client);
    const out = await fn(sess.s);
    await client.query('COMMIT'); // deferred constraints are checked here
    return out;
  } catch (e) {
    try {
      await client.query('ROLLBACK');
    } catch {
      broken = true;
    }
    throw e;
  } finally {
    sess.end();
    client.release(broken);
  }
}

class PostgresDb implements Db {
  readonly engine = 'postgres' as const;
  private closed = false;

  constructor(
    private readonly ownerPool: pg.Pool,
    private appPool: pg.Pool | null,
    readonly appRole: string,
  ) {}

  /** Connection string of the application role: a held role (`lead`) keeps a connection of its own. */
  private appUrl: string | null = null;
  private readonly leads = new Set<pg.Client>();

  attachAppPool(p: pg.Pool, url: string): void {
    this.appPool = p;
    this.appUrl = url;
  }

  /**
   * A session-level advisory lock on a connection of its own: Postgres releases it when that
   * connection ends, so a process that dies (or loses its network) gives the role up by itself.
   * The connection is pinged every `pingMs` so a silently dropped one is noticed (`lost`).
   */
  async lead(role: string, pingMs = 5000): Promise<Lead | null> {
    if (this.closed || !this.appUrl) throw new Error('store (postgres): not open');
    const client = new pg.Client({ connectionString: this.appUrl, keepAlive: true });
    let markLost = () => undefined as void;
    const lost = new Promise<void>((r) => (markLost = r));
    client.on('error', () => markLost());
    client.on('end', () => markLost());
    await client.connect();
    let ok = false;
    try {
      ok = (await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1::int4, hashtext($2::text)) AS ok', [LOCK_CLASS_LEAD, role])).rows[0].ok;
    } finally {
      if (!ok) await client.end().catch(() => undefined);
    }
    if (!ok) return null;
    this.leads.add(client);
    let released = false;
    const ping = setInterval(() => {
      client.query('SELECT 1').catch(() => {
        markLost();
        void client.end().catch(() => undefined);
      });
    }, pingMs);
    ping.unref();
    void lost.then(() => {
      clearInterval(ping);
      this.leads.delete(client);
    });
    return {
      role,
      lost,
      release: async () => {
        if (released) return;
        released = true;
        clearInterval(ping);
        this.leads.delete(client);
        // ending the session releases the lock (and settles `lost`)
        await client.end().catch(() => undefined);
        markLost();
      },
    };
  }

  /** Signs the org tokens row-level security checks (set after the migrations read the key). */
  tokens: OrgTokens | null = null;

  tenant<T>(orgId: string | null, fn: (s: SqlSession) => Promise<T>): Promise<T> {
    if (!this.appPool) return Promise.reject(new Error('store (postgres): application pool not open'));
    return inTransaction(
      this.appPool,
      async (c) => {
        if (orgId !== null) await c.query("SELECT set_config('app.org_token', $1, true)", [orgToken(this.tokens, orgId)]);
      },
      fn,
    );
  }

  owner<T>(fn: (s: SqlSession) => Promise<T>): Promise<T> {
    return inTransaction(this.ownerPool, async () => undefined, fn);
  }

  async closeOwner(): Promise<void> {
    await this.ownerPool.end().catch(() => undefined);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([this.appPool?.end(), this.ownerPool.end().catch(() => undefined), ...[...this.leads].map((c) => c.end().catch(() => undefined))]);
  }
}

/** The owner URL with the user (and password) replaced by the application role's. */
export function appRoleUrl(url: string, role: string, password?: string): string {
  const u = new URL(url);
  u.username = role;
  u.password = password ?? '';
  return u.toString();
}

/** Opens a Postgres-backed store: role, migrations and grants as owner, then the app pool. */
export async function openPostgresStore(opts: PostgresStoreOptions): Promise<OpenedStore> {
  const appRole = opts.appRole ?? 'warroom_app';
  const ownerPool = new pg.Pool({ connectionString: opts.url, max: 2, idleTimeoutMillis: 10_000 });
  ownerPool.on('error', () => undefined); // an idle client dropped by the server; the next query reconnects
  const db = new PostgresDb(ownerPool, null, appRole);
  try {
    await ensureAppRole(db, appRole, { login: true, password: opts.appPassword });
    const { hasVector, tenantKey } = await migrate(db, { appRole });
    db.tokens = new OrgTokens(tenantKey);
    const appUrl = appRoleUrl(opts.url, appRole, opts.appPassword);
    const appPool = new pg.Pool({ connectionString: appUrl, max: opts.poolSize ?? 10 });
    appPool.on('error', () => undefined);
    db.attachAppPool(appPool, appUrl);
    await assertAppRoleIsConfined(db);
    const commandSigner = opts.commandSigning ? await loadCommandSigner(db, opts.commandSigning, opts.auditKey ?? null) : null;
    return { ...createStore(db, { hasVector, auditKey: opts.auditKey, closeAdmin: () => db.closeOwner(), commandSigner }), db };
  } catch (e) {
    await db.close().catch(() => undefined);
    throw e;
  }
}
