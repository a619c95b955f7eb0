/** Tenancy: the people of an org and their API keys. */
import type { ApiKeyRecord, Scope, User } from '../schemas.js';

export interface TenancyStore {
  upsertUser(u: { id: string; name: string; email?: string | null; role: User['role'] }): Promise<User>;
  getUser(id: string): Promise<User | null>;
  /** A key for a user of this org (`invalid_input` when the user does not exist); only the hash of its secret is stored. */
  createApiKey(k: { id: string; userId: string; name: string; scopes: Scope[]; hash: string }): Promise<ApiKeyRecord>;
  /** Revokes the active keys with this id or name (a revoked key no longer authenticates); returns the ids revoked. */
  revokeApiKeys(q: { id?: string; name?: string }, at: string): Promise<string[]>;
}
