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

/**
 * Which way a clustering errs: `splitEvents` true events whose lines fall in more than one
 * group (over-splitting) and `mergedGroups` groups that mix lines of more than one event
 * (over-merging), with the lines each touches. An event can be both split and merged.
 */
export function splitMergeCounts(pred: readonly string[], truth: readonly string[]): { splitEvents: number; splitLines: number; mergedGroups: number; mergedLines: number } {
  if (pred.length !== truth.length) throw new Error(`prediction has ${pred.length} lines, truth ${truth.length}`);
  const groupsOf = new Map<string, Set<string>>();
  const eventsOf = new Map<string, Set<string>>();
  const lines = new Map<string, number>();
  pred.forEach((p, i) => {
    const t = truth[i];
    if (!groupsOf.has(t)) groupsOf.set(t, new Set());
    groupsOf.get(t)!.add(p);
    if (!eventsOf.has(p)) eventsOf.set(p, new Set());
    eventsOf.get(p)!.add(t);
    lines.set(`t${t}`, (lines.get(`t${t}`) ?? 0) + 1);
    lines.set(`p${p}`, (lines.get(`p${p}`) ?? 0) + 1);
  });
  let splitEvents = 0;
  let splitLines = 0;
  for (const [t, gs] of groupsOf) {
    if (gs.size < 2) continue;
    splitEvents++;
    splitLines += lines.get(`t${t}`)!;
  }
  let mergedGroups = 0;
  let mergedLines = 0;
  for (const [p, es] of eventsOf) {
    if (es.size < 2) continue;
    mergedGroups++;
    mergedLines += lines.get(`p${p}`)!;
  }
  return { splitEvents, splitLines, mergedGroups, mergedLines };
}
