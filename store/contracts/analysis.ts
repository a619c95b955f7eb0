/** The `AnalysisStore` port: one range of signals read in the compact form root-cause analysis uses (issue 5). */
import { beforeAll, describe, expect, it } from 'vitest';
import type { OrgStore, Store } from '../../core/ports/index.js';
import { signal, type StoreOpener, twoOrgs, uid } from './fixtures.js';

export function analysisStoreContract(name: string, open: StoreOpener): void {
  describe(`AnalysisStore contract: ${name}`, () => {
    let store: Store;
    let B: OrgStore;

    beforeAll(async () => {
      ({ store } = await open());
      ({ B } = await twoOrgs(store, uid('orga'), uid('orgb')));
    });

    describe('analysis reads', () => {
      it('reads one range as compact series, log lines and changes, both ends inclusive, and caps it', async () => {
        const org = uid('orgrca');
        await store.createOrg({ id: org, name: 'RCA' });
        const o = store.forOrg(org);
        const base = Date.parse('2024-07-01T00:00:00.000Z');
        const at = (s: number) => new Date(base + s * 1000).toISOString();
        await o.insertSignals([
          signal(org, { ts: at(0), key: 'latency_ms', value: 10, labels: { service: 'cart', instance: 'cart-0' } }),
          signal(org, { ts: at(60), key: 'latency_ms', value: 12.5, labels: { service: 'cart', instance: 'cart-0' } }),
          signal(org, { ts: at(60), key: 'latency_ms', value: 11, labels: { service: 'cart', pod: 'cart-1' } }),
          signal(org, { ts: at(30), key: 'cpu', value: 0.25, labels: { app: 'api' } }),
          signal(org, { ts: at(30), key: 'cpu', value: 1, labels: { other: 'x' } }), // no service: still read, service null is dropped
          signal(org, { ts: at(120), key: 'latency_ms', value: 99, labels: { service: 'cart', instance: 'cart-0' } }), // after the range
          signal(org, { ts: at(10), kind: 'log', value: null, text: 'ERROR "boom" \\ ünïcode', labels: { service: 'cart', pod: 'cart-0' } }),
          signal(org, { ts: at(-600), kind: 'deploy', key: 'cart', value: null, text: 'Deployed cart', labels: { service: 'cart' }, meta: { change_id: 'c1' } }),
          signal(org, { ts: at(-7200), kind: 'flag', key: 'f', value: null, labels: { service: 'cart' } }),
        ]);
        const r = await o.readAnalysisSignals({ from: at(0), to: at(60), changesFrom: at(-3600) });
        expect(r.truncated).toBe(false);
        expect(r.metricPoints).toBe(4);
        const series = r.series.map((x) => ({ ...x, pts: x.ts.map((t, i) => [t, x.values[i]]).sort((a, b) => a[0] - b[0]) })).sort((a, b) => (`${a.service}${a.metric}${a.instance}` < `${b.service}${b.metric}${b.instance}` ? -1 : 1));
        expect(series.map((x) => [x.service, x.metric, x.instance, x.pts])).toEqual([
          ['api', 'cpu', null, [[base + 30_000, 0.25]]],
          ['cart', 'latency_ms', 'cart-0', [[base, 10], [base + 60_000, 12.5]]],
          ['cart', 'latency_ms', 'cart-1', [[base + 60_000, 11]]],
        ]);
        expect(r.logs).toEqual([{ ts: base + 10_000, service: 'cart', instance: 'cart-0', text: 'ERROR "boom" \\ ünïcode', id: expect.any(String) }]);
        expect(r.changes.map((c) => [c.kind, c.meta])).toEqual([['deploy', { change_id: 'c1' }]]);
        expect((await o.readAnalysisSignals({ from: at(0), to: at(60), changes: false })).changes).toEqual([]);
        const capped = await o.readAnalysisSignals({ from: at(0), to: at(60), maxMetricPoints: 2 });
        expect(capped.truncated).toBe(true);
        // exactly at the caps is not truncated (the cap counts rows read, the one without a service too)
        expect((await o.readAnalysisSignals({ from: at(0), to: at(60), maxMetricPoints: 5, maxLogLines: 1 })).truncated).toBe(false);
        expect(await o.lastSignalAt({ from: at(0), to: at(100) })).toBe(at(60));
        expect(await o.lastSignalAt({ from: at(200), to: at(300) })).toBeNull();
        // tenancy: another org sees nothing of it
        expect((await B.readAnalysisSignals({ from: at(-7200), to: at(120) })).metricPoints).toBe(0);
      });

      it('reads trace spans as the calls they show, not as changes (they would crowd real changes out)', async () => {
        const org = uid('orgspan');
        await store.createOrg({ id: org, name: 'Spans' });
        const o = store.forOrg(org);
        const base = Date.parse('2024-07-02T00:00:00.000Z');
        const at = (s: number) => new Date(base + s * 1000).toISOString();
        const span = (t: number, id: string, parent: string | null, service: string, where: 'labels' | 'meta' = 'labels') =>
          signal(org, { ts: at(t), kind: 'event', key: 'span', value: null, labels: where === 'labels' ? { service } : {}, meta: { trace_id: 't1', span_id: id, parent_span_id: parent, ...(where === 'meta' ? { service } : {}) } });
        await o.insertSignals([
          span(1, 'a', null, 'web'),
          span(2, 'b', 'a', 'api'),
          span(3, 'c', 'b', 'db', 'meta'),
          span(4, 'd', 'a', 'api'),
          span(5, 'e', 'd', 'api'), // a call within one service is no edge
          span(6, 'f', 'zz', 'api'), // its parent is not stored
          span(-7200, 'g', null, 'old'), // long before the range
          signal(org, { ts: at(30), kind: 'deploy', key: 'api', value: null, labels: { service: 'api' }, meta: { change_id: 'c9' } }),
          signal(org, { ts: at(31), kind: 'event', key: 'config_change', value: null, labels: { service: 'api' }, meta: {} }),
        ]);
        const r = await o.readAnalysisSignals({ from: at(0), to: at(60) });
        expect(r.changes.map((c) => c.key)).toEqual(['api', 'config_change']);
        expect(r.calls).toEqual([
          { caller: 'api', callee: 'db', n: 1 },
          { caller: 'web', callee: 'api', n: 2 },
        ]);
        expect((await o.readAnalysisSignals({ from: at(0), to: at(60), changes: false })).calls).toEqual([]);
        expect((await B.readAnalysisSignals({ from: at(0), to: at(60) })).calls).toEqual([]);
      });

      it('fingerprints a range: the watermark moves when a signal lands in it (late ones too), not outside it', async () => {
        const org = uid('orgwm');
        await store.createOrg({ id: org, name: 'Watermark' });
        const o = store.forOrg(org);
        const range = { from: '2024-07-03T00:00:00.000Z', to: '2024-07-03T01:00:00.000Z' };
        const empty = await o.signalWatermark(range);
        await o.insertSignals([signal(org, { ts: '2024-07-03T00:30:00.000Z' })]);
        const one = await o.signalWatermark(range);
        expect(one).not.toBe(empty);
        await o.insertSignals([signal(org, { ts: '2024-07-03T02:00:00.000Z' })]); // outside the range
        expect(await o.signalWatermark(range)).toBe(one);
        await o.insertSignals([signal(org, { ts: range.to })]); // both ends inclusive, arriving late
        expect(await o.signalWatermark(range)).not.toBe(one);
        expect(await B.signalWatermark(range)).toBe(empty); // another org's signals do not move it
      });
    });
  });
}
