import { describe, expect, it } from 'vitest';
import { seededRng } from '../../core/rng.js';
import { SeasonalBaseline } from './baseline.js';
import { CoarseHistory, DAY, HOUR, WEEK, choosePeriod, initialProfile, seasonalBias, testSeasonality } from './seasonality.js';
import { coarseWidth, inferStep } from './step.js';
import { gaussian } from './synthetic.js';

/** Hourly bucket means over `days`, built from a function of the hour index. */
function hourly(days: number, f: (h: number) => number): Float64Array {
  return Float64Array.from({ length: days * 24 }, (_, h) => f(h));
}

describe('seasonality test', () => {
  const rng = seededRng(1);
  it.each<[string, Float64Array, number | null]>([
    ['a daily sine', hourly(4, (h) => 10 * Math.sin((2 * Math.PI * h) / 24) + gaussian(rng)), DAY],
    ['a narrow daily peak', hourly(4, (h) => (h % 24 === 3 ? 50 : 0) + gaussian(rng)), DAY],
    ['white noise', hourly(10, () => gaussian(rng)), null],
    ['a level shift', hourly(10, (h) => (h > 120 ? 20 : 0) + gaussian(rng)), null],
    ['a random walk', (() => { let x = 0; return hourly(10, () => (x += gaussian(rng))); })(), null],
    ['quiet weekends', hourly(21, (h) => (Math.floor(h / 24) % 7 >= 5 ? 0 : 30) + 10 * Math.sin((2 * Math.PI * h) / 24) + gaussian(rng)), WEEK],
  ])('%s → %s', (_n, values, period) => {
    expect(choosePeriod(testSeasonality(values, HOUR), null, 0.5)).toBe(period);
  });

  it('needs two full cycles', () => {
    const t = testSeasonality(hourly(1, (h) => Math.sin((2 * Math.PI * h) / 24)), HOUR);
    expect(t.strength.day).toBeNaN();
  });

  it('keeps a cycle in use unless it all but disappears (hysteresis)', () => {
    const borderline = { strength: { day: 0.3, week: NaN }, spread: { day: 1, week: NaN } };
    expect(choosePeriod(borderline, null, 0.5)).toBeNull();
    expect(choosePeriod(borderline, DAY, 0.5)).toBe(DAY);
    expect(choosePeriod({ strength: { day: 0.1, week: NaN }, spread: { day: 1, week: NaN } }, DAY, 0.5)).toBeNull();
  });

  it('estimates a zero-mean profile from the coarse history', () => {
    const values = hourly(3, (h) => 100 + (h % 24 < 12 ? 10 : -10));
    const p = initialProfile(values, 0, HOUR, DAY, 48);
    expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(0, 9);
    expect(p[0]).toBeCloseTo(10, 9);
    expect(p[47]).toBeCloseTo(-10, 9);
  });
});

describe('seasonal bias of a level learnt without the cycle', () => {
  const sine = (bins: number) => Float64Array.from({ length: bins }, (_, b) => 30 * Math.sin((2 * Math.PI * (b + 0.5)) / bins));
  const at = (h: number) => Date.UTC(2026, 0, 7) + h * HOUR;

  it('is the exponentially weighted mean of the profile over the time before now', () => {
    // ∫ e^(−u/τ)/τ · 30 sin(ω(t − u)) du = 30 (sin ωt − ωτ cos ωt)/(1 + ω²τ²): −12.35 at 00:30, τ 6 h
    const w = (2 * Math.PI) / 24;
    const exact = (t: number, tau: number) => (30 * (Math.sin(w * t) - w * tau * Math.cos(w * t))) / (1 + w * w * tau * tau);
    for (const [h, tau] of [[0.5, 6], [6, 6], [13, 2], [20, 24]]) expect(seasonalBias(sine(1440), DAY, at(h), tau * HOUR)).toBeCloseTo(exact(h, tau), 1);
    expect(seasonalBias(sine(288), DAY, at(0.5), 6 * HOUR)).toBeCloseTo(-12.35, 0);
  });

  it('follows the recent phase for a short time constant, averages the cycle out for a long one', () => {
    const halves = Float64Array.from({ length: 24 }, (_, b) => (b < 12 ? 5 : -5));
    expect(seasonalBias(halves, DAY, at(11), 10 * 60_000)).toBeCloseTo(5, 6);
    expect(seasonalBias(halves, DAY, at(23), 10 * 60_000)).toBeCloseTo(-5, 6);
    expect(Math.abs(seasonalBias(halves, DAY, at(11), 100 * DAY))).toBeLessThan(0.1);
    expect(seasonalBias(new Float64Array(0), DAY, at(1), HOUR)).toBe(0);
    expect(seasonalBias(halves, DAY, at(11), 1e300)).toBe(0);
    // a tiny fixed period costs one pass over its bins, not one per period in ten time constants
    expect(seasonalBias(halves, 24, at(11), 6 * HOUR)).toBeCloseTo(0, 4);
  });
});

describe('coarse history', () => {
  it('stores bucket means, marks gaps, stays bounded and round-trips', () => {
    const h = new CoarseHistory(HOUR, 10 * HOUR);
    h.add(0, 1);
    h.add(30 * 60_000, 3);
    h.add(HOUR, 5);
    h.add(4 * HOUR, 7); // two empty buckets in between
    expect([...h.values()].map((v) => (Number.isNaN(v) ? null : v))).toEqual([2, 5, null, null]);
    // By epoch index: the closed buckets only (bucket 4 is still open), gaps as NaN.
    expect([0, 1, 2, 4, -1].map((i) => h.at(i))).toEqual([2, 5, NaN, NaN, NaN]);
    for (let i = 5; i < 40; i++) h.add(i * HOUR, i);
    expect(h.values().length).toBe(h.capacity);
    const back = CoarseHistory.fromJSON(JSON.parse(JSON.stringify(h.toJSON())));
    expect([...back.values()]).toEqual([...h.values()]);
    expect(back.firstIndex()).toBe(h.firstIndex());
    // After wrapping, the newest closed bucket (38) is held and the ones pushed out are not.
    expect([back.at(38), back.at(38 - back.capacity + 1), back.at(38 - back.capacity)]).toEqual([38, 39 - back.capacity, NaN]);
  });
});

describe('step and widths', () => {
  it('infers the median gap and picks a bucket width that divides a day', () => {
    expect(inferStep([60_000, 60_000, 120_000, 60_000])).toBe(60_000);
    expect(inferStep([])).toBeNaN();
    expect(coarseWidth(300_000)).toBe(30 * 60_000);
    expect(coarseWidth(HOUR)).toBe(HOUR);
    expect(coarseWidth(5 * HOUR)).toBe(6 * HOUR);
    expect(coarseWidth(2 * DAY)).toBeNull();
  });
});

describe('seasonal baseline', () => {
  it('bins by exact phase and learns level and profile from clipped residuals', () => {
    const b = new SeasonalBaseline();
    b.start(100);
    b.setSeason(DAY, Float64Array.from({ length: 24 }, (_, i) => (i < 12 ? 5 : -5)));
    expect(b.binOf(Date.UTC(2026, 0, 1, 12))).toBe(12);
    expect(b.binOf(Date.UTC(2026, 0, 1, 11, 59, 59, 999))).toBe(11);
    expect(b.forecast(Date.UTC(2026, 0, 1, 1))).toBe(105);
    b.learn(1, 10, 0.1, 0.5);
    expect(b.level).toBeCloseTo(101, 12);
    const back = SeasonalBaseline.fromJSON(JSON.parse(JSON.stringify(b.toJSON())));
    expect(back.forecast(Date.UTC(2026, 0, 1, 1))).toBe(b.forecast(Date.UTC(2026, 0, 1, 1)));
  });

  it('takes the bias it is given off the level when a profile is installed, and keeps the level otherwise', () => {
    const b = new SeasonalBaseline();
    b.start(88);
    b.setSeason(DAY, Float64Array.from({ length: 24 }, (_, i) => (i < 12 ? 5 : -5)), -12);
    expect(b.level).toBe(100);
    b.setSeason(WEEK, Float64Array.from({ length: 168 }, () => 0));
    expect(b.level).toBe(100);
    b.setSeason(null, null, NaN);
    expect(b.level).toBe(100);
  });
});
