import { describe, expect, it } from 'vitest';
import { leaveOneFileOut } from './lofo.js';
import { NAB_PROFILES, nabScore, type NabFile } from './score.js';

const T0 = Date.UTC(2026, 0, 1);
const STEP = 300_000;

/** A file of 1,000 rows (150 probation) with one window over rows [600, 620] and the given scores. */
function file(name: string, scores: Record<number, number>): NabFile {
  const timestamps = Array.from({ length: 1000 }, (_, i) => T0 + i * STEP);
  return { name, timestamps, scores: timestamps.map((_, i) => scores[i] ?? 0), windows: [[timestamps[600], timestamps[620]]] };
}

const std = NAB_PROFILES.standard;

describe('leave-one-file-out', () => {
  it('with one variant, the tuned figure is the NAB score, and held out it cannot beat it', () => {
    const files = [file('a', { 605: 0.9, 300: 0.5 }), file('b', { 610: 0.6 }), file('c', { 400: 0.7, 615: 0.4 })];
    const r = leaveOneFileOut({ only: files }, std);
    expect(r.tuned).toBeCloseTo(nabScore(files, std).normalised, 9);
    expect(r.heldOut).toBeLessThanOrEqual(r.tuned + 1e-9);
    expect(r.folds.map((f) => f.file)).toEqual(['a', 'b', 'c']);
  });

  it('a threshold that only suits the left-out file is not available to it', () => {
    // a and b detect at 0.9; c only at 0.3, which on a and b would also fire their false alarms.
    const files = [file('a', { 605: 0.9, 300: 0.3, 301: 0.3 }), file('b', { 605: 0.9, 302: 0.3, 303: 0.3 }), file('c', { 605: 0.3 })];
    const r = leaveOneFileOut({ only: files }, std);
    const c = r.folds[2];
    expect(c.threshold).toBe(0.9);
    expect(c.fn).toBe(1);
    expect(r.heldOut).toBeLessThan(r.tuned);
  });

  it('chooses the variant on the other files: a variant that only wins on the left-out file is not picked for it', () => {
    const base = [file('a', { 605: 0.9 }), file('b', { 605: 0.9 }), file('c', {})];
    // "special" catches c's window but raises false alarms on a and b.
    const special = [file('a', { 605: 0.9, 300: 0.9, 301: 0.9, 302: 0.9 }), file('b', { 605: 0.9, 300: 0.9, 301: 0.9, 302: 0.9 }), file('c', { 605: 0.9 })];
    const r = leaveOneFileOut({ base, special }, std);
    expect(r.folds[2].variant).toBe('base');
    expect(r.folds[2].fn).toBe(1);
    // Left out, a is judged with the variant that suits b and c (special catches c's window).
    expect(r.folds[0].variant).toBe('special');
    expect(r.folds[0].fp).toBe(3);
  });
});
