import { describe, expect, it } from 'vitest';
import type { Signal } from '../core/schemas.js';
import { atLeast, detectThreshold, severityOf } from './threshold.js';

const sig = (over: Partial<Signal>): Signal => ({
  id: 's1', orgId: 'o', source: 'prom', kind: 'metric', ts: '2026-01-01T00:00:00.000Z', key: 'error_rate',
  value: 0.01, text: null, labels: { service: 'checkout' }, meta: {}, ...over,
});

describe('detectThreshold', () => {
  it('flags an error rate above the threshold, with a deterministic id', () => {
    const a = detectThreshold([sig({ value: 0.2 })], { errorRate: 0.05 });
    const b = detectThreshold([sig({ value: 0.2 })], { errorRate: 0.05 });
    expect(a).toHaveLength(1);
    expect(a[0]).toMatchObject({ service: 'checkout', series: 'error_rate', value: 0.2, baseline: 0.05, direction: 'up' });
    expect(a[0].score).toBeCloseTo(1, 5);
    expect(a[0].id).toBe(b[0].id);
  });

  it.each([
    ['below threshold', sig({ value: 0.04 })],
    ['not an error metric', sig({ key: 'latency_p95', value: 900 })],
    ['a log line', sig({ kind: 'log', value: null, text: 'error' })],
    ['no service label', sig({ value: 0.5, labels: {} })],
  ])('ignores %s', (_name, s) => {
    expect(detectThreshold([s], { errorRate: 0.05 })).toEqual([]);
  });

  it('orders severities', () => {
    expect(severityOf(1)).toBe('sev2');
    expect(severityOf(0.1)).toBe('sev4');
    expect(atLeast('sev2', 'sev3')).toBe(true);
    expect(atLeast('sev4', 'sev3')).toBe(false);
  });
});
