/**
 * Who asks: every use case takes the principal explicitly, so the HTTP API, the agent's tools and
 * the chat bots run the same rules for the same person.
 */
import { AppError } from '../core/errors.js';
import type { Scope, User } from '../core/schemas.js';

/** How the principal came: an API key, a chat user mapped to a Warroom user, or Warroom itself. */
export type PrincipalVia = 'api_key' | 'chat' | 'system';

export interface Principal {
  orgId: string;
  /** The Warroom user acting (for `system`, the process role, e.g. "detector"). */
  userId: string;
  scopes: readonly Scope[];
  via: PrincipalVia;
  /** Where it came from, for the record: the API key id, the chat platform's user id… */
  ref?: string;
}

/** The audit log's actor: `user:<id>` for people (whatever surface they used), `system:<role>` for Warroom. */
export const actorOf = (p: Principal): string => (p.via === 'system' ? `system:${p.userId}` : `user:${p.userId}`);

/** Refuses a principal without `scope` (the `admin` scope holds them all). */
export function requireScope(p: Principal, scope: Scope): void {
  if (!p.scopes.includes(scope) && !p.scopes.includes('admin')) {
    throw new AppError('forbidden', `${p.via === 'chat' ? 'Your Warroom role' : 'This key'} lacks the "${scope}" scope.`, { extra: { required_scope: scope } });
  }
}

/**
 * What each role may do, as scopes: viewers read; responders also open, analyze, ask and plan;
 * sre and admin also approve and execute; admin also manages the org (keys, users).
 */
export const ROLE_SCOPES: Record<User['role'], readonly Scope[]> = {
  viewer: ['read'],
  responder: ['read', 'plan'],
  sre: ['read', 'plan', 'approve'],
  admin: ['read', 'plan', 'approve', 'ingest', 'admin'],
};

/** A chat user mapped to a Warroom user acts with the scopes of that user's role. */
export function chatPrincipal(user: Pick<User, 'orgId' | 'id' | 'role'>, ref: string): Principal {
  return { orgId: user.orgId, userId: user.id, scopes: ROLE_SCOPES[user.role], via: 'chat', ref };
}
