/** What the fix evidence reads off a stored analysis: templates that rose by rate, and a cache's hit ratio. */
import { describe, expect, it } from 'vitest';
import type { AnalysisResult, MetricDelta } from '../rca/types.js';
import { fixEvidenceOf, hitRatioOf, logExposure, rose } from './fix-evidence.js';

const MIN = 60_000;
const template = (t: string, before: number, during: number, level: string | null = null) => ({ templateId: t, template: t, exemplar: null, before, during, novel: false, level });

/** An analysis of `service` with the given log templates and metric deltas, over a window of `beforeMin` minutes of baseline and `duringMin` of incident. */
function analysis(service: string, top: ReturnType<typeof template>[], opts: { beforeMin?: number; duringMin?: number; deltas?: MetricDelta[] } = {}): AnalysisResult {
  const split = 100 * MIN;
  return {
    window: { from: split - (opts.beforeMin ?? 60) * MIN, to: split + (opts.duringMin ?? 1) * MIN, baselineFrom: split - (opts.beforeMin ?? 60) * MIN, baselineTo: split },
    hypotheses: [{ rank: 1, statement: `${service} is the cause`, confidence: 0.6, service, changeId: null, evidenceIds: ['e1'], counterEvidence: [], whyNot: [] }],
    ranking: [],
    correlations: [],
    services: [],
    metricDeltas: opts.deltas ?? [],
    logClusters: [{ service, score: 0.3, novelTemplates: 0, errorRateBefore: 0, errorRateDuring: 0, top, references: [], skipped: 0, slowCalls: 0 }],
  } as unknown as AnalysisResult;
}

const delta = (over: Partial<MetricDelta>): MetricDelta => ({ service: 'redis', metric: 'cache_hit_ratio', instance: null, kind: 'success', side: 'self', baselineMedian: 0.9, baselineScale: 0.01, incidentMedian: 0.5, z: -40, peakZ: -40, shift: -0.45, direction: 'down', harmful: true, score: 1, tailP: 0, loadDrop: 0, onset: 0, nBaseline: 60, nIncident: 3, status: 'ok', ...over });

describe('fixEvidenceOf', () => {
  it('keeps an info-level statement whose rate rose tenfold even when it has fewer lines in the one incident minute than in the baseline hour', () => {
    const slow = template('LOG: duration: <:NUM:> ms statement: SELECT * FROM orders WHERE customer_id = $<:NUM:>', 120, 27);
    const steady = template('LOG: checkpoint complete: wrote <:NUM:> buffers', 120, 3);
    const e = fixEvidenceOf(analysis('postgres', [slow, steady]), []);
    expect(e?.templates).toEqual([slow.template]);
  });

  it('compares counts as they are when the stored result has no window (an older analysis)', () => {
    const r = { ...analysis('postgres', [template('LOG: duration: 1 ms statement: SELECT 1', 120, 27)]), window: undefined } as unknown as AnalysisResult;
    expect(fixEvidenceOf(r, [])?.templates).toEqual([]);
  });

  it('lists the deploys, flag and config changes of the service in the half hour before its onset that the top hypothesis did not blame, likeliest first', () => {
    const corr = (changeId: string, kind: string, key: string, leadMinutes: number, likelihood: number, service = 'frontend') => ({ changeId, service, kind, key, ts: 0, leadMinutes, leadFrom: 'onset', factors: {}, likelihood });
    const r = { ...analysis('frontend', []), correlations: [corr('c1', 'config', 'timeout_ms.catalog', 3, 0.4), corr('f1', 'flag', 'new_button', 1, 0.7), corr('d1', 'deploy', 'frontend@2', 2, 0.9), corr('f2', 'flag', 'late', -2, 0.9), corr('f3', 'flag', 'old', 45, 0.9), corr('f4', 'flag', 'theirs', 1, 0.9, 'cart')] } as unknown as AnalysisResult;
    const changes = [{ id: 's1', orgId: 'o1', source: 'gitops', kind: 'event', ts: '2026-03-02T09:28:00.000Z', key: 'config_change', value: null, text: null, labels: { service: 'frontend' }, meta: { change_id: 'c1', key: 'timeout_ms.catalog', from: 5000, to: 200 } }];
    expect(fixEvidenceOf(r, changes as never)?.recentChanges).toEqual([
      { id: 'd1', kind: 'deploy', key: 'frontend@2', service: 'frontend', from: null, to: null },
      { id: 'f1', kind: 'flag', key: 'new_button', service: 'frontend', from: null, to: null },
      { id: 'c1', kind: 'config', key: 'timeout_ms.catalog', service: 'frontend', from: '5000', to: '200' },
    ]);
  });

  it("reads the cache's hit ratio before and at its lowest during the incident", () => {
    expect(fixEvidenceOf(analysis('redis', [], { deltas: [delta({})] }), [])?.hitRatio).toEqual({ before: 0.9, low: 0.45 });
  });
});

describe('logExposure and rose', () => {
  it('measures the baseline and the incident span of the window, and compares rates', () => {
    const x = logExposure(analysis('a', [], { beforeMin: 60, duringMin: 2 }));
    expect(x).toEqual({ before: 3600, during: 120 });
    expect(rose({ before: 60, during: 5 }, x)).toBe(true); // 2.5/min against 1/min
    expect(rose({ before: 60, during: 3 }, x)).toBe(false); // 1.5/min: not twice
    expect(logExposure({ window: { from: 0, to: 0, baselineFrom: null, baselineTo: 0 } })).toBeNull();
  });
});

describe('hitRatioOf', () => {
  it('takes the lowest level the series held (median, sustained level or peak) and ignores pods, rises and other metrics', () => {
    expect(hitRatioOf({ metricDeltas: [delta({ incidentMedian: 0.6, shift: -0.5, peakZ: -40, baselineScale: 0.01 })] }, 'redis')).toEqual({ before: 0.9, low: 0.4 });
    expect(hitRatioOf({ metricDeltas: [delta({ incidentMedian: 0.6, shift: -0.2, peakZ: -60, baselineScale: 0.01 })] }, 'redis')?.low).toBeCloseTo(0.3, 9);
    expect(hitRatioOf({ metricDeltas: [delta({ instance: 'redis-0' })] }, 'redis')).toBeNull();
    expect(hitRatioOf({ metricDeltas: [delta({ direction: 'up', incidentMedian: 0.95, shift: 0.05 })] }, 'redis')).toBeNull();
    expect(hitRatioOf({ metricDeltas: [delta({ metric: 'cache_evictions_per_s' })] }, 'redis')).toBeNull();
    expect(hitRatioOf({ metricDeltas: [delta({})] }, 'postgres')).toBeNull();
  });
});
