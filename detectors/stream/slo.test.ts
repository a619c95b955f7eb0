import { describe, expect, it } from 'vitest';
import { SloGuard, sloKindOf, symptomOf } from './slo.js';

const MIN = 60_000;

describe('SLO guard', () => {
  it('reads which objective a metric speaks to from its name', () => {
    expect(sloKindOf('http_error_rate')).toBe('errors');
    expect(sloKindOf('grpc_5xx_ratio')).toBe('errors');
    expect(sloKindOf('errors_total')).toBeNull();
    expect(sloKindOf('latency_p95_ms')).toBe('latency');
    expect(sloKindOf('latency_p50_ms')).toBeNull();
    expect(sloKindOf('probe_success')).toBe('probe');
    expect(sloKindOf('cpu_utilization')).toBeNull();
    expect(symptomOf('latency_p50_ms')).toBe('latency');
    expect(symptomOf('request_duration_seconds')).toBe('latency');
    expect(symptomOf('cpu_utilization')).toBeNull();
  });

  it('pages on a sustained error-budget burn, not on one bad minute, and stops when it recovers', () => {
    const g = new SloGuard();
    g.setSlos({ cart: { availability: 0.999 } }); // budget 0.1 %, page at 14.4x = 1.44 %
    const at = (m: number, v: number) => g.update('cart', 'http_error_rate', m * MIN, v);
    for (let m = 0; m < 10; m++) expect(at(m, 0.002)).toBeNull();
    // One 5 % minute: the 5-minute mean is (4 x 0.2 % + 5 %) / 5 = 1.16 % < 1.44 %.
    expect(at(10, 0.05)).toBeNull();
    for (let m = 11; m < 14; m++) expect(at(m, 0.002)).toBeNull();
    const b = at(14, 0.3);
    expect(b).toMatchObject({ kind: 'errors', service: 'cart', threshold: expect.closeTo(0.0144, 6) });
    expect(b!.score).toBeGreaterThan(0.9);
    // Recovered: the latest point is fine, so no page even while the window mean is still high.
    expect(at(15, 0.001)).toBeNull();
  });

  it('falls back to the absolute error-rate floor without an availability objective, and checks latency against p95', () => {
    const g = new SloGuard({ errorRateFloor: 0.05 });
    g.setSlos({ search: { p95Ms: 200 } });
    expect(g.update('search', 'http_error_rate', 0, 0.04)).toBeNull();
    expect(g.update('search', 'http_error_rate', MIN, 0.2)).toMatchObject({ threshold: 0.05 });
    expect(g.update('search', 'latency_p95_ms', 0, 150)).toBeNull();
    const b = g.update('search', 'latency_p95_ms', MIN, 400);
    expect(b).toMatchObject({ kind: 'latency', threshold: 200, mean: 275 });
    // No latency objective, no latency rule.
    expect(g.update('nobody', 'latency_p95_ms', 0, 1e6)).toBeNull();
  });

  it('pages when a probe fails, ignores NaN and too-late points, and survives a checkpoint', () => {
    const g = new SloGuard();
    expect(g.update('psp', 'probe_success', 0, 1)).toBeNull();
    expect(g.update('psp', 'probe_success', MIN, 0)).toMatchObject({ kind: 'probe', mean: 0.5 });
    expect(g.update('psp', 'probe_success', 2 * MIN, NaN)).toBeNull();
    // a late point (a retried batch) still counts, reported at its own time
    expect(g.update('psp', 'probe_success', 30_000, 0)).toMatchObject({ kind: 'probe', ts: 30_000, mean: 1 / 3 });
    // one more than 5 minutes behind the newest is ignored
    expect(g.update('psp', 'probe_success', 20 * MIN, 0)).not.toBeNull();
    expect(g.update('psp', 'probe_success', 14 * MIN, 0)).toBeNull();
    const restored = SloGuard.fromJSON(JSON.parse(JSON.stringify(g.toJSON())));
    expect(restored.update('psp', 'probe_success', 2 * MIN, 0)).toEqual(g.update('psp', 'probe_success', 2 * MIN, 0));
  });
});
