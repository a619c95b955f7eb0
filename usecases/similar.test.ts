/** similarIncidents on the embedded store: the org's other incidents ranked by what they share, with their latest fix. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIMILARITY_WEIGHTS as W } from '../rca/similarity.js';
import { type SeededPast, seedPastIncidents } from '../test-support/misc-tool-fixtures.js';
import { type Seeded, seed } from '../test-support/tool-fixtures.js';
import { similarIncidents } from './similar.js';

let s: Seeded;
let past: SeededPast;
beforeAll(async () => {
  s = await seed();
  past = await seedPastIncidents(s);
});
afterAll(async () => {
  await s.close();
});

describe('similarIncidents', () => {
  it('ranks the incident sharing service and change kind first, then the one sharing the service; never the unrelated one, itself, or another org\'s', async () => {
    const r = await similarIncidents(s.session(), s.checkout);
    expect(r.incident.id).toBe(s.checkout);
    // checkout's services: checkout (own, 2) and orders-db (its second hypothesis, 1); a past checkout incident has checkout (2): J = 2/3
    expect(r.similar.map((x) => [x.incident.id, x.score, x.shared])).toEqual([
      [past.rollback, Math.round((W.services * (2 / 3) + W.changeKinds) * 10_000) / 10_000, { services: ['checkout'], templates: [], changeKinds: ['deploy'] }],
      [past.sameService, Math.round(W.services * (2 / 3) * 10_000) / 10_000, { services: ['checkout'], templates: [], changeKinds: [] }],
    ]);
    // o1 holds the seeded checkout and search incidents and three past ones: four others compared
    expect(r.scanned).toBe(4);
  });

  it('gives each its latest fix plan (the rollback, not the older rejected restart), or null', async () => {
    const r = await similarIncidents(s.session(), s.checkout);
    expect(r.similar[0].fix).toMatchObject({ id: past.plans.rollback, status: 'dry_run', steps: [{ action: 'rollback', target: 'checkout' }] });
    expect(r.similar[0].incident.status).toBe('resolved');
    expect(r.similar[1].fix).toBeNull();
  });

  it('honours the limit, and finds nothing for an incident that shares nothing', async () => {
    expect((await similarIncidents(s.session(), s.checkout, { limit: 1 })).similar.map((x) => x.incident.id)).toEqual([past.rollback]);
    expect((await similarIncidents(s.session(), s.search)).similar).toEqual([]);
  });

  it('from another org: the incident is not found; its own incident sees only its own past', async () => {
    await expect(similarIncidents(s.session(['read'], 'o2'), s.checkout)).rejects.toMatchObject({ code: 'not_found' });
    expect((await similarIncidents(s.session(['read'], 'o2'), past.foreign)).similar).toEqual([]);
  });

  it('needs the read scope', async () => {
    await expect(similarIncidents(s.session(['ingest']), s.checkout)).rejects.toMatchObject({ code: 'forbidden' });
  });
});
