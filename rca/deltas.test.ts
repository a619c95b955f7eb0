import { describe, expect, it } from 'vitest';
import { metricDeltas, quantum, scoreSeries, sustainedLevel, type Periods } from './deltas.js';
import { baseName, classifyMetric } from './metric-kind.js';
import { binomialTail, median, quantile, robustScale } from './stats.js';
import type { MetricSeriesInput } from './types.js';
import { DELTA_WEIGHTS } from './weights.js';

/** Runs `f` with DELTA_WEIGHTS patched, and puts them back. */
function withDelta<T>(patch: Partial<typeof DELTA_WEIGHTS>, f: () => T): T {
  const saved = { ...DELTA_WEIGHTS };
  Object.assign(DELTA_WEIGHTS, patch);
  try {
    return f();
  } finally {
    Object.assign(DELTA_WEIGHTS, saved);
  }
}

const P: Periods = { from: 60, to: 80, startedAt: 60, baselineFrom: -Infinity, baselineTo: 60 };
const series = (metric: string, f: (t: number) => number, service = 's'): MetricSeriesInput => ({
  service,
  metric,
  points: Array.from({ length: 80 }, (_, t) => ({ ts: t, value: f(t) })),
});
// a deterministic wobble with σ ≈ 1
const wobble = (t: number) => [0.3, -1.1, 0.8, -0.2, 1.4, -0.7, 0.1, -1.5, 0.9, 0.0][t % 10];

describe('robust statistics', () => {
  it('median, quantile and the binomial tail', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
    expect(Number.isNaN(median([]))).toBe(true);
    expect(quantile([1, 2, 3, 4, 5], 0.5)).toBe(3);
    expect(binomialTail(5, 0.5, 0)).toBe(1);
    expect(binomialTail(5, 0.5, 5)).toBeCloseTo(1 / 32, 12);
    expect(binomialTail(5, 0.5, 6)).toBe(0);
    expect(binomialTail(1000, 0.01, 3)).toBeGreaterThan(0.99);
  });

  it('σ ignores an earlier fault inside the baseline (a contiguous block)', () => {
    const base = Array.from({ length: 30 }, (_, t) => 10 + wobble(t) + (t >= 10 && t < 16 ? 80 : 0));
    expect(robustScale(base, 0).sigma).toBeLessThan(3);
  });

  it('σ grows with frequent scattered excursions (a noisy tail percentile)', () => {
    const base = Array.from({ length: 30 }, (_, t) => (t % 3 === 0 ? 30 : 10));
    expect(robustScale(base, 0).sigma).toBeGreaterThan(5);
  });

  it('a constant sample falls back to the floor and says so', () => {
    expect(robustScale([5, 5, 5, 5], 0.01)).toEqual({ median: 5, sigma: 0.01, constant: true });
  });

  it('quantum finds the step of a lattice-valued series only', () => {
    expect(quantum([0, 1 / 15, 2 / 15, 4 / 15])).toBeCloseTo(1 / 15, 12);
    expect(quantum([50.8, 53.7, 65.7, 100])).toBe(0);
    expect(quantum([7, 7])).toBe(0);
  });

  it('the sustained level needs a third of the points (two at least)', () => {
    expect(sustainedLevel([0, 0, 0, 9, 0])).toBe(0);
    expect(sustainedLevel([0, 9, 0, 9, 0])).toBe(9);
    expect(sustainedLevel([4])).toBe(4);
  });
});

describe('metric classification', () => {
  it.each([
    ['latency_p95_ms', 'latency', 'self', 'up'],
    ['PodServerLatencyP90(s)', 'latency', 'server', 'up'],
    ['PodClientLatencyP99(s)', 'latency', 'client', 'up'],
    ['http_error_rate', 'errors', 'self', 'up'],
    ['restarts_total', 'errors', 'self', 'up'],
    ['availability_Average', 'success', 'self', 'down'],
    ['cache_hit_ratio', 'success', 'self', 'down'],
    ['http_requests_per_s', 'traffic', 'self', 'up'],
    ['cpu_utilization', 'saturation', 'self', 'up'],
    ['NodeCpuUsageRate(%)', 'saturation', 'host', 'up'],
    ['memory_utilization', 'saturation', 'self', 'both'],
    ['queue_depth', 'saturation', 'self', 'up'],
    ['db_connections_in_use', 'saturation', 'self', 'both'],
    ['handoff_latency_in', 'latency', 'edge', 'up'],
  ])('%s → %s / %s, bad %s', (name, kind, side, bad) => {
    expect(classifyMetric(name)).toMatchObject({ kind, side, bad });
  });

  it('groups percentiles and statistics of one metric into one family', () => {
    expect(baseName('LatencyP95(s)')).toBe(baseName('latency_p50'));
    expect(classifyMetric('PodServerLatencyP90(s)').family).toBe(classifyMetric('PodServerLatencyP99(s)').family);
    expect(classifyMetric('CpuUsage(m)').family).toBe(classifyMetric('CpuUsageRate(%)').family);
    expect(classifyMetric('cpu_utilization').loadDriven).toBe(true);
    expect(classifyMetric('memory_utilization').loadDriven).toBe(false);
    // a backlog shrinks when less arrives: its drop is a load drop, like a request rate's
    expect(classifyMetric('queue_depth').loadDriven).toBe(true);
    expect(classifyMetric('queue_depth').family).not.toBe(classifyMetric('db_connections_in_use').family);
  });
});

describe('scoreSeries', () => {
  it('a calm series scores 0', () => {
    const d = scoreSeries(series('latency_p95_ms', (t) => 100 + wobble(t)), P, 3);
    expect(d.score).toBe(0);
    expect(Math.abs(d.z)).toBeLessThan(2.5);
  });

  it('a sustained latency step scores high, with its onset and shift in the metric unit', () => {
    const d = scoreSeries(series('latency_p95_ms', (t) => (t >= 63 ? 400 : 100) + wobble(t)), P, 3);
    expect(d).toMatchObject({ direction: 'up', harmful: true, onset: 63, status: 'ok' });
    expect(d.score).toBeGreaterThan(0.9);
    expect(d.shift).toBeGreaterThan(280);
    expect(d.tailP).toBeLessThan(0.001);
  });

  it('one spike is not a shift', () => {
    const d = scoreSeries(series('latency_p95_ms', (t) => (t === 70 ? 900 : 100) + wobble(t)), P, 3);
    expect(d.score).toBe(0);
  });

  it('a many-σ but tiny relative move of a very steady series is gated out', () => {
    const d = scoreSeries(series('latency_p95_ms', (t) => (t >= 60 ? 100.5 : 100) + wobble(t) / 100), P, 3);
    expect(Math.abs(d.z)).toBeGreaterThan(3);
    expect(d.tailP).toBeLessThan(0.001);
    expect(d.score).toBeLessThan(0.05);
  });

  it('success rates are not relative-gated: a 3-point availability drop counts', () => {
    const d = scoreSeries(series('availability', (t) => (t >= 60 ? 97 : 100)), P, 3);
    expect(d).toMatchObject({ direction: 'down', harmful: true });
    expect(d.score).toBeGreaterThan(0.5);
  });

  it('the harmless direction is discounted (latency falls)', () => {
    const up = scoreSeries(series('latency_p95_ms', (t) => (t >= 60 ? 400 : 100) + wobble(t)), P, 3);
    const down = scoreSeries(series('latency_p95_ms', (t) => (t >= 60 ? 25 : 100) + wobble(t)), P, 3);
    expect(down.harmful).toBe(false);
    expect(down.score).toBeLessThan(up.score * 0.2);
  });

  it('a load drop is reported apart, for the callers', () => {
    const d = scoreSeries(series('http_requests_per_s', (t) => (t >= 60 ? 20 : 100) + wobble(t)), P, 3);
    expect(d.loadDrop).toBeGreaterThan(0.3);
    expect(d.score).toBeLessThan(d.loadDrop);
  });

  it('a bucketed percentile that hops up as often in the baseline is not significant', () => {
    const hop = (t: number) => (t % 5 === 0 ? 0.025 : 0.005);
    const d = scoreSeries(series('latency_p99', (t) => (t >= 60 ? (t % 5 < 2 ? 0.025 : 0.005) : hop(t))), P, 3);
    expect(d.score).toBeLessThan(0.3);
  });

  describe('no lead-in: the baseline\'s last third stands in for it', () => {
    // bursts of latency from t = 45 on: a service that turned noisy before the incident at 60
    const noisy = (t: number) => 100 + wobble(t) + (t >= 45 ? (t % 4 === 0 ? 300 : 60) : 0);

    it('a service noisy since before the incident is pre-existing, and scores a fifth', () => {
      const d = scoreSeries(series('latency_p95_ms', noisy), P, 3);
      expect(d.status).toBe('pre_existing');
      const off = withDelta({ recentBaselineShare: 0 }, () => scoreSeries(series('latency_p95_ms', noisy), P, 3));
      expect(off.status).toBe('ok');
      expect(off.score).toBeGreaterThan(0.5);
      expect(d.score).toBeCloseTo(off.score * DELTA_WEIGHTS.preExisting, 3);
    });

    it('the same noise starting at the incident is not', () => {
      const d = scoreSeries(series('latency_p95_ms', (t) => (t >= 60 ? noisy(t) : 100 + wobble(t))), P, 3);
      expect(d.status).toBe('ok');
      expect(d.score).toBeGreaterThan(0.5);
    });

    it('a resource level reached before the incident keeps its score (it can still be what breaks now)', () => {
      const d = scoreSeries(series('memory_utilization', (t) => (t >= 45 ? 0.9 : 0.4) + wobble(t) / 100), P, 3);
      expect(d.status).toBe('ok');
    });

  });

  it('degenerate series have a status, not an exception', () => {
    expect(scoreSeries({ service: 's', metric: 'm', points: [] }, P, 3).status).toBe('no_incident_points');
    expect(scoreSeries({ service: 's', metric: 'm', points: [{ ts: 61, value: 3 }] }, P, 3).status).toBe('insufficient_baseline');
    const nan = scoreSeries(series('latency', (t) => (t % 2 ? NaN : 100 + wobble(t))), P, 3);
    expect(nan.nBaseline).toBe(30);
    expect(nan.score).toBe(0);
  });

  it('marks a host metric that several services report identically as shared', () => {
    const host = (t: number) => (t >= 60 ? 90 : 30) + wobble(t);
    const ds = metricDeltas([series('node_cpu_utilization', host, 'a'), series('node_cpu_utilization', host, 'b'), series('cpu_utilization', host, 'c')], P, 3);
    expect(ds[0].status).toBe('shared');
    expect(ds[0].score).toBeCloseTo(ds[2].score * 0.3 * 0.5, 3);
    expect(ds[2].status).toBe('ok');
  });

  it('shares only series identical to the end: the same first points are not enough', () => {
    const host = (t: number) => (t >= 60 ? 90 : 30) + wobble(t);
    const [a, b] = metricDeltas([series('node_cpu_utilization', host, 'a'), series('node_cpu_utilization', (t) => host(t) + (t === 70 ? 5 : 0), 'b')], P, 3);
    expect(a.status).toBe('ok');
    expect(b.status).toBe('ok');
  });

  it('scores points given out of time order as the same points in order (equal times keep their order)', () => {
    const s = series('latency_ms', (t) => 100 + wobble(t) + (t >= 60 ? 40 : 0));
    const shuffled = { ...s, points: s.points.map((p, i) => [(i * 37) % 80, p] as const).sort((x, y) => x[0] - y[0]).map(([, p]) => p) };
    expect(scoreSeries(shuffled, P, 3)).toEqual(scoreSeries(s, P, 3));
  });
});

describe('latency materiality', () => {
  it('discounts a latency shift that is tiny next to the slowest service, not one that is large', () => {
    // a 1 ms cache getting 1 ms slower (many σ, +100 %) and a 200 ms front door getting 150 ms slower
    const cache = series('latency_p95_s', (t) => 0.001 + 0.00001 * wobble(t) + (t >= 60 ? 0.001 : 0), 'cache');
    const front = series('latency_p95_s', (t) => 0.2 + 0.002 * wobble(t) + (t >= 60 ? 0.15 : 0), 'front');
    const alone = metricDeltas([cache], P, 3)[0];
    const [c, f] = metricDeltas([cache, front], P, 3);
    expect(alone.score).toBeGreaterThan(0.5); // nothing to compare with: no discount
    expect(c.score).toBeLessThan(0.1 * alone.score); // a = 1 ms / 200 ms: gate 0.06
    expect(f.score).toBeGreaterThan(0.5);
    // other kinds are not touched: a CPU series next to the front door keeps its score
    const cpu = series('cpu_utilization', (t) => 0.3 + 0.01 * wobble(t) + (t >= 60 ? 0.3 : 0), 'cache');
    expect(metricDeltas([cpu, front], P, 3)[0].score).toBe(metricDeltas([cpu], P, 3)[0].score);
  });
});
