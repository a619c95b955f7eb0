/**
 * Generalised extreme Studentised deviate (ESD) test for up to k outliers (B. Rosner, "Percentage
 * points for a generalized ESD many-outlier procedure", Technometrics 25(2), 1983), in the robust
 * form of Hochenbaum, Vallis & Kejariwal ("Automatic anomaly detection in the cloud via statistical
 * learning", 2017): the test statistic uses the median and MAD instead of the mean and standard
 * deviation, so a cluster of outliers cannot mask itself.
 */
import { tQuantile } from './mathx.js';
import { robustStats } from './robust.js';

/**
 * Rosner's critical values λ_1..λ_k for a sample of n at significance α:
 * λ_i = (n−i)·t_{p,n−i−1} / √((n−i−1+t²)(n−i+1)), p = 1 − α/(2(n−i+1)).
 */
export function esdCriticalValues(n: number, k: number, alpha: number): Float64Array {
  const out = new Float64Array(Math.max(0, Math.min(k, n - 2)));
  for (let i = 1; i <= out.length; i++) {
    const p = 1 - alpha / (2 * (n - i + 1));
    const t = tQuantile(p, n - i - 1);
    out[i - 1] = ((n - i) * t) / Math.sqrt((n - i - 1 + t * t) * (n - i + 1));
  }
  return out;
}

const cache = new Map<string, Float64Array>();

/** Cached {@link esdCriticalValues}: the streaming detector asks for the same (n, k, α) every time. */
export function esdCriticalValuesCached(n: number, k: number, alpha: number): Float64Array {
  const key = `${n}:${k}:${alpha}`;
  let v = cache.get(key);
  if (!v) {
    v = esdCriticalValues(n, k, alpha);
    if (cache.size > 256) cache.clear();
    cache.set(key, v);
  }
  return v;
}

export interface EsdOptions {
  /** Most outliers to look for (default 10 % of the sample). */
  maxOutliers?: number;
  /** Significance level (default 0.05). */
  alpha?: number;
}

/**
 * Batch generalised ESD: indices of the outliers in `values`, most extreme first. The number of
 * outliers is the largest i with R_i > λ_i (Rosner's rule), so a run of outliers is found whole.
 * @example generalizedEsd([1, 2, 1, 2, 1, 50]) // → [5]
 */
export function generalizedEsd(values: ArrayLike<number>, opts: EsdOptions = {}): number[] {
  const n = values.length;
  if (n < 3) return [];
  const k = Math.max(1, Math.min(opts.maxOutliers ?? Math.floor(n / 10), n - 2));
  const lambda = esdCriticalValues(n, k, opts.alpha ?? 0.05);
  const alive: number[] = [];
  for (let i = 0; i < n; i++) if (Number.isFinite(values[i])) alive.push(i);
  const removed: number[] = [];
  let found = 0;
  const buf = new Float64Array(n);
  const sub = new Float64Array(n);
  for (let i = 0; i < lambda.length && alive.length > 2; i++) {
    for (let j = 0; j < alive.length; j++) sub[j] = values[alive[j]];
    const { median, sigma } = robustStats(sub, alive.length, buf);
    let best = -1;
    let bestR = -1;
    for (let j = 0; j < alive.length; j++) {
      const r = Math.abs(values[alive[j]] - median);
      if (r > bestR) {
        bestR = r;
        best = j;
      }
    }
    const R = sigma > 0 ? bestR / sigma : bestR > 0 ? Infinity : 0;
    removed.push(alive[best]);
    alive.splice(best, 1);
    if (R > lambda[i]) found = i + 1;
  }
  return removed.slice(0, found);
}
