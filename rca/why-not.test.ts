/** explainService: "why (not) X?" for any service of an analysis, from its result alone. */
import { describe, expect, it } from 'vitest';
import { analyze } from './analyze.js';
import { synthWorld } from './test-helpers.js';
import { explainService, servicesSeen } from './why-not.js';

// web → api → {db, cache}; db fails: api and web suffer, cache stays calm
const world = synthWorld({ graph: { web: ['api'], api: ['db', 'cache'], db: [], cache: [] }, faults: [{ service: 'db', kind: 'latency', at: 61 }], withTopology: true });
const result = analyze(world);
// the same data, with db kept out of the candidates: it is seen but not ranked
const narrowed = analyze({ ...world, candidates: ['web', 'api', 'cache'] });
// a JSON round trip, as the store gives it back
const stored = JSON.parse(JSON.stringify(result)) as typeof result;

describe('explainService', () => {
  it('finds the failing dependency on top, with evidence for it', () => {
    expect(result.ranking[0].service).toBe('db');
    const x = explainService(stored, 'db')!;
    expect(x).toMatchObject({ service: 'db', rank: 1, verdict: 'top', top: { service: 'db' } });
    expect(x.supporting.some((s) => s.kind === 'metric_delta' && s.ref.startsWith('db/'))).toBe(true);
    expect(x.reasons[0]).toBe(result.hypotheses[0].statement);
  });

  it.each([
    ['a caller that suffered from it', 'api'],
    ['the calm sibling ranked low', 'cache'],
  ])('explains %s (%s): its rank, the reason against, and never "top"', (_what, service) => {
    const x = explainService(stored, service)!;
    expect(x.rank).toBe(result.ranking.findIndex((r) => r.service === service) + 1);
    expect(x.verdict === 'ruled_out' || x.verdict === 'runner_up').toBe(true);
    expect(x.reasons[0]).toMatch(new RegExp(`^ranked #${x.rank} of ${result.ranking.length} with score \\d\\.\\d\\d .* for db$`));
    expect(x.reasons.length).toBeGreaterThanOrEqual(2);
  });

  it('gives the same why-not sentence the hypothesis stored for a runner-up', () => {
    const stored5 = result.hypotheses[0].whyNot;
    for (const w of stored5) expect(explainService(stored, w.service)!.reasons).toContain(w.reason);
    expect(stored5.length).toBeGreaterThan(0);
  });

  it('says a service in the data but outside the candidates was not ranked, and knows nothing of one never seen', () => {
    expect(servicesSeen(narrowed)).toEqual(['api', 'cache', 'db', 'web']);
    expect(explainService(narrowed, 'db')).toMatchObject({ verdict: 'not_seen', rank: null, score: null });
    expect(explainService(stored, 'payments')).toBeNull();
  });
});
