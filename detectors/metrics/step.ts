/** The sampling step of a series, inferred from its first timestamps, and widths derived from it. */
import { DAY, HOUR, MINUTE } from './seasonality.js';

/** Positive gaps used to infer the step: the median of the first few is robust to one gap or burst. */
export const STEP_SAMPLES = 8;

/** Median of the positive deltas seen so far (NaN when there are none). */
export function inferStep(deltas: readonly number[]): number {
  if (deltas.length === 0) return NaN;
  const s = [...deltas].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 ? s[h] : 0.5 * (s[h - 1] + s[h]);
}

const NICE_WIDTHS = [30 * MINUTE, HOUR, 2 * HOUR, 3 * HOUR, 4 * HOUR, 6 * HOUR, 8 * HOUR, 12 * HOUR, DAY];

/**
 * Width of the coarse history buckets: the smallest divisor of a day in NICE_WIDTHS that is at
 * least the step (so bucket phases line up with days and weeks); null when the step exceeds a day.
 */
export function coarseWidth(stepMs: number): number | null {
  return NICE_WIDTHS.find((w) => w >= stepMs) ?? null;
}
