/** The `PolicyStore` port: an org's own Cedar policy sets, by name, isolated per org. */
import { describe, expect, it } from 'vitest';
import { failure, type StoreOpener, twoOrgsBeforeAll } from './fixtures.js';

const HASH_A = 'a'.repeat(64);
const HASH_B = 'b'.repeat(64);
const TEXT = '@id("org-freeze")\nforbid(principal, action, resource) when { context.date >= 20261201 };';

export function policyStoreContract(name: string, open: StoreOpener): void {
  describe(`PolicyStore contract: ${name}`, () => {
    const orgs = twoOrgsBeforeAll(open);

    it('puts a set, then replaces it under the same name: created once, the text and hash replaced, created_at kept', async () => {
      const first = await orgs.A.putPolicySet({ name: 'freeze', text: TEXT, sha256: HASH_A, updatedBy: 'user:ada' });
      expect(first.created).toBe(true);
      expect(first.policySet).toMatchObject({ orgId: orgs.orgA, name: 'freeze', text: TEXT, sha256: HASH_A, updatedBy: 'user:ada' });
      expect(first.policySet.createdAt).toBe(first.policySet.updatedAt);
      const second = await orgs.A.putPolicySet({ name: 'freeze', text: `${TEXT}\n`, sha256: HASH_B, updatedBy: 'user:bob' });
      expect(second.created).toBe(false);
      expect(second.policySet).toMatchObject({ text: `${TEXT}\n`, sha256: HASH_B, updatedBy: 'user:bob', createdAt: first.policySet.createdAt });
      expect(Date.parse(second.policySet.updatedAt)).toBeGreaterThan(Date.parse(first.policySet.updatedAt));
    });

    it('lists by name, only the org its own', async () => {
      await orgs.A.putPolicySet({ name: 'a-first', text: TEXT, sha256: HASH_A, updatedBy: 'user:ada' });
      expect((await orgs.A.listPolicySets()).map((p) => p.name)).toEqual(['a-first', 'freeze']);
      expect(await orgs.B.listPolicySets()).toEqual([]);
      // the same name in another org is another set
      await orgs.B.putPolicySet({ name: 'freeze', text: 'permit(principal, action, resource);', sha256: HASH_B, updatedBy: 'user:bo' });
      expect((await orgs.A.listPolicySets()).find((p) => p.name === 'freeze')?.sha256).toBe(HASH_B);
      expect((await orgs.B.listPolicySets()).map((p) => [p.orgId, p.name, p.text])).toEqual([[orgs.orgB, 'freeze', 'permit(principal, action, resource);']]);
    });

    it('deletes a set once, returning it; another org cannot delete it', async () => {
      expect(await orgs.B.deletePolicySet('a-first')).toBeNull();
      expect(await orgs.A.deletePolicySet('a-first')).toMatchObject({ name: 'a-first', sha256: HASH_A });
      expect(await orgs.A.deletePolicySet('a-first')).toBeNull();
      expect((await orgs.A.listPolicySets()).map((p) => p.name)).toEqual(['freeze']);
    });

    it('refuses a name or hash of the wrong shape (the table checks them too)', async () => {
      expect((await failure(() => orgs.A.putPolicySet({ name: 'Bad Name', text: TEXT, sha256: HASH_A, updatedBy: 'user:ada' }))).code).toBe('invalid_input');
      expect((await failure(() => orgs.A.putPolicySet({ name: 'ok', text: TEXT, sha256: 'nothex', updatedBy: 'user:ada' }))).code).toBe('invalid_input');
    });
  });
}
