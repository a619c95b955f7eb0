/**
 * Embedded engine: PGlite (PostgreSQL 18 in WASM) with pgvector. One session: every call is a
 * `pglite.transaction()`, which PGlite serialises. The superuser `postgres` owns the tables;
 * tenant transactions switch to the application role with SET LOCAL ROLE so that row-level
 * security applies exactly as on Postgres. A data directory has one owning process at a time
 * (store/lock.ts).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { mkdirSync } from 'node:fs';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import type { Lead } from '../core/ports/index.js';
import { vector } from '@electric-sql/pglite-pgvector';
import { type DataDirLock, lockDataDir } from './lock.js';
import { assertAppRoleIsConfined, ensureAppRole, migrate } from './migrate.js';
import { type Db, type Row, type SqlSession, quoteIdent } from './sql.js';
import { OrgTokens, orgToken } from './tenant-token.js';
import { type CommandSigningOptions, loadCommandSigner } from './signing-key.js';
import { type OpenedStore, createStore } from './store.js';

export interface PgliteStoreOptions {
  /** Directory of the database files; undefined = in memory. */
  dataDir?: string;
  /** Role tenant transactions run as (default warroom_app). */
  appRole?: string;
  /** Written into the data directory's lock (store/lock.ts): who holds it, and the API to use instead. */
  owner?: { command?: string; url?: string };
  /** The audit key (see CreateStoreOptions). */
  auditKey?: Uint8Array | null;
  /** Sign every command recorded, with the database's key (store/signing-key.ts; generated on the first such open). */
  commandSigning?: CommandSigningOptions;
}

const session = (tx: Transaction): SqlSession => ({
  async query<R extends Row = Row>(sql: string, params?: unknown[]): Promise<R[]> {
    return (await tx.query<R>(sql, params)).rows;
  },
  async exec(sql: string): Promise<void> {
    await tx.exec(sql);
  },
});

class PgliteDb implements Db {
  readonly engine = 'pglite' as const;
  /** Set while a transaction callback runs, to turn a nested transaction (a deadlock on one session) into an error. */
  private readonly inTx = new AsyncLocalStorage<true>();
  private closed = false;

  constructor(
    readonly pg: PGlite,
    readonly appRole: string,
    private readonly lock?: DataDirLock,
  ) {}

  private run<T>(prelude: (tx: Transaction) => Promise<void>, fn: (s: SqlSession) => Promise<T>): Promise<T> {
    if (this.inTx.getStore()) {
      return Promise.reject(
        new Error('store (pglite): a transaction was started inside another one; use the OrgStore handed to transaction()/idempotent() instead of opening a new one'),
      );
    }
    if (this.closed) return Promise.reject(new Error('store (pglite): closed'));
    return this.pg.transaction(async (tx) => {
      await prelude(tx);
      return this.inTx.run(true, () => fn(session(tx)));
    });
  }

  /** Signs the org tokens row-level security checks (set after the migrations read the key). */
  tokens: OrgTokens | null = null;

  tenant<T>(orgId: string | null, fn: (s: SqlSession) => Promise<T>): Promise<T> {
    return this.run(async (tx) => {
      await tx.exec(`SET LOCAL ROLE ${quoteIdent(this.appRole)}`);
      if (orgId !== null) await tx.query("SELECT set_config('app.org_token', $1, true)", [orgToken(this.tokens, orgId)]);
    }, fn);
  }

  owner<T>(fn: (s: SqlSession) => Promise<T>): Promise<T> {
    return this.run(async () => undefined, fn);
  }

  private readonly leads = new Set<string>();

  /** One process owns an embedded database, so a role is this process's to give out, once at a time. */
  async lead(role: string): Promise<Lead | null> {
    if (this.closed) throw new Error('store (pglite): closed');
    if (this.leads.has(role)) return null;
    this.leads.add(role);
    let held = true;
    let settle = () => undefined as void;
    const lost = new Promise<void>((r) => (settle = r));
    return {
      role,
      lost,
      release: async () => {
        if (held) this.leads.delete(role);
        held = false;
        settle();
      },
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.pg.close();
    } finally {
      this.lock?.release();
    }
  }
}

/** Opens (creating if needed) an embedded database, applies migrations, returns the store. */
export async function openPgliteStore(opts: PgliteStoreOptions = {}): Promise<OpenedStore> {
  const appRole = opts.appRole ?? 'warroom_app';
  const onDisk = opts.dataDir !== undefined && !opts.dataDir.includes('://');
  if (onDisk) mkdirSync(opts.dataDir!, { recursive: true });
  // Before PGlite touches the files: a second owner would corrupt them (store/lock.ts).
  const lock = onDisk ? lockDataDir(opts.dataDir!, opts.owner) : undefined;
  let pg: PGlite;
  try {
    pg = await PGlite.create({ dataDir: opts.dataDir, extensions: { vector } });
  } catch (e) {
    lock?.release();
    throw e;
  }
  const db = new PgliteDb(pg, appRole, lock);
  try {
    await ensureAppRole(db, appRole, { login: false });
    const { hasVector, tenantKey } = await migrate(db, { appRole });
    db.tokens = new OrgTokens(tenantKey);
    await assertAppRoleIsConfined(db);
    const commandSigner = opts.commandSigning ? await loadCommandSigner(db, opts.commandSigning, opts.auditKey ?? null) : null;
    return { ...createStore(db, { hasVector, auditKey: opts.auditKey, commandSigner }), db };
  } catch (e) {
    await db.close().catch(() => undefined);
    throw e;
  }
}
