/**
 * The held-out log-clustering checks that need no public data: synthetic systems and the
 * sandbox's log formats (events known by construction; nothing was tuned on them). Shared by
 * the quick `logclust` suite and the `loghub` suite, which prints them beside the public files.
 */
import { infraSystem } from './infra.js';
import { clusterIds, groupingScores, scoreLines, splitMergeCounts } from './score.js';
import { opsSystem } from './ops.js';
import { shapeSystem } from './shapes.js';
import { simLogSystems } from './sim-logs.js';
import { styleSystem } from './styles.js';
import { synthSystem } from './synth.js';

/** Seeds of the synthetic systems (fixed: the figures are reproducible). */
export const SYNTH_SEEDS = Array.from({ length: 24 }, (_, i) => i + 1);
/** Seeds of the token-shape systems (evals/logclust/shapes.ts). */
export const SHAPE_SEEDS = Array.from({ length: 24 }, (_, i) => i + 1);
/** Seeds of the operational-shape systems (evals/logclust/ops.ts). */
export const OPS_SEEDS = Array.from({ length: 24 }, (_, i) => i + 1);
/** Seeds of the system-style systems (evals/logclust/styles.ts). */
export const STYLE_SEEDS = Array.from({ length: 24 }, (_, i) => i + 1);
/** Seeds of the infrastructure-service systems (evals/logclust/infra.ts): the final check nothing is tuned on. */
export const INFRA_SEEDS = Array.from({ length: 24 }, (_, i) => i + 1);

/** The generated families, in the order they are printed: each seed makes one system of 2,000 lines with its events. */
export const GENERATED_FAMILIES = [
  { key: 'synth', label: 'synthetic', seeds: SYNTH_SEEDS, system: synthSystem },
  { key: 'shapes', label: 'token shapes', seeds: SHAPE_SEEDS, system: shapeSystem },
  { key: 'ops', label: 'operational shapes', seeds: OPS_SEEDS, system: opsSystem },
  { key: 'styles', label: 'system styles', seeds: STYLE_SEEDS, system: styleSystem },
  { key: 'infra', label: 'infrastructure services', seeds: INFRA_SEEDS, system: infraSystem, note: 'final check' },
] as const satisfies readonly { key: string; label: string; seeds: readonly number[]; system: (seed: number) => { lines: string[]; events: string[] }; note?: string }[];

type FamilyKey = (typeof GENERATED_FAMILIES)[number]['key'];
type FamilyMetrics = { [K in `mean_ga_${FamilyKey}` | `min_ga_${FamilyKey}` | `${FamilyKey}_split_events` | `${FamilyKey}_merged_groups`]: number };

export interface HeldOutFigures {
  rows: Record<string, string | number>[];
  /** Per family: mean and min GA, true events split over several groups and groups mixing events (summed over seeds); FGA of the synthetic one; the sandbox formats'. */
  metrics: FamilyMetrics & { mean_fga_synth: number; mean_ga_sim: number; min_ga_sim: number };
}

const r4 = (x: number) => Math.round(x * 10_000) / 10_000;
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

export function heldOutFigures(): HeldOutFigures {
  const rows: Record<string, string | number>[] = [];
  const metrics: Record<string, number> = {};
  for (const f of GENERATED_FAMILIES) {
    const scored = f.seeds.map((seed) => {
      const s = f.system(seed);
      const pred = clusterIds(s.lines);
      return { ...groupingScores(pred, s.events), ...splitMergeCounts(pred, s.events) };
    });
    const ga = scored.map((g) => g.ga);
    const note = 'note' in f ? `, ${f.note}` : '';
    rows.push({
      system: `${f.label} ×${scored.length} (held-out${note})`,
      lines: scored.length * 2_000,
      GA: r4(mean(ga)),
      FGA: r4(mean(scored.map((g) => g.fga))),
      clusters: sum(scored.map((g) => g.predicted)),
      events: sum(scored.map((g) => g.actual)),
      note: `min GA ${r4(Math.min(...ga))}; over-split events ${sum(scored.map((g) => g.splitEvents))} (${sum(scored.map((g) => g.splitLines))} lines), over-merged groups ${sum(scored.map((g) => g.mergedGroups))} (${sum(scored.map((g) => g.mergedLines))} lines)`,
    });
    metrics[`mean_ga_${f.key}`] = r4(mean(ga));
    metrics[`min_ga_${f.key}`] = r4(Math.min(...ga));
    metrics[`${f.key}_split_events`] = sum(scored.map((g) => g.splitEvents));
    metrics[`${f.key}_merged_groups`] = sum(scored.map((g) => g.mergedGroups));
    if (f.key === 'synth') metrics.mean_fga_synth = r4(mean(scored.map((g) => g.fga)));
  }
  const sim = simLogSystems().map((s) => ({ name: s.name, lines: s.lines.length, ...scoreLines(s.lines, s.events, { format: s.format }) }));
  for (const g of sim) rows.push({ system: `${g.name} (held-out)`, lines: g.lines, GA: r4(g.ga), FGA: r4(g.fga), clusters: g.predicted, events: g.actual, note: 'sandbox format' });
  metrics.mean_ga_sim = r4(mean(sim.map((g) => g.ga)));
  metrics.min_ga_sim = r4(Math.min(...sim.map((g) => g.ga)));
  return { rows, metrics: metrics as HeldOutFigures['metrics'] };
}
