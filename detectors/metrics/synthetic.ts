/**
 * Seeded synthetic metric series for tests and benchmarks: a level, daily and weekly cycles,
 * relative Gaussian noise, rare spikes and optional injected anomalies. Deterministic for a given
 * Rng (core/rng.ts).
 */
import { gaussian, type Rng } from '../../core/rng.js';
import { DAY } from './seasonality.js';

export interface SyntheticOptions {
  /** Points (default 2,016 = one week of 5-minute steps). */
  points?: number;
  stepMs?: number;
  /** First timestamp (default 2026-01-05T00:00Z, a Monday). */
  startMs?: number;
  level?: number;
  /** Daily sine amplitude as a share of the level. */
  daily?: number;
  /** How much lower Saturdays and Sundays are, as a share of the level. */
  weekend?: number;
  /** A narrow daily peak: its height (share of the level), hour of day and width in hours. */
  dailyPeak?: { height: number; hour: number; widthHours: number };
  /** Noise standard deviation as a share of the level. */
  noise?: number;
  /** Probability that a point carries a random spike. */
  spikeRate?: number;
  /** Injected anomalies (sizes are shares of the level; see {@link Injection}). */
  inject?: Injection[];
}

/**
 * One injected anomaly, from index `at` (to `until`, exclusive, where it has one; else to the end):
 *   - spike: `size` added at `at` only;
 *   - shift: the level moves by `size` (a transient shift when `until` is given);
 *   - variance: the noise is multiplied by `factor`;
 *   - trend: the level starts drifting by `size` per day;
 *   - season: the daily cycle's amplitude is multiplied by `factor` (0 = the cycle stops) and its
 *     phase moved by `phaseHours`;
 *   - flatline: the value sticks at the value of `at` (a stuck exporter or sensor).
 */
export type Injection =
  | { kind: 'spike'; at: number; size: number }
  | { kind: 'shift'; at: number; size: number; until?: number }
  | { kind: 'variance'; at: number; factor: number; until?: number }
  | { kind: 'trend'; at: number; size: number }
  | { kind: 'season'; at: number; factor: number; phaseHours?: number }
  | { kind: 'flatline'; at: number; until?: number };

/** A standard normal deviate (core/rng.ts), here for the tests that draw series. */
export { gaussian };

/** Timestamps and values of one synthetic series. */
export function syntheticSeries(rng: Rng, o: SyntheticOptions = {}): { ts: number[]; values: number[] } {
  const n = o.points ?? 2016;
  const step = o.stepMs ?? 300_000;
  const start = o.startMs ?? Date.UTC(2026, 0, 5);
  const level = o.level ?? 100;
  const ts: number[] = [];
  const values: number[] = [];
  let stuck: number | null = null;
  for (let i = 0; i < n; i++) {
    const t = start + i * step;
    const hourOfDay = ((t % DAY) / DAY) * 24;
    const weekday = new Date(t).getUTCDay();
    const active = (a: Injection) => i >= a.at && (!('until' in a) || a.until === undefined || i < a.until);
    let amp = o.daily ?? 0;
    let phase = 0;
    let noiseFactor = 1;
    for (const a of o.inject ?? []) {
      if (a.kind === 'season' && active(a)) {
        amp *= a.factor;
        phase = (((a.phaseHours ?? 0) * 3_600_000) / DAY) * 2 * Math.PI;
      }
      if (a.kind === 'variance' && active(a)) noiseFactor *= a.factor;
    }
    let v = level * (1 + amp * Math.sin((2 * Math.PI * (t % DAY)) / DAY + phase));
    if (o.weekend && (weekday === 0 || weekday === 6)) v -= level * o.weekend;
    if (o.dailyPeak && Math.abs(hourOfDay - o.dailyPeak.hour) < o.dailyPeak.widthHours / 2) v += level * o.dailyPeak.height;
    v += level * (o.noise ?? 0.02) * noiseFactor * gaussian(rng);
    if (o.spikeRate && rng() < o.spikeRate) v += level * (1 + 3 * rng());
    let flat = false;
    for (const a of o.inject ?? []) {
      if (a.kind === 'spike' && i === a.at) v += level * a.size;
      if (a.kind === 'shift' && active(a)) v += level * a.size;
      if (a.kind === 'trend' && i >= a.at) v += (level * a.size * (i - a.at) * step) / DAY;
      if (a.kind === 'flatline' && active(a)) flat = true;
    }
    // A stuck series repeats the first value it stuck at.
    if (flat) v = stuck ??= v;
    else stuck = null;
    ts.push(t);
    values.push(v);
  }
  return { ts, values };
}
