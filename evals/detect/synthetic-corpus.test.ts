import { describe, expect, it } from 'vitest';
import { SYNTHETIC_KINDS, syntheticCorpus, type SyntheticCase } from './synthetic-corpus.js';

const corpus = syntheticCorpus();
const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
const sd = (xs: number[]) => Math.sqrt(mean(xs.map((x) => (x - mean(xs)) ** 2)));
/** The case of a kind without a daily cycle, low noise, 5-minute steps (the easiest to check by eye). */
const pick = (kind: string, daily = 0): SyntheticCase => corpus.find((c) => c.kind === kind && c.daily === daily && c.noise === 0.01 && c.stepMs === 300_000)!;
const before = (c: SyntheticCase, n: number) => c.values.slice(c.onset - n, c.onset);
const after = (c: SyntheticCase, n: number, skip = 0) => c.values.slice(c.onset + skip, c.onset + skip + n);

describe('synthetic corpus (ground truth by construction)', () => {
  it('covers every kind × noise × step × with/without a daily cycle, deterministically', () => {
    expect(new Set(corpus.map((c) => c.kind))).toEqual(new Set(SYNTHETIC_KINDS));
    expect(new Set(corpus.map((c) => c.name)).size).toBe(corpus.length);
    // A seasonality break exists only with a season: 8 kinds × 18 + 9.
    expect(corpus).toHaveLength(8 * 18 + 9);
    expect(syntheticCorpus()[40].values).toEqual(corpus[40].values);
  });

  it('labels one NAB-style window centred on the onset, after the warm-up and probation; controls have none', () => {
    for (const c of corpus) {
      const days = (c.timestamps.at(-1)! - c.timestamps[0]) / 86_400_000;
      expect(days).toBeCloseTo(7, 1);
      if (c.kind === 'none') {
        expect(c.windows).toEqual([]);
        continue;
      }
      expect(c.windows).toHaveLength(1);
      const [a, b] = c.windows[0];
      const t = c.timestamps[c.onset];
      expect(a).toBeLessThan(t);
      expect(b).toBeGreaterThan(t);
      expect((b - a) / (c.timestamps.at(-1)! - c.timestamps[0])).toBeCloseTo(0.1, 2);
      expect(t - c.timestamps[0]).toBeGreaterThanOrEqual(4 * 86_400_000 - c.stepMs);
    }
  });

  it('injects what each kind says', () => {
    const shift = pick('shift_up');
    expect(mean(after(shift, 100)) - mean(before(shift, 100))).toBeCloseTo(25, 0);
    const down = pick('shift_down');
    expect(mean(after(down, 100)) - mean(before(down, 100))).toBeCloseTo(-25, 0);
    const burst = pick('shift_2h30');
    expect(mean(after(burst, 30)) - mean(before(burst, 30))).toBeCloseTo(25, 0);
    expect(Math.abs(mean(after(burst, 30, 30)) - mean(before(burst, 30)))).toBeLessThan(1);
    const variance = pick('variance_up');
    expect(sd(after(variance, 300)) / sd(before(variance, 300))).toBeGreaterThan(3);
    const spike = pick('spike');
    expect(spike.values[spike.onset] - mean(before(spike, 50))).toBeGreaterThan(40);
    const trend = pick('trend');
    // 0.5 of the level per day: 12 hours later the level is 25 higher.
    expect(mean(after(trend, 10, 139)) - mean(before(trend, 10))).toBeCloseTo(25, -1);
    const flat = pick('flatline');
    expect(new Set(after(flat, 144)).size).toBe(1);
    expect(new Set(after(flat, 10, 144)).size).toBe(10);
    const season = pick('season_break', 0.3);
    expect(sd(after(season, 288))).toBeLessThan(2);
    expect(sd(before(season, 288))).toBeGreaterThan(15);
  });
});
