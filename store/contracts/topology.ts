/** The `TopologyStore` port: the service graph, replaced whole with a rising version. */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../core/ports/index.js';
import { type StoreOpener, uid } from './fixtures.js';

export function topologyStoreContract(name: string, open: StoreOpener): void {
  describe(`TopologyStore contract: ${name}`, () => {
    let store: Store;

    beforeAll(async () => {
      ({ store } = await open());
    });

    describe('topology', () => {
      it('puts the topology with a version that goes up by one each time', async () => {
        const org = uid('orgt');
        await store.createOrg({ id: org, name: 'T' });
        const o = store.forOrg(org);
        expect(await o.getTopology()).toBeNull();
        const t1 = await o.putTopology({ nodes: [{ id: 'web', type: 'service', attributes: {} }], edges: [] });
        expect(t1).toMatchObject({ orgId: org, version: 1 });
        const t2 = await o.putTopology({
          nodes: [
            { id: 'web', type: 'service', attributes: { team: 'a' } },
            { id: 'db', type: 'database', attributes: {} },
          ],
          edges: [{ from: 'web', to: 'db', attributes: {} }],
        });
        expect(t2.version).toBe(2);
        const got = await o.getTopology();
        expect(got).toEqual(t2);
        expect(got!.edges).toEqual([{ from: 'web', to: 'db', attributes: {} }]);
        const concurrent = await Promise.all([1, 2, 3].map(() => o.putTopology({ nodes: [], edges: [] })));
        expect(concurrent.map((t) => t.version).sort()).toEqual([3, 4, 5]);
      });
    });
  });
}
