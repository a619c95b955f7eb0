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

export interface HeldOutFigures {
  rows: Record<string, string | number>[];
  metrics: {
    mean_ga_synth: number;
    min_ga_synth: number;
    mean_fga_synth: number;
    mean_ga_sim: number;
    min_ga_sim: number;
    mean_ga_shapes: number;
    min_ga_shapes: number;
    /** Token-shape systems: true events split over several groups, and groups mixing events (summed over seeds). */
    shapes_split_events: number;
    shapes_merged_groups: number;
    mean_ga_ops: number;
    min_ga_ops: number;
    ops_split_events: number;
    ops_merged_groups: number;
    mean_ga_styles: number;
    min_ga_styles: number;
    styles_split_events: number;
    styles_merged_groups: number;
    mean_ga_infra: number;
    min_ga_infra: number;
    infra_split_events: number;
    infra_merged_groups: number;
  };
}

const r4 = (x: number) => Math.round(x * 10_000) / 10_000;

export function heldOutFigures(): HeldOutFigures {
  const rows: Record<string, string | number>[] = [];
  const synth = SYNTH_SEEDS.map((seed) => {
    const s = synthSystem(seed);
    return { ...scoreLines(s.lines, s.events), events: s.templates };
  });
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  rows.push({
    system: `synthetic ×${synth.length} (held-out)`,
    lines: synth.length * 2_000,
    GA: r4(mean(synth.map((g) => g.ga))),
    FGA: r4(mean(synth.map((g) => g.fga))),
    clusters: synth.reduce((a, g) => a + g.predicted, 0),
    events: synth.reduce((a, g) => a + g.events, 0),
    note: `min GA ${r4(Math.min(...synth.map((g) => g.ga)))}`,
  });
  const shapes = SHAPE_SEEDS.map((seed) => {
    const s = shapeSystem(seed);
    const pred = clusterIds(s.lines);
    return { ...groupingScores(pred, s.events), ...splitMergeCounts(pred, s.events) };
  });
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  rows.push({
    system: `token shapes ×${shapes.length} (held-out)`,
    lines: shapes.length * 2_000,
    GA: r4(mean(shapes.map((g) => g.ga))),
    FGA: r4(mean(shapes.map((g) => g.fga))),
    clusters: sum(shapes.map((g) => g.predicted)),
    events: sum(shapes.map((g) => g.actual)),
    note: `min GA ${r4(Math.min(...shapes.map((g) => g.ga)))}; over-split events ${sum(shapes.map((g) => g.splitEvents))} (${sum(shapes.map((g) => g.splitLines))} lines), over-merged groups ${sum(shapes.map((g) => g.mergedGroups))} (${sum(shapes.map((g) => g.mergedLines))} lines)`,
  });
  const ops = OPS_SEEDS.map((seed) => {
    const s = opsSystem(seed);
    const pred = clusterIds(s.lines);
    return { ...groupingScores(pred, s.events), ...splitMergeCounts(pred, s.events) };
  });
  rows.push({
    system: `operational shapes ×${ops.length} (held-out)`,
    lines: ops.length * 2_000,
    GA: r4(mean(ops.map((g) => g.ga))),
    FGA: r4(mean(ops.map((g) => g.fga))),
    clusters: sum(ops.map((g) => g.predicted)),
    events: sum(ops.map((g) => g.actual)),
    note: `min GA ${r4(Math.min(...ops.map((g) => g.ga)))}; over-split events ${sum(ops.map((g) => g.splitEvents))} (${sum(ops.map((g) => g.splitLines))} lines), over-merged groups ${sum(ops.map((g) => g.mergedGroups))} (${sum(ops.map((g) => g.mergedLines))} lines)`,
  });
  const styles = STYLE_SEEDS.map((seed) => {
    const s = styleSystem(seed);
    const pred = clusterIds(s.lines);
    return { ...groupingScores(pred, s.events), ...splitMergeCounts(pred, s.events) };
  });
  rows.push({
    system: `system styles ×${styles.length} (held-out)`,
    lines: styles.length * 2_000,
    GA: r4(mean(styles.map((g) => g.ga))),
    FGA: r4(mean(styles.map((g) => g.fga))),
    clusters: sum(styles.map((g) => g.predicted)),
    events: sum(styles.map((g) => g.actual)),
    note: `min GA ${r4(Math.min(...styles.map((g) => g.ga)))}; over-split events ${sum(styles.map((g) => g.splitEvents))} (${sum(styles.map((g) => g.splitLines))} lines), over-merged groups ${sum(styles.map((g) => g.mergedGroups))} (${sum(styles.map((g) => g.mergedLines))} lines)`,
  });
  const infra = INFRA_SEEDS.map((seed) => {
    const s = infraSystem(seed);
    const pred = clusterIds(s.lines);
    return { ...groupingScores(pred, s.events), ...splitMergeCounts(pred, s.events) };
  });
  rows.push({
    system: `infrastructure services ×${infra.length} (held-out, final check)`,
    lines: infra.length * 2_000,
    GA: r4(mean(infra.map((g) => g.ga))),
    FGA: r4(mean(infra.map((g) => g.fga))),
    clusters: sum(infra.map((g) => g.predicted)),
    events: sum(infra.map((g) => g.actual)),
    note: `min GA ${r4(Math.min(...infra.map((g) => g.ga)))}; over-split events ${sum(infra.map((g) => g.splitEvents))} (${sum(infra.map((g) => g.splitLines))} lines), over-merged groups ${sum(infra.map((g) => g.mergedGroups))} (${sum(infra.map((g) => g.mergedLines))} lines)`,
  });
  const sim = simLogSystems().map((s) => ({ name: s.name, lines: s.lines.length, ...scoreLines(s.lines, s.events, { format: s.format }) }));
  for (const g of sim) rows.push({ system: `${g.name} (held-out)`, lines: g.lines, GA: r4(g.ga), FGA: r4(g.fga), clusters: g.predicted, events: g.actual, note: 'sandbox format' });
  return {
    rows,
    metrics: {
      mean_ga_synth: r4(mean(synth.map((g) => g.ga))),
      min_ga_synth: r4(Math.min(...synth.map((g) => g.ga))),
      mean_fga_synth: r4(mean(synth.map((g) => g.fga))),
      mean_ga_sim: r4(mean(sim.map((g) => g.ga))),
      min_ga_sim: r4(Math.min(...sim.map((g) => g.ga))),
      mean_ga_shapes: r4(mean(shapes.map((g) => g.ga))),
      min_ga_shapes: r4(Math.min(...shapes.map((g) => g.ga))),
      shapes_split_events: sum(shapes.map((g) => g.splitEvents)),
      shapes_merged_groups: sum(shapes.map((g) => g.mergedGroups)),
      mean_ga_ops: r4(mean(ops.map((g) => g.ga))),
      min_ga_ops: r4(Math.min(...ops.map((g) => g.ga))),
      ops_split_events: sum(ops.map((g) => g.splitEvents)),
      ops_merged_groups: sum(ops.map((g) => g.mergedGroups)),
      mean_ga_styles: r4(mean(styles.map((g) => g.ga))),
      min_ga_styles: r4(Math.min(...styles.map((g) => g.ga))),
      styles_split_events: sum(styles.map((g) => g.splitEvents)),
      styles_merged_groups: sum(styles.map((g) => g.mergedGroups)),
      mean_ga_infra: r4(mean(infra.map((g) => g.ga))),
      min_ga_infra: r4(Math.min(...infra.map((g) => g.ga))),
      infra_split_events: sum(infra.map((g) => g.splitEvents)),
      infra_merged_groups: sum(infra.map((g) => g.mergedGroups)),
    },
  };
}
