/**
 * The people of an org and how chat users map to them (issue 16 §4): an admin creates and
 * changes users (their role decides what they may do in chat; a Slack user id / Teams AAD object
 * id maps a chat user to them); anyone who may read lists them.
 */
import { z } from 'zod';
import { USER_ROLES, type User } from '../../core/schemas.js';
import { ROLE_SCOPES } from '../../usecases/principal.js';
import { createUser, getUser, listUsers, updateUser } from '../../usecases/users.js';
import { route } from '../context.js';
import { runUseCase } from '../session.js';

const UserId = z.string().regex(/^[A-Za-z0-9._@-]{1,128}$/, 'letters, digits, ".", "_", "@" and "-", 1-128 characters');
const SlackUserId = z.string().regex(/^[UW][A-Z0-9]{1,63}$/, 'a Slack user id: U or W then capital letters and digits, e.g. U0123ABCD').describe('Slack user id (users.info `id`)');
const TeamsAadObjectId = z
  .string()
  .regex(/^[A-Za-z0-9-]{1,128}$/, 'a Microsoft Entra object id, e.g. 6f1c0a3e-1b2c-4d5e-8f90-123456789abc')
  .describe("Microsoft Entra (AAD) object id, as Teams sends it in `from.aadObjectId`");
const Role = z
  .enum(USER_ROLES)
  .describe('What the person may do in chat: viewer reads; responder also opens, analyzes, asks and plans; sre also approves and executes (in prod never a plan they requested); admin also manages the org');

export const UserView = z.object({
  id: z.string(),
  name: z.string(),
  email: z.string().nullable().describe('Shown to admins and to the person themselves; null for other readers'),
  role: z.enum(USER_ROLES),
  slack_user_id: z.string().nullable(),
  teams_aad_object_id: z.string().nullable(),
  chat_scopes: z.array(z.string()).describe('What the role lets the person do in chat (API keys carry scopes of their own)'),
});
export const userView = (u: User): z.infer<typeof UserView> => ({
  id: u.id,
  name: u.name,
  email: u.email,
  role: u.role,
  slack_user_id: u.slackUserId ?? null,
  teams_aad_object_id: u.teamsAadObjectId ?? null,
  chat_scopes: [...ROLE_SCOPES[u.role]],
});

export const createUserRoute = route({
  method: 'post',
  path: '/v1/users',
  summary: 'Create a user, with the chat identities that map to them',
  tag: 'tenancy',
  scope: 'admin',
  body: z.object({
    id: UserId,
    name: z.string().min(1).max(200),
    email: z.string().email().max(320).optional().describe('How an unmapped chat user (Slack users.info, Teams roster) is matched, case-insensitively'),
    role: Role,
    slack_user_id: SlackUserId.optional(),
    teams_aad_object_id: TeamsAadObjectId.optional(),
  }),
  response: { status: 201, schema: UserView, description: 'The user' },
  errors: [409],
  handler: (ctx) => {
    const b = ctx.body;
    const input = { id: b.id, name: b.name, email: b.email ?? null, role: b.role, slackUserId: b.slack_user_id ?? null, teamsAadObjectId: b.teams_aad_object_id ?? null };
    return runUseCase(ctx, (s) => createUser(s, input), (u) => ({ status: 201, body: userView(u) }));
  },
});

export const listUsersRoute = route({
  method: 'get',
  path: '/v1/users',
  summary: 'List the users of the org',
  tag: 'tenancy',
  scope: 'read',
  response: { status: 200, schema: z.object({ users: z.array(UserView) }), description: 'Users by id' },
  handler: (ctx) => runUseCase(ctx, (s) => listUsers(s), (users) => ({ status: 200, body: { users: users.map(userView) } })),
});

export const getUserRoute = route({
  method: 'get',
  path: '/v1/users/:id',
  summary: 'One user',
  tag: 'tenancy',
  scope: 'read',
  response: { status: 200, schema: UserView, description: 'The user' },
  errors: [404],
  handler: (ctx) => runUseCase(ctx, (s) => getUser(s, ctx.params.id), (u) => ({ status: 200, body: userView(u) })),
});

export const updateUserRoute = route({
  method: 'patch',
  path: '/v1/users/:id',
  summary: "Change a user's name, email, role or chat identities (null clears one)",
  tag: 'tenancy',
  scope: 'admin',
  body: z
    .object({
      name: z.string().min(1).max(200).optional(),
      email: z.string().email().max(320).nullable().optional(),
      role: Role.optional(),
      slack_user_id: SlackUserId.nullable().optional(),
      teams_aad_object_id: TeamsAadObjectId.nullable().optional(),
    })
    .strict()
    .refine((b) => Object.values(b).some((v) => v !== undefined), { message: 'give at least one of name, email, role, slack_user_id, teams_aad_object_id' }),
  response: { status: 200, schema: UserView, description: 'The user as changed' },
  errors: [404, 409],
  handler: (ctx) => {
    const b = ctx.body;
    const patch = { name: b.name, email: b.email, role: b.role, slackUserId: b.slack_user_id, teamsAadObjectId: b.teams_aad_object_id };
    return runUseCase(ctx, (s) => updateUser(s, ctx.params.id, patch), (u) => ({ status: 200, body: userView(u) }));
  },
});

export const USER_ROUTES = [createUserRoute, listUsersRoute, getUserRoute, updateUserRoute];
