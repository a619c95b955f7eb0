/** Tenancy: the people of an org (with their chat identities) and their API keys. */
import type { ApiKeyRecord, Scope, User } from '../schemas.js';

/** A new user; the chat ids are each unique in the org. */
export interface NewUser {
  id: string;
  name: string;
  email?: string | null;
  role: User['role'];
  slackUserId?: string | null;
  teamsAadObjectId?: string | null;
}

/** What `updateUser` changes: a field left out is kept, `null` clears it. */
export type UserPatch = Partial<Omit<NewUser, 'id'>>;

export interface TenancyStore {
  /** Creates the user, or updates its name, email and role (its chat ids are kept). */
  upsertUser(u: { id: string; name: string; email?: string | null; role: User['role'] }): Promise<User>;
  getUser(id: string): Promise<User | null>;
  /** The org's users by id. */
  listUsers(): Promise<User[]>;
  /** `conflict` when the id exists, or a chat id is already another user's (extra.constraint names which). */
  createUser(u: NewUser): Promise<User>;
  /** Null when there is no such user; `conflict` when a chat id is already another user's. */
  updateUser(id: string, patch: UserPatch): Promise<User | null>;
  /** The user mapped to this Slack user id / Teams AAD object id. */
  findUserByChat(surface: 'slack' | 'teams', id: string): Promise<User | null>;
  /** The one user with this email (case-insensitive), or null when none or several share it. */
  findUserByEmail(email: string): Promise<User | null>;
  /** A key for a user of this org (`invalid_input` when the user does not exist); only the hash of its secret is stored. */
  createApiKey(k: { id: string; userId: string; name: string; scopes: Scope[]; hash: string }): Promise<ApiKeyRecord>;
  /** Revokes the active keys with this id or name (a revoked key no longer authenticates); returns the ids revoked. */
  revokeApiKeys(q: { id?: string; name?: string }, at: string): Promise<string[]>;
}
