import { describe, expect, it } from 'vitest';
import type { Anomaly } from '../core/schemas.js';
import { analyze } from './analyze.js';
import { deploySignal, minute, synthWorld, T0 } from './test-helpers.js';
import type { AnalysisInput, AnalysisResult } from './types.js';

// frontend → checkout → payments → db, checkout → cart, frontend → catalog → db
const GRAPH = { frontend: ['checkout', 'catalog'], checkout: ['payments', 'cart'], payments: ['db'], cart: [], catalog: ['db'], db: [] };

const top = (r: AnalysisResult) => r.ranking[0]?.service;
const rankOf = (r: AnalysisResult, s: string) => r.ranking.findIndex((x) => x.service === s) + 1;

function everyHypothesisCitesEvidence(r: AnalysisResult) {
  const ids = new Set(r.evidence.map((e) => e.id));
  for (const h of r.hypotheses) {
    expect(h.evidenceIds.length).toBeGreaterThanOrEqual(1);
    for (const id of h.evidenceIds) expect(ids.has(id)).toBe(true);
  }
}

describe('analyze: root cause with propagated symptoms', () => {
  it.each(['latency', 'errors', 'cpu'] as const)('a %s fault in payments is ranked first although checkout and frontend degrade too', (kind) => {
    const r = analyze(synthWorld({ graph: GRAPH, faults: [{ service: 'payments', kind, at: 61 }] }));
    expect(top(r)).toBe('payments');
    expect(r.verdict).toBe('confident');
    expect(r.hypotheses[0].service).toBe('payments');
    expect(r.hypotheses[0].confidence).toBeGreaterThan(0.5);
    // the callers are anomalous, but explained by their dependency
    const checkout = r.ranking.find((x) => x.service === 'checkout')!;
    expect(checkout.parts.explained).toBeGreaterThan(0.5);
    everyHypothesisCitesEvidence(r);
  });

  it('does not blame a healthy dependency of the root (payments → db)', () => {
    const r = analyze(synthWorld({ graph: GRAPH, faults: [{ service: 'payments', kind: 'latency', at: 61 }] }));
    const db = r.ranking.find((x) => x.service === 'db')!;
    expect(rankOf(r, 'db')).toBeGreaterThan(rankOf(r, 'payments'));
    expect(db.score).toBeLessThan(0.1);
    expect(r.hypotheses.map((h) => h.service)).not.toContain('db');
    expect(r.hypotheses[0].statement).toMatch(/dependencies look healthy/);
  });

  it('blames the deepest anomalous service when the database itself is slow', () => {
    const r = analyze(synthWorld({ graph: GRAPH, faults: [{ service: 'db', kind: 'latency', at: 61 }] }));
    expect(top(r)).toBe('db');
    expect(r.blastRadius.root).toBe('db');
    expect(r.blastRadius.impacted.map((i) => i.service)).toEqual(expect.arrayContaining(['payments', 'catalog', 'checkout', 'frontend']));
  });

  it('finds a fault that shows only from the outside (network delay to db, seen by both callers)', () => {
    const r = analyze(synthWorld({ graph: GRAPH, faults: [{ service: 'db', kind: 'network', at: 61 }] }));
    expect(top(r)).toBe('db');
    expect(r.ranking[0].parts.blame).toBeGreaterThan(r.ranking[0].parts.own);
  });

  it('blames a caller that fails before calling on: its dependencies go quiet', () => {
    const r = analyze(synthWorld({ graph: GRAPH, faults: [{ service: 'checkout', kind: 'fail_early', at: 61 }] }));
    expect(top(r)).toBe('checkout');
    expect(rankOf(r, 'payments')).toBeGreaterThan(1);
  });

  it('ranks the same way without a topology (the graph is inferred)', () => {
    const r = analyze(synthWorld({ graph: GRAPH, withTopology: false, faults: [{ service: 'payments', kind: 'latency', at: 61 }] }));
    expect(r.topology.inferred).toBe(true);
    expect(r.notes.join(' ')).toMatch(/inferred/);
    expect(top(r)).toBe('payments');
  });
});

describe('analyze: change correlation', () => {
  it('does not blame an innocent deploy just before an unrelated fault (red herring)', () => {
    const r = analyze(
      synthWorld({ graph: GRAPH, faults: [{ service: 'payments', kind: 'errors', at: 61 }], changes: [deploySignal('d-catalog', 'catalog', 59)] }),
    );
    const c = r.correlations.find((x) => x.changeId === 'd-catalog')!;
    expect(c.likelihood).toBeLessThan(0.3);
    expect(top(r)).toBe('payments');
    expect(r.hypotheses[0].changeId).toBeNull();
    expect(r.hypotheses.some((h) => h.changeId === 'd-catalog')).toBe(false);
  });

  it('blames a guilty deploy on the failing service, with the change id', () => {
    const r = analyze(
      synthWorld({
        graph: GRAPH,
        faults: [{ service: 'payments', kind: 'errors', at: 61 }],
        changes: [deploySignal('d-catalog', 'catalog', 60), deploySignal('d-payments', 'payments', 59)],
      }),
    );
    const guilty = r.correlations.find((x) => x.changeId === 'd-payments')!;
    const innocent = r.correlations.find((x) => x.changeId === 'd-catalog')!;
    expect(guilty.likelihood).toBeGreaterThan(0.7);
    expect(innocent.likelihood).toBeLessThan(0.3);
    expect(r.hypotheses[0]).toMatchObject({ service: 'payments', changeId: 'd-payments' });
    expect(r.hypotheses[0].statement).toMatch(/deploy payments@v2/);
    expect(r.evidence.some((e) => e.kind === 'change' && e.ref === 'd-payments')).toBe(true);
  });

  it('ignores changes outside ±30 minutes of the incident start', () => {
    const r = analyze(synthWorld({ graph: GRAPH, faults: [{ service: 'payments', kind: 'errors', at: 61 }], changes: [deploySignal('old', 'payments', 20)] }));
    expect(r.correlations).toEqual([]);
  });
});

describe('analyze: abstains instead of guessing', () => {
  it.each([1, 2, 3, 4, 5])('calm data (seed %i) → no confident hypothesis', (seed) => {
    const r = analyze(synthWorld({ graph: GRAPH, seed }));
    expect(r.verdict).toBe('no confident hypothesis');
    expect(r.hypotheses).toEqual([]);
  });

  it('a noisy service that is not the root is not blamed', () => {
    const calm = analyze(synthWorld({ graph: GRAPH, noisy: ['catalog'] }));
    expect(calm.verdict).toBe('no confident hypothesis');
    const r = analyze(synthWorld({ graph: GRAPH, noisy: ['catalog'], faults: [{ service: 'payments', kind: 'latency', at: 61 }] }));
    expect(top(r)).toBe('payments');
    expect(r.hypotheses.map((h) => h.service)).not.toContain('catalog');
  });

  it('two equally good suspects are not a verdict (network delay behind one caller)', () => {
    const r = analyze(synthWorld({ graph: GRAPH, faults: [{ service: 'cart', kind: 'network', at: 61 }] }));
    expect(r.verdict).toBe('no confident hypothesis');
    expect(r.ranking.slice(0, 2).map((x) => x.service).sort()).toEqual(['cart', 'payments']);
  });
});

describe('analyze: determinism and evidence', () => {
  it('gives byte-identical results for the same input, and for the series in another order', () => {
    const input = synthWorld({ graph: GRAPH, faults: [{ service: 'payments', kind: 'latency', at: 61 }], changes: [deploySignal('d1', 'payments', 59)] });
    const a = analyze(input);
    const b = analyze(input);
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    const shuffled: AnalysisInput = { ...input, metrics: [...input.metrics].reverse() };
    const c = analyze(shuffled);
    expect(c.ranking).toEqual(a.ranking);
    expect(c.hypotheses).toEqual(a.hypotheses);
  });

  it('every hypothesis cites evidence rows, and each runner-up gets a "why not"', () => {
    const r = analyze(synthWorld({ graph: GRAPH, faults: [{ service: 'payments', kind: 'latency', at: 61 }] }));
    everyHypothesisCitesEvidence(r);
    expect(r.hypotheses[0].whyNot.map((w) => w.service)).toEqual(
      r.ranking
        .slice(1, 6)
        .filter((x) => x.score > 0)
        .map((x) => x.service),
    );
    const checkout = r.hypotheses[0].whyNot.find((w) => w.service === 'checkout')!;
    expect(checkout.reason).toMatch(/explained by its dependency payments/);
    for (const e of r.evidence) expect(['anomaly', 'log_cluster', 'change', 'metric_delta', 'topology_path', 'signal', 'note']).toContain(e.kind);
  });

  it('reports counter-evidence: callers that look normal', () => {
    // ads has two callers; only one of them calls it enough to notice
    const r = analyze(synthWorld({ graph: { web: ['ads'], batch: ['ads'], ads: [] }, faults: [{ service: 'ads', kind: 'cpu', at: 61 }] }));
    expect(top(r)).toBe('ads');
    expect(r.hypotheses[0].counterEvidence.length).toBeGreaterThanOrEqual(0);
    expect(r.blastRadius.impacted.map((i) => i.service).sort()).toEqual(['batch', 'web']);
  });

  it('error logs of a caller that name a dependency point at it (an expired certificate)', () => {
    // web's error rate creeps up a little; every new error line names auth
    const input = synthWorld({ graph: { web: ['auth', 'catalog'], auth: [], catalog: [] }, faults: [{ service: 'web', kind: 'errors', at: 61, magnitude: 0.05 }] });
    const r = analyze({
      ...input,
      logClusters: [
        { service: 'web', templateId: 't1', template: 'request to auth failed: certificate has expired', countsBefore: 0, countsDuring: 240, level: 'error' },
        { service: 'web', templateId: 't3', template: 'tls: failed to verify certificate for auth.shop.svc.cluster.local', countsBefore: 0, countsDuring: 480, level: 'error' },
        { service: 'web', templateId: 't2', template: 'GET /api/catalog <N> ms', countsBefore: 600, countsDuring: 200, level: 'info' },
      ],
    });
    expect(top(r)).toBe('auth');
    expect(r.logClusters.find((l) => l.service === 'web')!.references[0]).toMatchObject({ service: 'auth', templateId: 't1' });
    expect(r.evidence.some((e) => e.kind === 'log_cluster' && e.summary.includes('name auth'))).toBe(true);
  });

  it.each([
    ['skipped-step', /requests skipped its step/, 'requests'],
    ['stopped-step', /requests stopped part-way through its own steps/, 'requests'],
    ['slow-call', /calls into it got far slower/, 'calls'],
  ] as const)('what requests show (%s, from trace-correlated logs) finds a fault the metrics miss, and is cited', (derived, said, unit) => {
    const input = synthWorld({ graph: { web: ['auth', 'catalog'], auth: [], catalog: [] }, faults: [] });
    const r = analyze({
      ...input,
      logClusters: [
        { service: 'catalog', templateId: `${derived}:catalog`, template: `${derived} catalog`, countsBefore: 0, countsDuring: 26, secondsBefore: 31, secondsDuring: 56, level: 'ERROR', derived },
      ],
    });
    expect(top(r)).toBe('catalog');
    expect(r.verdict).toBe('confident');
    expect(r.hypotheses[0].statement).toMatch(said);
    const cited = r.evidence.filter((e) => r.hypotheses[0].evidenceIds.includes(e.id));
    expect(cited.some((e) => e.kind === 'log_cluster' && e.summary.endsWith(`0 of 31 ${unit} before → 26 of 56 during`))).toBe(true);
    // not the service's own log: no error rate, no log score of its own
    expect(r.logClusters.find((l) => l.service === 'catalog')).toMatchObject({ score: 0, errorRateDuring: 0 });
    // the requests the fault did not touch are counter-evidence
    expect(r.hypotheses[0].counterEvidence).toContainEqual(expect.objectContaining({ kind: 'unaffected_requests', summary: expect.stringMatching(/^30 of 56 /) }));
  });

  it('uses streaming-detector anomalies as evidence', () => {
    const input = synthWorld({ graph: GRAPH });
    const anomalies: Anomaly[] = [0, 1, 2].map((i) => ({
      id: `a${i}`,
      orgId: 'org',
      service: 'cart',
      series: 'cart/http_error_rate',
      ts: new Date(minute(61 + i)).toISOString(),
      value: 0.4,
      baseline: 0.004,
      score: 0.95,
      direction: 'up',
      detector: 'esd',
      signalId: null,
    }));
    const r = analyze({ ...input, anomalies });
    expect(top(r)).toBe('cart');
    expect(r.evidence.some((e) => e.kind === 'anomaly' && e.ref === 'cart')).toBe(true);
  });
});

describe('analyze: degenerate inputs', () => {
  const base = (): AnalysisInput => ({ incident: { startedAt: minute(60) }, window: { from: minute(60), to: minute(80) }, metrics: [] });

  it('no metrics, no anomalies, no topology', () => {
    const r = analyze(base());
    expect(r.verdict).toBe('no confident hypothesis');
    expect(r.hypotheses).toEqual([]);
    expect(r.ranking).toEqual([]);
  });

  it('an empty window', () => {
    const input = synthWorld({ graph: GRAPH, faults: [{ service: 'payments', kind: 'latency', at: 61 }] });
    const r = analyze({ ...input, window: { from: minute(200), to: minute(200) } });
    expect(r.hypotheses).toEqual([]);
    expect(r.notes.join(' ')).toMatch(/no metric points/);
  });

  it('a window that ends before it starts, or has an unreadable bound', () => {
    expect(analyze({ ...base(), window: { from: minute(80), to: minute(60) } }).notes.join(' ')).toMatch(/ends before it starts/);
    expect(analyze({ ...base(), window: { from: 'yesterday', to: minute(60) } }).notes.join(' ')).toMatch(/unreadable/);
  });

  it('constant series: flat stays calm, a step off a flat line is found', () => {
    const pts = (f: (m: number) => number) => Array.from({ length: 80 }, (_, m) => ({ ts: minute(m), value: f(m) }));
    const r = analyze({
      ...base(),
      metrics: [
        { service: 'a', metric: 'http_error_rate', points: pts(() => 0) },
        { service: 'b', metric: 'memory_utilization', points: pts(() => 0.5) },
        { service: 'c', metric: 'http_error_rate', points: pts((m) => (m >= 61 ? 0.3 : 0)) },
      ],
    });
    const a = r.metricDeltas.find((d) => d.service === 'a')!;
    expect(a).toMatchObject({ z: 0, score: 0, status: 'constant' });
    expect(r.metricDeltas.find((d) => d.service === 'b')!.score).toBe(0);
    expect(top(r)).toBe('c');
  });

  it('NaN values, out-of-order and ISO timestamps, too short a baseline', () => {
    const pts = Array.from({ length: 80 }, (_, m) => ({ ts: new Date(minute(79 - m)).toISOString(), value: m % 7 === 0 ? NaN : 79 - m >= 61 ? 900 : 20 + (m % 3) }));
    const r = analyze({
      ...base(),
      metrics: [
        { service: 'a', metric: 'latency_p95_ms', points: pts },
        { service: 'b', metric: 'latency_p95_ms', points: [{ ts: minute(59), value: 1 }, { ts: minute(61), value: 5 }] },
      ],
    });
    expect(r.metricDeltas.find((d) => d.service === 'a')!.score).toBeGreaterThan(0.5);
    expect(r.metricDeltas.find((d) => d.service === 'b')!.status).toBe('insufficient_baseline');
    expect(top(r)).toBe('a');
  });

  it('a shift already there before the incident started is discounted', () => {
    const pts = (f: (m: number) => number) => Array.from({ length: 80 }, (_, m) => ({ ts: minute(m), value: f(m) + (m % 2) }));
    const r = analyze({
      incident: { startedAt: minute(65) },
      window: { from: minute(60), to: minute(80) },
      metrics: [
        { service: 'old', metric: 'latency_p95_ms', points: pts((m) => (m >= 55 ? 500 : 20)) },
        { service: 'new', metric: 'latency_p95_ms', points: pts((m) => (m >= 65 ? 200 : 20)) },
      ],
    });
    expect(r.metricDeltas.find((d) => d.service === 'old')!.status).toBe('pre_existing');
    expect(top(r)).toBe('new');
  });

  it('candidates limit who can be blamed', () => {
    const input = synthWorld({ graph: GRAPH, faults: [{ service: 'payments', kind: 'latency', at: 61 }] });
    const r = analyze({ ...input, candidates: ['checkout', 'frontend', 'cart'] });
    expect(r.ranking.map((x) => x.service).sort()).toEqual(['cart', 'checkout', 'frontend']);
  });

  it('clock-free: the same input at another epoch gives the same ranking', () => {
    const a = analyze(synthWorld({ graph: GRAPH, faults: [{ service: 'payments', kind: 'latency', at: 61 }] }));
    const b = analyze(synthWorld({ graph: GRAPH, t0: T0 + 86_400_000 * 30, faults: [{ service: 'payments', kind: 'latency', at: 61 }] }));
    expect(b.ranking).toEqual(a.ranking);
  });
});
