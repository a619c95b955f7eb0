import { describe, expect, it } from 'vitest';
import { deltaSummary } from './hypotheses.js';
import type { MetricDelta } from './types.js';

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
  it('says what moved when the median did not: the level a third of the points held', () => {
    expect(deltaSummary(delta({}))).toBe('price latency_p99_s up ≥40σ: 0.00995 → 0.00995 (median); a third of the points 0.0126 above their usual level');
  });
  it('is the median move when the median moved with the shift', () => {
    expect(deltaSummary(delta({ incidentMedian: 0.5, shift: 0.49, z: 12 }))).toBe('price latency_p99_s up 12.0σ: 0.00995 → 0.500');
  });
});
