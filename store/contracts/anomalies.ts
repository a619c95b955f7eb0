/** The `AnomalyStore` port: detector findings, stored once per (deterministic) id. */
import { beforeAll, describe, expect, it } from 'vitest';
import type { OrgStore } from '../../core/ports/index.js';
import { type StoreOpener, twoOrgs, uid } from './fixtures.js';

export function anomalyStoreContract(name: string, open: StoreOpener): void {
  describe(`AnomalyStore contract: ${name}`, () => {
    const orgA = uid('orga');
    const orgB = uid('orgb');
    let A: OrgStore;
    let B: OrgStore;

    beforeAll(async () => {
      ({ A, B } = await twoOrgs((await open()).store, orgA, orgB));
    });

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
        expect(await A.insertAnomalies([a])).toEqual([a.id]);
        expect(await A.insertAnomalies([a])).toEqual([]);
        expect(await A.listAnomalies({ service: 'checkout' })).toEqual([{ ...a, orgId: orgA }]);
        expect(await A.listAnomalies({ service: 'checkout', from: '2024-05-01T10:00:00.001Z' })).toEqual([]);
        expect(await B.listAnomalies({})).toEqual([]);
      });

      it('gets one anomaly by id (not another org\'s) and lists newest first on request', async () => {
        const base = { service: 'search', series: 'latency_p95', value: 900, baseline: 120, score: 4, direction: 'up' as const, detector: 'slo-guard', signalId: null };
        const early = { ...base, id: uid('an'), ts: '2024-05-02T10:00:00.000Z' };
        const late = { ...base, id: uid('an'), ts: '2024-05-02T10:05:00.000Z' };
        await A.insertAnomalies([late, early]);
        expect(await A.getAnomaly(early.id)).toEqual({ ...early, orgId: orgA });
        expect(await A.getAnomaly(uid('missing'))).toBeNull();
        expect(await B.getAnomaly(early.id)).toBeNull();
        expect((await A.listAnomalies({ service: 'search' })).map((a) => a.id)).toEqual([early.id, late.id]);
        expect((await A.listAnomalies({ service: 'search', newestFirst: true, limit: 1 })).map((a) => a.id)).toEqual([late.id]);
      });
    });
  });
}
