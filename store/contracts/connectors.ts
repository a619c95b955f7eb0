/** The `ConnectorStore` port: an org's configured integrations. */
import { beforeAll, describe, expect, it } from 'vitest';
import type { OrgStore } from '../../core/ports/index.js';
import { failure, type StoreOpener, twoOrgs, uid } from './fixtures.js';

export function connectorStoreContract(name: string, open: StoreOpener): void {
  describe(`ConnectorStore contract: ${name}`, () => {
    const orgA = uid('orga');
    const orgB = uid('orgb');
    let A: OrgStore;
    let B: OrgStore;

    beforeAll(async () => {
      ({ A, B } = await twoOrgs((await open()).store, orgA, orgB));
    });

    describe('connectors', () => {
      it('creates and lists connectors per org', async () => {
        const c = await A.createConnector({ id: uid('con'), kind: 'prometheus', name: 'prom', config: { url: 'http://prom:9090' } });
        expect(c).toMatchObject({ orgId: orgA, kind: 'prometheus', config: { url: 'http://prom:9090' } });
        expect((await A.listConnectors()).map((x) => x.id)).toContain(c.id);
        expect(await B.listConnectors()).toEqual([]);
        expect((await failure(() => A.createConnector({ id: c.id, kind: 'loki', name: 'dup', config: {} }))).code).toBe('conflict');
      });
    });
  });
}
