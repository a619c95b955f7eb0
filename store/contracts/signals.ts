/** The `SignalStore` port: storing signals once per id, and reading them back by id or by range. */
import { beforeAll, describe, expect, it } from 'vitest';
import type { OrgStore, Store } from '../../core/ports/index.js';
import { signal, type StoreOpener, twoOrgs, uid } from './fixtures.js';

export function signalStoreContract(name: string, open: StoreOpener): void {
  describe(`SignalStore contract: ${name}`, () => {
    let store: Store;
    const orgA = uid('orga');
    const orgB = uid('orgb');
    let A: OrgStore;
    let B: OrgStore;

    beforeAll(async () => {
      ({ store } = await open());
      ({ A, B } = await twoOrgs(store, orgA, orgB));
    });

    describe('signals', () => {
      it('lists changes (deploys, flags, change events) in a range by service, never spans or other events, and not another org\'s', async () => {
        const o = store.forOrg(orgA);
        const at = (m: number) => `2024-06-01T10:${String(m).padStart(2, '0')}:00.000Z`;
        const deploy = signal(orgA, { kind: 'deploy', key: 'checkout', ts: at(1), value: null, labels: { service: 'checkout', version: '2.1' } });
        const flag = signal(orgA, { kind: 'flag', key: 'new-pricing', ts: at(2), value: null, labels: { service: 'checkout' } });
        const config = signal(orgA, { kind: 'event', key: 'config_change', ts: at(3), value: null, labels: { service: 'checkout' } });
        const scale = signal(orgA, { kind: 'event', key: 'autoscaler', ts: at(4), value: null, labels: { service: 'checkout' }, meta: { change: 'scale' } });
        const span = signal(orgA, { kind: 'event', key: 'config_change', ts: at(5), value: null, labels: { service: 'checkout' }, meta: { span_id: 'a1' } });
        const warning = signal(orgA, { kind: 'event', key: 'BackOff', ts: at(6), value: null, labels: { service: 'checkout' } });
        const other = signal(orgA, { kind: 'deploy', key: 'search', ts: at(7), value: null, labels: { service: 'search' } });
        const late = signal(orgA, { kind: 'deploy', key: 'checkout', ts: at(30), value: null, labels: { service: 'checkout' } });
        await o.insertSignals([deploy, flag, config, scale, span, warning, other, late, signal(orgA, { ts: at(2) })]);
        await store.forOrg(orgB).insertSignals([signal(orgB, { kind: 'deploy', key: 'checkout', ts: at(1), value: null })]);
        const ids = async (q: Parameters<OrgStore['listChanges']>[0]) => (await o.listChanges(q)).map((x) => x.id);
        expect(await ids({ from: at(0), to: at(20) })).toEqual([deploy.id, flag.id, config.id, scale.id, other.id]);
        expect(await ids({ from: at(0), to: at(20), service: 'checkout' })).toEqual([deploy.id, flag.id, config.id, scale.id]);
        expect(await ids({ from: at(0), to: at(20), limit: 2 })).toEqual([deploy.id, flag.id]);
      });

      it('stores the rest of a batch when the database refuses one row, and names that row', async () => {
        const o = store.forOrg(orgB);
        const bad = signal(orgB, { ts: '+100000-01-01T00:00:00.000Z' }); // a JavaScript date past what timestamptz reads
        const good = [signal(orgB, { ts: '2024-05-03T00:00:00.000Z' }), signal(orgB, { ts: '2024-05-03T00:00:02.000Z' })];
        const r = await o.insertSignals([good[0], bad, good[1]]);
        expect(r).toMatchObject({ inserted: 2, duplicates: [], failed: [{ at: 1, reason: expect.any(String) }] });
        expect((await o.getSignals([good[0].id, bad.id, good[1].id])).map((x) => x.id).sort()).toEqual([good[0].id, good[1].id].sort());
      });

      it('stores a batch, reports duplicates (stored before or repeated in the batch) and does not re-insert them', async () => {
        const o = store.forOrg(orgB);
        const first = [signal(orgB, { ts: '2024-05-02T00:00:00.000Z' }), signal(orgB, { ts: '2024-05-02T00:00:01.000Z' })];
        expect(await o.insertSignals(first)).toEqual({ inserted: 2, duplicates: [], failed: [] });
        const fresh = signal(orgB, { ts: '2024-05-02T00:00:02.000Z', value: 7 });
        const again = await o.insertSignals([first[0], fresh, fresh, first[1]]);
        expect(again.inserted).toBe(1);
        expect(again.duplicates.sort()).toEqual([first[0].id, fresh.id, first[1].id].sort());
        const stored = await o.listSignals({ from: '2024-05-02T00:00:00.000Z', to: '2024-05-03T00:00:00.000Z' });
        expect(stored.map((s) => s.id)).toEqual([first[0].id, first[1].id, fresh.id]);
        expect(stored[2]).toEqual({ ...fresh, orgId: orgB });
        // The same id in another org is a different signal.
        expect(await A.insertSignals([{ ...first[0], orgId: orgA }])).toEqual({ inserted: 1, duplicates: [], failed: [] });
      });

      it('inserts more than one batch and filters by time, kind, service and limit', async () => {
        const o = store.forOrg(orgB);
        const base = Date.parse('2024-06-01T00:00:00.000Z');
        const many = Array.from({ length: 2500 }, (_, i) =>
          signal(orgB, {
            ts: new Date(base + i * 1000).toISOString(),
            kind: i % 5 === 0 ? 'log' : 'metric',
            value: i % 5 === 0 ? null : i,
            text: i % 5 === 0 ? `line ${i} "quoted", {braces} \\ back\u0000slash ünïcode` : null,
            labels: { service: i % 2 === 0 ? 'checkout' : 'payments', pod: `p-${i % 3}` },
            meta: { i, nested: { a: [1, 'x', null] } },
          }),
        );
        expect(await o.insertSignals(many)).toEqual({ inserted: 2500, duplicates: [], failed: [] });
        const window = await o.listSignals({ from: new Date(base).toISOString(), to: new Date(base + 100_000).toISOString(), limit: 10_000 });
        expect(window).toHaveLength(100);
        expect(window[0].ts).toBe(new Date(base).toISOString());
        const logs = await o.listSignals({ from: new Date(base).toISOString(), kind: 'log', service: 'checkout', limit: 10_000 });
        expect(logs).toHaveLength(250);
        expect(logs.every((s) => s.kind === 'log' && s.labels.service === 'checkout')).toBe(true);
        expect(logs[0].text).toBe('line 0 "quoted", {braces} \\ back\uFFFDslash ünïcode');
        expect(logs[0].meta).toEqual({ i: 0, nested: { a: [1, 'x', null] } });
        expect(await o.listSignals({ from: new Date(base).toISOString(), limit: 7 })).toHaveLength(7);
      });

      it('reads one metric series downsampled in the database (min/avg/max/n per step), by service and instance, and not another org\'s', async () => {
        const o = store.forOrg(orgA);
        const t0 = Date.parse('2024-07-01T00:00:00.000Z');
        const at = (s: number) => new Date(t0 + s * 1000).toISOString();
        const pts = [
          // service level (no instance), every 10 s for 2 minutes: values 0..11
          ...Array.from({ length: 12 }, (_, i) => signal(orgA, { kind: 'metric', key: 'latency_p95', ts: at(i * 10), value: i, labels: { service: 'cart' } })),
          // one pod's points under `pod`: 100, 200
          signal(orgA, { kind: 'metric', key: 'latency_p95', ts: at(5), value: 100, labels: { service: 'cart', pod: 'cart-1' } }),
          signal(orgA, { kind: 'metric', key: 'latency_p95', ts: at(65), value: 200, labels: { service: 'cart', pod: 'cart-1' } }),
          signal(orgA, { kind: 'metric', key: 'cpu', ts: at(5), value: 0.5, labels: { app: 'cart', instance: 'cart-2' } }),
          signal(orgA, { kind: 'metric', key: 'latency_p95', ts: at(5), value: 7, labels: { service: 'search' } }),
          signal(orgA, { kind: 'metric', key: 'latency_p95', ts: at(130), value: 99, labels: { service: 'cart' } }), // past `to`
        ];
        await o.insertSignals(pts);
        await store.forOrg(orgB).insertSignals([signal(orgB, { kind: 'metric', key: 'latency_p95', ts: at(5), value: 1e6, labels: { service: 'cart' } })]);
        const q = { service: 'cart', metric: 'latency_p95', from: at(0), to: at(120) };
        // 120 s in at most 4 buckets: 30 s steps of three points each
        const r = await o.readMetricSeries({ ...q, maxPoints: 4 });
        expect(r.stepSeconds).toBe(30);
        expect(r.points).toEqual([
          { t: at(0), min: 0, avg: 1, max: 2, n: 3 },
          { t: at(30), min: 3, avg: 4, max: 5, n: 3 },
          { t: at(60), min: 6, avg: 7, max: 8, n: 3 },
          { t: at(90), min: 9, avg: 10, max: 11, n: 3 },
        ]);
        // never more buckets than asked, never a step under a second
        expect((await o.readMetricSeries({ ...q, maxPoints: 5 })).points.length).toBeLessThanOrEqual(5);
        expect((await o.readMetricSeries({ ...q, from: at(0), to: at(1), maxPoints: 500 })).stepSeconds).toBe(1);
        // one instance (read from the pod label)
        expect((await o.readMetricSeries({ ...q, instance: 'cart-1', maxPoints: 2 })).points).toEqual([
          { t: at(0), min: 100, avg: 100, max: 100, n: 1 },
          { t: at(60), min: 200, avg: 200, max: 200, n: 1 },
        ]);
        expect((await o.readMetricSeries({ ...q, metric: 'nope', maxPoints: 4 })).points).toEqual([]);
        expect((await store.forOrg(orgB).readMetricSeries({ ...q, maxPoints: 4 })).points).toEqual([{ t: at(0), min: 1e6, avg: 1e6, max: 1e6, n: 1 }]);
        // the service's metric names, with instances and whether service-level points exist
        expect(await o.listMetricNames({ service: 'cart', from: at(0), to: at(120) })).toEqual([
          { metric: 'cpu', serviceLevel: false, instances: ['cart-2'] },
          { metric: 'latency_p95', serviceLevel: true, instances: ['cart-1'] },
        ]);
        expect(await o.listMetricNames({ service: 'cart', from: at(121), to: at(200) })).toEqual([{ metric: 'latency_p95', serviceLevel: true, instances: [] }]);
        expect(await store.forOrg(orgB).listMetricNames({ service: 'search' })).toEqual([]);
      });

      it('reads several services\' service-level series in one batch, bucketed like one series, and not another org\'s', async () => {
        const o = store.forOrg(orgA);
        const t0 = Date.parse('2024-07-02T00:00:00.000Z');
        const at = (s: number) => new Date(t0 + s * 1000).toISOString();
        await o.insertSignals([
          ...Array.from({ length: 6 }, (_, i) => signal(orgA, { kind: 'metric', key: 'rps', ts: at(i * 10), value: i, labels: { service: 'cart' } })),
          signal(orgA, { kind: 'metric', key: 'err', ts: at(15), value: 0.5, labels: { job: 'search' } }),
          signal(orgA, { kind: 'metric', key: 'rps', ts: at(15), value: 9, labels: { service: 'cart', pod: 'cart-1' } }), // an instance's: left out
          signal(orgA, { kind: 'metric', key: 'cpu', ts: at(15), value: 0.9, labels: { service: 'cart' } }), // not asked for
          signal(orgA, { kind: 'metric', key: 'rps', ts: at(15), value: 3, labels: { service: 'other' } }), // not asked for
        ]);
        await store.forOrg(orgB).insertSignals([signal(orgB, { kind: 'metric', key: 'rps', ts: at(5), value: 1e6, labels: { service: 'cart' } })]);
        const q = { services: ['cart', 'search'], metrics: ['rps', 'err'], from: at(0), to: at(60), maxPoints: 2 };
        const r = await o.readMetricSeriesBatch(q);
        expect(r).toEqual([
          { service: 'cart', metric: 'rps', points: [{ t: at(0), min: 0, avg: 1, max: 2, n: 3 }, { t: at(30), min: 3, avg: 4, max: 5, n: 3 }] },
          { service: 'search', metric: 'err', points: [{ t: at(0), min: 0.5, avg: 0.5, max: 0.5, n: 1 }] },
        ]);
        // the same buckets as one series read
        expect((await o.readMetricSeries({ service: 'cart', metric: 'rps', from: at(0), to: at(60), maxPoints: 2 })).points).toEqual(r[0].points);
        expect(await o.readMetricSeriesBatch({ ...q, services: [] })).toEqual([]);
        expect((await store.forOrg(orgB).readMetricSeriesBatch(q)).map((x) => x.points[0].max)).toEqual([1e6]);
      });

      it('accepts an empty batch', async () => {
        expect(await A.insertSignals([])).toEqual({ inserted: 0, duplicates: [], failed: [] });
      });

      it('gets signals by id, oldest first, skipping ids it does not hold (other orgs\' included)', async () => {
        const late = signal(orgA, { ts: '2024-05-04T00:00:02.000Z', kind: 'log', value: null, text: 'late' });
        const early = signal(orgA, { ts: '2024-05-04T00:00:01.000Z' });
        const theirs = signal(orgB, { ts: '2024-05-04T00:00:00.000Z' });
        await A.insertSignals([late, early]);
        await B.insertSignals([theirs]);
        expect(await A.getSignals([late.id, uid('missing'), theirs.id, early.id])).toEqual([early, late]);
        expect(await A.getSignals([])).toEqual([]);
        expect(await B.getSignals([late.id])).toEqual([]);
      });
    });
  });
}
