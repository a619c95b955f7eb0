import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signal } from '../contracts/fixtures.js';
import type { OpenedStore } from '../store.js';
import { openPgliteStore } from '../pglite.js';

// The analysis read cuts its range into slices of about ten minutes (store/repo/analysis.ts):
// every row must come back exactly once, rows on a slice bound included, and the caps hold
// over the whole range, not per slice.
describe('analysis reads over several slices (pglite)', () => {
  let opened: OpenedStore;
  const org = 'org_analysis_slices';
  const base = Date.parse('2024-07-01T00:00:00.000Z');
  const at = (s: number) => new Date(base + s * 1000).toISOString();
  // 50 minutes: five slices with bounds at 10, 20, 30 and 40 min; a point every 30 s and a log line
  // every 20 s (so rows sit on every bound), both ends included
  const metricTimes = Array.from({ length: 101 }, (_, i) => i * 30);
  const logTimes = Array.from({ length: 151 }, (_, i) => i * 20);

  beforeAll(async () => {
    opened = await openPgliteStore();
    await opened.store.createOrg({ id: org, name: 'Slices' });
    const o = opened.store.forOrg(org);
    await o.insertSignals([
      ...metricTimes.map((t) => signal(org, { id: `m${t}`, ts: at(t), key: 'latency_ms', value: t, labels: { service: 'cart', instance: t % 60 ? 'cart-1' : 'cart-0' } })),
      ...logTimes.map((t) => signal(org, { id: `l${t}`, ts: at(t), kind: 'log', key: 'cart', value: null, text: `GET /cart ${t}`, labels: { service: 'cart' } })),
      // a millisecond before each bound, and one past the end
      ...[600, 1200, 1800, 2400].map((t) => signal(org, { id: `b${t}`, ts: new Date(base + t * 1000 - 1).toISOString(), kind: 'log', key: 'cart', value: null, text: `edge ${t}`, labels: { service: 'cart' } })),
      signal(org, { id: 'after', ts: at(3000.001), key: 'latency_ms', value: -1, labels: { service: 'cart' } }),
      signal(org, { id: 'deploy', ts: at(-300), kind: 'deploy', key: 'cart', value: null, text: 'Deployed cart', labels: { service: 'cart' } }),
    ]);
  }, 60_000);
  afterAll(async () => {
    await opened?.store.close();
  });

  it('returns every point and line of [from, to] exactly once', async () => {
    const r = await opened.store.forOrg(org).readAnalysisSignals({ from: at(0), to: at(3000), changesFrom: at(-600) });
    expect(r.truncated).toBe(false);
    expect(r.metricPoints).toBe(metricTimes.length);
    const points = r.series.flatMap((s) => s.ts.map((t, i) => [s.instance, t, s.values[i]] as const)).sort((a, b) => a[1] - b[1]);
    expect(points.map((p) => p[2])).toEqual(metricTimes);
    expect(points.every(([inst, t]) => inst === ((t - base) % 60_000 ? 'cart-1' : 'cart-0'))).toBe(true);
    const ids = r.logs.map((l) => l.id).sort();
    expect(ids).toEqual([...logTimes.map((t) => `l${t}`), 'b600', 'b1200', 'b1800', 'b2400'].sort());
    expect(r.changes.map((c) => c.id)).toEqual(['deploy']);
  });

  it('caps the whole range: more rows than the cap in total is truncated, an exact fit is not', async () => {
    const o = opened.store.forOrg(org);
    const q = { from: at(0), to: at(3000) };
    expect((await o.readAnalysisSignals({ ...q, maxMetricPoints: metricTimes.length, maxLogLines: logTimes.length + 4 })).truncated).toBe(false);
    const points = await o.readAnalysisSignals({ ...q, maxMetricPoints: 50 });
    expect(points.truncated).toBe(true);
    expect(points.metricPoints).toBeLessThanOrEqual(50);
    const lines = await o.readAnalysisSignals({ ...q, maxLogLines: 100 });
    expect(lines.truncated).toBe(true);
    expect(lines.logs.length).toBeLessThanOrEqual(100);
  });

  it('reads the changes of a window through their own index (migration 012)', async () => {
    const plan = await opened.db.tenant(org, async (s) => {
      await s.exec('SET LOCAL enable_seqscan = off');
      const rows = await s.query<{ 'QUERY PLAN': string }>(
        `EXPLAIN SELECT id FROM signals WHERE org_id = $1 AND kind IN ('deploy', 'flag', 'event') AND ts >= $2::timestamptz AND ts <= $3::timestamptz ORDER BY ts, id LIMIT 10000`,
        [org, at(-600), at(3000)],
      );
      return rows.map((x) => x['QUERY PLAN']).join('\n');
    });
    expect(plan).toContain('signals_org_changes_ts');
  });
});
