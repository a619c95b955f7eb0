/**
 * Calendar-like level shifts (issue 14: weekend edges in a weekly series' first two weeks). Until
 * the detector holds two weeks of history it cannot adopt a weekly cycle, so a weekday/weekend
 * split shows as level shifts: down at the start of the weekend, back up at its end, the same a
 * week later. Each confirmed shift scores at the alert level and pages someone on Saturday.
 *
 * A confirmed shift is calendar-like when the series' own history already shows it, as the level
 * (bucket means less the seasonal profile in use) just before and just after the onset t0 and the
 * same time of day k days earlier:
 *   - a weekly repeat (k = 7): a jump of the same sign and a similar size at t0 − 7 days;
 *   - a revert (k = 1…6): the level left at t0 − k days by a similar jump of the other sign and has
 *     now come back to where it was then (the end of a weekend or a holiday, in whatever time zone
 *     the series lives: no UTC midnight is assumed, only whole days).
 * The shift is still absorbed into the baseline; only its score is withheld. The first weekend's
 * start is never explained (nothing came before it): a level never seen before is news.
 * Pure: the history comes in as a function.
 */
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Sizes within this ratio of each other are "similar". */
const SIZE_RATIO = 1.5;
/** Share of the jump by which two levels may differ and still be "the same level". */
const SAME_LEVEL = 0.5;

function similar(a: number, b: number): boolean {
  const x = Math.abs(a);
  const y = Math.abs(b);
  return x > 0 && y > 0 && x <= SIZE_RATIO * y && y <= SIZE_RATIO * x;
}

/**
 * Whether a confirmed shift of `delta` whose run began at `onset` (epoch ms) is calendar-like.
 * `level(from, to)` is the deseasonalised mean of the history in [from, to) (NaN when unknown);
 * `widthMs` is the history's bucket width (onsets are taken to the nearest bucket boundary).
 */
export function isCalendarShift(level: (from: number, to: number) => number, onset: number, delta: number, widthMs: number): boolean {
  const span = Math.max(3 * HOUR, 2 * widthMs);
  const t0 = Math.round(onset / widthMs) * widthMs;
  const before = level(t0 - span, t0);
  const after = level(t0, t0 + span);
  const jump = after - before;
  // The history must show the move the detector confirmed (else it is not a step at t0).
  if (!(Math.sign(jump) === Math.sign(delta) && Math.abs(jump) >= SAME_LEVEL * Math.abs(delta))) return false;
  for (let k = 1; k <= 7; k++) {
    const t1 = t0 - k * DAY;
    const then0 = level(t1 - span, t1);
    const then1 = level(t1, t1 + span);
    const jumpThen = then1 - then0;
    if (!similar(jumpThen, jump)) continue;
    if (k === 7) {
      if (Math.sign(jumpThen) === Math.sign(jump)) return true;
    } else if (Math.sign(jumpThen) !== Math.sign(jump)) {
      // Back where it was before that move, and it stayed moved in between.
      const tol = SAME_LEVEL * Math.abs(jump);
      if (Math.abs(after - then0) <= tol && Math.abs(then1 - before) <= tol) return true;
    }
  }
  return false;
}
