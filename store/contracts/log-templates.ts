/** The `LogTemplateStore` port: templates the detection engine mined, upserted per batch and searched. */
import { describe, expect, it } from 'vitest';
import type { LogTemplateUpdate, OrgStore } from '../../core/ports/index.js';
import { type StoreOpener, twoOrgsBeforeAll, uid } from './fixtures.js';

const update = (over: Partial<LogTemplateUpdate> = {}): LogTemplateUpdate => ({
  id: uid('lt'),
  service: 'checkout',
  template: 'payment declined for order <:NUM:>',
  count: 3,
  firstSeen: '2024-08-01T10:00:00.000Z',
  lastSeen: '2024-08-01T10:01:00.000Z',
  levels: { error: 2, warn: 1 },
  exemplars: ['payment declined for order <:NUM:>'],
  novel: true,
  ...over,
});

export function logTemplateStoreContract(name: string, open: StoreOpener): void {
  describe(`LogTemplateStore contract: ${name}`, () => {
    const orgs = twoOrgsBeforeAll(open);

    it('upserts: counts and levels add up, seen times widen, exemplars top up to 3 distinct, the text is the latest, novel stays as first written', async () => {
      const first = update();
      expect(await orgs.A.upsertLogTemplates([first])).toEqual({ applied: true, upserted: 1 });
      await orgs.A.upsertLogTemplates([
        update({
          id: first.id,
          template: 'payment declined for order <*>',
          count: 5,
          firstSeen: '2024-08-01T09:59:00.000Z',
          lastSeen: '2024-08-01T10:05:00.000Z',
          levels: { error: 4, info: 1 },
          exemplars: ['b', 'payment declined for order <:NUM:>', 'c', 'd'],
          novel: false,
        }),
      ]);
      expect(await orgs.A.getLogTemplate(first.id)).toEqual({
        id: first.id,
        orgId: orgs.orgA,
        service: 'checkout',
        template: 'payment declined for order <*>',
        count: 8,
        firstSeen: '2024-08-01T09:59:00.000Z',
        lastSeen: '2024-08-01T10:05:00.000Z',
        levels: { error: 6, warn: 1, info: 1 },
        exemplars: ['payment declined for order <:NUM:>', 'b', 'c'],
        novel: true,
      });
      expect(await orgs.B.getLogTemplate(first.id)).toBeNull();
      expect(await orgs.A.getLogTemplate(uid('missing'))).toBeNull();
    });

    it('applies a batch once per batch id (a redelivery adds nothing), and merges one id sent twice', async () => {
      const u = update({ count: 2 });
      const batchId = uid('msg');
      expect(await orgs.A.upsertLogTemplates([u, { ...u, count: 1, exemplars: ['again'] }], { batchId })).toEqual({ applied: true, upserted: 1 });
      expect(await orgs.A.upsertLogTemplates([u], { batchId })).toEqual({ applied: false, upserted: 0 });
      const got = await orgs.A.getLogTemplate(u.id);
      expect(got?.count).toBe(3);
      expect(got?.exemplars).toEqual([...u.exemplars, 'again']);
      // batch ids are per org
      expect(await orgs.B.upsertLogTemplates([update()], { batchId })).toEqual({ applied: true, upserted: 1 });
    });

    it('searches by service, text (case-insensitive, wildcards literal), range, level and novelty, most recently seen first, bounded', async () => {
      const svc = uid('svc');
      const t = (m: number) => `2024-09-01T10:${String(m).padStart(2, '0')}:00.000Z`;
      const timeout = update({ service: svc, template: 'upstream Timeout after <:NUM:> ms', firstSeen: t(0), lastSeen: t(10), levels: { error: 3 }, novel: false });
      const pct = update({ service: svc, template: 'disk 100% full on <:PATH:>', firstSeen: t(20), lastSeen: t(30), levels: { warn: 1 }, novel: true });
      const info = update({ service: svc, template: 'request served in <:NUM:> ms', firstSeen: t(5), lastSeen: t(40), levels: { info: 9 }, novel: false });
      await orgs.A.upsertLogTemplates([timeout, pct, info]);
      await orgs.B.upsertLogTemplates([update({ service: svc, template: 'upstream timeout in org B' })]);
      const ids = async (q: Parameters<OrgStore['searchLogTemplates']>[0]) => (await orgs.A.searchLogTemplates({ service: svc, ...q })).map((x) => x.id);
      expect(await ids({})).toEqual([info.id, pct.id, timeout.id]);
      expect(await ids({ text: 'timeout' })).toEqual([timeout.id]);
      expect(await ids({ text: '100%' })).toEqual([pct.id]);
      expect(await ids({ text: '%' })).toEqual([pct.id]);
      expect(await ids({ from: t(15) })).toEqual([info.id, pct.id]);
      expect(await ids({ to: t(5) })).toEqual([timeout.id]);
      expect(await ids({ level: 'error' })).toEqual([timeout.id]);
      expect(await ids({ novelOnly: true })).toEqual([pct.id]);
      expect(await ids({ novelOnly: true, from: t(25) })).toEqual([]);
      expect(await ids({ limit: 2 })).toEqual([info.id, pct.id]);
      expect((await orgs.B.searchLogTemplates({ service: svc })).map((x) => x.template)).toEqual(['upstream timeout in org B']);
    });
  });
}
