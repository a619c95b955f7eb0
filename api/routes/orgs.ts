/** Tenancy: the platform admin creates orgs; an org admin creates keys for its users. */
import { z } from 'zod';
import { AppError } from '../../core/errors.js';
import { SCOPES, Scope, USER_ROLES } from '../../core/schemas.js';
import { createApiKey, issueKey, revokeApiKey } from '../../usecases/keys.js';
import { route } from '../context.js';
import { runUseCase } from '../session.js';

const OrgId = z.string().regex(/^[a-z0-9][a-z0-9_-]{1,62}$/, 'lowercase letters, digits, "-" and "_", 2-63 characters');

export const createOrgRoute = route({
  method: 'post',
  path: '/v1/orgs',
  summary: 'Create an org (platform admin key); returns its admin key once',
  tag: 'tenancy',
  scope: 'platform',
  body: z.object({ name: z.string().min(1).max(200), id: OrgId.optional() }),
  response: {
    status: 201,
    schema: z.object({ id: z.string(), name: z.string(), created_at: z.string(), admin_user_id: z.string(), admin_key: z.string().describe('Shown once; store it now') }),
    description: 'The org and its admin key',
  },
  errors: [409],
  async handler({ body, store, deps }) {
    const id = body.id ?? `org_${deps.newId().toLowerCase()}`;
    if (await store.getOrg(id)) throw new AppError('conflict', `Org "${id}" already exists.`);
    const org = await store.createOrg({ id, name: body.name });
    const key = await store.forOrg(id).transaction((tx) =>
      issueKey(tx, { keyId: deps.newId(), keyName: 'org admin', user: { id: 'admin', name: 'Org admin', role: 'admin' }, scopes: [...SCOPES] }, 'platform'),
    );
    return { status: 201, body: { id: org.id, name: org.name, created_at: org.createdAt, admin_user_id: 'admin', admin_key: key } };
  },
});

export const createKeyRoute = route({
  method: 'post',
  path: '/v1/api-keys',
  summary: 'Create a user (or update its name and role) and an API key for it; the key is shown once',
  tag: 'tenancy',
  scope: 'admin',
  body: z.object({
    name: z.string().min(1).max(200).describe('What the key is for'),
    user: z.object({ id: z.string().regex(/^[A-Za-z0-9._@-]{1,128}$/), name: z.string().min(1).max(200), email: z.string().email().optional(), role: z
        .enum(USER_ROLES)
        .default('responder')
        .describe(
          "Who the person is in incident response; recorded with the user. What a key may do is decided by its scopes, not by the role: the usual scopes are viewer: read (incidents, evidence, search); responder: read, ingest, plan (open incidents, analyze, draft fix plans); sre: those and approve (approve or reject plans, execute approved ones; in prod never a plan they requested); admin: admin (everything, including keys, connectors and the audit log)",
        ) }),
    scopes: z.array(Scope).min(1),
  }),
  response: { status: 201, schema: z.object({ id: z.string(), user_id: z.string(), scopes: z.array(Scope), key: z.string() }), description: 'The key, shown once' },
  async handler(ctx) {
    // A stored idempotent response would keep the secret at rest, so this endpoint refuses the header.
    if (ctx.req.headers['idempotency-key']) throw new AppError('bad_request', 'POST /v1/api-keys returns a secret and does not take an Idempotency-Key.');
    const { body } = ctx;
    return runUseCase(ctx, (s) => createApiKey(s, { keyName: body.name, user: body.user, scopes: body.scopes }), (k) => ({ status: 201, body: { id: k.id, user_id: body.user.id, scopes: body.scopes, key: k.key } }));
  },
});

export const revokeKeyRoute = route({
  method: 'post',
  path: '/v1/api-keys/:id/revoke',
  summary: 'Revoke an API key: it stops authenticating at once in this process, within 10 s in others',
  tag: 'tenancy',
  scope: 'admin',
  response: { status: 200, schema: z.object({ id: z.string(), revoked: z.literal(true) }), description: 'The key is revoked' },
  errors: [404],
  // Manual, so the cached lookups are dropped after the revocation committed, not before (a
  // request in between would cache the key as still valid).
  transaction: 'manual',
  async handler(ctx) {
    const reply = await runUseCase(ctx, (s) => revokeApiKey(s, ctx.params.id), (r) => ({ status: 200, body: { id: r.id, revoked: true as const } }));
    ctx.deps.forgetKeys?.();
    return reply;
  },
});
