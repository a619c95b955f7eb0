/**
 * Robust location and scale: median, MAD and a scale that never collapses to zero. The MAD is
 * scaled by 1.4826 so it estimates σ for normal data (Rousseeuw & Croux 1993, "Alternatives to
 * the median absolute deviation"); when more than half the values are equal the MAD is 0 and the
 * mean absolute deviation from the median (× √(π/2), also σ for normal data) is used instead.
 */

/** Consistency constant: 1.4826 · MAD estimates σ for normal data. */
export const MAD_TO_SIGMA = 1.4826;
/** √(π/2): mean absolute deviation × this estimates σ for normal data. */
const MEAN_ABS_TO_SIGMA = 1.2533141373155;

/** Median of a sorted array (NaN when empty). */
export function sortedMedian(sorted: ArrayLike<number>, n = sorted.length): number {
  if (n === 0) return NaN;
  const h = n >> 1;
  return n % 2 === 1 ? sorted[h] : 0.5 * (sorted[h - 1] + sorted[h]);
}

/** Median of any values (copies, does not reorder the input; NaN when empty). */
export function median(values: ArrayLike<number>): number {
  const s = Float64Array.from(values as ArrayLike<number>).sort();
  return sortedMedian(s);
}

/** Linear-interpolated quantile q ∈ [0,1] of a sorted array. */
export function sortedQuantile(sorted: ArrayLike<number>, q: number, n = sorted.length): number {
  if (n === 0) return NaN;
  const pos = Math.min(Math.max(q, 0), 1) * (n - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, n - 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

export interface RobustStats {
  median: number;
  /** σ estimate: 1.4826·MAD, or the scaled mean absolute deviation when the MAD is 0; 0 for a constant sample. */
  sigma: number;
}

/**
 * Median and robust σ of `values[0..n)`, using `scratch` (length >= n) as work space so the hot
 * path allocates nothing.
 */
export function robustStats(values: ArrayLike<number>, n: number, scratch: Float64Array): RobustStats {
  if (n === 0) return { median: NaN, sigma: 0 };
  for (let i = 0; i < n; i++) scratch[i] = values[i];
  const s = scratch.subarray(0, n).sort();
  const med = sortedMedian(s);
  let absSum = 0;
  for (let i = 0; i < n; i++) {
    const d = Math.abs(s[i] - med);
    s[i] = d;
    absSum += d;
  }
  s.sort();
  const mad = sortedMedian(s);
  const sigma = mad > 0 ? MAD_TO_SIGMA * mad : (MEAN_ABS_TO_SIGMA * absSum) / n;
  return { median: med, sigma };
}

/**
 * Reorders `a[0..n)` in place so that its k smallest values come first (in no particular order):
 * Hoare's quickselect ("Algorithm 65: find", CACM 4(7), 1961) with a median-of-three pivot, O(n)
 * on average; k is clamped to [0, n].
 */
export function selectSmallest(a: Float64Array, k: number, n = a.length): void {
  let lo = 0;
  let hi = n - 1;
  const target = Math.min(Math.max(k, 0), n) - 1;
  if (target < 0 || target >= n - 1) return;
  while (hi > lo) {
    const mid = (lo + hi) >>> 1;
    // Median of three as the pivot.
    if (a[mid] < a[lo]) swap(a, mid, lo);
    if (a[hi] < a[lo]) swap(a, hi, lo);
    if (a[hi] < a[mid]) swap(a, hi, mid);
    const pivot = a[mid];
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        swap(a, i, j);
        i++;
        j--;
      }
    }
    if (target <= j) hi = j;
    else if (target >= i) lo = i;
    else return;
  }
}

function swap(a: Float64Array, i: number, j: number): void {
  const t = a[i];
  a[i] = a[j];
  a[j] = t;
}
