/**
 * Verification rounds: what follows a verdict, and how it is worded for the war room. Pure.
 *
 *  - worse → the fix is rolled back (usecases/verify.ts runs the plan's rollback); final.
 *  - no effect → the fix is undone the same way: it changed nothing measurable, so it did not
 *    heal, and a change kept without a reason is one more thing the next person must reason
 *    about (and a later plan's drift gate would take as the baseline). Undoing it puts back the
 *    state known before; a step that leaves nothing to undo (a restart) is named as such. Final —
 *    unless the judged window closed before the time the fix's catalog entry gives it to show
 *    its effect (a rollback of a deploy: 10 minutes; `expectWithinMinutes` on the plan): then it
 *    is not known yet, and it is judged again over the next window (while a round is left). A
 *    walk with a rollout longer than the settle time saw a working fix undone as "no effect".
 *  - too few samples → unknown, not "no effect": undoing could take away a fix that works. The
 *    fix stays and is judged again after another window, over the post window so far and the new
 *    one (more samples), until a round can tell or the last round passes.
 *  - improving, not healed → judged again after another window, over that window alone (is it
 *    healed now? the minutes that were still bad would hold the verdict back).
 *  - healed → the incident is mitigated; final.
 * After the last round a verdict that still cannot tell, or is still not healed, is final: the
 * fix stays and the incident waits for a person, which the message says.
 */
import type { VerifyBasis } from '../../core/schemas.js';
import type { RollbackItem } from './rollback.js';

/** Rounds a plan is judged in at most, the first included (WARROOM_VERIFY_ROUNDS). */
export const DEFAULT_VERIFY_ROUNDS = 3;

export interface Span {
  from: string;
  to: string;
}
export interface RoundWindows {
  pre: Span;
  post: Span;
}

/** When a fix should show its effect: its last command plus the minutes its catalog entry gives it; null when the plan gives none. */
export function effectExpectedBy(executedAt: string, withinMinutes: number | null | undefined): string | null {
  return withinMinutes ? new Date(Date.parse(executedAt) + withinMinutes * 60_000).toISOString() : null;
}

/**
 * Whether a verdict on this basis calls for another round (when one is left): improving, too few
 * samples, or no effect in a window that closed before the fix was due to show it (`effectBy`).
 */
export const wantsAnotherRound = (basis: VerifyBasis, post?: Span, effectBy?: string | null): boolean =>
  basis === 'improving' || basis === 'too_few_samples' || (basis === 'no_effect' && !!effectBy && !!post && Date.parse(post.to) < Date.parse(effectBy));

/** When the next round is due (its post window closes then), or null when this round is final. */
export function nextRoundAt(basis: VerifyBasis, round: number, maxRounds: number, post: Span, windowMs: number, effectBy: string | null = null): string | null {
  if (!wantsAnotherRound(basis, post, effectBy) || round >= maxRounds) return null;
  return new Date(Date.parse(post.to) + windowMs).toISOString();
}

/**
 * The windows of the round after `prev`: the same pre window (the fix is always compared with
 * before it); a post window that ends when that round is due, and starts where the previous one
 * started (too few samples: gather more) or ended (improving: judge the latest window alone).
 */
export function followUpWindows(prev: { basis: VerifyBasis | null; windows: RoundWindows; nextRoundAt: string }): RoundWindows {
  const from = prev.basis === 'too_few_samples' ? prev.windows.post.from : prev.windows.post.to;
  return { pre: prev.windows.pre, post: { from, to: prev.nextRoundAt } };
}

/** What undoing the plan would do: the steps to run, and what is skipped (and whether that leaves a change in place). */
export interface UndoPreview {
  steps: { action: string; target: string }[];
  skipped: { reason: string; leftInPlace: boolean }[];
}

export function undoPreview(items: readonly RollbackItem[]): UndoPreview {
  return {
    steps: items.flatMap((x) => ('step' in x ? [{ action: x.step.action, target: x.step.target }] : [])),
    skipped: items.flatMap((x) => ('skipped' in x ? [{ reason: x.skipped, leftInPlace: x.why === 'unknown' }] : [])),
  };
}

export interface RoundContext {
  round: number;
  maxRounds: number;
  /** When the next round is due (null: this one is final). */
  nextRoundAt: string | null;
  /** For a no-effect verdict: what undoing it does; `runner` false when the plan's runner is not configured here. */
  undo?: UndoPreview & { runner: boolean };
  /** When the fix is due to show its effect (`effectExpectedBy`), when the plan says. */
  effectBy?: string | null;
}

const of = (c: RoundContext) => `round ${c.round} of ${c.maxRounds}`;
const stepList = (u: UndoPreview) => u.steps.map((s) => `${s.action} ${s.target}`).join(', ');

/**
 * The verdict's message as stored and posted: the judge's, with what happens next. A no-effect
 * halt starts "Halt: no effect; undone" or "Halt: no effect; not undone: <why>".
 */
export function roundMessage(v: { basis: VerifyBasis; message: string; detail: string }, c: RoundContext): string {
  const round = c.round > 1 || c.nextRoundAt ? ` (${of(c)})` : '';
  switch (v.basis) {
    case 'no_effect': {
      if (c.nextRoundAt && c.effectBy)
        return `Halt: no effect yet; not undone: the fix is due to show its effect by ${c.effectBy} and this window closed before then; judged again at ${c.nextRoundAt}${round}. ${v.detail}.`;
      const u = c.undo ?? { steps: [], skipped: [], runner: true };
      const left = u.skipped.filter((x) => x.leftInPlace).map((x) => x.reason);
      const nothing = u.skipped.filter((x) => !x.leftInPlace).map((x) => x.reason);
      const notes = [nothing.length ? `nothing is left changed by ${nothing.join('; ')}` : '', left.length ? `left in place for a person to undo: ${left.join('; ')}` : ''].filter(Boolean).join('; ');
      let head: string;
      if (u.steps.length > 0 && u.runner) head = `Halt: no effect; undone: its rollback runs (${stepList(u)})${notes ? `; ${notes}` : ''}`;
      else if (u.steps.length > 0) head = `Halt: no effect; not undone: its runner is not configured on this instance, so the change (${stepList(u)}) is left in place for a person to undo`;
      else if (left.length === 0 && nothing.length > 0) head = `Halt: no effect; not undone: nothing to undo (${nothing.join('; ')}): nothing it changed is left in place`;
      else head = `Halt: no effect; not undone: ${notes || 'the plan recorded no rollback'}`;
      return `${head}${round}. ${v.detail}.`;
    }
    case 'too_few_samples':
      return c.nextRoundAt
        ? `${v.message} Not undone: with too few samples it is unknown whether the fix helped; judged again at ${c.nextRoundAt}${round}.`
        : `${v.message} Still too few samples after ${of(c)}: the fix stays in place, unjudged, and the incident waits for a person.`;
    case 'improving':
      return c.nextRoundAt
        ? `${v.message} Judged again at ${c.nextRoundAt}${round}.`
        : `${v.message} Still not healed after ${of(c)}: the fix stays in place (it improved things) and the incident waits for a person.`;
    case 'healed':
    case 'worse':
      return c.round > 1 ? `${v.message} Round ${c.round} of ${c.maxRounds}.` : v.message;
  }
}
