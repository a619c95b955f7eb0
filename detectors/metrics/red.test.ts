import { describe, expect, it } from 'vitest';
import { QuantileSketch } from './sketch.js';
import { RedAggregator, classifyResourceMetric, isErrorRecord, redSeries, useSeries, useView } from './red.js';

const M = 60_000;
const T0 = Date.UTC(2026, 0, 1);

describe('RED from logs', () => {
  it('counts rate, errors and duration percentiles per service and interval', () => {
    const agg = new RedAggregator({ intervalMs: M, latenessMs: 0 });
    const out = [];
    for (let i = 0; i < 100; i++) out.push(...agg.add({ ts: T0 + i * 500, service: 'cart', level: i % 10 === 0 ? 'ERROR' : 'info', durationMs: i + 1 }));
    out.push(...agg.add({ ts: T0 + 5, service: 'pay', level: 'info', status: 503 }));
    out.push(...agg.add({ ts: T0 + 2 * M, service: 'cart', level: 'info' })); // closes the first minute
    out.push(...agg.flush());
    const first = out.find((p) => p.service === 'cart' && p.ts === T0)!;
    expect(first).toMatchObject({ count: 100, errors: 10, errorRatio: 0.1, intervalMs: M });
    expect(first.rate).toBeCloseTo(100 / 60, 12);
    expect(first.p50).toBeGreaterThan(49 * 0.98);
    expect(first.p50).toBeLessThan(51 * 1.02);
    expect(first.p99).toBeGreaterThan(98 * 0.98);
    const pay = out.find((p) => p.service === 'pay')!;
    expect(pay).toMatchObject({ count: 1, errors: 1, errorRatio: 1 });
    expect(pay.p95).toBeNaN();
    // The empty minute between two cart records is a zero-rate point, in time order.
    const cart = out.filter((p) => p.service === 'cart').map((p) => [p.ts - T0, p.count]);
    expect(cart).toEqual([[0, 100], [M, 0], [2 * M, 1]]);
    expect(redSeries(first).map((s) => s.metric)).toEqual(['red.rate', 'red.error_ratio', 'red.duration_p95_ms']);
  });

  it('accepts records up to the lateness and counts later ones as late', () => {
    const agg = new RedAggregator({ intervalMs: M, latenessMs: M });
    agg.add({ ts: T0 + 10, service: 's', level: 'info' });
    agg.add({ ts: T0 + M + 10, service: 's', level: 'info' });
    agg.add({ ts: T0 + 20, service: 's', level: 'info' }); // late but within a minute: kept
    const closed = agg.add({ ts: T0 + 3 * M, service: 's', level: 'info' });
    expect(closed.find((p) => p.ts === T0)!.count).toBe(2);
    expect(agg.add({ ts: T0 + 30, service: 's', level: 'info' })).toEqual([]);
    expect(agg.late).toBe(1);
  });

  it('knows an error when it sees one', () => {
    expect(isErrorRecord({ level: 'FATAL' })).toBe(true);
    expect(isErrorRecord({ level: 'info', status: 502 })).toBe(true);
    expect(isErrorRecord({ level: 'warn', status: 404 })).toBe(false);
  });

  it('sketches quantiles within the relative error', () => {
    const s = new QuantileSketch(0.01);
    for (let i = 1; i <= 10_000; i++) s.add(i);
    s.add(-1);
    s.add(NaN);
    expect(s.count).toBe(10_000);
    expect(Math.abs(s.quantile(0.95) - 9500) / 9500).toBeLessThan(0.011);
    expect(new QuantileSketch().quantile(0.5)).toBeNaN();
  });
});

describe('USE from resource metrics', () => {
  it.each([
    ['node_cpu_utilization', 'utilization'],
    ['disk_busy_percent', 'utilization'],
    ['run_queue_length', 'saturation'],
    ['cpu_throttled_seconds', 'saturation'],
    ['nic_rx_dropped', 'errors'],
    ['uptime_seconds', null],
  ])('%s is %s', (name, kind) => expect(classifyResourceMetric(name)).toBe(kind));

  it('groups samples into utilisation (mean), saturation (max) and errors (sum) per interval', () => {
    const pts = useView(
      [
        { ts: T0, resource: 'node-1', metric: 'cpu_utilization', value: 0.5 },
        { ts: T0 + 1000, resource: 'node-1', metric: 'cpu_utilization', value: 0.7 },
        { ts: T0 + 2000, resource: 'node-1', metric: 'run_queue', value: 3 },
        { ts: T0 + 3000, resource: 'node-1', metric: 'run_queue', value: 9 },
        { ts: T0 + 4000, resource: 'node-1', metric: 'disk_errors', value: 2 },
        { ts: T0 + M, resource: 'node-1', metric: 'cpu_utilization', value: NaN },
        { ts: T0 + M, resource: 'node-2', metric: 'cpu_utilization', value: 0.1 },
      ],
      M,
    );
    expect(pts).toHaveLength(2);
    expect(pts[0]).toMatchObject({ resource: 'node-1', ts: T0, saturation: 9, errors: 2 });
    expect(pts[0].utilization).toBeCloseTo(0.6, 12);
    expect(pts[1]).toMatchObject({ resource: 'node-2', utilization: 0.1 });
    expect(pts[1].saturation).toBeNaN();
    expect(useSeries(pts[1])).toEqual([{ metric: 'use.utilization', value: 0.1 }]);
  });
});
