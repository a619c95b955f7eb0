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
        expect(u).toEqual({ id: 'alice', orgId: orgA, name: 'Alice', email: 'a@example.com', role: 'sre' });
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
  });
}
