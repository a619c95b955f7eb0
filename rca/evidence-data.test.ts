import { describe, expect, it } from 'vitest';
import { evidenceData, snakeKey } from './evidence-data.js';

describe('evidence data keys', () => {
  const keys: [string, string][] = [
    ['baselineMedian', 'baseline_median'],
    ['leadMinutes', 'lead_minutes'],
    ['p95Ms', 'p95_ms'],
    ['anomalyId', 'anomaly_id'],
    ['service', 'service'],
    ['already_snake', 'already_snake'],
    ['latency:server:p95', 'latency:server:p95'], // a family name from the data
    ['PaymentService', 'PaymentService'], // not camelCase: a name, kept
    ['', ''],
  ];
  it.each(keys)('%s → %s', (k, want) => expect(snakeKey(k)).toBe(want));

  it('renames at every depth, inside arrays too, and leaves values alone', () => {
    const data = {
      changeId: 'd1',
      leadMinutes: 0.2,
      factors: { priorFailureRate: 0.1 },
      exposure: [{ duringCount: 3 }],
      instances: ['search-1'],
      onset: null,
      families: { 'latency:server:p95': 0.7 },
    };
    expect(evidenceData(data)).toEqual({
      change_id: 'd1',
      lead_minutes: 0.2,
      factors: { prior_failure_rate: 0.1 },
      exposure: [{ during_count: 3 }],
      instances: ['search-1'],
      onset: null,
      families: { 'latency:server:p95': 0.7 },
    });
    expect(data.factors).toEqual({ priorFailureRate: 0.1 }); // the input is not touched
  });
});
