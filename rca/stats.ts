/** Small robust statistics and time helpers for the analysis core. */
import { MAD_TO_SIGMA } from '../detectors/metrics/robust.js';
import type { Instant } from './types.js';

/** Epoch milliseconds of an Instant; NaN when it cannot be read. */
export function toMs(t: Instant): number {
  if (typeof t === 'number') return t;
  const v = Date.parse(t);
  return Number.isFinite(v) ? v : NaN;
}

/** Median of a numeric array (NaN when empty); does not reorder the input. */
export function median(values: readonly number[]): number {
  const n = values.length;
  if (n === 0) return NaN;
  const s = Float64Array.from(values).sort();
  const h = n >> 1;
  return n % 2 === 1 ? s[h] : 0.5 * (s[h - 1] + s[h]);
}

/** Linear-interpolated quantile q ∈ [0,1] (NaN when empty). */
export function quantile(values: readonly number[], q: number): number {
  const n = values.length;
  if (n === 0) return NaN;
  const s = Float64Array.from(values).sort();
  const pos = Math.min(Math.max(q, 0), 1) * (n - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, n - 1);
  return s[lo] + (s[hi] - s[lo]) * (pos - lo);
}

/** √(π/2): the mean absolute deviation times this estimates σ for normal data. */
const MEAN_ABS_TO_SIGMA = 1.2533141373155;

export interface RobustScale {
  median: number;
  /** σ estimate that never collapses to 0 (see robustScale). */
  sigma: number;
  /** The sample had no spread at all. */
  constant: boolean;
}

/**
 * Median and a robust σ of a baseline sample given in time order: the larger of
 * - 1.4826·MAD of the values (Rousseeuw & Croux 1993), blind to up to half the sample being an
 *   earlier fault, and
 * - 1.4826·MAD of the successive differences / √2, which is blind to a contiguous block (an
 *   earlier fault is one step in and one step out) but grows with frequent scattered excursions
 *   (a noisy tail percentile), which the MAD of the values cannot see.
 * When both are 0 (a flat, sparse or bucketed series) it falls back to the scaled mean absolute
 * deviation of the 80 % of points closest to the median; a constant sample falls back to `floor`
 * (supplied by the caller), so a tiny move off a flat line is large, not infinite.
 */
export function robustScale(values: readonly number[], floor: number): RobustScale {
  const m = median(values);
  const dev = values.map((v) => Math.abs(v - m));
  const noise = 1e-9 * Math.abs(m);
  const mad = median(dev);
  const diffs: number[] = [];
  for (let i = 1; i < values.length; i++) diffs.push(values[i] - values[i - 1]);
  const dm = diffs.length ? median(diffs) : 0;
  const madDiff = diffs.length ? median(diffs.map((d) => Math.abs(d - dm))) : 0;
  let sigma = Math.max(mad > noise ? MAD_TO_SIGMA * mad : 0, madDiff > noise ? (MAD_TO_SIGMA * madDiff) / Math.SQRT2 : 0);
  if (sigma === 0 && values.length) {
    // trimmed: the 80 % of deviations closest to the median, so an earlier fault inside the
    // baseline (a block of a few points) does not set the noise level of a flat series
    const sorted = [...dev].sort((a, b) => a - b);
    const keep = sorted.slice(0, Math.max(1, Math.ceil(sorted.length * 0.8)));
    sigma = (MEAN_ABS_TO_SIGMA * keep.reduce((a, b) => a + b, 0)) / keep.length;
  }
  const constant = sigma <= 1e-12 * Math.max(1, Math.abs(m));
  return { median: m, sigma: Math.max(sigma, floor), constant };
}

/** P(X ≥ m) for X ~ Binomial(n, p), summed in log space (exact; n up to a few thousand). */
export function binomialTail(n: number, p: number, m: number): number {
  if (m <= 0) return 1;
  if (m > n) return 0;
  if (p <= 0) return 0;
  if (p >= 1) return 1;
  const lp = Math.log(p);
  const lq = Math.log1p(-p);
  // log C(n, i) built incrementally from i = 0
  let logC = 0;
  let sum = 0;
  for (let i = 0; i <= n; i++) {
    if (i > 0) logC += Math.log((n - i + 1) / i);
    if (i >= m) sum += Math.exp(logC + i * lp + (n - i) * lq);
  }
  return Math.min(1, sum);
}

/** 1 − e^(−x/τ) for x > 0: a saturating map of an unbounded strength onto [0,1). */
export function saturate(x: number, tau: number): number {
  return x <= 0 ? 0 : 1 - Math.exp(-x / tau);
}

/** Logistic function. */
export function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/** Rounds for display and stable JSON (keeps results byte-identical across runs). */
export function round(x: number, digits = 4): number {
  if (!Number.isFinite(x)) return x;
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
