/** The `OutboxStore` port, and the relay's side of it (`Store.pendingOutbox`, `Store.markOutboxPublished`). */
import { beforeAll, describe, expect, it } from 'vitest';
import type { OrgStore, Store } from '../../core/ports/index.js';
import type { Db } from '../sql.js';
import { type StoreOpener, twoOrgs, uid } from './fixtures.js';

export function outboxStoreContract(name: string, open: StoreOpener): void {
  describe(`OutboxStore contract: ${name}`, () => {
    let store: Store;
    let db: Db;
    const orgA = uid('orga');
    const orgB = uid('orgb');
    let A: OrgStore;
    let B: OrgStore;

    beforeAll(async () => {
      ({ store, db } = await open());
      ({ A, B } = await twoOrgs(store, orgA, orgB));
    });

    describe('the outbox', () => {
      it('queues messages per org and publishes them across orgs', async () => {
        const ids = { a1: uid('msg'), b1: uid('msg'), a2: uid('msg') };
        await A.transaction(async (tx) => {
          await tx.enqueueOutbox({ id: ids.a1, subject: 'signal.detect', payload: { n: 1 } });
        });
        await B.enqueueOutbox({ id: ids.b1, subject: 'rca.make', payload: { n: 2 } });
        await A.enqueueOutbox({ id: ids.a2, subject: 'incident.updated', payload: [1, 2] });
        await A.enqueueOutbox({ id: ids.a2, subject: 'incident.updated', payload: 'dup' }); // same id: stored once
        const mine = (await store.pendingOutbox(10_000)).filter((m) => Object.values(ids).includes(m.id));
        expect(mine.map((m) => m.id)).toEqual([ids.a1, ids.b1, ids.a2]);
        expect(mine[1]).toMatchObject({ orgId: orgB, subject: 'rca.make', payload: { n: 2 } });
        expect(mine[2].payload).toEqual([1, 2]);
        // A sweep that skips young rows leaves them to the process publishing them.
        expect((await store.pendingOutbox(10_000, 60_000)).filter((m) => Object.values(ids).includes(m.id))).toEqual([]);
        await store.markOutboxPublished([ids.a1, ids.b1]);
        const left = (await store.pendingOutbox(10_000)).filter((m) => Object.values(ids).includes(m.id));
        expect(left.map((m) => m.id)).toEqual([ids.a2]);
        await store.markOutboxPublished([ids.a2]);
        await store.markOutboxPublished([]);
        expect((await store.pendingOutbox(10_000)).filter((m) => Object.values(ids).includes(m.id))).toEqual([]);
        // The application role reaches the outbox rows only through the functions.
        const direct = await db.tenant(null, (s) => s.query('SELECT count(*) AS n FROM outbox'));
        expect(Number(direct[0].n)).toBe(0);
      });
    });
  });
}
