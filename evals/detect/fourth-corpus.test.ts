import { describe, expect, it } from 'vitest';
import { FOURTH_KINDS, FOURTH_SHAPES, FOURTH_STEPS_MS, fourthCorpus } from './fourth-corpus.js';

const corpus = fourthCorpus();
const COUNTERS = new Set(['requests', 'bytes', 'errors']);

describe('fourth synthetic corpus (ground truth by construction)', () => {
  it('covers every kind × shape × step twice, deterministically, with 30 controls', () => {
    expect(new Set(corpus.map((c) => c.kind))).toEqual(new Set(FOURTH_KINDS));
    expect(new Set(corpus.map((c) => c.shape))).toEqual(new Set(FOURTH_SHAPES));
    expect(new Set(corpus.map((c) => c.stepMs))).toEqual(new Set(FOURTH_STEPS_MS));
    expect(corpus).toHaveLength(5 * 5 * 3 * 2);
    expect(new Set(corpus.map((c) => c.name)).size).toBe(corpus.length);
    expect(fourthCorpus()[77].values).toEqual(corpus[77].values);
    expect(corpus.filter((c) => c.kind === 'none')).toHaveLength(30);
  });

  it('counters only fall at their restarts, and most restart (a few run the whole span without one)', () => {
    const counters = corpus.filter((x) => COUNTERS.has(x.shape));
    for (const c of counters) {
      const falls = c.values.flatMap((v, i) => (i > 0 && v < c.values[i - 1] ? [i] : []));
      for (const i of falls) expect(c.resets).toContain(i);
    }
    expect(counters.filter((c) => c.resets.length > 0).length).toBeGreaterThan(0.8 * counters.length);
    for (const c of corpus.filter((x) => !COUNTERS.has(x.shape))) expect(c.resets).toEqual([]);
  });

  it('a stalled counter stops rising; a stalled workload sits at 0', () => {
    for (const c of corpus.filter((x) => x.kind === 'stall')) {
      const n = Math.max(1, Math.round((c.size * 3_600_000) / c.stepMs));
      const during = c.values.slice(c.onset + 1, c.onset + n);
      if (COUNTERS.has(c.shape)) {
        // Between restarts the counter holds its value.
        for (let i = 1; i < during.length; i++) if (!c.resets.includes(c.onset + 1 + i)) expect(during[i]).toBe(during[i - 1]);
      } else expect(Math.max(...during)).toBe(0);
    }
  });

  it('labels one window of 10 % of the series around an onset in 60-85 % of it', () => {
    for (const c of corpus) {
      if (c.kind === 'none') {
        expect(c.windows).toEqual([]);
        continue;
      }
      expect(c.onset / c.values.length).toBeGreaterThanOrEqual(0.59);
      expect(c.onset / c.values.length).toBeLessThanOrEqual(0.86);
      const [a, b] = c.windows[0];
      expect(c.timestamps[c.onset]).toBeGreaterThanOrEqual(a);
      expect(c.timestamps[c.onset]).toBeLessThanOrEqual(b);
    }
  });
});
