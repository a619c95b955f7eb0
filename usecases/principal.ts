/**
 * Who asks: every use case takes the principal explicitly, so the HTTP API, the agent's tools and
 * the chat bots run the same rules for the same person.
 */
import { AppError } from '../core/errors.js';
import type { Scope } from '../core/schemas.js';

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
