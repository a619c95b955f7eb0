import { describe, expect, it } from 'vitest';
import { NAB_PROFILES, nabScore, optimiseThreshold, probationLength, scaledSigmoid, scoreAtThreshold, windowRows, type NabFile } from './score.js';

const STD = NAB_PROFILES.standard;
const MAX_TP = scaledSigmoid(-1);

/** A file of n rows at 1 s steps with windows given as row ranges and scores set at some rows. */
function file(n: number, windows: [number, number][], hits: Record<number, number>, name = 'f.csv'): NabFile {
  const timestamps = Array.from({ length: n }, (_, i) => i * 1000);
  const scores = timestamps.map((_, i) => hits[i] ?? 0);
  return { name, timestamps, scores, windows: windows.map(([a, b]) => [a * 1000, b * 1000]) };
}

describe('NAB scoring primitives', () => {
  it('probation is 15 % of the rows, at most 750', () => {
    expect(probationLength(100)).toBe(15);
    expect(probationLength(4032)).toBe(604);
    expect(probationLength(15902)).toBe(750);
  });

  it('the scaled sigmoid is ~1 at the left edge, 0 at the right edge, −1 far after', () => {
    expect(scaledSigmoid(-1)).toBeCloseTo(0.98661, 4);
    expect(scaledSigmoid(0)).toBe(0);
    expect(scaledSigmoid(3.01)).toBe(-1);
    expect(scaledSigmoid(2)).toBeCloseTo(-0.99991, 4);
  });

  it('maps window timestamps to the rows inside them', () => {
    expect(windowRows([0, 1000, 2000, 3000], [[500, 2000]])).toEqual([[1, 2]]);
    expect(windowRows([0, 1000], [[5000, 6000]])).toEqual([]);
  });
});

describe('NAB score on hand-made examples', () => {
  const W: [number, number][] = [[50, 59]]; // width 10

  it('a perfect detector (fires on each window\'s first row) scores 100', () => {
    const r = nabScore([file(100, W, { 50: 1 })], STD);
    expect(r.normalised).toBeCloseTo(100, 10);
    expect(r.outcome).toMatchObject({ tp: 1, fn: 0, fp: 0 });
  });

  it('a null detector scores 0, and so does one whose every row scores the same', () => {
    expect(nabScore([file(100, W, {})], STD).normalised).toBe(0);
    const flat = file(100, W, Object.fromEntries(Array.from({ length: 100 }, (_, i) => [i, 0.5])));
    expect(nabScore([flat], STD).normalised).toBe(0);
  });

  it('a detection on the left edge earns (nearly) A_TP; later ones earn less; the right edge earns little', () => {
    const at = (row: number) => scoreAtThreshold([file(100, W, { [row]: 1 })], STD, 0.5).score;
    expect(at(50)).toBeCloseTo(1, 10);
    expect(at(50)).toBeGreaterThan(0.98);
    expect(at(54)).toBeLessThan(at(50));
    expect(at(54)).toBeCloseTo(scaledSigmoid(-6 / 10) / MAX_TP, 10);
    expect(at(59)).toBeCloseTo(scaledSigmoid(-1 / 10) / MAX_TP, 10);
    expect(at(59)).toBeLessThan(0.3);
  });

  it('only the earliest detection in a window counts', () => {
    const one = scoreAtThreshold([file(100, W, { 52: 1 })], STD, 0.5);
    const many = scoreAtThreshold([file(100, W, { 52: 1, 53: 1, 58: 1 })], STD, 0.5);
    expect(many.score).toBeCloseTo(one.score, 12);
    expect(many).toMatchObject({ tp: 1, fp: 0 });
  });

  it('a missed window costs A_FN (twice as much under reward_low_FN_rate)', () => {
    expect(scoreAtThreshold([file(100, W, {})], STD, 0.5).score).toBe(-1);
    expect(scoreAtThreshold([file(100, W, {})], NAB_PROFILES.reward_low_FN_rate, 0.5).score).toBe(-2);
  });

  it('a false positive before any window costs A_FP; just after a window, almost nothing; far after, A_FP', () => {
    const fp = (row: number) => scoreAtThreshold([file(200, W, { 50: 1, [row]: 1 })], STD, 0.5).score - 1;
    expect(fp(30)).toBeCloseTo(-0.11, 12);
    expect(fp(60)).toBeCloseTo(0.11 * scaledSigmoid(1 / 9), 12);
    expect(fp(60)).toBeGreaterThan(-0.03);
    expect(fp(150)).toBeCloseTo(-0.11, 12);
    expect(scoreAtThreshold([file(200, W, { 50: 1, 30: 1 })], NAB_PROFILES.reward_low_FP_rate, 0.5).score).toBeCloseTo(1 - 0.22, 12);
  });

  it('ignores detections in the probation rows', () => {
    const r = scoreAtThreshold([file(100, W, { 3: 1, 50: 1 })], STD, 0.5);
    expect(r).toMatchObject({ fp: 0, tp: 1 });
    expect(r.perFile[0].detections).toBe(1);
  });

  it('sweeps every distinct score for one corpus-wide threshold', () => {
    // Window hit at 0.9, a false positive at 0.8, the second file's window hit at 0.7:
    // 0.7 wins (+1 TP for one 0.11 FP) under standard, 0.9 would leave a window undetected.
    const files = [file(100, W, { 50: 0.9, 30: 0.8 }, 'a.csv'), file(100, [[70, 79]], { 70: 0.7 }, 'b.csv')];
    expect(optimiseThreshold(files, STD)).toEqual({ threshold: 0.7, score: expect.closeTo(2 - 0.11, 12) });
    // If the false positive costs more than the window is worth (A_FP 2 > 1 + A_FN), 0.9 wins.
    expect(optimiseThreshold(files, { tp: 1, fn: 0, fp: 2 }).threshold).toBe(0.9);
  });

  it('normalises against the null and perfect detectors: 100·(S − S_null)/(S_perfect − S_null)', () => {
    const files = [file(100, W, { 54: 1, 30: 1 }, 'a.csv'), file(100, [[70, 79]], {}, 'b.csv')];
    const r = nabScore(files, STD);
    const s = scaledSigmoid(-6 / 10) / MAX_TP - 0.11 - 1;
    expect(r.raw).toBeCloseTo(s, 12);
    expect(r.nullScore).toBe(-2);
    expect(r.perfectScore).toBe(2);
    expect(r.normalised).toBeCloseTo((100 * (s + 2)) / 4, 10);
  });

  it('rejects scores that do not match the rows', () => {
    expect(() => nabScore([{ name: 'x', timestamps: [1, 2], scores: [0], windows: [] }], STD)).toThrow(/1 scores for 2 rows/);
  });
});
