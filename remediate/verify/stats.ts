/**
 * The statistics of the canary judge, written here (no statistics library): the normal tail, log
 * factorials, a two-proportion test that switches to Fisher's exact test when a cell is expected
 * to hold few counts, and the Mann–Whitney U rank test, exact for small samples without ties and
 * normal-approximated (tie- and continuity-corrected) otherwise. Pure functions over numbers.
 */

/** A test's outcome: its name, the statistic, the two-sided p-value. */
export interface TestResult {
  test: string;
  statistic: number;
  p: number;
}

/**
 * erfc(x) for x ≥ 0 by the Chebyshev-fitted rational form of Numerical Recipes' `erfcc`
 * (fractional error below 1.2e-7 everywhere): plenty for p-values compared with 0.01.
 */
function erfcPositive(x: number): number {
  const t = 1 / (1 + 0.5 * x);
  const poly = -1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  return t * Math.exp(-x * x + poly);
}

/** P(|Z| ≥ |z|) for a standard normal Z. */
export function twoSidedNormalP(z: number): number {
  if (!Number.isFinite(z)) return Number.isNaN(z) ? 1 : 0;
  return Math.min(1, erfcPositive(Math.abs(z) / Math.SQRT2));
}

const LOG_FACT_TABLE: number[] = (() => {
  const t = [0];
  for (let i = 1; i <= 256; i++) t.push(t[i - 1] + Math.log(i));
  return t;
})();

/** ln(n!) for a non-negative integer: a table up to 256, Stirling's series (error < 1e-14) beyond. */
export function logFactorial(n: number): number {
  if (n <= 256) return LOG_FACT_TABLE[n];
  const n2 = n * n;
  return n * Math.log(n) - n + 0.5 * Math.log(2 * Math.PI * n) + 1 / (12 * n) - 1 / (360 * n * n2) + 1 / (1260 * n2 * n2 * n);
}

const logChoose = (n: number, k: number) => logFactorial(n) - logFactorial(k) - logFactorial(n - k);

/** Most terms Fisher's test sums (the number of possible error counts); beyond it the z-test is used. */
const FISHER_MAX_TERMS = 20_000;

/**
 * Fisher's exact test of a 2×2 table (x1 of n1 against x2 of n2), two-sided: the probability,
 * given the margins, of every table at most as likely as the one observed.
 */
export function fisherExact(x1: number, n1: number, x2: number, n2: number): TestResult {
  const m = x1 + x2;
  const lo = Math.max(0, m - n2);
  const hi = Math.min(n1, m);
  const denom = logChoose(n1 + n2, m);
  const logP = (k: number) => logChoose(n1, k) + logChoose(n2, m - k) - denom;
  const observed = logP(x1);
  let p = 0;
  // a relative slack so that tables as likely as the observed one are not lost to rounding
  const cut = observed + 1e-7;
  for (let k = lo; k <= hi; k++) {
    const lp = logP(k);
    if (lp <= cut) p += Math.exp(lp);
  }
  return { test: "Fisher's exact test", statistic: x1, p: Math.min(1, p) };
}

/**
 * Two proportions, x1/n1 (before) against x2/n2 (after), two-sided. With every expected cell count
 * at least 5: the pooled z-test with Yates' continuity correction; otherwise Fisher's exact test
 * (the normal approximation is poor there), unless the table is too large to enumerate.
 */
export function twoProportionTest(x1: number, n1: number, x2: number, n2: number): TestResult {
  if (n1 <= 0 || n2 <= 0) return { test: 'none (an empty window)', statistic: 0, p: 1 };
  const N = n1 + n2;
  const m = x1 + x2;
  const minExpected = Math.min(n1, n2) * Math.min(m, N - m) / N;
  if (minExpected < 5 && Math.min(n1, m) - Math.max(0, m - n2) < FISHER_MAX_TERMS) return fisherExact(x1, n1, x2, n2);
  const pooled = m / N;
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  if (se === 0) return { test: 'two-proportion z-test (continuity-corrected)', statistic: 0, p: 1 };
  const diff = x2 / n2 - x1 / n1;
  const cc = 0.5 * (1 / n1 + 1 / n2);
  const z = Math.sign(diff) * Math.max(0, Math.abs(diff) - cc) / se;
  return { test: 'two-proportion z-test (continuity-corrected)', statistic: z, p: twoSidedNormalP(z) };
}

/** Samples with at most this many values in all are tested exactly (when they have no ties). */
const MWU_EXACT_MAX_N = 40;

/**
 * Mann–Whitney U of `after` against `before`, two-sided. `statistic` is U of `after`: the number
 * of (before, after) pairs where after is larger, ties counting a half (n1·n2/2 when neither side
 * tends higher). Exact null distribution for small samples without ties, else the normal
 * approximation with the tie correction of the variance and a continuity correction.
 */
export function mannWhitneyU(before: readonly number[], after: readonly number[]): TestResult {
  const n1 = before.length;
  const n2 = after.length;
  if (n1 === 0 || n2 === 0) return { test: 'none (an empty window)', statistic: 0, p: 1 };
  const all = [...before.map((v) => ({ v, after: false })), ...after.map((v) => ({ v, after: true }))].sort((a, b) => a.v - b.v);
  const N = n1 + n2;
  let rankSumAfter = 0;
  let tieTerm = 0;
  for (let i = 0; i < N; ) {
    let j = i;
    while (j + 1 < N && all[j + 1].v === all[i].v) j++;
    const rank = (i + j + 2) / 2; // ranks are 1-based; a tied run shares its average rank
    const t = j - i + 1;
    tieTerm += t * t * t - t;
    for (let k = i; k <= j; k++) if (all[k].after) rankSumAfter += rank;
    i = j + 1;
  }
  const u = rankSumAfter - (n2 * (n2 + 1)) / 2;
  if (tieTerm === 0 && N <= MWU_EXACT_MAX_N) return { test: 'Mann–Whitney U (exact)', statistic: u, p: exactUTwoSided(n1, n2, u) };
  const mean = (n1 * n2) / 2;
  const variance = ((n1 * n2) / 12) * (N + 1 - tieTerm / (N * (N - 1)));
  if (variance <= 0) return { test: 'Mann–Whitney U (normal approximation)', statistic: u, p: 1 };
  const z = Math.max(0, Math.abs(u - mean) - 0.5) / Math.sqrt(variance);
  return { test: 'Mann–Whitney U (normal approximation)', statistic: u, p: twoSidedNormalP(z) };
}

/**
 * The exact two-sided p of U under the null: the counts of U come from the Gaussian binomial
 * coefficient [n1+n2 choose n1] as a polynomial in q (the coefficient of q^u counts the orderings
 * with that U), built factor by factor: multiply by (1 − q^(n2+i)), divide by (1 − q^i).
 */
function exactUTwoSided(n1: number, n2: number, u: number): number {
  const maxU = n1 * n2;
  const c = new Float64Array(maxU + 1);
  c[0] = 1;
  for (let i = 1; i <= n1; i++) {
    const up = n2 + i;
    for (let j = maxU; j >= up; j--) c[j] -= c[j - up];
    for (let j = i; j <= maxU; j++) c[j] += c[j - i];
  }
  let total = 0;
  let below = 0;
  let above = 0;
  for (let j = 0; j <= maxU; j++) {
    total += c[j];
    if (j <= u) below += c[j];
    if (j >= u) above += c[j];
  }
  return Math.min(1, (2 * Math.min(below, above)) / total);
}

/** The q-quantile (0..1) of the values by linear interpolation between order statistics; NaN when empty. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const pos = (s.length - 1) * Math.min(1, Math.max(0, q));
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo] + (s[hi] - s[lo]) * (pos - lo);
}

export const median = (values: readonly number[]) => quantile(values, 0.5);
