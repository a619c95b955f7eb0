/** The judge's statistics against values worked out by hand or known from the tables. */
import { describe, expect, it } from 'vitest';
import { fisherExact, logFactorial, mannWhitneyU, median, quantile, twoProportionTest, twoSidedNormalP } from './stats.js';

describe('the normal tail', () => {
  it('gives the textbook two-sided p-values', () => {
    expect(twoSidedNormalP(0)).toBeCloseTo(1, 6);
    expect(twoSidedNormalP(1.959964)).toBeCloseTo(0.05, 6);
    expect(twoSidedNormalP(-2.575829)).toBeCloseTo(0.01, 6);
    expect(twoSidedNormalP(6)).toBeLessThan(1e-8);
  });
});

describe('logFactorial', () => {
  it('agrees between the table and the series at the seam and beyond', () => {
    expect(logFactorial(0)).toBe(0);
    let exact = 0;
    for (let i = 2; i <= 300; i++) {
      exact += Math.log(i);
      expect(Math.abs(logFactorial(i) - exact) / exact).toBeLessThan(1e-12);
    }
  });
});

describe('two proportions', () => {
  it("uses Fisher's exact test for small counts (the lady tasting tea: 3 of 4 against 1 of 4 → p = 17/35)", () => {
    expect(fisherExact(3, 4, 1, 4).p).toBeCloseTo(17 / 35, 10);
    const r = twoProportionTest(3, 4, 1, 4);
    expect(r.test).toBe("Fisher's exact test");
    expect(r.p).toBeCloseTo(17 / 35, 10);
  });

  it('uses the continuity-corrected z-test for large counts', () => {
    // 50/1000 against 80/1000: pooled 0.065, se = sqrt(.065·.935·.002) = 0.011025, cc = 0.001 → z = 2.6304
    const r = twoProportionTest(50, 1000, 80, 1000);
    expect(r.test).toMatch(/z-test/);
    expect(r.statistic).toBeCloseTo(0.029 / Math.sqrt(0.065 * 0.935 * 0.002), 6);
    expect(r.p).toBeCloseTo(twoSidedNormalP(r.statistic), 12);
    expect(r.p).toBeGreaterThan(0.008);
    expect(r.p).toBeLessThan(0.009);
  });

  it('says nothing moved when both windows are identical or empty', () => {
    expect(twoProportionTest(10, 1000, 10, 1000).p).toBeCloseTo(1, 6);
    expect(twoProportionTest(0, 5000, 0, 5000).p).toBe(1);
    expect(twoProportionTest(0, 0, 3, 10).p).toBe(1);
  });
});

describe('Mann–Whitney U', () => {
  it('is exact for small samples without ties: fully separated 5 vs 5 → p = 2/252', () => {
    const r = mannWhitneyU([1, 2, 3, 4, 5], [6, 7, 8, 9, 10]);
    expect(r.test).toBe('Mann–Whitney U (exact)');
    expect(r.statistic).toBe(25);
    expect(r.p).toBeCloseTo(2 / 252, 12);
    expect(mannWhitneyU([6, 7, 8, 9, 10], [1, 2, 3, 4, 5]).statistic).toBe(0);
  });

  it('matches the exact distribution for a middling U (3 vs 3, U = 1 → P(U ≤ 1) = 2/20, two-sided 0.2)', () => {
    expect(mannWhitneyU([1, 2, 4], [3, 5, 6]).statistic).toBe(8);
    expect(mannWhitneyU([1, 2, 4], [3, 5, 6]).p).toBeCloseTo(0.2, 12);
  });

  it('falls back to the tie-corrected normal approximation with ties or many values', () => {
    const tied = mannWhitneyU([1, 1, 2, 2, 3, 3], [2, 3, 3, 4, 4, 5]);
    expect(tied.test).toMatch(/normal/);
    const a = Array.from({ length: 30 }, (_, i) => i);
    const b = Array.from({ length: 30 }, (_, i) => i + 0.5);
    const r = mannWhitneyU(a, b);
    expect(r.test).toMatch(/normal/);
    expect(r.p).toBeGreaterThan(0.5);
    expect(mannWhitneyU([5, 5, 5, 5, 5], [5, 5, 5, 5, 5]).p).toBe(1);
  });
});

describe('quantiles', () => {
  it('interpolates between order statistics', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([1, 2, 3, 4])).toBe(2.5);
    expect(quantile(Array.from({ length: 101 }, (_, i) => i), 0.95)).toBe(95);
    expect(Number.isNaN(quantile([], 0.5))).toBe(true);
  });
});
