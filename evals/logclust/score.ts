/**
 * Clusters lines through the same path as `warroom logs cluster` (LineClusterer) and scores the
 * groups against known events: the shared scorer of the held-out log-clustering checks.
 */
import { LineClusterer, type LineClustererOptions } from '../../detectors/logs/pipeline.js';

/** Final cluster ids of `lines`, in order (merges late in the input fold early ids). */
export function clusterIds(lines: readonly string[], opts: LineClustererOptions = {}): string[] {
  const lc = new LineClusterer({ format: 'text', joinContinuations: false, ...opts });
  const raw = lines.map((l) => lc.push(l));
  return raw.map((id) => String(lc.resolve(id)));
}

/** GA / FGA of clustering `lines` against `events`. */
export function scoreLines(lines: readonly string[], events: readonly string[], opts: LineClustererOptions = {}): ReturnType<typeof groupingScores> {
  return groupingScores(clusterIds(lines, opts), events);
}

/** Grouping accuracy and FGA of predicted groups against true groups (same length, same order). */
export function groupingScores(pred: readonly string[], truth: readonly string[]): { ga: number; fga: number; predicted: number; actual: number; correctGroups: number } {
  if (pred.length !== truth.length) throw new Error(`prediction has ${pred.length} lines, truth ${truth.length}`);
  const byPred = new Map<string, number[]>();
  pred.forEach((p, i) => {
    const g = byPred.get(p);
    if (g) g.push(i);
    else byPred.set(p, [i]);
  });
  const truthSize = new Map<string, number>();
  for (const t of truth) truthSize.set(t, (truthSize.get(t) ?? 0) + 1);
  let correctLines = 0;
  let correctGroups = 0;
  for (const lines of byPred.values()) {
    const t = truth[lines[0]];
    if (lines.every((i) => truth[i] === t) && truthSize.get(t) === lines.length) {
      correctLines += lines.length;
      correctGroups++;
    }
  }
  const precision = byPred.size === 0 ? 0 : correctGroups / byPred.size;
  const recall = truthSize.size === 0 ? 0 : correctGroups / truthSize.size;
  return {
    ga: truth.length === 0 ? 0 : correctLines / truth.length,
    fga: precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall),
    predicted: byPred.size,
    actual: truthSize.size,
    correctGroups,
  };
}
