/** The `StoredAnalysisStore` port: whole analysis results kept per incident, content-addressed, tenant-isolated. */
import { beforeAll, describe, expect, it } from 'vitest';
import type { OrgStore, Store, StoredAnalysis } from '../../core/ports/index.js';
import { failure, incident, type StoreOpener, twoOrgs, uid } from './fixtures.js';

const analysisOf = (incidentId: string, over: Partial<StoredAnalysis> = {}): Omit<StoredAnalysis, 'createdAt'> & { createdAt?: string } => ({
  id: uid('an'),
  incidentId,
  window: { from: '2024-05-01T09:00:00.000Z', to: '2024-05-01T10:30:00.000Z' },
  verdict: 'confident',
  result: { verdict: 'confident', ranking: [{ service: 'db', score: 1.25 }, { service: 'checkout', score: 0.5 }], notes: ['ünï "q" \u0000 end'], window: { from: 1, to: 2, baselineFrom: null } },
  counts: { metric_points: 120, topology: false },
  ...over,
});

export function storedAnalysisStoreContract(name: string, open: StoreOpener): void {
  describe(`StoredAnalysisStore contract: ${name}`, () => {
    let A: OrgStore;
    let B: OrgStore;

    beforeAll(async () => {
      const { store } = (await open()) as { store: Store };
      ({ A, B } = await twoOrgs(store, uid('orga'), uid('orgb')));
    });

    it('stores a result and reads it back whole, by id and as the latest of its incident', async () => {
      const inc = await incident(A);
      expect(await A.latestAnalysis(inc.id)).toBeNull();
      const a = analysisOf(inc.id, { createdAt: '2024-05-01T10:31:00+00:00' });
      const saved = await A.saveAnalysis(a);
      expect(saved.created).toBe(true);
      const want = { ...a, createdAt: '2024-05-01T10:31:00.000Z', result: { ...a.result, notes: ['ünï "q" \uFFFD end'] } };
      expect(saved.analysis).toEqual(want);
      expect(await A.getAnalysis(a.id)).toEqual(want);
      expect(await A.latestAnalysis(inc.id)).toEqual(want);
      expect(await A.getAnalysis('an_nope')).toBeNull();
    });

    it('stores an id once: a re-save adds nothing and moves its time forward, so the latest is the one computed last', async () => {
      const inc = await incident(A);
      const one = analysisOf(inc.id, { createdAt: '2024-05-01T11:00:00.000Z' });
      const two = analysisOf(inc.id, { createdAt: '2024-05-01T11:05:00.000Z', verdict: 'no confident hypothesis' });
      await A.saveAnalysis(one);
      await A.saveAnalysis(two);
      expect((await A.latestAnalysis(inc.id))?.id).toBe(two.id);
      const again = await A.saveAnalysis({ ...one, createdAt: '2024-05-01T11:10:00.000Z' });
      expect(again.created).toBe(false);
      expect(again.analysis.createdAt).toBe('2024-05-01T11:10:00.000Z');
      expect((await A.latestAnalysis(inc.id))?.id).toBe(one.id);
      // an older time never moves it back
      expect((await A.saveAnalysis({ ...one, createdAt: '2024-05-01T09:00:00.000Z' })).analysis.createdAt).toBe('2024-05-01T11:10:00.000Z');
      // the same instant: the one stored last is the latest
      const inc2 = await incident(A);
      const x = analysisOf(inc2.id, { createdAt: '2024-05-01T12:00:00.000Z' });
      const y = analysisOf(inc2.id, { createdAt: '2024-05-01T12:00:00.000Z' });
      await A.saveAnalysis(x);
      await A.saveAnalysis(y);
      expect((await A.latestAnalysis(inc2.id))?.id).toBe(y.id);
    });

    it('refuses an analysis of an unknown incident, or of another org\'s, and a verdict it does not know', async () => {
      expect((await failure(() => A.saveAnalysis(analysisOf('inc_nope')))).code).toBe('invalid_input');
      const theirs = await incident(B);
      expect((await failure(() => A.saveAnalysis(analysisOf(theirs.id)))).code).toBe('invalid_input');
      const mine = await incident(A);
      expect((await failure(() => A.saveAnalysis(analysisOf(mine.id, { verdict: 'maybe' as never })))).code).toBe('invalid_input');
    });

    it('shows another org nothing', async () => {
      const inc = await incident(A);
      const a = analysisOf(inc.id);
      await A.saveAnalysis(a);
      expect(await B.getAnalysis(a.id)).toBeNull();
      expect(await B.latestAnalysis(inc.id)).toBeNull();
    });
  });
}
