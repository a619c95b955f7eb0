/**
 * Storage adapters for the `Store` / `AdminStore` ports: PostgreSQL when a URL is given,
 * otherwise embedded PGlite.
 */
import { openPgliteStore } from './pglite.js';
import { openPostgresStore } from './postgres.js';
import type { CommandSigningOptions } from './signing-key.js';
import type { OpenedStore } from './store.js';

export interface StoreConfig {
  /** Postgres owner URL; unset = PGlite. */
  databaseUrl?: string;
  /** PGlite data directory; unset = in memory. */
  dataDir?: string;
  /** Application role (default warroom_app). */
  appRole?: string;
  /** Its password on Postgres, if the server does not trust the connection. */
  appPassword?: string;
  /** PGlite only: who holds the data directory, and the API to use instead (store/lock.ts). */
  owner?: { command?: string; url?: string };
  /** The audit key: signs every audit entry (HMAC-SHA256); never stored in the database. */
  auditKey?: Uint8Array | null;
  /** Sign every command a runner executed (Ed25519, the key kept in the database; store/signing-key.ts). Absent: unsigned. */
  commandSigning?: CommandSigningOptions;
}

export function openStore(cfg: StoreConfig): Promise<OpenedStore> {
  const { auditKey, commandSigning } = cfg;
  if (cfg.databaseUrl) return openPostgresStore({ url: cfg.databaseUrl, appRole: cfg.appRole, appPassword: cfg.appPassword, auditKey, commandSigning });
  return openPgliteStore({ dataDir: cfg.dataDir, appRole: cfg.appRole, owner: cfg.owner, auditKey, commandSigning });
}

export type { PgliteStoreOptions } from './pglite.js';
export type { OpenedStore } from './store.js';
export { openPgliteStore } from './pglite.js';
export { DataDirLockedError, describeHolder, liveHolder, type LockHolder } from './lock.js';
export type { PostgresStoreOptions } from './postgres.js';
export { appRoleUrl, openPostgresStore } from './postgres.js';
export type { Db, SqlSession } from './sql.js';
export { type OrgAuditReport, verifyAudit } from './verify.js';
export type { CommandSigningOptions } from './signing-key.js';
export { loadMigrations, migrate } from './migrate.js';
