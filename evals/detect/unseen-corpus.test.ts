import { describe, expect, it } from 'vitest';
import { UNSEEN_KINDS, UNSEEN_SHAPES, UNSEEN_STEPS_MS, unseenCorpus, type UnseenCase } from './unseen-corpus.js';

const corpus = unseenCorpus();
const DAY = 86_400_000;
const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
const sd = (xs: number[]) => Math.sqrt(mean(xs.map((x) => (x - mean(xs)) ** 2)));
const cases = (kind: string, shape: string) => corpus.filter((c) => c.kind === kind && c.shape === shape);
const before = (c: UnseenCase, n: number) => c.values.slice(c.onset - n, c.onset);
const after = (c: UnseenCase, n: number, skip = 0) => c.values.slice(c.onset + skip, c.onset + skip + n);
/** A series' per-step increments (a counter's rate), resets left out. */
const increments = (xs: number[]) => xs.slice(1).map((x, i) => x - xs[i]).filter((d) => d >= 0);

describe('third synthetic corpus (ground truth by construction)', () => {
  it('covers every kind × shape × step twice (a season break only with a season), deterministically', () => {
    expect(new Set(corpus.map((c) => c.kind))).toEqual(new Set(UNSEEN_KINDS));
    expect(new Set(corpus.map((c) => c.shape))).toEqual(new Set(UNSEEN_SHAPES));
    expect(new Set(corpus.map((c) => c.stepMs))).toEqual(new Set(UNSEEN_STEPS_MS));
    // 8 kinds on 5 shapes + the season break on 3, × 3 steps × 2.
    expect(corpus).toHaveLength((8 * 5 + 3) * 3 * 2);
    expect(new Set(corpus.map((c) => c.name)).size).toBe(corpus.length);
    expect(unseenCorpus()[101].values).toEqual(corpus[101].values);
    expect(corpus.filter((c) => c.kind === 'none')).toHaveLength(30);
  });

  it('draws lengths and starts per series; the weekly shape starts mid-week and spans two weekends or more', () => {
    const spans = corpus.map((c) => (c.timestamps.at(-1)! - c.timestamps[0]) / DAY);
    expect(Math.min(...spans)).toBeGreaterThanOrEqual(5 - 0.01);
    expect(Math.max(...spans)).toBeLessThanOrEqual(19);
    expect(new Set(spans.map((d) => Math.round(d))).size).toBeGreaterThan(8);
    for (const c of corpus.filter((x) => x.shape === 'business')) {
      expect([3, 4, 5]).toContain(new Date(c.timestamps[0]).getUTCDay()); // Wednesday to Friday
      expect((c.timestamps.at(-1)! - c.timestamps[0]) / DAY).toBeGreaterThanOrEqual(15.9);
    }
    // Not all at midnight.
    expect(new Set(corpus.map((c) => c.timestamps[0] % DAY)).size).toBeGreaterThan(50);
  });

  it('labels one window of 10 % of the series centred on an onset in 60-85 % of it; controls none', () => {
    for (const c of corpus) {
      if (c.kind === 'none') {
        expect(c.windows).toEqual([]);
        expect(c.onset).toBe(-1);
        continue;
      }
      const [a, b] = c.windows[0];
      const span = c.timestamps.at(-1)! - c.timestamps[0];
      const t = c.timestamps[c.onset];
      expect(a).toBeLessThan(t);
      expect(b).toBeGreaterThan(t);
      expect((b - a) / span).toBeCloseTo(0.1, 1);
      expect(c.onset / c.values.length).toBeGreaterThanOrEqual(0.6 - 1e-9);
      expect(c.onset / c.values.length).toBeLessThanOrEqual(0.85 + 1e-9);
    }
  });

  it('injects what each kind says on a gauge, in σ of its noise', () => {
    for (const c of cases('shift_up', 'ar1')) expect((mean(after(c, 200)) - mean(before(c, 200))) / c.sigma).toBeCloseTo(c.size, -0.5);
    for (const c of cases('shift_down', 'ar1')) expect((mean(after(c, 200)) - mean(before(c, 200))) / c.sigma).toBeCloseTo(c.size, -0.5);
    for (const c of cases('shift_90m', 'ar1')) {
      const run = Math.round(5_400_000 / c.stepMs);
      expect((mean(after(c, run)) - mean(before(c, 200))) / c.sigma).toBeGreaterThan(c.size / 2);
      expect(Math.abs(mean(after(c, 200, run)) - mean(before(c, 200))) / c.sigma).toBeLessThan(1);
    }
    for (const c of cases('variance_up', 'ar1')) expect(sd(after(c, 200)) / sd(before(c, 200))).toBeGreaterThan(c.size / 2);
    for (const c of cases('spike', 'ar1')) expect((c.values[c.onset] - mean(before(c, 50))) / c.sigma).toBeCloseTo(c.size, -1);
    for (const c of cases('flatline', 'ar1')) {
      const run = Math.round((c.size * 3_600_000) / c.stepMs);
      expect(new Set(after(c, run)).size).toBe(1);
      expect(c.values[c.onset + run]).not.toBe(c.values[c.onset]);
    }
    for (const c of cases('trend', 'ar1')) {
      const day = Math.round(DAY / c.stepMs);
      const n = Math.min(day, c.values.length - c.onset - 10);
      const gained = (mean(after(c, 10, n - 10)) - mean(before(c, 50))) / c.sigma;
      expect(gained / ((c.size * n) / day)).toBeGreaterThan(0.6);
      expect(gained / ((c.size * n) / day)).toBeLessThan(1.4);
    }
  });

  it('gives the gauge autocorrelated noise, and the drifting level a drift but no anomaly', () => {
    for (const c of cases('none', 'ar1')) {
      const x = c.values.map((v) => v - mean(c.values));
      const lag1 = mean(x.slice(1).map((v, i) => v * x[i])) / mean(x.map((v) => v * v));
      expect(lag1).toBeGreaterThan(0.2);
    }
    for (const c of cases('none', 'drift')) {
      const day = Math.round(DAY / c.stepMs);
      const moved = Math.abs(mean(c.values.slice(-day)) - mean(c.values.slice(0, day))) / c.sigma;
      expect(moved).toBeGreaterThan(1);
    }
  });

  it('makes business hours step-like: weekday days well above nights and weekends', () => {
    for (const c of cases('none', 'business')) {
      const byHour = new Map<string, number[]>();
      c.timestamps.forEach((t, i) => {
        const key = `${new Date(t).getUTCDay() % 6 === 0 ? 'weekend' : 'weekday'}`;
        byHour.set(key, [...(byHour.get(key) ?? []), c.values[i]]);
      });
      const q = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.floor(p * (xs.length - 1))];
      // Weekdays hold the high plateau; a weekend never reaches it (whatever the time zone).
      expect(q(byHour.get('weekday')!, 0.9)).toBeGreaterThan(2 * q(byHour.get('weekend')!, 0.5));
    }
  });

  it('makes a counter cumulative, whole and non-negative, reset to 0 every 1-3 days, and its anomalies act on the rate', () => {
    for (const c of corpus.filter((x) => x.shape === 'counter')) {
      expect(c.values.every((v) => Number.isInteger(v) && v >= 0)).toBe(true);
      expect(c.resets.length).toBeGreaterThanOrEqual(1);
      for (const r of c.resets) expect(c.values[r]).toBe(0);
      for (let i = 1; i < c.values.length; i++) if (!c.resets.includes(i)) expect(c.values[i]).toBeGreaterThanOrEqual(c.values[i - 1]);
    }
    for (const c of cases('shift_up', 'counter')) {
      const rate = (xs: number[]) => (mean(increments(xs)) * 60_000) / c.stepMs;
      expect(rate(after(c, 100)) - rate(before(c, 100))).toBeGreaterThan(c.size * c.sigma * 0.5);
    }
  });
});
