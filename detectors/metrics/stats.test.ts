import { describe, expect, it } from 'vitest';
import { seededRng } from '../../core/rng.js';
import { esdCriticalValues, generalizedEsd } from './esd.js';
import { TailModel, tailCoordinate } from './kde.js';
import { logNormalSf, normalQuantile, normalSf, tQuantile } from './mathx.js';
import { median, robustStats, selectSmallest, sortedQuantile } from './robust.js';
import { SortedWindow } from './sorted-window.js';
import { gaussian } from './synthetic.js';

describe('normal and t distributions', () => {
  it.each([
    [0, 0.5],
    [1.959963985, 0.025],
    [3, 0.0013498980],
    [-1, 0.8413447461],
  ])('Φc(%d) = %d', (z, p) => expect(normalSf(z)).toBeCloseTo(p, 7));

  it('keeps far tails finite in log space', () => {
    expect(logNormalSf(40)).toBeCloseTo(-804.6084, 2); // −z²/2 − ln(z√(2π))
    expect(logNormalSf(1e6)).toBeLessThan(-4e11);
    expect(Number.isFinite(logNormalSf(1e6))).toBe(true);
  });

  it('inverts the normal CDF (Acklam) and the t CDF (Cornish–Fisher)', () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 6);
    expect(normalQuantile(1e-10)).toBeCloseTo(-6.361341, 5);
    expect(tQuantile(0.975, 10)).toBeCloseTo(2.228, 3);
    expect(tQuantile(0.995, 30)).toBeCloseTo(2.750, 3);
  });
});

describe('robust statistics', () => {
  it('median, quantiles and a σ that survives outliers and ties', () => {
    expect(median([3, 1, 2, 100])).toBe(2.5);
    expect(sortedQuantile([0, 10], 0.25)).toBe(2.5);
    const xs = [1, 2, 3, 4, 5, 6, 7, 1000];
    const { median: m, sigma } = robustStats(xs, xs.length, new Float64Array(8));
    expect(m).toBe(4.5);
    expect(sigma).toBeCloseTo(1.4826 * 2, 6);
    // More than half equal: MAD is 0, the scaled mean absolute deviation takes over.
    const ties = [5, 5, 5, 5, 5, 9];
    expect(robustStats(ties, 6, new Float64Array(6)).sigma).toBeCloseTo((1.2533141373155 * 4) / 6, 9);
  });

  it('quickselect puts the k smallest first', () => {
    const rng = seededRng(1);
    for (let t = 0; t < 200; t++) {
      const a = Float64Array.from({ length: 1 + Math.floor(rng() * 40) }, () => Math.floor(rng() * 5));
      const k = Math.floor(rng() * (a.length + 1));
      const b = a.slice();
      selectSmallest(b, k);
      expect([...b.slice(0, k)].sort()).toEqual([...a].sort().slice(0, k));
    }
  });

  it('the sorted window agrees with sorting from scratch, and its σ with robustStats', () => {
    const rng = seededRng(2);
    const w = new SortedWindow(32);
    const all: number[] = [];
    for (let i = 0; i < 500; i++) {
      const x = Math.fround(rng() < 0.3 ? Math.round(rng() * 3) : gaussian(rng) * 10);
      w.push(x);
      all.push(x);
      const last = all.slice(-32);
      expect([...w.sorted.subarray(0, w.size)]).toEqual([...last].sort((a, b) => a - b));
      const ref = robustStats(last, last.length, new Float64Array(32));
      expect(w.median()).toBeCloseTo(ref.median, 5);
      expect(w.sigma(w.median())).toBeCloseTo(ref.sigma, 4);
    }
    expect(w.countBeyond(w.median(), 0)).toBe(32);
  });
});

describe('generalised ESD', () => {
  it('reproduces Rosner\'s critical values (NIST e-Handbook 1.3.5.17.3, n = 54, α = 0.05)', () => {
    const lambda = esdCriticalValues(54, 10, 0.05);
    expect(lambda[0]).toBeCloseTo(3.159, 2);
    expect(lambda[9]).toBeCloseTo(3.087, 2);
  });

  it('finds a run of outliers whole and nothing in clean data', () => {
    const rng = seededRng(3);
    const clean = Array.from({ length: 100 }, () => gaussian(rng));
    expect(generalizedEsd(clean)).toEqual([]);
    const dirty = clean.slice();
    dirty[10] = 12;
    dirty[11] = 11;
    dirty[70] = -9;
    expect(generalizedEsd(dirty).sort((a, b) => a - b)).toEqual([10, 11, 70]);
    expect(generalizedEsd([1, 2])).toEqual([]);
  });
});

describe('TailModel (KDE body, GPD tail)', () => {
  it('is empty until fed, and roughly normal for normal data', () => {
    expect(new TailModel().logTail(3)).toBe(0);
    const rng = seededRng(4);
    const t = new TailModel();
    for (let i = 0; i < 20_000; i++) t.add(gaussian(rng), 1e9);
    expect(Math.exp(t.logTail(1))).toBeCloseTo(0.1587, 1);
    expect(Math.exp(t.logTail(-2))).toBeGreaterThan(0.01);
    expect(Math.exp(t.logTail(-2))).toBeLessThan(0.05);
  });

  it('gets rarer monotonically and far beyond the data, finite everywhere', () => {
    const rng = seededRng(5);
    const t = new TailModel();
    for (let i = 0; i < 3000; i++) t.add(gaussian(rng), 1000);
    const xs = [2, 3, 5, 10, 30, 100, 1e5];
    const ls = xs.map((x) => t.logTail(x));
    for (let i = 1; i < ls.length; i++) expect(ls[i]).toBeLessThan(ls[i - 1]);
    expect(ls.every(Number.isFinite)).toBe(true);
  });

  it('calls a spike the series shows every day less surprising than in a calm series', () => {
    const rng = seededRng(6);
    const calm = new TailModel();
    const spiky = new TailModel();
    for (let i = 0; i < 3000; i++) {
      const g = gaussian(rng);
      calm.add(g, 1000);
      spiky.add(i % 100 === 0 ? 30 + 10 * rng() : g, 1000);
    }
    expect(spiky.logTail(30)).toBeGreaterThan(calm.logTail(30) + 5);
  });

  it('round-trips through JSON', () => {
    const t = new TailModel();
    for (let i = 0; i < 500; i++) t.add(Math.sin(i) * 4, 200);
    const back = TailModel.fromJSON(JSON.parse(JSON.stringify(t.toJSON())));
    expect(back.logTail(3.3)).toBe(t.logTail(3.3));
    expect(back.mass).toBe(t.mass);
    expect(tailCoordinate(-Math.E + 1)).toBeCloseTo(-1, 12);
  });
});
