/** One fuzz suite of the ingest edge (edge-fuzz.ts), run against each store engine. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpenedStore } from '../store/index.js';
import { fuzzIngestEdge, type FuzzOrg } from './edge-fuzz.js';

export function edgeFuzzSuite(engine: string, open: () => Promise<OpenedStore & { drop?(): Promise<void> }>): void {
  describe(`ingest edge fuzz (fast-check, ${engine})`, () => {
    let opened: OpenedStore & { drop?(): Promise<void> };
    let org: FuzzOrg;
    beforeAll(async () => {
      opened = await open();
      await opened.store.createOrg({ id: 'fuzz', name: 'Fuzz' });
      org = opened.store.forOrg('fuzz');
    });
    afterAll(async () => {
      await opened?.store.close();
      await opened?.admin.close();
      await opened?.drop?.();
    });

    it('stores every good item of a mixed batch, reports every bad one, and never throws', async () => {
      const f = await fuzzIngestEdge(org, { runs: 150, seed: 18 });
      expect(f.failures).toEqual([]);
      expect(f).toMatchObject({ batches: 150, goodLost: 0, badUnreported: 0, anyLost: 0, crashes: 0 });
      // The batches did mix: enough of each kind that the figures mean something.
      expect(f.good).toBeGreaterThan(150);
      expect(f.bad).toBeGreaterThan(75);
    }, 180_000);
  });
}
