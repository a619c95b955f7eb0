/** The `AnomalyStore` port: detector findings, stored once per (deterministic) id. */
import { describe, expect, it } from 'vitest';
import { type StoreOpener, twoOrgsBeforeAll, uid } from './fixtures.js';

export function anomalyStoreContract(name: string, open: StoreOpener): void {
  describe(`AnomalyStore contract: ${name}`, () => {
    const orgs = twoOrgsBeforeAll(open);

    describe('anomalies', () => {
      it('stores anomalies once per id', async () => {
        const a = {
          id: uid('an'),
          service: 'checkout',
          series: 'http_errors',
          ts: '2024-05-01T10:00:00.000Z',
          value: 50,
          baseline: 4,
          score: 9.5,
          direction: 'up' as const,
          detector: 'zscore',
          signalId: null,
        };
        expect(await orgs.A.insertAnomalies([a])).toEqual([a.id]);
        expect(await orgs.A.insertAnomalies([a])).toEqual([]);
        expect(await orgs.A.listAnomalies({ service: 'checkout' })).toEqual([{ ...a, orgId: orgs.orgA }]);
        expect(await orgs.A.listAnomalies({ service: 'checkout', from: '2024-05-01T10:00:00.001Z' })).toEqual([]);
        expect(await orgs.B.listAnomalies({})).toEqual([]);
      });

      it('gets one anomaly by id (not another org\'s) and lists newest first on request', async () => {
        const base = { service: 'search', series: 'latency_p95', value: 900, baseline: 120, score: 4, direction: 'up' as const, detector: 'slo-guard', signalId: null };
        const early = { ...base, id: uid('an'), ts: '2024-05-02T10:00:00.000Z' };
        const late = { ...base, id: uid('an'), ts: '2024-05-02T10:05:00.000Z' };
        await orgs.A.insertAnomalies([late, early]);
        expect(await orgs.A.getAnomaly(early.id)).toEqual({ ...early, orgId: orgs.orgA });
        expect(await orgs.A.getAnomaly(uid('missing'))).toBeNull();
        expect(await orgs.B.getAnomaly(early.id)).toBeNull();
        expect((await orgs.A.listAnomalies({ service: 'search' })).map((a) => a.id)).toEqual([early.id, late.id]);
        expect((await orgs.A.listAnomalies({ service: 'search', newestFirst: true, limit: 1 })).map((a) => a.id)).toEqual([late.id]);
      });
    });
  });
}
