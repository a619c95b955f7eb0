/**
 * A fourth synthetic corpus, the final check of issue 14's counter / business-week pass: written
 * from a description of the problem (how Prometheus-style counters and weekday-only workloads look),
 * committed and scored once with the defaults before any code changed, and never tuned on. The
 * third corpus (unseen-corpus.ts) is development data for that pass; this one is not.
 *
 * It differs from the other corpora on purpose: its own generator and seeds (from 40,001), steps of
 * 30 seconds, 2 and 10 minutes, and five shapes:
 *   requests  a `_total` of requests: the rate has a daily cycle (random time zone) and Poisson-like
 *             noise; the process restarts at random times (exponential gaps, mean 0.5-4 days; one in
 *             four restarts is a crash loop of 2-3 restarts within half an hour), and the counter
 *             starts again from what it counted since the restart (not exactly 0);
 *   bytes     a `_bytes_total`: a heavy-tailed (log-normal) per-step rate around a flat level, the
 *             same kind of restarts;
 *   errors    a low-rate `_errors_total`: Poisson counts of 0.2-3 per minute, restarts as above;
 *   weekday   an office workload: weekdays from a random hour (7-10) for 8-10 hours, smooth
 *             one-hour ramps and a lunch dip, low at night, weekends lower still, any time zone;
 *   batch     a weekday batch window: weekdays only, a job of 2-4 hours from a random night hour,
 *             a low idle level otherwise (weekends idle);
 * five kinds: none (control), spike (rate burst of 8-20 σ for one step), shift up, shift down (3-8 σ
 * of the rate's noise, lasting to the end), stall (the rate drops to 0 for 2-6 hours: a counter that
 * stops rising, a workload that stops). Counters' anomalies act on the rate. Lengths 8-20 days, any
 * start day and time. One anomaly at 60-85 % of the span, labelled as NAB labels (a window of 10 %
 * of the series centred on the onset). Two series per kind × shape × step.
 */
import { gaussian, poisson, type Rng, seededRng } from '../../core/rng.js';
import type { NabSeries } from '../nab/corpus.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export const FOURTH_KINDS = ['none', 'spike', 'shift_up', 'shift_down', 'stall'] as const;
export type FourthKind = (typeof FOURTH_KINDS)[number];
export const FOURTH_SHAPES = ['requests', 'bytes', 'errors', 'weekday', 'batch'] as const;
export type FourthShape = (typeof FOURTH_SHAPES)[number];
export const FOURTH_STEPS_MS = [MINUTE / 2, 2 * MINUTE, 10 * MINUTE];
const REPLICATES = 2;
const COUNTERS: readonly FourthShape[] = ['requests', 'bytes', 'errors'];

export interface FourthCase extends NabSeries {
  kind: FourthKind;
  shape: FourthShape;
  stepMs: number;
  /** Anomaly size in σ of the per-step rate (spike, shifts) or hours (stall); 0 for a control. */
  size: number;
  /** Index of the anomaly's onset (−1 for a control). */
  onset: number;
  /** Indices where a counter restarted (normal events, not labelled). */
  resets: number[];
}

const between = (rng: Rng, a: number, b: number) => a + (b - a) * rng();
const smoothstep = (x: number) => (x <= 0 ? 0 : x >= 1 ? 1 : x * x * (3 - 2 * x));

/** The rate's mean (per step) at t for the shape, and the σ of its noise at that mean. */
interface Rate {
  mean(t: number): number;
  noisy(m: number, rng: Rng): number;
  sigma: number;
}

function rateOf(shape: FourthShape, rng: Rng, stepMs: number): Rate {
  const tz = Math.floor(between(rng, -11, 13)) * HOUR;
  const steps = stepMs / MINUTE;
  switch (shape) {
    case 'requests': {
      const perMin = between(rng, 50, 3000);
      const amp = between(rng, 0.3, 0.7);
      const peak = between(rng, 10, 20);
      const m0 = perMin * steps;
      return {
        mean: (t) => m0 * (1 + amp * Math.cos((2 * Math.PI * (hourOf(t + tz) - peak)) / 24)),
        noisy: (m, r) => poisson(r, m, 30),
        sigma: Math.sqrt(m0),
      };
    }
    case 'bytes': {
      const perMin = between(rng, 1e5, 5e7);
      const s = between(rng, 0.15, 0.4);
      const m0 = perMin * steps;
      return { mean: () => m0, noisy: (m, r) => Math.round(m * Math.exp(s * gaussian(r) - (s * s) / 2)), sigma: m0 * s };
    }
    case 'errors': {
      const m0 = between(rng, 0.2, 3) * steps;
      return { mean: () => m0, noisy: (m, r) => poisson(r, m, 30), sigma: Math.sqrt(m0) };
    }
    case 'weekday': {
      const level = between(rng, 100, 2000);
      const open = Math.floor(between(rng, 7, 11));
      const close = open + Math.floor(between(rng, 8, 11));
      const night = between(rng, 0.1, 0.3);
      const weekend = night * between(rng, 0.4, 1);
      const noise = between(rng, 0.02, 0.08);
      return {
        mean(t) {
          const local = t + tz;
          const h = hourOf(local);
          const wd = new Date(local).getUTCDay();
          const floor = wd === 0 || wd === 6 ? weekend : night;
          if (wd === 0 || wd === 6) return level * floor;
          const day = smoothstep(h - open + 0.5) - smoothstep(h - close + 0.5) - 0.15 * Math.exp(-0.5 * ((h - 12.5) / 0.4) ** 2);
          return level * (floor + (1 - floor) * Math.max(0, day));
        },
        noisy: (m, r) => Math.max(0, m + noise * m * gaussian(r)),
        sigma: level * noise,
      };
    }
    case 'batch': {
      const level = between(rng, 20, 500);
      const from = between(rng, 0, 5);
      const hours = between(rng, 2, 4);
      const idle = between(rng, 0.05, 0.2);
      const noise = between(rng, 0.03, 0.08);
      return {
        mean(t) {
          const local = t + tz;
          const h = hourOf(local);
          const wd = new Date(local).getUTCDay();
          const running = wd !== 0 && wd !== 6 && h >= from && h < from + hours;
          return level * (running ? 1 : idle);
        },
        noisy: (m, r) => Math.max(0, m + noise * level * gaussian(r)),
        sigma: level * noise,
      };
    }
  }
}

function hourOf(t: number): number {
  return (((t % DAY) + DAY) % DAY) / HOUR;
}

/** One series of the grid. */
function fourthCase(seed: number, kind: FourthKind, shape: FourthShape, stepMs: number): FourthCase {
  const rng = seededRng(seed);
  const days = between(rng, 8, 20);
  const points = Math.round((days * DAY) / stepMs);
  const start = Date.UTC(2026, 6, 6) + Math.floor(rng() * 7) * DAY + Math.round((rng() * DAY) / stepMs) * stepMs;
  const rate = rateOf(shape, rng, stepMs);
  const onset = kind === 'none' ? -1 : Math.round(points * between(rng, 0.6, 0.85));
  const size =
    kind === 'none' ? 0 : kind === 'spike' ? between(rng, 8, 20) : kind === 'stall' ? between(rng, 2, 6) : between(rng, 3, 8) * (kind === 'shift_down' ? -1 : 1);
  const stallEnd = onset + Math.max(1, Math.round((size * HOUR) / stepMs));
  const counter = COUNTERS.includes(shape);
  const meanGap = between(rng, 0.5, 4) * DAY;
  const nextGap = () => Math.max(1, Math.round((-Math.log(1 - rng()) * meanGap) / stepMs));
  let nextRestart = counter ? nextGap() : Infinity;
  let loop = 0; // restarts still to come in a crash loop
  let total = counter ? Math.floor(between(rng, 0, 1e7)) : 0;
  const resets: number[] = [];
  const ts: number[] = [];
  const values: number[] = [];
  for (let i = 0; i < points; i++) {
    const t = start + i * stepMs;
    const on = onset >= 0 && i >= onset;
    let m = rate.mean(t);
    if (on && (kind === 'shift_up' || kind === 'shift_down')) m = Math.max(0, m + size * rate.sigma);
    let r = rate.noisy(m, rng);
    if (i === onset && kind === 'spike') r += size * rate.sigma;
    if (on && kind === 'stall' && i < stallEnd) r = 0;
    if (!counter) {
      ts.push(t);
      values.push(r);
      continue;
    }
    if (i >= nextRestart) {
      // The new process counted part of this step's work since it started.
      total = Math.round(r * rng());
      resets.push(i);
      if (loop === 0 && rng() < 0.25) loop = 1 + Math.floor(rng() * 2);
      if (loop > 0) {
        loop--;
        nextRestart = i + Math.max(1, Math.round((between(rng, 2, 15) * MINUTE) / stepMs));
      } else nextRestart = i + nextGap();
    } else total += Math.round(r);
    ts.push(t);
    values.push(total);
  }
  const half = Math.round((0.1 * points) / 2);
  const windows: [number, number][] = onset < 0 ? [] : [[ts[Math.max(0, onset - half)], ts[Math.min(points - 1, onset + half)]]];
  return { name: `${kind}/${shape}_step${stepMs / 1000}s_s${seed}`, timestamps: ts, values, windows, kind, shape, stepMs, size, onset, resets };
}

/** Every case of the grid (5 kinds × 5 shapes × 3 steps × 2), deterministic. */
export function fourthCorpus(): FourthCase[] {
  const out: FourthCase[] = [];
  let seed = 40_001;
  for (const kind of FOURTH_KINDS)
    for (const shape of FOURTH_SHAPES)
      for (const stepMs of FOURTH_STEPS_MS) for (let r = 0; r < REPLICATES; r++) out.push(fourthCase(seed++, kind, shape, stepMs));
  return out;
}
