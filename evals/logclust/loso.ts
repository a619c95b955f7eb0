/**
 * Leave-one-system-out over the Loghub development systems: for each system, pick the
 * clustering settings that score best on the other systems (from a small grid around the
 * defaults), then score the held-out system with them. The held-out mean says how well the way
 * the defaults were chosen carries to a system it did not see; the defaults themselves stay one
 * set for every log.
 */
import { ClusterOptions } from '../../detectors/logs/cluster.js';
import type { LineClustererOptions } from '../../detectors/logs/pipeline.js';
import { scoreLines } from './score.js';

export interface LabelledSystem {
  name: string;
  format: string;
  lines: string[];
  events: string[];
}

/** The grid: the two knobs of step 3 (how many distinct words make a slot variable, and how dominant one may be). */
export const LOSO_GRID: { siblingValues: number; siblingDominance: number }[] = [2, 3, 4].flatMap((siblingValues) =>
  [0.7, 0.8, 0.9].map((siblingDominance) => ({ siblingValues, siblingDominance })),
);

const DEFAULTS = ClusterOptions.parse({});
const DEFAULT_AT = LOSO_GRID.findIndex((g) => g.siblingValues === DEFAULTS.siblingValues && g.siblingDominance === DEFAULTS.siblingDominance);

export interface LosoFold {
  heldOut: string;
  /** Settings chosen on the other systems. */
  chosen: { siblingValues: number; siblingDominance: number };
  /** GA of the held-out system with the chosen settings. */
  ga: number;
  /** GA of the held-out system with the defaults (for comparison). */
  defaultGa: number;
}

const gaOf = (s: LabelledSystem, cluster: LineClustererOptions['cluster']): number =>
  scoreLines(s.lines, s.events, { format: s.format, joinContinuations: true, cluster }).ga;

/** Runs the folds (needs at least two systems). */
export function leaveOneSystemOut(systems: LabelledSystem[]): LosoFold[] {
  if (systems.length < 2) return [];
  const table = systems.map((s) => LOSO_GRID.map((g) => gaOf(s, g)));
  return systems.map((s, i) => {
    // Ties go to the defaults: a setting replaces them only when it does strictly better on the others.
    let best = DEFAULT_AT;
    let bestMean = -1;
    [DEFAULT_AT, ...LOSO_GRID.keys()].forEach((g) => {
      const mean = table.reduce((sum, row, j) => (j === i ? sum : sum + row[g]), 0) / (systems.length - 1);
      if (mean > bestMean + 1e-12) {
        best = g;
        bestMean = mean;
      }
    });
    return { heldOut: s.name, chosen: LOSO_GRID[best], ga: table[i][best], defaultGa: gaOf(s, undefined) };
  });
}
