/** The calm week: daily peaks, quieter weekends, and no error rate near the detector's threshold. */
import { describe, expect, it } from 'vitest';
import { loadScenario } from './edge/library.js';
import { Series } from './test-helpers.js';
import { World } from './world.js';

describe('calm week', () => {
  const sc = loadScenario('calm-week');
  const world = new World(sc, { logsPerMin: 0, instanceMetrics: 'off' });
  const series = new Series();
  let podErrMax = 0;
  let changes = 0;
  while (!world.done) {
    const c = world.step();
    series.add(c.metrics);
    changes += c.events.filter((e) => e.kind === 'deploy' || e.kind === 'flag').length;
    for (const s of world.services) for (const p of s.pods) if (p.ready && p.err > podErrMax) podErrMax = p.err;
  }
  const day = 86_400_000;
  const hour = 3_600_000;
  const rps = (from: number, to: number) => series.mean('edge-gateway', 'http_requests_per_s', from, to);

  it('has a daily cycle: the evening peak carries several times the traffic of the night', () => {
    for (let d = 0; d < 7; d++) {
      const night = rps(sc.startMs + d * day + 3 * hour, sc.startMs + d * day + 5 * hour);
      const evening = rps(sc.startMs + d * day + 19 * hour, sc.startMs + d * day + 22 * hour);
      expect(evening, `day ${d}`).toBeGreaterThan(night * 3);
    }
  });

  it('is quieter on the weekend (2026-03-07/08) than on weekdays', () => {
    const weekday = rps(sc.startMs, sc.startMs + 5 * day);
    const weekend = rps(sc.startMs + 5 * day, sc.startMs + 7 * day);
    expect(weekend).toBeLessThan(weekday * 0.9);
    expect(weekend).toBeGreaterThan(weekday * 0.6);
  });

  it('keeps every error rate far below the 5 % detector threshold and latency inside the SLOs', () => {
    expect(podErrMax).toBeLessThan(0.02);
    for (const s of world.services) {
      if (s.spec.type === 'external') continue;
      const err = series.max(s.id, 'http_error_rate', sc.startMs, sc.startMs + 7 * day);
      expect(err, s.id).toBeLessThan(0.01);
      const p95 = series.max(s.id, 'latency_p95_ms', sc.startMs, sc.startMs + 7 * day);
      expect(p95, `${s.id} p95 vs its SLO`).toBeLessThan(s.spec.slo.p95_ms);
    }
  });

  it('has routine changes (deploys and flag flips) but no fault', () => {
    expect(world.faults).toHaveLength(0);
    expect(changes).toBeGreaterThan(20);
  });
});
