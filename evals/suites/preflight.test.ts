/** The preflight eval: at least 60 labelled cases, none passed that must be denied, none blocked that must pass, each denial for its labelled reason. */
import { describe, expect, it } from 'vitest';
import { checkThresholds } from '../harness.js';
import { loadPolicyBundle } from '../../usecases/policy-loader.js';
import { gatesOf, loadCases, preflightSuite } from './preflight.js';

describe('preflight suite', () => {
  it('holds its thresholds: ≥ 60 cases, 0 false passes, 0 false blocks, 0 wrong reasons', async () => {
    const r = await preflightSuite.run({});
    expect(r.metrics.cases).toBeGreaterThanOrEqual(60);
    expect(r.rows.filter((x) => !x.ok)).toEqual([]);
    expect(checkThresholds(preflightSuite, r).filter((t) => !t.pass && t.metric !== 'p95_ms')).toEqual([]);
  });

  it('covers both verdicts and every gate', () => {
    const cases = loadCases();
    expect(cases.filter((c) => c.expect.allowed).length).toBeGreaterThanOrEqual(20);
    expect(cases.filter((c) => !c.expect.allowed).length).toBeGreaterThanOrEqual(20);
    expect(new Set(cases.map((c) => c.id)).size).toBe(cases.length);
    const bundle = loadPolicyBundle();
    const failing = new Set(cases.flatMap((c) => gatesOf(bundle, c).filter((g) => !g.passed).map((g) => g.name)));
    expect([...failing].sort()).toEqual(['drift', 'dry_run', 'policy', 'slo_budget']);
  });

  it('would count a denied plan that passed as a false pass', () => {
    const [c] = loadCases().filter((x) => x.id === 'prod-kube-system');
    const bundle = loadPolicyBundle();
    // the same plan in a namespace the policies allow passes: labelled "denied", it would be a false pass
    const moved = { ...c, plan: { ...c.plan, steps: c.plan.steps.map((s) => ({ ...s, params: { ...s.params, namespace: 'shop' } })) } };
    expect(gatesOf(bundle, c).every((g) => g.passed)).toBe(false);
    expect(gatesOf(bundle, moved).every((g) => g.passed)).toBe(true);
  });
});
