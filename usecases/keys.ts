/** Users and their API keys: an org admin creates and revokes them. */
import { hashKey, newApiKey } from '../core/api-keys.js';
import { AppError } from '../core/errors.js';
import type { OrgStore } from '../core/ports/index.js';
import type { Scope, User } from '../core/schemas.js';
import { actorOf, requireScope } from './principal.js';
import type { Session } from './session.js';

export interface KeyRequest {
  keyId: string;
  keyName: string;
  user: { id: string; name: string; email?: string | null; role: User['role'] };
  scopes: Scope[];
}

/**
 * Creates (or updates) the user and a key for it in the caller's transaction and returns the
 * secret key (shown once). For start-up and org creation, which act as the platform; people go
 * through `createApiKey`.
 */
export async function issueKey(org: OrgStore, input: KeyRequest, actor: string, key = newApiKey('wr')): Promise<string> {
  await org.upsertUser(input.user);
  await org.createApiKey({ id: input.keyId, userId: input.user.id, name: input.keyName, scopes: input.scopes, hash: hashKey(key) });
  await org.appendAudit({ actor, action: 'apikey.created', target: `apikey:${input.keyId}`, payload: { userId: input.user.id, scopes: input.scopes, name: input.keyName } });
  return key;
}

/** Creates a user (or updates its name and role) and an API key for it (scope `admin`); the secret is returned once. */
export async function createApiKey(s: Session, input: Omit<KeyRequest, 'keyId'>): Promise<{ id: string; key: string }> {
  requireScope(s.principal, 'admin');
  const id = s.deps.newId();
  const key = await s.commit(({ org }) => issueKey(org, { ...input, keyId: id }, actorOf(s.principal)));
  return { id, key };
}

/** Revokes an active API key (scope `admin`). */
export async function revokeApiKey(s: Session, keyId: string): Promise<{ id: string }> {
  requireScope(s.principal, 'admin');
  return s.commit(async ({ org }) => {
    const [id] = await org.revokeApiKeys({ id: keyId }, s.deps.clock.now().toISOString());
    if (!id) throw new AppError('not_found', `No active API key ${keyId}.`);
    await org.appendAudit({ actor: actorOf(s.principal), action: 'apikey.revoked', target: `apikey:${id}`, payload: {} });
    return { id };
  });
}
