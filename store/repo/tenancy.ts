/** Orgs, users (with their chat identities) and API keys. */
import type { NewUser, UserPatch } from '../../core/ports/index.js';
import type { ApiKeyRecord, Org, Scope, User } from '../../core/schemas.js';
import { type Row, type SqlSession, iso, strOrNull } from '../sql.js';

export const toOrg = (r: Row): Org => ({ id: String(r.id), name: String(r.name), createdAt: iso(r.created_at) });

export const toUser = (r: Row): User => ({
  id: String(r.id),
  orgId: String(r.org_id),
  name: String(r.name),
  email: strOrNull(r.email),
  role: r.role as User['role'],
  slackUserId: strOrNull(r.slack_user_id),
  teamsAadObjectId: strOrNull(r.teams_aad_object_id),
});

const USER_COLS = 'org_id, id, name, email, role, slack_user_id, teams_aad_object_id';

export const toApiKey = (r: Row): ApiKeyRecord => ({
  id: String(r.id),
  orgId: String(r.org_id),
  userId: String(r.user_id),
  name: String(r.name),
  scopes: (r.scopes as Scope[]) ?? [],
  createdAt: iso(r.created_at),
});

/** Runs with app.org_id = o.id, so the row-level security WITH CHECK admits exactly this org. */
export async function createOrg(s: SqlSession, o: { id: string; name: string }): Promise<Org> {
  const [r] = await s.query('INSERT INTO orgs (id, name) VALUES ($1, $2) RETURNING id, name, created_at', [o.id, o.name]);
  return toOrg(r);
}

export async function getOrg(s: SqlSession, id: string): Promise<Org | null> {
  const [r] = await s.query('SELECT id, name, created_at FROM orgs WHERE id = $1', [id]);
  return r ? toOrg(r) : null;
}

export async function upsertUser(s: SqlSession, orgId: string, u: { id: string; name: string; email?: string | null; role: User['role'] }): Promise<User> {
  const [r] = await s.query(
    `INSERT INTO users (org_id, id, name, email, role) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (org_id, id) DO UPDATE SET name = EXCLUDED.name, email = EXCLUDED.email, role = EXCLUDED.role, updated_at = now()
     RETURNING ${USER_COLS}`,
    [orgId, u.id, u.name, u.email ?? null, u.role],
  );
  return toUser(r);
}

export async function getUser(s: SqlSession, orgId: string, id: string): Promise<User | null> {
  const [r] = await s.query(`SELECT ${USER_COLS} FROM users WHERE org_id = $1 AND id = $2`, [orgId, id]);
  return r ? toUser(r) : null;
}

export async function listUsers(s: SqlSession, orgId: string): Promise<User[]> {
  return (await s.query(`SELECT ${USER_COLS} FROM users WHERE org_id = $1 ORDER BY id`, [orgId])).map(toUser);
}

/** A plain INSERT: an existing id or chat id fails with a unique violation (mapped to `conflict`). */
export async function createUser(s: SqlSession, orgId: string, u: NewUser): Promise<User> {
  const [r] = await s.query(
    `INSERT INTO users (org_id, id, name, email, role, slack_user_id, teams_aad_object_id) VALUES ($1, $2, $3, $4, $5, $6, $7)
     RETURNING ${USER_COLS}`,
    [orgId, u.id, u.name, u.email ?? null, u.role, u.slackUserId ?? null, u.teamsAadObjectId ?? null],
  );
  return toUser(r);
}

const PATCHABLE: Record<keyof UserPatch, string> = { name: 'name', email: 'email', role: 'role', slackUserId: 'slack_user_id', teamsAadObjectId: 'teams_aad_object_id' };

/** Sets the fields present in the patch (undefined: kept); null when the user does not exist. */
export async function updateUser(s: SqlSession, orgId: string, id: string, patch: UserPatch): Promise<User | null> {
  const sets: string[] = [];
  const params: unknown[] = [orgId, id];
  for (const [field, col] of Object.entries(PATCHABLE) as [keyof UserPatch, string][]) {
    if (patch[field] === undefined) continue;
    params.push(patch[field]);
    sets.push(`${col} = $${params.length}`);
  }
  if (sets.length === 0) return getUser(s, orgId, id);
  const [r] = await s.query(`UPDATE users SET ${sets.join(', ')}, updated_at = now() WHERE org_id = $1 AND id = $2 RETURNING ${USER_COLS}`, params);
  return r ? toUser(r) : null;
}

export async function findUserByChat(s: SqlSession, orgId: string, surface: 'slack' | 'teams', chatId: string): Promise<User | null> {
  const col = surface === 'slack' ? 'slack_user_id' : 'teams_aad_object_id';
  const [r] = await s.query(`SELECT ${USER_COLS} FROM users WHERE org_id = $1 AND ${col} = $2`, [orgId, chatId]);
  return r ? toUser(r) : null;
}

/** Case-insensitive (the users_email_lower index); several users may share an email: the first by id. */
export async function findUserByEmail(s: SqlSession, orgId: string, email: string): Promise<User | null> {
  // two users sharing a mailbox (an alias) is no match: which of them is asking is unknown
  const rows = await s.query(`SELECT ${USER_COLS} FROM users WHERE org_id = $1 AND lower(email) = lower($2) ORDER BY id LIMIT 2`, [orgId, email.trim()]);
  return rows.length === 1 ? toUser(rows[0]) : null;
}

export async function createApiKey(
  s: SqlSession,
  orgId: string,
  k: { id: string; userId: string; name: string; scopes: Scope[]; hash: string },
): Promise<ApiKeyRecord> {
  const [r] = await s.query(
    `INSERT INTO api_keys (org_id, id, user_id, name, scopes, hash) VALUES ($1, $2, $3, $4, $5::text[], $6)
     RETURNING org_id, id, user_id, name, scopes, created_at`,
    [orgId, k.id, k.userId, k.name, k.scopes, k.hash],
  );
  return toApiKey(r);
}

/** Revokes the org's active keys with this id or name; returns the ids revoked (none: nothing matched or already revoked). */
export async function revokeApiKeys(s: SqlSession, orgId: string, q: { id?: string; name?: string }, at: string): Promise<string[]> {
  if (q.id === undefined && q.name === undefined) return [];
  const rows = await s.query<{ id: string }>(
    `UPDATE api_keys SET revoked_at = $4::timestamptz
     WHERE org_id = $1 AND revoked_at IS NULL AND (id = $2 OR name = $3) RETURNING id`,
    [orgId, q.id ?? null, q.name ?? null, at],
  );
  return rows.map((r) => String(r.id)).sort();
}

/** Across orgs, through the security-definer function (the caller has no org set). */
export async function findApiKeyByHash(s: SqlSession, hash: string): Promise<ApiKeyRecord | null> {
  const [r] = await s.query('SELECT org_id, id, user_id, name, scopes, created_at FROM warroom_find_api_key($1)', [hash]);
  return r ? toApiKey(r) : null;
}
