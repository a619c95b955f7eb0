/** The `ConnectorStore` port: an org's configured integrations. */
import { describe, expect, it } from 'vitest';
import { failure, type StoreOpener, twoOrgsBeforeAll, uid } from './fixtures.js';

export function connectorStoreContract(name: string, open: StoreOpener): void {
  describe(`ConnectorStore contract: ${name}`, () => {
    const orgs = twoOrgsBeforeAll(open);

    describe('connectors', () => {
      it('creates and lists connectors per org', async () => {
        const c = await orgs.A.createConnector({ id: uid('con'), kind: 'prometheus', name: 'prom', config: { url: 'http://prom:9090' } });
        expect(c).toMatchObject({ orgId: orgs.orgA, kind: 'prometheus', config: { url: 'http://prom:9090' } });
        expect((await orgs.A.listConnectors()).map((x) => x.id)).toContain(c.id);
        expect(await orgs.B.listConnectors()).toEqual([]);
        expect((await failure(() => orgs.A.createConnector({ id: c.id, kind: 'loki', name: 'dup', config: {} }))).code).toBe('conflict');
      });
    });
  });
}
