/** What follows a verdict: another round or not, its windows, and the words posted to the war room. */
import { describe, expect, it } from 'vitest';
import { effectExpectedBy, followUpWindows, nextRoundAt, roundMessage, undoPreview, wantsAnotherRound } from './rounds.js';
import { rollbackSteps } from './rollback.js';

const post = { from: '2026-12-07T12:01:00.000Z', to: '2026-12-07T12:06:00.000Z' };
const pre = { from: '2026-12-07T11:55:00.000Z', to: '2026-12-07T12:00:00.000Z' };

describe('verification rounds', () => {
  it('asks for another round only for a fix improving or unknown, while rounds are left', () => {
    expect(['healed', 'improving', 'worse', 'no_effect', 'too_few_samples'].filter((b) => wantsAnotherRound(b as never))).toEqual(['improving', 'too_few_samples']);
    expect(nextRoundAt('improving', 1, 3, post, 300_000)).toBe('2026-12-07T12:11:00.000Z');
    expect(nextRoundAt('too_few_samples', 2, 3, post, 300_000)).toBe('2026-12-07T12:11:00.000Z');
    expect(nextRoundAt('improving', 3, 3, post, 300_000)).toBeNull();
    expect(nextRoundAt('no_effect', 1, 3, post, 300_000)).toBeNull();
    // no effect in a window that closed before the fix was due to show one: not known yet
    const due = effectExpectedBy('2026-12-07T12:00:00.000Z', 10);
    expect(due).toBe('2026-12-07T12:10:00.000Z');
    expect(effectExpectedBy('2026-12-07T12:00:00.000Z', null)).toBeNull();
    expect(nextRoundAt('no_effect', 1, 3, post, 300_000, due)).toBe('2026-12-07T12:11:00.000Z');
    expect(nextRoundAt('no_effect', 3, 3, post, 300_000, due)).toBeNull();
    expect(nextRoundAt('no_effect', 1, 3, post, 300_000, '2026-12-07T12:06:00.000Z')).toBeNull(); // due when the window closed
    expect(roundMessage({ basis: 'no_effect', message: 'Halt: no significant improvement after the fix. x.', detail: 'x' }, { round: 1, maxRounds: 3, nextRoundAt: 'T', effectBy: due })).toBe(
      `Halt: no effect yet; not undone: the fix is due to show its effect by ${due} and this window closed before then; judged again at T (round 1 of 3). x.`,
    );
    expect(nextRoundAt('healed', 1, 3, post, 300_000)).toBeNull();
    expect(nextRoundAt('too_few_samples', 1, 1, post, 300_000)).toBeNull();
  });

  it('keeps the pre window; the next post window is the new window alone (improving) or the whole post so far (too few samples)', () => {
    const next = '2026-12-07T12:11:00.000Z';
    expect(followUpWindows({ basis: 'improving', windows: { pre, post }, nextRoundAt: next })).toEqual({ pre, post: { from: post.to, to: next } });
    expect(followUpWindows({ basis: 'too_few_samples', windows: { pre, post }, nextRoundAt: next })).toEqual({ pre, post: { from: post.from, to: next } });
  });

  it('words a no-effect halt as undone, or says why not', () => {
    const v = { basis: 'no_effect' as const, message: 'Halt: no significant improvement after the fix. x.', detail: 'cart: error rate from 3% to 3%' };
    const c = { round: 1, maxRounds: 3, nextRoundAt: null };
    const plan = (steps: { action: string; params: Record<string, unknown> }[]) =>
      undoPreview(rollbackSteps({ steps: steps.map((s) => ({ ...s, target: 'cart', command: s.action })), rollback: steps.map((s) => ({ action: `undo ${s.action}`, target: 'cart', command: `undo ${s.action}` })) }));
    const both = plan([{ action: 'restart', params: {} }, { action: 'scale', params: { replicas: 6, from_replicas: 3 } }]);
    expect(roundMessage(v, { ...c, undo: { ...both, runner: true } })).toBe(
      'Halt: no effect; undone: its rollback runs (scale cart); nothing is left changed by step 1 (restart cart): a restart leaves nothing to undo. cart: error rate from 3% to 3%.',
    );
    expect(roundMessage(v, { ...c, undo: { ...both, runner: false } })).toMatch(/^Halt: no effect; not undone: its runner is not configured on this instance, so the change \(scale cart\) is left in place for a person to undo\./);
    expect(roundMessage(v, { ...c, undo: { ...plan([{ action: 'restart', params: {} }]), runner: true } })).toBe(
      'Halt: no effect; not undone: nothing to undo (step 1 (restart cart): a restart leaves nothing to undo): nothing it changed is left in place. cart: error rate from 3% to 3%.',
    );
    expect(roundMessage(v, { ...c, undo: { ...plan([{ action: 'flag_off', params: { flag: 'f' } }]), runner: true } })).toMatch(
      /^Halt: no effect; not undone: left in place for a person to undo: step 1 \(flag_off cart\): the flag's previous value was not recorded\./,
    );
    expect(roundMessage(v, { ...c, undo: { steps: [], skipped: [], runner: true } })).toMatch(/^Halt: no effect; not undone: the plan recorded no rollback\./);
  });

  it('says when a verdict is looked at again, and that the incident waits for a person after the last round', () => {
    const few = { basis: 'too_few_samples' as const, message: 'Halt: too few samples to judge the fix. x.', detail: 'x' };
    expect(roundMessage(few, { round: 1, maxRounds: 3, nextRoundAt: 'T' })).toBe('Halt: too few samples to judge the fix. x. Not undone: with too few samples it is unknown whether the fix helped; judged again at T (round 1 of 3).');
    expect(roundMessage(few, { round: 3, maxRounds: 3, nextRoundAt: null })).toMatch(/Still too few samples after round 3 of 3: .* the incident waits for a person\.$/);
    const better = { basis: 'improving' as const, message: 'Continue: improving, not healed yet. x.', detail: 'x' };
    expect(roundMessage(better, { round: 2, maxRounds: 3, nextRoundAt: 'T' })).toBe('Continue: improving, not healed yet. x. Judged again at T (round 2 of 3).');
    expect(roundMessage(better, { round: 3, maxRounds: 3, nextRoundAt: null })).toMatch(/Still not healed after round 3 of 3: the fix stays in place \(it improved things\) and the incident waits for a person\.$/);
    const healed = { basis: 'healed' as const, message: 'Continue: the fix healed cart. x.', detail: 'x' };
    expect(roundMessage(healed, { round: 1, maxRounds: 3, nextRoundAt: null })).toBe(healed.message);
    expect(roundMessage(healed, { round: 2, maxRounds: 3, nextRoundAt: null })).toBe('Continue: the fix healed cart. x. Round 2 of 3.');
  });
});
