import { describe, expect, it } from 'vitest';
import { changeTiming, deltaPhrase, deltaSummary, draftHypotheses } from './hypotheses.js';
import { buildGraph } from './topology.js';
import type { ChangeCorrelation, MetricDelta, RankedService, ServiceAnomaly } from './types.js';

const delta = (over: Partial<MetricDelta>): MetricDelta => ({
  service: 'price',
  metric: 'latency_p99_s',
  instance: null,
  kind: 'latency',
  side: 'server',
  baselineMedian: 0.00995,
  baselineScale: 0.00001,
  incidentMedian: 0.00995,
  z: 40,
  peakZ: 40,
  shift: 0.0126,
  direction: 'up',
  harmful: true,
  score: 0.09,
  tailP: 0.1,
  loadDrop: 0,
  onset: null,
  nBaseline: 29,
  nIncident: 5,
  status: 'ok',
  ...over,
});

describe('metric delta evidence text', () => {
  // [case, delta, summary, short phrase]
  const cases: [string, Partial<MetricDelta>, string, string][] = [
    [
      'median unmoved: says what the third of the points did, in the unit (seconds read as ms)',
      {},
      'price latency_p99_s: a third of the points 12.6 ms above their usual level (≥40σ); median 9.95 ms → 9.95 ms',
      'latency_p99_s above its usual level in a third of the points (≥40σ)',
    ],
    ['median moved with the shift: up, with both medians', { incidentMedian: 0.5, shift: 0.49, z: 12 }, 'price latency_p99_s up 12.0σ: median 9.95 ms → 500 ms', 'latency_p99_s up 12.0σ'],
    [
      'median fell while the upper third rose: never "up" beside a falling median',
      { metric: 'latency_p95_ms', baselineMedian: 120, incidentMedian: 80, shift: 900, z: 40 },
      'price latency_p95_ms: a third of the points 900 ms above their usual level (≥40σ); median 120 ms → 80 ms',
      'latency_p95_ms above its usual level in a third of the points (≥40σ)',
    ],
    [
      'an error ratio in percent, its shift in percentage points',
      { metric: 'http_error_rate', kind: 'errors', baselineMedian: 0.001, incidentMedian: 0.313, shift: 0.31, z: 40, instance: 'search-0', service: 'search' },
      'search (search-0) http_error_rate up ≥40σ: median 0.1% → 31.3%',
      'http_error_rate on search-0 up ≥40σ',
    ],
    [
      'an error ratio whose median stayed: the shift in points',
      { metric: 'http_error_rate', kind: 'errors', baselineMedian: 0.002, incidentMedian: 0.002, shift: 0.05, z: 9.5 },
      'price http_error_rate: a third of the points 5 points above their usual level (9.5σ); median 0.2% → 0.2%',
      'http_error_rate above its usual level in a third of the points (9.5σ)',
    ],
    [
      'a rate per second and a fall with the median',
      { metric: 'http_requests_per_s', kind: 'traffic', baselineMedian: 465, incidentMedian: 273, shift: -190, z: -23.3, direction: 'down' },
      'price http_requests_per_s down 23.3σ: median 465/s → 273/s',
      'http_requests_per_s down 23.3σ',
    ],
    ['flat', { direction: 'flat', z: 0, shift: 0 }, 'price latency_p99_s unchanged: median 9.95 ms → 9.95 ms', 'latency_p99_s unchanged'],
    ['no incident points', { direction: 'flat', z: 0, shift: 0, incidentMedian: null }, 'price latency_p99_s unchanged: median 9.95 ms → n/a', 'latency_p99_s unchanged'],
  ];
  it.each(cases)('%s', (_name, over, summary, phrase) => {
    expect(deltaSummary(delta(over))).toBe(summary);
    expect(deltaPhrase(delta(over))).toBe(phrase);
  });
});

describe('change timing text', () => {
  const cases: [number, ChangeCorrelation['leadFrom'], string][] = [
    [0.2, 'onset', '12 s before the onset'],
    [3, 'onset', '3 min before the onset'],
    [2.5, 'onset', '2.5 min before the onset'],
    [-0.5, 'onset', '30 s after the onset'],
    [0.01, 'onset', 'at the onset'],
    [25, 'incident_start', '25 min before the incident start'],
    [-65, 'incident_start', '65 min after the incident start'],
    [-130, 'incident_start', '2 h 10 min after the incident start'],
  ];
  it.each(cases)('%s min from the %s: "%s"', (leadMinutes, leadFrom, text) => expect(changeTiming({ leadMinutes, leadFrom })).toBe(text));
});

describe('hypothesis text from its own numbers', () => {
  const parts: RankedService['parts'] = { own: 0.9, client: 0, blame: 0, starvedCallees: 0, namedInLogs: 0, skippedSteps: 0, slowCalls: 0, explainedBy: null, explainedByDependency: 0, explainedVia: null, explained: 0, logs: 0, change: 0, upstream: 0 };
  const T = Date.UTC(2026, 2, 4, 16, 30);
  const err = (instance: string | null, z: number, onset: number | null) =>
    delta({ service: 'search', metric: 'http_error_rate', kind: 'errors', instance, baselineMedian: 0.001, incidentMedian: z > 5 ? 0.3 : 0.001, shift: z > 5 ? 0.3 : 0, z, direction: z > 5 ? 'up' : 'flat', score: z > 5 ? 0.9 : 0, onset });
  const hot = err('search-0', 40, T + 4 * 60_000);
  const svc: ServiceAnomaly = { service: 'search', own: 0.9, client: 0, starved: 0, loadDropFamilies: [], families: {}, onset: T, topDeltas: [hot], detectorAnomalies: 0, logs: null };
  const change: ChangeCorrelation = { changeId: 'd1', service: 'search', kind: 'deploy', key: 'search@v2', ts: T - 12_000, leadMinutes: 0.2, leadFrom: 'onset', factors: { magnitude: 1, temporal: 1, centrality: 0, priorFailureRate: 0.1 }, likelihood: 0.9 };
  const draft = (correlations: ChangeCorrelation[]) =>
    draftHypotheses({
      ranking: [{ service: 'search', score: 3, parts }],
      services: new Map([['search', svc]]),
      deltas: [hot, err('search-1', 0.5, null), err(null, 3, null)],
      correlations,
      graph: buildGraph(['search'], [], false),
      topN: 3,
      abstainBelow: 0.1,
      anomalousFrom: 0.3,
      zThreshold: 4,
    });

  it('dates the statement from the onset of the series it names, not the service\'s first anomaly', () => {
    expect(draft([]).hypotheses[0].statement).toBe('search is the likely root cause: http_error_rate on search-0 up ≥40σ from 2026-03-04T16:34:00Z');
  });
  it('times the change in seconds when it came seconds before, in the evidence and the statement', () => {
    const r = draft([change]);
    expect(r.hypotheses[0].statement).toBe('deploy search@v2 on search (12 s before the onset) likely caused the incident: http_error_rate on search-0 up ≥40σ from 2026-03-04T16:34:00Z');
    expect(r.evidence.find((e) => e.kind === 'change')!.summary).toBe('deploy search@v2 on search 12 s before the onset (L=0.90)');
  });
  it('counts healthy shards among instances only: the service-wide series is no instance, and no null is listed', () => {
    const ce = draft([]).hypotheses[0].counterEvidence.find((c) => c.kind === 'healthy_shards')!;
    expect(ce).toEqual({ kind: 'healthy_shards', summary: '1 of 2 instances show no shift on http_error_rate', data: { instances: ['search-1'] } });
  });
});
