import { describe, expect, it } from 'vitest';
import type { Anomaly } from '../core/schemas.js';
import { DETECTOR_LOAD_DROP, serviceAnomalies } from './services.js';

const T = Date.parse('2026-03-03T12:00:00Z');
const alarm = (series: string, direction: 'up' | 'down', score = 0.9): Anomaly => ({
  id: `${series}-${direction}`,
  orgId: 'o',
  service: 'email',
  series,
  ts: new Date(T + 60_000).toISOString(),
  value: 1,
  baseline: 2,
  score,
  direction,
  detector: 'seasonal',
  signalId: null,
});
const fold = (anomalies: Anomaly[]) => serviceAnomalies(['email'], [], [], anomalies, { from: T, to: T + 600_000 }, 0.25)[0];

describe('per-service evidence: load drops', () => {
  it("keeps a detector's alarm on a load-driven series going down apart, as a load drop", () => {
    const s = fold([alarm('http_requests_per_s{instance=email-0}', 'down'), alarm('cpu_utilization', 'down', 0.5)]);
    expect(Object.keys(s.families)).toEqual([DETECTOR_LOAD_DROP]);
    expect(s.loadDropFamilies).toEqual([DETECTOR_LOAD_DROP]);
    expect(s.families[DETECTOR_LOAD_DROP]).toBeCloseTo(0.7 * 0.9, 6);
  });

  it('other alarms stay ordinary detector evidence: errors up, and more load (up) too', () => {
    const s = fold([alarm('http_error_rate', 'up'), alarm('http_requests_per_s', 'up', 0.5), alarm('http_requests_per_s', 'down', 0.6)]);
    expect(Object.keys(s.families).sort()).toEqual(['detector', DETECTOR_LOAD_DROP]);
    expect(s.families.detector).toBeCloseTo(0.7 * 0.9, 6);
    expect(s.loadDropFamilies).toEqual([DETECTOR_LOAD_DROP]);
    // a success rate going down is trouble, not a load drop
    expect(fold([alarm('success_rate', 'down')]).loadDropFamilies).toEqual([]);
  });
});
