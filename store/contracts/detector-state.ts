/** The `DetectorStateStore` port: one checkpoint per org and detector name. */
import { beforeAll, describe, expect, it } from 'vitest';
import type { OrgStore } from '../../core/ports/index.js';
import { type StoreOpener, twoOrgs, uid } from './fixtures.js';

export function detectorStateStoreContract(name: string, open: StoreOpener): void {
  describe(`DetectorStateStore contract: ${name}`, () => {
    let A: OrgStore;
    let B: OrgStore;

    beforeAll(async () => {
      ({ A, B } = await twoOrgs((await open()).store, uid('orga'), uid('orgb')));
    });

    describe('checkpoints', () => {
      it('keeps one detector checkpoint per org and name, replaced in place', async () => {
        expect(await A.getDetectorState('stream-v1')).toBeNull();
        await A.putDetectorState('stream-v1', { v: 1, series: [1, 2] });
        // Detector keys join names with U+0000, which jsonb would refuse.
        await A.putDetectorState('stream-v1', { v: 1, series: [3], keys: ['cart\u0000latency_p95_ms'] });
        const got = await A.getDetectorState('stream-v1');
        expect(got?.state).toEqual({ v: 1, series: [3], keys: ['cart\u0000latency_p95_ms'] });
        expect(Number.isFinite(Date.parse(got!.savedAt))).toBe(true);
        expect(await B.getDetectorState('stream-v1')).toBeNull();
      });
    });
  });
}
