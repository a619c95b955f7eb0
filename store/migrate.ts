/**
 * Plain-SQL migrations: `migrations/NNN_name.sql`, applied in order at start-up inside one
 * transaction that holds an advisory lock (so two processes starting at once apply each file
 * once), tracked with a checksum in `schema_migrations`. Then the application role's grants
 * (`migrations/grants.sql`) are re-applied.
 */
import { createHash } from 'node:crypto';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type Db, type SqlSession, quoteIdent, quoteLiteral } from './sql.js';

export const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));

/** Advisory lock keys (two-int form): class 0x77720001 = migrations, 0x77720002 = audit chains. */
export const LOCK_CLASS_MIGRATIONS = 0x77720001;
export const LOCK_CLASS_AUDIT = 0x77720002;
/** Session-level locks of held roles (`Store.lead`). */
export const LOCK_CLASS_LEAD = 0x77720004;

export interface Migration {
  version: number;
  name: string;
  sql: string;
  checksum: string;
}

const FILE_RE = /^(\d{3})_([a-z0-9_]+)\.sql$/;

export function loadMigrations(dir = MIGRATIONS_DIR): Migration[] {
  const out = readdirSync(dir)
    .filter((f) => FILE_RE.test(f))
    .sort()
    .map((f) => {
      const m = FILE_RE.exec(f)!;
      const sql = readFileSync(`${dir}/${f}`, 'utf8');
      return { version: Number(m[1]), name: m[2], sql, checksum: createHash('sha256').update(sql).digest('hex') };
    });
  const seen = new Set<number>();
  for (const m of out) {
    if (seen.has(m.version)) throw new Error(`two migrations share version ${m.version}`);
    seen.add(m.version);
  }
  return out;
}

export function grantsSql(appRole: string, dir = MIGRATIONS_DIR): string {
  return readFileSync(`${dir}/grants.sql`, 'utf8').replaceAll('{{app_role}}', quoteIdent(appRole));
}

/** The org-token tenancy (migrations/tenancy.sql), re-applied after the grants on every start. */
export function tenancySql(appRole: string, dir = MIGRATIONS_DIR): string {
  return readFileSync(`${dir}/tenancy.sql`, 'utf8').replaceAll('{{app_role}}', quoteIdent(appRole));
}

const errCode = (e: unknown): string | undefined => (e as { code?: string } | null)?.code;

/**
 * Creates the application role if it is missing (tolerating another process creating it at
 * the same moment: roles are cluster-wide). It is created NOSUPERUSER NOBYPASSRLS; an existing
 * role is not altered except for its password when one is given.
 */
export async function ensureAppRole(db: Db, role: string, opts: { login: boolean; password?: string }): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await db.owner(async (s) => {
        const rows = await s.query<{ rolcanlogin: boolean }>('SELECT rolcanlogin FROM pg_roles WHERE rolname = $1', [role]);
        const pw = opts.password !== undefined ? ` PASSWORD ${quoteLiteral(opts.password)}` : '';
        if (rows.length === 0) {
          await s.exec(
            `CREATE ROLE ${quoteIdent(role)} ${opts.login ? 'LOGIN' : 'NOLOGIN'} NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOREPLICATION${pw}`,
          );
        } else if (pw || (opts.login && !rows[0].rolcanlogin)) {
          // e.g. the role was first created by an embedded (PGlite-style) setup without LOGIN
          await s.exec(`ALTER ROLE ${quoteIdent(role)}${opts.login ? ' LOGIN' : ''}${pw}`);
        }
      });
      return;
    } catch (e) {
      const code = errCode(e);
      // 42710 duplicate_object / 23505 unique_violation: another process created it first;
      // XX000 "tuple concurrently updated": a concurrent ALTER. Look again.
      if ((code === '42710' || code === '23505' || code === 'XX000') && attempt < 5) continue;
      throw e;
    }
  }
}

export interface MigrateResult {
  applied: string[];
  hasVector: boolean;
  /** The key org tokens are signed with (store/tenant-token.ts), made on the first start. */
  tenantKey: Buffer;
}

/** Applies pending migrations and the grants; safe to call from several processes at once. */
export async function migrate(db: Db, opts: { appRole: string; dir?: string }): Promise<MigrateResult> {
  const migrations = loadMigrations(opts.dir);
  const grants = grantsSql(opts.appRole, opts.dir);
  const tenancy = tenancySql(opts.appRole, opts.dir);
  return db.owner(async (s) => {
    await s.query('SELECT pg_advisory_xact_lock($1, $2)', [LOCK_CLASS_MIGRATIONS, 1]);
    await s.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version    integer PRIMARY KEY,
      name       text NOT NULL,
      checksum   text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const done = new Map(
      (await s.query<{ version: number; checksum: string }>('SELECT version, checksum FROM schema_migrations')).map((r) => [Number(r.version), r.checksum]),
    );
    const applied: string[] = [];
    for (const m of migrations) {
      const sum = done.get(m.version);
      if (sum !== undefined) {
        if (sum !== m.checksum) {
          throw new Error(`migration ${String(m.version).padStart(3, '0')}_${m.name} was changed after it was applied; add a new migration instead`);
        }
        continue;
      }
      try {
        await s.exec(m.sql);
      } catch (e) {
        const err = e as Error;
        err.message = `migration ${String(m.version).padStart(3, '0')}_${m.name} failed: ${err.message}`;
        throw err;
      }
      await s.query('INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)', [m.version, m.name, m.checksum]);
      applied.push(`${String(m.version).padStart(3, '0')}_${m.name}`);
    }
    await s.exec(grants);
    await s.exec(tenancy);
    await s.query('INSERT INTO warroom_private.tenant_key (id, key) VALUES (1, $1) ON CONFLICT (id) DO NOTHING', [randomBytes(32)]);
    const [k] = await s.query<{ key: Uint8Array }>('SELECT key FROM warroom_private.tenant_key WHERE id = 1');
    return { applied, hasVector: await detectVector(s), tenantKey: Buffer.from(k!.key) };
  });
}

/** True when chunks carry a pgvector `embedding` column (false: `embedding_arr real[]`). */
export async function detectVector(s: SqlSession): Promise<boolean> {
  const rows = await s.query<{ ok: boolean }>(
    `SELECT EXISTS (
       SELECT 1 FROM pg_attribute
       WHERE attrelid = to_regclass('public.chunks') AND attname = 'embedding' AND NOT attisdropped
     ) AS ok`,
  );
  return rows[0]?.ok === true;
}

/**
 * Checks, as the application role, that row-level security binds it: not a superuser, no
 * BYPASSRLS, and it owns no table in the schema.
 */
export async function assertAppRoleIsConfined(db: Db): Promise<void> {
  const rows = await db.tenant(null, (s) =>
    s.query<{ who: string; rolsuper: boolean; rolbypassrls: boolean; owned: number | string }>(
      `SELECT r.rolname AS who, r.rolsuper, r.rolbypassrls,
              (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = 'public' AND c.relowner = r.oid) AS owned
       FROM pg_roles r WHERE r.rolname = current_user`,
    ),
  );
  const r = rows[0];
  if (!r) throw new Error('store: cannot read the application role from pg_roles');
  if (r.rolsuper || r.rolbypassrls) {
    throw new Error(
      `store: the application role "${r.who}" is ${r.rolsuper ? 'a superuser' : 'allowed to bypass row-level security'}; ` +
        `tenant isolation would not hold. Use a role with NOSUPERUSER NOBYPASSRLS (e.g. ALTER ROLE ${quoteIdent(r.who)} NOSUPERUSER NOBYPASSRLS).`,
    );
  }
  if (Number(r.owned) > 0) {
    throw new Error(`store: the application role "${r.who}" owns ${r.owned} relation(s) in schema public; table owners bypass row-level security. Run the app as a role that owns nothing.`);
  }
}
