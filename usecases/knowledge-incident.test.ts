/** An incident-informed knowledge search follows what the stored analysis found, not the incident's own service. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Seeded, seed } from '../test-support/tool-fixtures.js';
import { searchKnowledge } from './knowledge.js';

let s: Seeded;
beforeAll(async () => {
  s = await seed();
});
afterAll(async () => s.close());

describe('searchKnowledge for an incident', () => {
  it('ranks the runbook of the confident analysis\'s finding first once one is stored', async () => {
    const before = await searchKnowledge(s.session(), s.kb, { incidentId: s.checkout, k: 2 });
    expect(before.hits[0].title).toMatch(/rollback/i); // the incident says "checkout"
    await s.org.saveAnalysis({
      id: 'an-disk',
      incidentId: s.checkout,
      window: { from: '2026-03-01T08:30:00.000Z', to: '2026-03-01T10:00:00.000Z' },
      verdict: 'confident',
      result: {
        verdict: 'confident',
        ranking: [{ service: 'orders-db' }, { service: 'checkout' }],
        metricDeltas: [{ service: 'orders-db', metric: 'disk_usage_pct', z: 9 }],
        logClusters: [{ service: 'orders-db', top: [{ template: 'pod evicted: node had DiskPressure', before: 0, during: 12, novel: true, level: 'warn' }] }],
        correlations: [],
      },
      counts: {},
    });
    const after = await searchKnowledge(s.session(), s.kb, { incidentId: s.checkout, k: 2 });
    expect(after.hits[0].title).toMatch(/disk/i);
    expect(after.terms.slice(0, 3)).toEqual(['orders', 'db', 'disk']);
  });
});
