/**
 * The canary judge on generated windows (a seeded RNG, so every run sees the same samples):
 * healed → continue, worse → rollback, unchanged → halt, tiny samples → halt "too few samples",
 * and, as a property, never continue when the post window is worse on every signal.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { seededRng, type Rng } from '../../core/rng.js';
import { judge, type ServiceWindows, type WindowSample } from './judge.js';

/** A window of `intervals` 15 s intervals at `rps` with a per-request error probability and latencies around `p95` ms. */
function windowOf(rng: Rng, o: { rps: number; errorRate: number; p95: number; cpu?: number; intervals?: number }): WindowSample {
  const intervals = o.intervals ?? 20;
  let requests = 0;
  let errors = 0;
  const latencyMs: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < intervals; i++) {
    const n = Math.round(o.rps * 15);
    requests += n;
    // binomial by its normal approximation: enough for counts of hundreds
    const mean = n * o.errorRate;
    const z = Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
    errors += Math.max(0, Math.round(mean + z * Math.sqrt(mean * (1 - o.errorRate))));
    latencyMs.push(o.p95 * (0.9 + 0.2 * rng()));
    cpu.push(Math.min(1, (o.cpu ?? 0.4) + 0.04 * (rng() - 0.5)));
  }
  return { requests, errors, latencyMs, saturation: { cpu_utilization: cpu } };
}

const svc = (pre: WindowSample, post: WindowSample, over: Partial<ServiceWindows> = {}): ServiceWindows => ({ service: 'payments', sloTarget: 0.99, latencyKind: 'p95_per_interval', pre, post, ...over });

describe('judge', () => {
  it('continues and says healed when errors and latency fall back within the SLO', () => {
    const rng = seededRng(1);
    const v = judge([svc(windowOf(rng, { rps: 40, errorRate: 0.12, p95: 900 }), windowOf(rng, { rps: 40, errorRate: 0.002, p95: 180 }), { p95ObjectiveMs: 300 })]);
    expect(v).toMatchObject({ decision: 'continue', basis: 'healed', healed: true });
    const by = Object.fromEntries(v.checks.map((c) => [c.signal, c]));
    expect(by.error_rate).toMatchObject({ verdict: 'better', test: 'two-proportion z-test (continuity-corrected)' });
    expect(by.error_rate.p).toBeLessThan(1e-6);
    expect(by.burn_rate).toMatchObject({ verdict: 'better' });
    expect(by.burn_rate.pre).toBeCloseTo(12, 0);
    expect(by.latency_p95).toMatchObject({ verdict: 'better', test: 'Mann–Whitney U (exact)' });
    expect(by['saturation:cpu_utilization'].verdict).toBe('unchanged');
    expect(v.message).toMatch(/^Continue: the fix healed payments\. payments: error rate fell from 1[12]\.\d% to 0\.\d\d%/);
  });

  it('continues without healing when the error rate falls but still burns the budget', () => {
    const rng = seededRng(2);
    const v = judge([svc(windowOf(rng, { rps: 40, errorRate: 0.2, p95: 200 }), windowOf(rng, { rps: 40, errorRate: 0.05, p95: 200 }))]);
    expect(v).toMatchObject({ decision: 'continue', basis: 'improving', healed: false });
    expect(v.message).toMatch(/improving, not healed yet.*still outside the SLO and above its level before the incident: payments/);
    // a target of several nines is written with them (a walk showed 99.95% as "SLO 100.0%")
    const nines = judge([svc(windowOf(rng, { rps: 40, errorRate: 0.2, p95: 200 }), windowOf(rng, { rps: 40, errorRate: 0.05, p95: 200 }), { sloTarget: 0.9995 })]);
    expect(nines.checks.find((c) => c.signal === 'burn_rate')?.reason).toMatch(/of the 0\.05% error budget \(SLO 99\.95%;/);
  });

  it('says healed when a service is back to its own level before the incident, even if that level spends more than its budget', () => {
    const rng = seededRng(21);
    // the service's normal: 0.3% errors against a 99.95% objective (burn 6); the incident: 20%
    const normal = windowOf(rng, { rps: 40, errorRate: 0.003, p95: 200 });
    const pre = windowOf(rng, { rps: 40, errorRate: 0.2, p95: 200 });
    const backToNormal = windowOf(rng, { rps: 40, errorRate: 0.003, p95: 200 });
    const v = judge([svc(pre, backToNormal, { sloTarget: 0.9995, normal })]);
    expect(v).toMatchObject({ decision: 'continue', basis: 'healed', healed: true });
    expect(v.message).toMatch(/within its SLO or back to its level before the incident/);
    // without the normal window the same windows are only improving (the objective was never met)
    expect(judge([svc(pre, backToNormal, { sloTarget: 0.9995 })])).toMatchObject({ basis: 'improving', healed: false });
    // better than the incident but still well above normal (3%): not healed
    const stillHigh = windowOf(rng, { rps: 40, errorRate: 0.03, p95: 200 });
    expect(judge([svc(pre, stillHigh, { sloTarget: 0.9995, normal })])).toMatchObject({ basis: 'improving', healed: false });
    // a "normal" that already held the fault (an incident opened late) is no normal: only improving
    expect(judge([svc(pre, backToNormal, { sloTarget: 0.9995, normal: windowOf(rng, { rps: 40, errorRate: 0.2, p95: 200 }) })])).toMatchObject({ basis: 'improving', healed: false });
    // errors back to normal but the typical p95 twice its normal: not healed
    const slow = windowOf(rng, { rps: 40, errorRate: 0.003, p95: 400 });
    expect(judge([svc(windowOf(rng, { rps: 40, errorRate: 0.2, p95: 400 }), slow, { sloTarget: 0.9995, normal })])).toMatchObject({ healed: false });
  });

  it('rolls back when the fix makes the error rate worse, and names the service and the test', () => {
    const rng = seededRng(3);
    const v = judge([
      svc(windowOf(rng, { rps: 40, errorRate: 0.01, p95: 200 }), windowOf(rng, { rps: 40, errorRate: 0.01, p95: 200 }), { service: 'cart' }),
      svc(windowOf(rng, { rps: 40, errorRate: 0.004, p95: 200 }), windowOf(rng, { rps: 40, errorRate: 0.08, p95: 200 })),
    ]);
    expect(v).toMatchObject({ decision: 'rollback', healed: false });
    const worse = v.checks.filter((c) => c.verdict === 'worse');
    expect(worse.map((c) => `${c.service}/${c.signal}`)).toEqual(['payments/error_rate', 'payments/burn_rate']);
    expect(v.message).toMatch(/^Rollback: the fix made things worse\. payments: error rate rose from 0\.\d+% to [78]\.\d%/);
  });

  it('rolls back on slower latency alone, and on a resource pushed to saturation', () => {
    const rng = seededRng(4);
    const slower = judge([svc(windowOf(rng, { rps: 40, errorRate: 0.001, p95: 200 }), windowOf(rng, { rps: 40, errorRate: 0.001, p95: 450 }))]);
    expect(slower.decision).toBe('rollback');
    expect(slower.checks.find((c) => c.verdict === 'worse')?.signal).toBe('latency_p95');
    const full = judge([svc(windowOf(rng, { rps: 40, errorRate: 0.001, p95: 200, cpu: 0.5 }), windowOf(rng, { rps: 40, errorRate: 0.001, p95: 200, cpu: 0.95 }))]);
    expect(full.decision).toBe('rollback');
    expect(full.checks.find((c) => c.verdict === 'worse')).toMatchObject({ signal: 'saturation:cpu_utilization' });
    // fuller but far from saturation is not a reason to undo a fix
    const busier = judge([svc(windowOf(rng, { rps: 40, errorRate: 0.001, p95: 200, cpu: 0.3 }), windowOf(rng, { rps: 40, errorRate: 0.001, p95: 200, cpu: 0.5 }))]);
    expect(busier.decision).toBe('halt');
  });

  it('halts when nothing changed', () => {
    const rng = seededRng(5);
    const v = judge([svc(windowOf(rng, { rps: 40, errorRate: 0.03, p95: 250 }), windowOf(rng, { rps: 40, errorRate: 0.03, p95: 250 }))]);
    expect(v).toMatchObject({ decision: 'halt', basis: 'no_effect', healed: false });
    expect(v.message).toMatch(/^Halt: no significant improvement after the fix\. payments: error rate from/);
    expect(v.message).toBe(`Halt: no significant improvement after the fix. ${v.detail}.`);
    expect(v.checks.every((c) => c.verdict === 'unchanged')).toBe(true);
  });

  it('halts with "too few samples" when the windows are tiny, even if the numbers look better', () => {
    const v = judge([
      svc(
        { requests: 12, errors: 6, latencyMs: [900, 950], saturation: {} },
        { requests: 10, errors: 0, latencyMs: [100, 120], saturation: {} },
      ),
    ]);
    expect(v).toMatchObject({ decision: 'halt', basis: 'too_few_samples', healed: false });
    expect(v.message).toMatch(/^Halt: too few samples to judge the fix\. payments: too few samples: 12 requests before and 10 after \(at least 100 each\); payments: too few samples: 2 latency values/);
    expect(judge([]).message).toBe('Halt: too few samples to judge the fix. no impacted service had data.');
  });

  it('calls "no effect" (a reason to undo) only with a service measured on both its error rate and its p95; less is too few samples', () => {
    const rng = seededRng(8);
    // latency measured and unchanged, but too few requests to judge the error rate: unknown, not no effect
    const quiet = { requests: 50, errors: 5 };
    const partly = judge([svc({ ...windowOf(rng, { rps: 40, errorRate: 0.03, p95: 250 }), ...quiet }, { ...windowOf(rng, { rps: 40, errorRate: 0.03, p95: 250 }), ...quiet })]);
    expect(partly).toMatchObject({ decision: 'halt', basis: 'too_few_samples' });
    expect(partly.message).toMatch(/^Halt: too few samples to judge the fix\. no service was measured on both its error rate and its p95 latency; payments: too few samples: 50 requests/);
    // one service fully measured, another with nothing: measured, and nothing moved
    const mixed = judge([
      svc(windowOf(rng, { rps: 40, errorRate: 0.03, p95: 250 }), windowOf(rng, { rps: 40, errorRate: 0.03, p95: 250 })),
      svc({ requests: 0, errors: 0, latencyMs: [], saturation: {} }, { requests: 3, errors: 0, latencyMs: [1], saturation: {} }, { service: 'cart' }),
    ]);
    expect(mixed).toMatchObject({ decision: 'halt', basis: 'no_effect' });
    // and a worse signal still wins over anything unmeasured
    const worse = judge([svc(windowOf(rng, { rps: 40, errorRate: 0.01, p95: 250 }), { ...windowOf(rng, { rps: 40, errorRate: 0.2, p95: 250 }), latencyMs: [] })]);
    expect(worse).toMatchObject({ decision: 'rollback', basis: 'worse' });
  });

  it('judges raw latency samples by their p95', () => {
    const rng = seededRng(6);
    const lat = (base: number, tail: number) => Array.from({ length: 400 }, () => (rng() < 0.1 ? tail : base) * (0.8 + 0.4 * rng()));
    const v = judge([svc({ requests: 400, errors: 1, latencyMs: lat(50, 2000), saturation: {} }, { requests: 400, errors: 1, latencyMs: lat(50, 100), saturation: {} }, { latencyKind: 'samples' })]);
    const l = v.checks.find((c) => c.signal === 'latency_p95')!;
    expect(l.verdict).toBe('better');
    expect(l.pre).toBeGreaterThan(1500);
    expect(l.post).toBeLessThan(150);
  });

  it('never continues when the post window is worse on every signal (property)', () => {
    const sample = fc.record({
      requests: fc.integer({ min: 0, max: 50_000 }),
      rate: fc.double({ min: 0, max: 0.5, noNaN: true }),
      latency: fc.array(fc.double({ min: 1, max: 5000, noNaN: true }), { minLength: 0, maxLength: 40 }),
      cpu: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 0, maxLength: 40 }),
    });
    fc.assert(
      fc.property(sample, fc.double({ min: 0, max: 0.5, noNaN: true }), fc.double({ min: 0, max: 3000, noNaN: true }), fc.integer({ min: 0, max: 1000 }), fc.constantFrom('samples' as const, 'p95_per_interval' as const), (pre, rateUp, latUp, moreRequests, latencyKind) => {
        // post: at least as many errors per request, every latency and cpu value shifted up
        const postRequests = pre.requests + moreRequests;
        const postRate = Math.min(1, pre.rate + rateUp);
        const v = judge([
          svc(
            { requests: pre.requests, errors: Math.round(pre.requests * pre.rate), latencyMs: pre.latency, saturation: { cpu_utilization: pre.cpu } },
            {
              requests: postRequests,
              errors: Math.max(Math.round(pre.requests * pre.rate), Math.round(postRequests * postRate)),
              latencyMs: pre.latency.map((x) => x + latUp),
              saturation: { cpu_utilization: pre.cpu.map((x) => Math.min(1, x + rateUp)) },
            },
            { latencyKind },
          ),
        ]);
        expect(v.decision).not.toBe('continue');
        expect(v.healed).toBe(false);
      }),
      { numRuns: 500, seed: 17 },
    );
  });
  describe('a symptom still rising when the fix landed', () => {
    /** The pre window as the use case reads it: its earlier part and its last part, and the two together. */
    const joined = (early: WindowSample, end: WindowSample): Pick<ServiceWindows, 'pre' | 'ramp'> => ({
      pre: { requests: early.requests + end.requests, errors: early.errors + end.errors, latencyMs: [...early.latencyMs, ...end.latencyMs], saturation: {} },
      ramp: { early, end },
    });

    it('compares with the state the fix found: a rollout still at that level is not "worse" (a walk saw a right rollback undone)', () => {
      const rng = seededRng(31);
      // errors ramping 2% → 20% before the fix; after it, half the pods replaced: 11%
      const early = windowOf(rng, { rps: 40, errorRate: 0.02, p95: 200, intervals: 12 });
      const end = windowOf(rng, { rps: 40, errorRate: 0.2, p95: 200, intervals: 6 });
      const post = windowOf(rng, { rps: 40, errorRate: 0.11, p95: 200 });
      // without the cut, the window's average (~6.5%) makes 11% read worse: a rollback
      expect(judge([svc(joined(early, end).pre, post)]).decision).toBe('rollback');
      const v = judge([{ ...svc(early, post), ...joined(early, end) }]);
      expect(v).toMatchObject({ decision: 'continue', basis: 'improving' });
      const err = v.checks.find((c) => c.signal === 'error_rate')!;
      expect(err.verdict).toBe('better');
      expect(err.pre).toBeCloseTo(0.2, 1);
      expect(err.reason).toMatch(/compared with the end of the window before the fix: its error rate rose [12]\.\d% → (19|2\d)\.\d% through that window/);
      // the same level after as at the end: no change, not worse
      const flat = judge([{ ...svc(early, windowOf(rng, { rps: 40, errorRate: 0.2, p95: 200 })), ...joined(early, end) }]);
      expect(flat.decision).toBe('halt');
      expect(flat.basis).toBe('no_effect');
    });

    it('still rolls back a fix that made things worse than the state it found', () => {
      const rng = seededRng(32);
      const early = windowOf(rng, { rps: 40, errorRate: 0.02, p95: 200, intervals: 12 });
      const end = windowOf(rng, { rps: 40, errorRate: 0.2, p95: 200, intervals: 6 });
      const v = judge([{ ...svc(early, windowOf(rng, { rps: 40, errorRate: 0.4, p95: 200 })), ...joined(early, end) }]);
      expect(v.decision).toBe('rollback');
      expect(v.message).toMatch(/error rate rose from (19|20)\.\d% to 4\d\.\d%[^;]*; payments: burn rate [^(]*\([^)]*\)[^(]*\(compared with the end of the window before the fix: its error rate rose [12]\.\d% → (19|20)\.\d% through that window\)\.$/);
      // a p95 ramp is a rise too; slower than its end is still worse
      const slow = windowOf(rng, { rps: 40, errorRate: 0.01, p95: 200, intervals: 12 });
      const slowEnd = windowOf(rng, { rps: 40, errorRate: 0.01, p95: 900, intervals: 6 });
      expect(judge([{ ...svc(slow, windowOf(rng, { rps: 40, errorRate: 0.01, p95: 700 })), ...joined(slow, slowEnd) }]).decision).not.toBe('rollback');
      expect(judge([{ ...svc(slow, windowOf(rng, { rps: 40, errorRate: 0.01, p95: 1500 })), ...joined(slow, slowEnd) }]).decision).toBe('rollback');
    });

    it('keeps the whole window when the symptom was steady through it', () => {
      const rng = seededRng(33);
      const early = windowOf(rng, { rps: 40, errorRate: 0.12, p95: 900, intervals: 12 });
      const end = windowOf(rng, { rps: 40, errorRate: 0.12, p95: 900, intervals: 6 });
      const post = windowOf(rng, { rps: 40, errorRate: 0.002, p95: 180 });
      const cut = judge([{ ...svc(early, post, { p95ObjectiveMs: 300 }), ...joined(early, end) }]);
      const whole = judge([svc(joined(early, end).pre, post, { p95ObjectiveMs: 300 })]);
      expect(cut).toEqual(whole);
      expect(cut.basis).toBe('healed');
    });
  });
});
