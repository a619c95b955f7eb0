import { describe, expect, it } from 'vitest';
import { seededRng } from '../../core/rng.js';
import { SeriesDetector } from './detector.js';
import { isCalendarShift } from './recurring.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const W = 30 * 60_000; // a 30-minute history bucket
const T0 = Date.UTC(2026, 2, 9); // a Monday, 00:00

/** A history level that is `base` except `moves` ([from, to, by]) added over their spans. */
function level(base: number, moves: [number, number, number][]): (from: number, to: number) => number {
  return (from, to) => {
    let sum = 0;
    let n = 0;
    for (let t = from; t < to; t += W) {
      sum += base + moves.reduce((s, [a, b, by]) => s + (t >= a && t < b ? by : 0), 0);
      n++;
    }
    return sum / n;
  };
}

describe('isCalendarShift', () => {
  it.each<[string, (from: number, to: number) => number, number, number, boolean]>([
    ['a weekend (−30 from Saturday to Monday) ending on Monday: a revert two days on', level(100, [[T0 - 2 * DAY, T0, -30]]), T0, 30, true],
    ['a one-day holiday ending: a revert one day on', level(100, [[T0 - DAY, T0, -30]]), T0, 30, true],
    ['the same drop a week after the last one: a weekly repeat', level(100, [[T0 - 7 * DAY, T0 - 5 * DAY, -30], [T0, T0 + 2 * DAY, -30]]), T0, -30, true],
    ['a first drop, nothing before it', level(100, [[T0, T0 + 2 * DAY, -30]]), T0, -30, false],
    ['a return that is not a whole number of days after the move (2 d 6 h)', level(100, [[T0 - 2 * DAY - 6 * HOUR, T0, -30]]), T0, 30, false],
    ['a rise to a new level, not back to the old one', level(100, [[T0 - 2 * DAY, T0, -30], [T0, T0 + DAY, 60]]), T0, 60, false],
    ['a drop a week after a rise (the other sign)', level(100, [[T0 - 7 * DAY, T0 - 5 * DAY, 30], [T0, T0 + 2 * DAY, -30]]), T0, -30, false],
    ['a history that does not show the confirmed move', level(100, [[T0 - 2 * DAY, T0, -30]]), T0 + 6 * HOUR, 30, false],
    ['no history at all', () => NaN, T0, 30, false],
  ])('%s', (_name, lvl, onset, delta, want) => {
    expect(isCalendarShift(lvl, onset, delta, W)).toBe(want);
  });
});

/**
 * A weekly series at 10-minute steps from a Monday: a daily cycle, weekends 30 % lower, noise 5 %
 * (so a weekend edge is a 6 σ step, a shift to confirm, not a single-point spike).
 */
function weekly(days: number, seed: number, shiftAt?: number): { ts: number[]; values: number[] } {
  const rng = seededRng(seed);
  const step = 10 * 60_000;
  const ts: number[] = [];
  const values: number[] = [];
  for (let i = 0; i < (days * DAY) / step; i++) {
    const t = T0 + i * step;
    const weekend = [0, 6].includes(new Date(t).getUTCDay());
    const gauss = Math.sqrt(-2 * Math.log(rng() + 1e-300)) * Math.cos(2 * Math.PI * rng());
    const shift = shiftAt !== undefined && t >= T0 + shiftAt * DAY ? 200 : 0;
    ts.push(t);
    values.push(500 * (1 + 0.25 * Math.sin((2 * Math.PI * (t % DAY)) / DAY - Math.PI / 2) - (weekend ? 0.3 : 0)) + shift + 25 * gauss);
  }
  return { ts, values };
}

function alertDays(calendarShifts: boolean, s: { ts: number[]; values: number[] }): number[] {
  const d = new SeriesDetector({ calendarShifts });
  const days = new Set<number>();
  s.ts.forEach((t, i) => {
    if (d.update(t, s.values[i]).alert) days.add(Math.floor((t - T0) / DAY));
  });
  return [...days];
}

describe('SeriesDetector with calendarShifts', () => {
  it('does not alert on the weekend edges it has seen before (first Monday, second weekend)', () => {
    const s = weekly(15, 3);
    const off = alertDays(false, s);
    const on = alertDays(true, s);
    // Without it the edges back to weekdays (days 7 and 14) and the second Saturday (12) alert.
    expect(off).toEqual(expect.arrayContaining([7, 12, 14]));
    expect(on.filter((day) => [7, 12, 14].includes(day))).toEqual([]);
  });

  it('still alerts on a real shift (+8 σ at 10:00 on a Wednesday) in a weekly series', () => {
    const on = alertDays(true, weekly(11, 4, 9 + 10 / 24));
    expect(on).toContain(9);
  });
});
