import { describe, expect, it } from 'vitest';
import { HELDOUT_KINDS, HELDOUT_SHAPES, heldoutCorpus, type HeldoutCase } from './heldout-corpus.js';

const corpus = heldoutCorpus();
const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
const sd = (xs: number[]) => Math.sqrt(mean(xs.map((x) => (x - mean(xs)) ** 2)));
/** The flat, 10-minute, large-magnitude case of a kind (the easiest to check by eye). */
const pick = (kind: string, shape = 'flat'): HeldoutCase => corpus.find((c) => c.kind === kind && c.shape === shape && c.stepMs === 600_000 && c.magnitude === 'large')!;
const before = (c: HeldoutCase, n: number) => c.values.slice(c.onset - n, c.onset);
const after = (c: HeldoutCase, n: number, skip = 0) => c.values.slice(c.onset + skip, c.onset + skip + n);

describe('held-out synthetic corpus (ground truth by construction)', () => {
  it('covers every kind × shape × step × magnitude, deterministically, with controls', () => {
    expect(corpus).toHaveLength(HELDOUT_KINDS.length * HELDOUT_SHAPES.length * 3 * 2);
    expect(new Set(corpus.map((c) => c.name)).size).toBe(corpus.length);
    expect(heldoutCorpus()[77].values).toEqual(corpus[77].values);
    expect(corpus.filter((c) => c.kind === 'none')).toHaveLength(24);
    // Both with and without benign spikes, so the corpus prices false alarms on harmless spikes.
    expect(new Set(corpus.map((c) => c.benignSpikes))).toEqual(new Set([true, false]));
  });

  it('labels one window of 10 % of the series centred on an onset between day 4 and 6 (weekly: 15.5 and 17.5); controls none', () => {
    for (const c of corpus) {
      if (c.kind === 'none') {
        expect(c.windows).toEqual([]);
        continue;
      }
      const span = c.timestamps.at(-1)! - c.timestamps[0];
      const [a, b] = c.windows[0];
      const t = c.timestamps[c.onset];
      expect(a).toBeLessThan(t);
      expect(b).toBeGreaterThan(t);
      expect((b - a) / span).toBeCloseTo(0.1, 1);
      const from = c.shape === 'weekly' || c.shape === 'poisson' ? 15.5 : 4;
      expect(t - c.timestamps[0]).toBeGreaterThanOrEqual(from * 86_400_000 - c.stepMs);
      expect(t - c.timestamps[0]).toBeLessThanOrEqual((from + 2) * 86_400_000);
      // The window stays clear of weekends (days 5-6, 12-13, 19-20 from a Monday).
      const day = (x: number) => Math.floor((x - c.timestamps[0]) / 86_400_000) % 7;
      if (from > 4) expect([day(a), day(b)].every((d) => d < 5)).toBe(true);
    }
  });

  it('injects what each kind says, in σ of the series noise', () => {
    const up = pick('shift_up');
    expect((mean(after(up, 100)) - mean(before(up, 100))) / up.sigma).toBeCloseTo(8, 0);
    const down = pick('shift_down');
    expect((mean(after(down, 100)) - mean(before(down, 100))) / down.sigma).toBeCloseTo(-8, 0);
    const burst = pick('shift_3h');
    expect((mean(after(burst, 18)) - mean(before(burst, 18))) / burst.sigma).toBeGreaterThan(6);
    expect(Math.abs(mean(after(burst, 50, 18)) - mean(before(burst, 50))) / burst.sigma).toBeLessThan(1);
    const variance = pick('variance_up');
    expect(sd(after(variance, 200)) / sd(before(variance, 200))).toBeGreaterThan(3.5);
    const spike = pick('spike');
    expect((spike.values[spike.onset] - mean(before(spike, 50))) / spike.sigma).toBeGreaterThan(15);
    const trend = pick('trend');
    // 20 σ per day: half a day later the level is 10 σ higher.
    expect((mean(after(trend, 6, 69)) - mean(before(trend, 6))) / trend.sigma).toBeCloseTo(10, -1);
  });

  it('makes counts whole and non-negative, and the wandering level wander', () => {
    for (const c of corpus.filter((x) => x.shape === 'poisson')) expect(c.values.every((v) => Number.isInteger(v) && v >= 0)).toBe(true);
    const walk = pick('none', 'walk');
    const flat = pick('none', 'flat');
    // Hourly means of a wandering level spread well beyond the noise; a flat level's do not.
    const hourly = (c: HeldoutCase) => Array.from({ length: 100 }, (_, h) => mean(c.values.slice(6 * h, 6 * h + 6)) / c.sigma);
    expect(sd(hourly(walk))).toBeGreaterThan(1);
    expect(sd(hourly(flat))).toBeLessThan(0.7);
  });
});
