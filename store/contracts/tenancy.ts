/** The `TenancyStore` port: users and API keys, and key lookup across orgs (`Store.findApiKeyByHash`). */
import { ulid } from 'ulid';
import { beforeAll, describe, expect, it } from 'vitest';
import type { OrgStore, Store } from '../../core/ports/index.js';
import { failure, type StoreOpener, twoOrgs, uid } from './fixtures.js';

export function tenancyStoreContract(name: string, open: StoreOpener): void {
  describe(`TenancyStore contract: ${name}`, () => {
    let store: Store;
    const orgA = uid('orga');
    const orgB = uid('orgb');
    let A: OrgStore;
    let B: OrgStore;

    beforeAll(async () => {
      ({ store } = await open());
      ({ A, B } = await twoOrgs(store, orgA, orgB));
    });

    describe('users and keys', () => {
      it('upserts users and resolves API keys by hash across orgs', async () => {
        const u = await A.upsertUser({ id: 'alice', name: 'Alice', email: 'a@example.com', role: 'sre' });
        expect(u).toEqual({ id: 'alice', orgId: orgA, name: 'Alice', email: 'a@example.com', role: 'sre', slackUserId: null, teamsAadObjectId: null });
        expect(await A.upsertUser({ id: 'alice', name: 'Alice B', role: 'admin' })).toMatchObject({ name: 'Alice B', email: null, role: 'admin' });
        expect(await A.getUser('alice')).toMatchObject({ name: 'Alice B' });
        expect(await B.getUser('alice')).toBeNull();

        const hash = 'a'.repeat(56) + ulid().slice(0, 8).toLowerCase();
        const key = await A.createApiKey({ id: uid('key'), userId: 'alice', name: 'ci', scopes: ['ingest', 'read'], hash });
        expect(key).toMatchObject({ orgId: orgA, userId: 'alice', scopes: ['ingest', 'read'] });
        expect(await store.findApiKeyByHash(hash)).toEqual(key);
        expect(await store.findApiKeyByHash('f'.repeat(64))).toBeNull();
        // Revocation: by id or by name, only in the key's own org, once.
        const hash2 = 'b'.repeat(56) + ulid().slice(0, 8).toLowerCase();
        const key2 = await A.createApiKey({ id: uid('key'), userId: 'alice', name: 'ci', scopes: ['read'], hash: hash2 });
        expect(await B.revokeApiKeys({ id: key.id }, '2024-05-01T10:00:00.000Z')).toEqual([]);
        expect(await A.revokeApiKeys({ id: key.id }, '2024-05-01T10:00:00.000Z')).toEqual([key.id]);
        expect(await store.findApiKeyByHash(hash)).toBeNull();
        expect(await store.findApiKeyByHash(hash2)).toEqual(key2);
        expect(await A.revokeApiKeys({ name: 'ci' }, '2024-05-01T10:00:00.000Z')).toEqual([key2.id]);
        expect(await A.revokeApiKeys({ name: 'ci' }, '2024-05-01T10:00:00.000Z')).toEqual([]);
        expect(await A.revokeApiKeys({}, '2024-05-01T10:00:00.000Z')).toEqual([]);
        expect(await store.findApiKeyByHash(hash2)).toBeNull();
        // A key for a user who does not exist in this org is refused.
        const e = await failure(() => B.createApiKey({ id: uid('key'), userId: 'alice', name: 'x', scopes: ['read'], hash: 'b'.repeat(64) }));
        expect(e.code).toBe('invalid_input');
      });
    });

    describe('users with chat identities', () => {
      it('creates a user once: the same id again is a conflict', async () => {
        const u = await A.createUser({ id: 'carol', name: 'Carol', email: 'Carol@Example.com', role: 'responder', slackUserId: 'U_CAROL', teamsAadObjectId: null });
        expect(u).toEqual({ id: 'carol', orgId: orgA, name: 'Carol', email: 'Carol@Example.com', role: 'responder', slackUserId: 'U_CAROL', teamsAadObjectId: null });
        const e = await failure(() => A.createUser({ id: 'carol', name: 'Other', role: 'viewer' }));
        expect(e.code).toBe('conflict');
        expect(await A.getUser('carol')).toEqual(u);
        // another org may use the same id and the same chat id
        expect(await B.createUser({ id: 'carol', name: 'Carol B', role: 'viewer', slackUserId: 'U_CAROL' })).toMatchObject({ orgId: orgB, slackUserId: 'U_CAROL' });
      });

      it('finds a user by Slack id, Teams id and email (case-insensitive), only in its own org', async () => {
        await A.createUser({ id: 'dave', name: 'Dave', email: 'dave@example.com', role: 'sre', teamsAadObjectId: 'aad-dave' });
        expect((await A.findUserByChat('slack', 'U_CAROL'))?.id).toBe('carol');
        expect((await A.findUserByChat('teams', 'aad-dave'))?.id).toBe('dave');
        expect(await A.findUserByChat('slack', 'aad-dave')).toBeNull();
        expect(await A.findUserByChat('teams', 'U_CAROL')).toBeNull();
        expect((await A.findUserByEmail('  CAROL@example.COM '))?.id).toBe('carol');
        expect(await A.findUserByEmail('nobody@example.com')).toBeNull();
        expect(await B.findUserByChat('teams', 'aad-dave')).toBeNull();
        expect(await B.findUserByEmail('dave@example.com')).toBeNull();
        expect((await B.findUserByChat('slack', 'U_CAROL'))?.orgId).toBe(orgB);
      });

      it('a chat id maps to one user per org: a second user with it is a conflict', async () => {
        const e = await failure(() => A.createUser({ id: 'eve', name: 'Eve', role: 'viewer', slackUserId: 'U_CAROL' }));
        expect(e.code).toBe('conflict');
        expect(e.extra?.constraint).toBe('users_slack_user_id');
        await A.createUser({ id: 'eve', name: 'Eve', role: 'viewer' });
        const t = await failure(() => A.updateUser('eve', { teamsAadObjectId: 'aad-dave' }));
        expect(t.code).toBe('conflict');
        expect(t.extra?.constraint).toBe('users_teams_aad_object_id');
        expect(await A.getUser('eve')).toMatchObject({ teamsAadObjectId: null });
      });

      it('updates only the fields given; null clears; an unknown user gives null', async () => {
        expect(await A.updateUser('carol', { role: 'sre' })).toMatchObject({ name: 'Carol', email: 'Carol@Example.com', role: 'sre', slackUserId: 'U_CAROL' });
        expect(await A.updateUser('carol', { slackUserId: null, email: null, name: 'Carol C' })).toMatchObject({ name: 'Carol C', email: null, role: 'sre', slackUserId: null });
        expect(await A.findUserByChat('slack', 'U_CAROL')).toBeNull();
        expect(await A.updateUser('carol', {})).toMatchObject({ name: 'Carol C' });
        expect(await A.updateUser('nobody', { role: 'admin' })).toBeNull();
        expect(await B.updateUser('dave', { role: 'admin' })).toBeNull();
        // upsertUser (keys) keeps the chat ids
        await A.updateUser('carol', { slackUserId: 'U_CAROL2' });
        expect(await A.upsertUser({ id: 'carol', name: 'Carol D', role: 'responder' })).toMatchObject({ name: 'Carol D', slackUserId: 'U_CAROL2' });
      });

      it('lists the org users by id', async () => {
        const ids = (await A.listUsers()).map((u) => u.id);
        expect(ids).toEqual(['alice', 'carol', 'dave', 'eve']);
        expect((await B.listUsers()).map((u) => [u.orgId, u.id])).toEqual([[orgB, 'carol']]);
      });
    });
  });
}
