/**
 * A second synthetic corpus, held out: written before any change it scores was tried, and never
 * tuned on (issue 14). It differs from synthetic-corpus.ts on purpose, so a change that fits that
 * generator's quirks does not pass here for free:
 *   - its own generator (not detectors/metrics/synthetic.ts) and seeds (from 10,001);
 *   - other steps (2, 10 and 60 minutes) and noise levels (2 %, 5 %, 12 % of the level);
 *   - four shapes of normal: flat, weekly (a daily cycle plus a weekend dip), a slowly wandering
 *     level (a mean-reverting random walk, which a baseline must follow without alarming), and
 *     counts with Poisson noise (small means, so the noise is skewed and discrete);
 *   - half the series carry benign spikes (unlabelled, 3-6 σ, about one in 400 points), so a
 *     detector that alarms on any spike pays NAB's false-positive cost;
 *   - anomaly sizes in units of the series' own noise σ, at two magnitudes (small, large).
 * Each series spans 8 days, one anomaly at a seeded time between day 4 and day 6, labelled as NAB
 * labels: a window of 10 % of the series centred on the onset. Controls (kind 'none') have none.
 * Series with a weekly cycle (weekly, poisson) span 22 days instead, the anomaly on a weekday of
 * the third week (day 15.5 to 17.5, its window clear of the weekends): in 8 days the first weekend
 * is a −30 % level never seen before, which no detector can know is normal (all six controls
 * alerting in the first scoring were weekend edges; changed after that scoring, evals/README.md).
 */
import { gaussian, poisson, seededRng } from '../../core/rng.js';
import type { NabSeries } from '../nab/corpus.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export const HELDOUT_KINDS = ['none', 'spike', 'shift_up', 'shift_down', 'shift_3h', 'variance_up', 'trend'] as const;
export type HeldoutKind = (typeof HELDOUT_KINDS)[number];
export const HELDOUT_SHAPES = ['flat', 'weekly', 'walk', 'poisson'] as const;
export type HeldoutShape = (typeof HELDOUT_SHAPES)[number];
export const HELDOUT_STEPS_MS = [2 * MINUTE, 10 * MINUTE, 60 * MINUTE];
const NOISES = [0.02, 0.05, 0.12];
/** Poisson means: few events per step, some, many. */
const POISSON_MEANS = [4, 25, 150];
export const HELDOUT_MAGNITUDES = ['small', 'large'] as const;

/** Anomaly sizes in σ of the series' noise, per magnitude. */
const SIZES = {
  small: { spike: 10, shift: 4, variance: 2.5, trendPerDay: 6 },
  large: { spike: 20, shift: 8, variance: 5, trendPerDay: 20 },
} as const;

export interface HeldoutCase extends NabSeries {
  kind: HeldoutKind;
  shape: HeldoutShape;
  stepMs: number;
  magnitude: (typeof HELDOUT_MAGNITUDES)[number];
  /** Noise σ in the series' units. */
  sigma: number;
  benignSpikes: boolean;
  /** Index of the anomaly's onset (−1 for a control). */
  onset: number;
}

/** One series of the grid. */
function heldoutCase(seed: number, kind: HeldoutKind, shape: HeldoutShape, stepMs: number, magnitude: 'small' | 'large'): HeldoutCase {
  const rng = seededRng(seed);
  const weeklyCycle = shape === 'weekly' || shape === 'poisson';
  const points = Math.round(((weeklyCycle ? 22 : 8) * DAY) / stepMs);
  const start = Date.UTC(2026, 2, 2); // a Monday
  const level = shape === 'poisson' ? POISSON_MEANS[Math.floor(rng() * 3)] : 50 + 950 * rng();
  const noise = NOISES[Math.floor(rng() * 3)];
  const sigma = shape === 'poisson' ? Math.sqrt(level) : level * noise;
  const benignSpikes = rng() < 0.5;
  const onset = kind === 'none' ? -1 : Math.round(((weeklyCycle ? 15.5 : 4) * DAY + rng() * 2 * DAY) / stepMs);
  const size = SIZES[magnitude];
  const shortEnd = onset + Math.max(1, Math.round((3 * HOUR) / stepMs));
  // The wandering level: an AR(1) around 0 with a time constant of a day and a stationary σ of
  // twice the noise, so it drifts by a few σ over hours, as a healthy gauge does.
  const phi = Math.exp(-stepMs / DAY);
  const walkSd = 2 * sigma * Math.sqrt(1 - phi * phi);
  let walk = 0;
  const ts: number[] = [];
  const values: number[] = [];
  for (let i = 0; i < points; i++) {
    const t = start + i * stepMs;
    const on = onset >= 0 && i >= onset;
    let mean = level;
    if (weeklyCycle) {
      const day = new Date(t).getUTCDay();
      const cycle = 0.25 * Math.sin((2 * Math.PI * (t % DAY)) / DAY - Math.PI / 2);
      mean = level * (1 + cycle - (day === 0 || day === 6 ? 0.3 : 0));
    }
    if (shape === 'walk') {
      walk = phi * walk + walkSd * gaussian(rng);
      mean += walk;
    }
    if (on && kind === 'shift_up') mean += size.shift * sigma;
    if (on && kind === 'shift_down') mean -= size.shift * sigma;
    if (on && kind === 'shift_3h' && i < shortEnd) mean += size.shift * sigma;
    if (on && kind === 'trend') mean += (size.trendPerDay * sigma * (i - onset) * stepMs) / DAY;
    const factor = on && kind === 'variance_up' ? size.variance : 1;
    let v: number;
    if (shape === 'poisson') {
      // More variance in a count is overdispersion: a Poisson with a randomly scaled mean.
      const m = factor === 1 ? mean : Math.max(0, mean + (factor - 1) * Math.sqrt(mean) * gaussian(rng));
      v = poisson(rng, Math.max(0, m), 60);
    } else v = mean + factor * sigma * gaussian(rng);
    if (benignSpikes && rng() < 1 / 400) v += (rng() < 0.8 ? 1 : -1) * (3 + 3 * rng()) * sigma;
    if (i === onset && kind === 'spike') v += size.spike * sigma;
    ts.push(t);
    values.push(shape === 'poisson' ? Math.max(0, Math.round(v)) : v);
  }
  const half = Math.round((0.1 * points) / 2);
  const windows: [number, number][] = onset < 0 ? [] : [[ts[Math.max(0, onset - half)], ts[Math.min(points - 1, onset + half)]]];
  const name = `${kind}/${shape}_step${stepMs / MINUTE}m_${magnitude}`;
  return { name, timestamps: ts, values, windows, kind, shape, stepMs, magnitude, sigma, benignSpikes, onset };
}

/** Every case of the grid (7 kinds × 4 shapes × 3 steps × 2 magnitudes), deterministic. */
export function heldoutCorpus(): HeldoutCase[] {
  const out: HeldoutCase[] = [];
  let seed = 10_001;
  for (const kind of HELDOUT_KINDS)
    for (const shape of HELDOUT_SHAPES)
      for (const stepMs of HELDOUT_STEPS_MS) for (const magnitude of HELDOUT_MAGNITUDES) out.push(heldoutCase(seed++, kind, shape, stepMs, magnitude));
  return out;
}
