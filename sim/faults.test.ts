/**
 * Every fault kind moves the signals its ground truth names on the root-cause service, its
 * effects stay on the root cause and the services upstream of it, the right remedy heals it and
 * a plausible wrong one does not.
 */
import { describe, expect, it } from 'vitest';
import { FAULTS, type FaultGroundTruth, type Move } from './faults.js';
import { FAULT_KINDS, type FaultKind } from './schema.js';
import { Series, runCollect, scenarioOf } from './test-helpers.js';
import { World } from './world.js';

/** Smallest absolute change that counts as "moved", per metric. */
const MIN_DELTA: Record<string, number> = {
  http_error_rate: 0.01,
  restarts_total: 1,
  saturation: 0.1,
  memory_utilization: 0.1,
  disk_utilization: 0.1,
  cpu_utilization: 0.04,
  cache_hit_ratio: 0.1,
  probe_success: 0.5,
};

function moved(m: Move, before: number, after: number): boolean {
  const d = MIN_DELTA[m.key] ?? 0;
  return m.direction === 'up' ? after >= before * 1.3 && after - before >= d : after <= before * 0.7 && before - after >= d;
}

const minutes = (n: number) => n * 60_000;

/** Keeps the service roll-ups and the pod series of one service. */
const keep = (service: string) => (s: { labels?: Record<string, string> }) => !s.labels?.instance || s.labels.service === service;

describe('each fault kind moves its signals on the root cause, and only upstream', () => {
  const calm = runCollect(scenarioOf({ duration: '30m' }), {}, undefined);

  it.each(FAULT_KINDS.map((k) => [k]))('%s', (kind: FaultKind) => {
    const sc = scenarioOf({ duration: '30m', faults: [{ kind, at: '6m' }] });
    const world = new World(sc);
    const series = new Series();
    const filter = keep(sc.faults[0].service ?? FAULTS[kind].defaultService);
    while (!world.done) series.add(world.step().metrics, filter);
    const gt = world.groundTruth()[0];
    const start = Date.parse(gt.start);
    const end = sc.startMs + sc.durationMs;
    const from = Math.max(Date.parse(gt.symptoms_from) + minutes(3), start + minutes(6));
    expect(from).toBeLessThan(end - minutes(3));

    for (const m of gt.moves) {
      const inst = m.scope === 'instance' ? gt.instance! : '';
      const before = series.mean(gt.root_cause_service, m.key, sc.startMs, start, inst);
      const after = series.mean(gt.root_cause_service, m.key, from, end, inst);
      expect(Number.isFinite(before) && Number.isFinite(after), `${m.key} has points`).toBe(true);
      expect(moved(m, before, after), `${gt.root_cause_service} ${m.key} ${m.direction}: ${before} → ${after}`).toBe(true);
    }

    // Services that are neither the root cause nor upstream of it look like the calm run.
    const affected = new Set(gt.affected_services);
    for (const s of world.services) {
      if (affected.has(s.id) || s.spec.type === 'external') continue;
      const errMax = series.max(s.id, 'http_error_rate', from, end);
      const calmErr = calm.series.max(s.id, 'http_error_rate', from, end);
      const p95 = series.mean(s.id, 'latency_p95_ms', from, end);
      const calmP95 = calm.series.mean(s.id, 'latency_p95_ms', from, end);
      expect(errMax, `${s.id} error rate`).toBeLessThan(0.02);
      expect(errMax - calmErr, `${s.id} error rate vs calm`).toBeLessThan(0.005);
      expect(p95, `${s.id} p95 vs calm`).toBeLessThan(calmP95 * 1.2 + 2);
    }
  });

  it('carries a callee\'s errors to its callers in proportion to the call share, a little later', () => {
    const sc = scenarioOf({ duration: '25m', faults: [{ kind: 'bad_deploy_errors', service: 'payments', at: '5m', params: { error_rate: 0.6 } }] });
    const { world, series } = runCollect(sc, { instanceMetrics: 'off', serviceMetrics: '10s' });
    const gt = world.groundTruth()[0];
    const from = Date.parse(gt.symptoms_from) + minutes(6);
    const end = sc.startMs + sc.durationMs;
    const err = (s: string) => series.mean(s, 'http_error_rate', from, end);
    // checkout calls payments on 90 % of requests without retrying (not idempotent).
    expect(err('payments')).toBeGreaterThan(0.5);
    expect(err('checkout')).toBeGreaterThan(err('payments') * 0.8);
    // the frontend sends 5 % of its requests to checkout: it sees about 5 % of checkout's errors.
    expect(err('frontend')).toBeGreaterThan(0.02);
    expect(err('frontend')).toBeLessThan(err('checkout') * 0.1);
    expect(err('catalog')).toBeLessThan(0.005);
    // The caller's error rate rises after the callee's, never before.
    const firstAbove = (s: string, x: number) => series.get(s, 'http_error_rate').find((p) => p.v > x)?.t ?? Infinity;
    expect(firstAbove('checkout', 0.1)).toBeGreaterThanOrEqual(firstAbove('payments', 0.1));
    expect(firstAbove('frontend', 0.01)).toBeGreaterThanOrEqual(firstAbove('checkout', 0.1));
  });

  it('amplifies load on a failing service through its callers\' retries', () => {
    const sc = scenarioOf({ duration: '25m', faults: [{ kind: 'connection_pool_exhaustion', service: 'inventory', at: '3m', params: { ramp: '3m' } }] });
    const { series } = runCollect(sc, { instanceMetrics: 'off' });
    const calmRun = runCollect(scenarioOf({ duration: '25m' }), { instanceMetrics: 'off' });
    const from = sc.startMs + minutes(12);
    const end = sc.startMs + sc.durationMs;
    expect(series.mean('inventory', 'http_error_rate', from, end)).toBeGreaterThan(0.3);
    // cart and checkout retry failed inventory calls once: inventory gets more requests than in the calm run.
    expect(series.mean('inventory', 'http_requests_per_s', from, end)).toBeGreaterThan(calmRun.series.mean('inventory', 'http_requests_per_s', from, end) * 1.2);
  });

  it('leaves the healthy shards and replicas healthy when one pod is bad (counter-evidence)', () => {
    const sc = scenarioOf({ duration: '20m', faults: [{ kind: 'bad_node', service: 'search', instance: 'search-2', at: '4m' }] });
    const { series } = runCollect(sc);
    const from = sc.startMs + minutes(8);
    const end = sc.startMs + sc.durationMs;
    const p95 = (pod: string) => series.mean('search', 'latency_p95_ms', from, end, pod);
    expect(p95('search-2')).toBeGreaterThan(4 * p95('search-0'));
    expect(p95('search-0')).toBeLessThan(series.mean('search', 'latency_p95_ms', sc.startMs, sc.startMs + minutes(4), 'search-0') * 1.2);
  });
});

describe('remedies', () => {
  const calm = runCollect(scenarioOf({ duration: '60m' }), { instanceMetrics: 'off' });

  /** Runs a fault, applies a remedy once the symptoms are established, then runs on past the heal time. */
  function withRemedy(kind: FaultKind, choose: (gt: FaultGroundTruth) => FaultGroundTruth['remedy']) {
    // Outages and surges end by themselves: make them outlast the run, so only a remedy can heal them.
    const sc = scenarioOf({ duration: '60m', faults: [{ kind, at: '5m', duration: '3h' }] });
    const world = new World(sc, { instanceMetrics: 'off' });
    const series = new Series();
    let appliedAt = 0;
    let result: ReturnType<World['apply']> | undefined;
    while (!world.done) {
      series.add(world.step().metrics);
      const gt = world.groundTruth()[0];
      if (gt && !result && world.t >= Math.max(Date.parse(gt.symptoms_from) + minutes(3), Date.parse(gt.start) + minutes(8))) {
        result = world.apply(choose(gt), 'test');
        appliedAt = world.t;
      }
    }
    return { world, series, gt: world.groundTruth()[0], appliedAt, result: result!, end: sc.startMs + sc.durationMs, start: sc.startMs };
  }

  it.each(FAULT_KINDS.map((k) => [k]))('%s: the right remedy heals it, a wrong one does not', (kind: FaultKind) => {
    const right = withRemedy(kind, (gt) => gt.remedy);
    expect(right.result.ok, right.result.message).toBe(true);
    expect(right.gt.healed_at, 'healed').not.toBeNull();
    expect(Date.parse(right.gt.healed_at!) - right.appliedAt).toBeLessThanOrEqual(right.gt.heals_after_s * 1000);
    // Five minutes after the heal time the whole shop is as healthy as in the calm run.
    const from = right.appliedAt + right.gt.heals_after_s * 1000 + minutes(5);
    expect(from).toBeLessThan(right.end - minutes(3));
    for (const s of right.world.services) {
      if (s.spec.type === 'external') continue;
      const err = right.series.max(s.id, 'http_error_rate', from, right.end);
      const p95 = right.series.mean(s.id, 'latency_p95_ms', from, right.end);
      expect(err, `${s.id} error rate after ${JSON.stringify(right.gt.remedy)}`).toBeLessThan(0.02);
      expect(p95, `${s.id} p95 after the remedy`).toBeLessThan(calm.series.mean(s.id, 'latency_p95_ms', from, right.end) * 1.5 + 5);
    }

    for (const bad of right.gt.wrong_remedies) {
      const wrong = withRemedy(kind, () => bad);
      expect(wrong.gt.healed_at, `${JSON.stringify(bad)} must not heal ${kind}`).toBeNull();
      const after = wrong.appliedAt + right.gt.heals_after_s * 1000 + minutes(5);
      const still = wrong.gt.moves.filter((m) => m.scope === 'service').some((m) => {
        const before = wrong.series.mean(wrong.gt.root_cause_service, m.key, wrong.start, Date.parse(wrong.gt.start));
        return moved(m, before, wrong.series.mean(wrong.gt.root_cause_service, m.key, after, wrong.end));
      });
      expect(still, `${kind} still shows after ${JSON.stringify(bad)}`).toBe(true);
    }
  });
});
