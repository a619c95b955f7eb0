/**
 * The remediate suite's mechanics: the planned fix of a bad deploy runs the whole loop on an
 * instance and heals (counted, with its time to healthy); the deliberately wrong fix runs the same
 * way, does not heal and is counted so; a judge's rollback counts as caught; the scoring rules.
 */
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../sim/edge/library.js';
import { onePerKind, remediateSuite, summarize, type Row, type VerifyContext } from './remediate.js';
import { DEFAULT_RUN, runRemediation, stepOfRemedy } from './remediate-run.js';

const scenario = loadScenario('bad-deploy-errors-payments');

// each run is a whole instance and ~40 sim minutes of signals: about 40 s on an idle machine, minutes on a loaded one
describe('remediate: one scenario end to end', () => {
  it('counts the planned fix as healed: detected, approved by a second user, executed, healthy again in sim minutes', async () => {
    const r = await runRemediation(scenario, DEFAULT_RUN);
    expect(r).toMatchObject({ stoppedAt: null, preflight: 'passed', truth: 'rollback@payments', executed: 'rollback@payments', rightAction: true, healed: true, unapprovedProbeRan: false, executedWithoutFourEyes: false, judge: 'n/a' });
    expect(r.detectedMin).not.toBeNull();
    expect(r.detectedMin!).toBeLessThanOrEqual(DEFAULT_RUN.detectWithinMin);
    // healthy again after detection, within the heal window
    expect(r.minutesToHealthy!).toBeGreaterThan(r.detectedMin!);
    expect(r.minutesToHealthy!).toBeLessThan(r.detectedMin! + DEFAULT_RUN.healWithinMin);
  }, 600_000);

  it('counts the deliberately wrong fix as executed and not healed, and asks the judge again until its verdict is final', async () => {
    const asked: VerifyContext[] = [];
    // the first answer is not final (too few samples, next round in 5 sim minutes); the second is
    const verify = async (ctx: VerifyContext) => {
      asked.push(ctx);
      return asked.length === 1 ? { decision: 'halt:too_few_samples', nextRoundAt: new Date(ctx.nowMs + 5 * 60_000).toISOString() } : { decision: 'rollback' };
    };
    const r = await runRemediation(scenario, { ...DEFAULT_RUN, mode: 'wrong', healWithinMin: 18, verify });
    expect(r).toMatchObject({ stoppedAt: null, executed: 'restart@payments', rightAction: false, healed: false, minutesToHealthy: null, unapprovedProbeRan: false, executedWithoutFourEyes: false, judge: 'rollback' });
    expect(asked).toHaveLength(2);
    expect(asked[0]).toMatchObject({ probe: true, service: 'payments', orgId: 'default' });
    expect(asked[0].nowMs - asked[0].executedAtMs).toBe(DEFAULT_RUN.judgeAfterMin * 60_000);
    // asked again once the next round was due (a sim minute after it)
    expect(asked[1].nowMs - asked[0].nowMs).toBe(6 * 60_000);
  }, 600_000);
});

const row = (x: Partial<Row>): Row => ({
  set: 'library',
  scenario: 's',
  mode: 'planned',
  kinds: 'k',
  truth: 'rollback@a',
  detectedMin: 1,
  openedByHand: false,
  executed: 'rollback@a',
  stoppedAt: null,
  preflight: 'passed',
  rightAction: true,
  healed: true,
  minutesToHealthy: 4,
  unapprovedProbeRan: false,
  executedWithoutFourEyes: false,
  judge: 'n/a',
  ...x,
});

describe('remediate: scoring', () => {
  it('counts heals, wrong fixes (executed, not healed) and those left in place, per set', () => {
    const rows = [
      row({ minutesToHealthy: 3 }),
      row({ minutesToHealthy: 7 }),
      row({ executed: 'restart@a', rightAction: false, healed: false, minutesToHealthy: null }),
      row({ executed: 'restart@a', rightAction: false, healed: false, minutesToHealthy: null, judge: 'rollback' }),
      // halted for no effect: the instance undid it; halted for too few samples: it stays
      row({ executed: 'scale@a', rightAction: false, healed: false, minutesToHealthy: null, judge: 'halt:no_effect' }),
      row({ executed: 'scale@a', rightAction: false, healed: false, minutesToHealthy: null, judge: 'halt:too_few_samples' }),
      // stopped before execution (preflight refused): not healed, not a wrong fix
      row({ executed: null, stoppedAt: 'preflight: policy', preflight: 'failed', healed: false, minutesToHealthy: null }),
      row({ set: 'held-out', minutesToHealthy: 5 }),
    ];
    const m = summarize(rows, false);
    expect(m).toMatchObject({ scenarios: 7, heal_rate: 0.286, wrong_fix_rate: 0.667, wrong_fixes_left_in_place: 2, median_minutes_to_healthy: 5, heldout_scenarios: 1, heldout_heal_rate: 1, unapproved_executions: 0 });
    expect(m).not.toHaveProperty('probe_caught');
  });

  it('counts an execution the use case let through before approval, or without a second approver', () => {
    const m = summarize([row({ unapprovedProbeRan: true }), row({ executedWithoutFourEyes: true }), row({ executed: null, stoppedAt: 'detect', executedWithoutFourEyes: true })], false);
    expect(m.unapproved_executions).toBe(2);
  });

  it('scores the probe: a wrong fix that healed, and the judge catching it', () => {
    const probe = (x: Partial<Row>) => row({ set: 'probe', mode: 'wrong', executed: 'restart@a', rightAction: false, healed: false, minutesToHealthy: null, ...x });
    const m = summarize([probe({ judge: 'rollback' }), probe({ judge: 'continue' }), probe({ healed: true, judge: 'rollback' }), probe({ judge: 'halt:no_effect' }), probe({ judge: 'halt:too_few_samples' })], true);
    expect(m).toMatchObject({ probe_kinds: 5, probe_executed: 5, probe_healed: 1, probe_caught: 0.6 });
  });

  it('builds the wrong fix as a runner step, takes one probe scenario per fault kind, declares the targets', () => {
    expect(stepOfRemedy({ action: 'restart', service: 'payments' })).toEqual({ action: 'restart', target: 'payments', params: { namespace: 'shop' }, command: 'kubectl rollout restart deployment/payments -n shop' });
    expect(stepOfRemedy({ action: 'scale', service: 'cart', replicas: 4 })).toMatchObject({ action: 'scale', target: 'cart', params: { replicas: 4 } });
    const kinds = onePerKind([scenario, loadScenario('bad-deploy-errors-checkout'), loadScenario('memory-leak-cart'), loadScenario('two-faults-leak-and-cert')]).map((s) => s.id);
    expect(kinds).toEqual(['bad-deploy-errors-payments', 'memory-leak-cart']);
    expect(remediateSuite.thresholds).toEqual(
      expect.arrayContaining([
        { metric: 'heal_rate', op: '>=', value: 0.9 },
        { metric: 'unapproved_executions', op: '==', value: 0 },
        { metric: 'wrong_fixes_left_in_place', op: '==', value: 0 },
      ]),
    );
  });
});
