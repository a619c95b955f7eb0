/**
 * The people of an org: who they are, their role (what they may do in chat: ROLE_SCOPES) and the
 * chat identities that map a Slack or Teams user to them. An org admin creates and changes them;
 * anyone who may read sees them. Each chat id maps to one user per org, so a clash is refused
 * with the user who holds it (the database's unique indexes settle a race the same way).
 */
import { AppError } from '../core/errors.js';
import type { NewUser, OrgStore, UserPatch } from '../core/ports/index.js';
import type { User } from '../core/schemas.js';
import { actorOf, requireScope } from './principal.js';
import type { Session } from './session.js';

const CHAT_IDS = [
  { field: 'slackUserId', surface: 'slack', constraint: 'users_slack_user_id', label: 'Slack user', body: 'slack_user_id' },
  { field: 'teamsAadObjectId', surface: 'teams', constraint: 'users_teams_aad_object_id', label: 'Teams user (AAD object id)', body: 'teams_aad_object_id' },
] as const;

const clash = (label: string, chatId: string, body: string, holder?: string) =>
  new AppError(
    'conflict',
    holder
      ? `${label} ${chatId} is already mapped to the Warroom user "${holder}"; unmap it there first (PATCH /v1/users/${holder} {"${body}": null}).`
      : `${label} ${chatId} is already mapped to another Warroom user; unmap it there first.`,
    { extra: { reason: 'chat_id_mapped', field: body, ...(holder ? { mapped_to: holder } : {}) } },
  );

const exists = (id: string) => new AppError('conflict', `The user "${id}" already exists; change it with PATCH /v1/users/${id}.`, { extra: { reason: 'user_exists' } });

/** Refuses chat ids that another user of the org already holds. */
async function refuseClashes(org: OrgStore, userId: string, ids: Pick<NewUser, 'slackUserId' | 'teamsAadObjectId'>): Promise<void> {
  for (const c of CHAT_IDS) {
    const chatId = ids[c.field];
    if (!chatId) continue;
    const holder = await org.findUserByChat(c.surface, chatId);
    if (holder && holder.id !== userId) throw clash(c.label, chatId, c.body, holder.id);
  }
}

/** A unique violation that slipped past the check (a concurrent request) gets the same clear message. */
function explainConflict(e: unknown, u: { id: string } & Pick<NewUser, 'slackUserId' | 'teamsAadObjectId'>): unknown {
  if (!(e instanceof AppError) || e.code !== 'conflict') return e;
  const c = CHAT_IDS.find((x) => x.constraint === e.extra?.constraint);
  return c ? clash(c.label, String(u[c.field]), c.body) : exists(u.id);
}

/** What the audit keeps of a user: no email (the log is append-only; the user row holds it). */
const auditFields = (u: User) => ({ name: u.name, role: u.role, hasEmail: u.email !== null, slackUserId: u.slackUserId ?? null, teamsAadObjectId: u.teamsAadObjectId ?? null });

/** Emails are for admins (and each person's own): a read key lists who is who, not everyone's address. */
const shownTo = (p: Session['principal']) => (u: User): User => (p.scopes.includes('admin') || u.id === p.userId ? u : { ...u, email: null });

/** The org's users (scope `read`; emails only for an admin or the person themselves). */
export async function listUsers(s: Session): Promise<User[]> {
  requireScope(s.principal, 'read');
  return (await s.org.listUsers()).map(shownTo(s.principal));
}

/** One user (scope `read`; the email only for an admin or the person themselves). */
export async function getUser(s: Session, id: string): Promise<User> {
  requireScope(s.principal, 'read');
  const u = await s.org.getUser(id);
  if (!u) throw new AppError('not_found', `No user "${id}".`);
  return shownTo(s.principal)(u);
}

/** Creates a user (scope `admin`, audited `user.created`); an existing id or a mapped chat id is a conflict. */
export async function createUser(s: Session, input: NewUser): Promise<User> {
  requireScope(s.principal, 'admin');
  return s.commit(async ({ org }) => {
    if (await org.getUser(input.id)) throw exists(input.id);
    await refuseClashes(org, input.id, input);
    const user = await org.createUser(input).catch((e: unknown) => {
      throw explainConflict(e, input);
    });
    await org.appendAudit({ actor: actorOf(s.principal), action: 'user.created', target: `user:${user.id}`, payload: auditFields(user) });
    return user;
  });
}

/** Changes a user's name, email, role or chat ids (scope `admin`, audited `user.updated` with what changed). */
export async function updateUser(s: Session, id: string, patch: UserPatch): Promise<User> {
  requireScope(s.principal, 'admin');
  return s.commit(async ({ org }) => {
    const before = await org.getUser(id);
    if (!before) throw new AppError('not_found', `No user "${id}".`);
    if (before.role === 'admin' && patch.role !== undefined && patch.role !== 'admin' && !(await org.listUsers()).some((u) => u.role === 'admin' && u.id !== id)) {
      throw new AppError('conflict', `"${id}" is the org's last admin: make someone else admin first, or nobody could manage keys and users any more.`);
    }
    await refuseClashes(org, id, patch);
    const after = await org.updateUser(id, patch).catch((e: unknown) => {
      throw explainConflict(e, { id, ...patch });
    });
    if (!after) throw new AppError('not_found', `No user "${id}".`);
    const changed = (Object.keys(patch) as (keyof UserPatch)[]).filter((k) => patch[k] !== undefined && (before[k] ?? null) !== (after[k] ?? null));
    await org.appendAudit({ actor: actorOf(s.principal), action: 'user.updated', target: `user:${id}`, payload: { changed, before: auditFields(before), after: auditFields(after) } });
    return after;
  });
}
