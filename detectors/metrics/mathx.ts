/**
 * Small numeric helpers for the metric detectors: normal tails (in log space, so extreme
 * deviations do not underflow to 0), the normal and Student-t quantiles.
 */

const LN_SQRT_PI = 0.5723649429247001;

/**
 * ln(erfc(x)) for x >= 0, from the Chebyshev fit of Numerical Recipes (Press et al., 2nd ed.,
 * §6.2, "erfcc"): fractional error below 1.2e-7 everywhere, and stable for large x because the
 * exponent is kept in log space.
 */
function logErfcNonNeg(x: number): number {
  const t = 1 / (1 + 0.5 * x);
  const poly =
    -1.26551223 +
    t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  return Math.log(t) - x * x + poly;
}

/** ln P(Z >= z) for a standard normal Z; finite for every finite z (≈ −z²/2 far in the tail). */
export function logNormalSf(z: number): number {
  if (Number.isNaN(z)) return 0;
  if (z === Infinity) return -Infinity;
  if (z === -Infinity) return 0;
  const x = z / Math.SQRT2;
  if (x >= 0) {
    // For very large x use the asymptotic series, beyond the fit's tested range.
    if (x > 25) return -x * x - Math.log(x) - LN_SQRT_PI + Math.log1p(-0.5 / (x * x)) - Math.LN2;
    return logErfcNonNeg(x) - Math.LN2;
  }
  return Math.log1p(-0.5 * Math.exp(logErfcNonNeg(-x)));
}

/** P(Z >= z) for a standard normal Z. */
export function normalSf(z: number): number {
  return Math.exp(logNormalSf(z));
}

// Acklam's rational approximation of the normal quantile (P. J. Acklam, "An algorithm for
// computing the inverse normal cumulative distribution function", 2003): relative error < 1.2e-9.
const A = [-39.69683028665376, 220.9460984245205, -275.928510446969, 138.357751867269, -30.66479806614716, 2.506628277459239];
const B = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
const C = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
const D = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];

/** The standard normal quantile Φ⁻¹(p) for p in (0, 1). */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) return p === 0 ? -Infinity : p === 1 ? Infinity : NaN;
  const plow = 0.02425;
  if (p < plow) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5]) / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1);
  }
  if (p > 1 - plow) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return ((((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q) / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1);
}

/**
 * Student-t quantile t_{p,ν} by the Cornish–Fisher expansion around the normal quantile
 * (Abramowitz & Stegun 26.7.5). Accurate to about 1e-3 for ν >= 10, which is where the ESD test
 * uses it (ν is the window size, in the hundreds).
 */
export function tQuantile(p: number, nu: number): number {
  const z = normalQuantile(p);
  if (!Number.isFinite(z) || nu <= 0) return z;
  const z2 = z * z;
  const g1 = (z2 + 1) * z / 4;
  const g2 = ((5 * z2 + 16) * z2 + 3) * z / 96;
  const g3 = (((3 * z2 + 19) * z2 + 17) * z2 - 15) * z / 384;
  const g4 = ((((79 * z2 + 776) * z2 + 1482) * z2 - 1920) * z2 - 945) * z / 92160;
  return z + g1 / nu + g2 / nu ** 2 + g3 / nu ** 3 + g4 / nu ** 4;
}

/** ln(e^a + e^b) without overflow. */
export function logAddExp(a: number, b: number): number {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  return a > b ? a + Math.log1p(Math.exp(b - a)) : b + Math.log1p(Math.exp(a - b));
}

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
  -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** ln Γ(x) for x > 0 (Lanczos approximation, g = 7, n = 9; relative error ~1e-15). */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const y = x - 1;
  let a = LANCZOS[0];
  const t = y + 7.5;
  for (let i = 1; i < 9; i++) a += LANCZOS[i] / (y + i);
  return 0.5 * Math.log(2 * Math.PI) + (y + 0.5) * Math.log(t) - t + Math.log(a);
}

/** ln P(X ≥ k) for X ~ Poisson(λ), summed from the k-th term outwards (exact up to rounding). */
export function logPoissonSf(k: number, lambda: number): number {
  if (k <= 0) return 0;
  if (!(lambda > 0)) return -Infinity;
  const logTerm = (i: number) => -lambda + i * Math.log(lambda) - logGamma(i + 1);
  if (k > lambda) {
    let s = 1;
    let r = 1;
    for (let i = k; i < k + 10_000; i++) {
      r *= lambda / (i + 1);
      s += r;
      if (r < 1e-16 * s) break;
    }
    return logTerm(k) + Math.log(s);
  }
  // k ≤ λ: 1 − P(X ≤ k−1), summing the lower terms downwards from k−1.
  let s = 1;
  let r = 1;
  for (let i = k - 1; i > 0; i--) {
    r *= i / lambda;
    s += r;
    if (r < 1e-16 * s) break;
  }
  const lower = Math.exp(logTerm(k - 1) + Math.log(s));
  return Math.log1p(-Math.min(lower, 1 - 1e-16));
}
