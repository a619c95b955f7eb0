/**
 * A corpus of synthetic series whose ground truth is known by construction, in the NAB layout the
 * scorer reads (evals/nab): every anomaly kind the detector should catch (spikes, level shifts up
 * and down, a 2.5-hour transient shift, variance changes, trend breaks, seasonality breaks,
 * flat-lines) at three noise levels, with and without a daily cycle, at 1-, 5- and 30-minute
 * steps, plus anomaly-free controls. It exists to check the detector on series it was not tuned
 * on: the ten NAB development files are few, and the defaults had come to fit them.
 *
 * Each series spans 7 days, one anomaly at a seeded time on day 4 or 5 (after the detector's
 * warm-up and NAB's probation), labelled as NAB labels: a window of 10 % of the series centred
 * on the onset.
 */
import { seededRng } from '../../core/rng.js';
import { syntheticSeries, type Injection } from '../../detectors/metrics/synthetic.js';
import type { NabSeries } from '../nab/corpus.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export const SYNTHETIC_KINDS = ['none', 'spike', 'shift_up', 'shift_down', 'shift_2h30', 'variance_up', 'trend', 'season_break', 'flatline'] as const;
export type SyntheticKind = (typeof SYNTHETIC_KINDS)[number];

/** Noise σ as a share of the level. */
export const SYNTHETIC_NOISE = [0.01, 0.03, 0.08];
export const SYNTHETIC_STEPS_MS = [MINUTE, 5 * MINUTE, 30 * MINUTE];
/** Daily cycle amplitude (share of the level): none, or a clear one. */
export const SYNTHETIC_DAILY = [0, 0.3];

export interface SyntheticCase extends NabSeries {
  kind: SyntheticKind;
  noise: number;
  stepMs: number;
  daily: number;
  /** Index of the anomaly's onset (−1 for a control). */
  onset: number;
}

/** The injection of one kind at index `at` (sizes are shares of the level). */
function injection(kind: SyntheticKind, at: number, stepMs: number): Injection[] {
  const points = (ms: number) => Math.max(1, Math.round(ms / stepMs));
  switch (kind) {
    case 'none':
      return [];
    case 'spike':
      return [{ kind: 'spike', at, size: 0.5 }];
    case 'shift_up':
      return [{ kind: 'shift', at, size: 0.25 }];
    case 'shift_down':
      return [{ kind: 'shift', at, size: -0.25 }];
    case 'shift_2h30':
      return [{ kind: 'shift', at, size: 0.25, until: at + points(2.5 * HOUR) }];
    case 'variance_up':
      return [{ kind: 'variance', at, factor: 4 }];
    case 'trend':
      return [{ kind: 'trend', at, size: 0.5 }];
    case 'season_break':
      return [{ kind: 'season', at, factor: 0 }];
    case 'flatline':
      return [{ kind: 'flatline', at, until: at + points(12 * HOUR) }];
  }
}

/** Every case of the grid, deterministic (seeded per case). */
export function syntheticCorpus(): SyntheticCase[] {
  const out: SyntheticCase[] = [];
  let seed = 1;
  for (const kind of SYNTHETIC_KINDS)
    for (const daily of SYNTHETIC_DAILY) {
      // A seasonality break needs a season.
      if (kind === 'season_break' && daily === 0) continue;
      for (const noise of SYNTHETIC_NOISE)
        for (const stepMs of SYNTHETIC_STEPS_MS) {
          const rng = seededRng(seed++);
          const points = Math.round((7 * DAY) / stepMs);
          // Onset somewhere on day 4 or 5, at any hour: the detector must not rely on its phase.
          const onset = kind === 'none' ? -1 : Math.round((4 * DAY + rng() * 2 * DAY) / stepMs);
          const { ts, values } = syntheticSeries(rng, { points, stepMs, daily, noise, inject: onset < 0 ? [] : injection(kind, onset, stepMs) });
          const half = Math.round((0.1 * points) / 2);
          const windows: [number, number][] = onset < 0 ? [] : [[ts[Math.max(0, onset - half)], ts[Math.min(points - 1, onset + half)]]];
          const name = `${kind}/step${stepMs / MINUTE}m_noise${noise}_${daily ? 'daily' : 'flat'}`;
          out.push({ name, timestamps: ts, values, windows, kind, noise, stepMs, daily, onset });
        }
    }
  return out;
}
