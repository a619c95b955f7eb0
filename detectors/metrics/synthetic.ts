/**
 * Seeded synthetic metric series for tests and benchmarks: a level, daily and weekly cycles,
 * relative Gaussian noise, rare spikes and optional injected anomalies. Deterministic for a given
 * Rng (core/rng.ts).
 */
import type { Rng } from '../../core/rng.js';
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
  /** Injected anomalies: a spike at one index, or a shift of the level from an index on. */
  inject?: ({ kind: 'spike'; at: number; size: number } | { kind: 'shift'; at: number; size: number })[];
}

/** A standard normal deviate (Box–Muller). */
export function gaussian(rng: Rng): number {
  return Math.sqrt(-2 * Math.log(rng() + 1e-300)) * Math.cos(2 * Math.PI * rng());
}

/** Timestamps and values of one synthetic series. */
export function syntheticSeries(rng: Rng, o: SyntheticOptions = {}): { ts: number[]; values: number[] } {
  const n = o.points ?? 2016;
  const step = o.stepMs ?? 300_000;
  const start = o.startMs ?? Date.UTC(2026, 0, 5);
  const level = o.level ?? 100;
  const ts: number[] = [];
  const values: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = start + i * step;
    const hourOfDay = ((t % DAY) / DAY) * 24;
    const weekday = new Date(t).getUTCDay();
    let v = level * (1 + (o.daily ?? 0) * Math.sin((2 * Math.PI * (t % DAY)) / DAY));
    if (o.weekend && (weekday === 0 || weekday === 6)) v -= level * o.weekend;
    if (o.dailyPeak && Math.abs(hourOfDay - o.dailyPeak.hour) < o.dailyPeak.widthHours / 2) v += level * o.dailyPeak.height;
    v += level * (o.noise ?? 0.02) * gaussian(rng);
    if (o.spikeRate && rng() < o.spikeRate) v += level * (1 + 3 * rng());
    for (const a of o.inject ?? []) {
      if (a.kind === 'spike' && i === a.at) v += level * a.size;
      if (a.kind === 'shift' && i >= a.at) v += level * a.size;
    }
    ts.push(t);
    values.push(v);
  }
  return { ts, values };
}
