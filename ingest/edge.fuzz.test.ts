/**
 * The ingest edge under generated mixed batches on PGlite (issue 18 §1): no good item lost, every
 * flawed item reported, nothing thrown. A few hundred batches here; the `ingest-fuzz` eval suite
 * runs 10,000 in the full tier.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrgStore } from '../core/ports.js';
import { openPgliteStore, type OpenedStore } from '../store/index.js';
import { fuzzIngestEdge } from './edge-fuzz.js';

let opened: OpenedStore;
let org: OrgStore;

describe('ingest edge fuzz (fast-check, PGlite)', () => {
  beforeAll(async () => {
    opened = await openPgliteStore();
    await opened.store.createOrg({ id: 'fuzz', name: 'Fuzz' });
    org = opened.store.forOrg('fuzz');
  });
  afterAll(async () => {
    await opened?.store.close();
    await opened?.admin.close();
  });

  it('stores every good item of a mixed batch, reports every bad one, and never throws', async () => {
    const f = await fuzzIngestEdge(org, { runs: 150, seed: 18 });
    expect(f.failures).toEqual([]);
    expect(f).toMatchObject({ batches: 150, goodLost: 0, badUnreported: 0, anyLost: 0, crashes: 0 });
    // The batches did mix: enough of each kind that the figures mean something.
    expect(f.good).toBeGreaterThan(150);
    expect(f.bad).toBeGreaterThan(75);
  }, 120_000);
});
