/**
 * The Numenta Anomaly Benchmark score (Lavin & Ahmad, "Evaluating real-time anomaly detection
 * algorithms — the Numenta Anomaly Benchmark", ICMLA 2015; NAB v1.1 scoring), implemented from its
 * description in ../shared/data/nab/README.md and the paper:
 *
 * 1. the first 15 % of each file (at most 750 rows) is probation and is not scored;
 * 2. a detection is a row whose score ≥ the threshold; in each window only the earliest detection
 *    counts and earns A_TP·σₛ(y)/σₛ(−1), σₛ(y) = 2·sigmoid(−5y) − 1, y = −(right − i + 1)/width
 *    (−1 at the left edge, → 0 at the right edge); a window with no detection costs −A_FN;
 * 3. a detection outside every window costs A_FP·σₛ(y) (≤ 0): y = |i − right of the previous
 *    window| / (its width − 1), so a detection just after a window costs little; with no previous
 *    window, or y > 3, it costs the full −A_FP;
 * 4. one threshold for the whole corpus per profile, chosen by trying every distinct score value;
 * 5. normalised = 100·(S − S_null)/(S_perfect − S_null): S_null is the score of a detector that
 *    never fires (−A_FN per window), S_perfect = A_TP per window.
 *
 * Dividing the true-positive reward by σₛ(−1) (as NAB's sweeper does) makes a detection on a
 * window's first row earn exactly A_TP, so a perfect detector scores 100.
 */

export interface CostProfile {
  tp: number;
  fp: number;
  fn: number;
}

export type ProfileName = 'standard' | 'reward_low_FP_rate' | 'reward_low_FN_rate';

/** NAB v1.1 cost profiles (profiles.json of the benchmark). */
export const NAB_PROFILES: Record<ProfileName, CostProfile> = {
  standard: { tp: 1, fp: 0.11, fn: 1 },
  reward_low_FP_rate: { tp: 1, fp: 0.22, fn: 1 },
  reward_low_FN_rate: { tp: 1, fp: 0.11, fn: 2 },
};

/** One scored file: timestamps (epoch ms, ascending), one score per row, windows [start, end] in ms. */
export interface NabFile {
  name: string;
  timestamps: number[];
  scores: number[];
  windows: [number, number][];
}

/** σₛ(y) = 2·sigmoid(−5y) − 1, and −1 beyond y > 3 (NAB's scaledSigmoid). */
export function scaledSigmoid(y: number): number {
  if (y > 3) return -1;
  return 2 / (1 + Math.exp(5 * y)) - 1;
}

/** Rows of probation: floor(min(0.15·n, 0.15·5000)). */
export function probationLength(n: number): number {
  return Math.floor(Math.min(0.15 * n, 0.15 * 5000));
}

/** A scorable row: its score, what a detection there is worth (unweighted), and its window. */
interface Row {
  score: number;
  /** σₛ-based value before the profile weights: TP share in (0, 1] inside a window, FP cost in [−1, 0] outside. */
  value: number;
  /** Global window id, or −1 outside every window. */
  window: number;
}

/** Row index ranges [first, last] of each window (rows inside the window's time span). */
export function windowRows(timestamps: number[], windows: [number, number][]): [number, number][] {
  const out: [number, number][] = [];
  for (const [a, b] of windows) {
    let first = -1;
    let last = -1;
    for (let i = 0; i < timestamps.length; i++) {
      if (timestamps[i] >= a && timestamps[i] <= b) {
        if (first < 0) first = i;
        last = i;
      }
    }
    if (first >= 0) out.push([first, last]);
  }
  return out;
}

interface Prepared {
  rows: Row[];
  /** Global ids of the windows that have scorable rows. */
  windowIds: number[];
  fileOfWindow: Map<number, string>;
  fileOfRow: string[];
  files: string[];
  totalWindows: number;
}

const MAX_TP = scaledSigmoid(-1);

function prepare(files: NabFile[]): Prepared {
  const rows: Row[] = [];
  const fileOfRow: string[] = [];
  const windowIds: number[] = [];
  const fileOfWindow = new Map<number, string>();
  let nextId = 0;
  let totalWindows = 0;
  for (const f of files) {
    if (f.scores.length !== f.timestamps.length) throw new Error(`${f.name}: ${f.scores.length} scores for ${f.timestamps.length} rows`);
    const wins = windowRows(f.timestamps, f.windows);
    totalWindows += f.windows.length;
    const ids = wins.map(() => nextId++);
    const probation = probationLength(f.timestamps.length);
    const seen = new Set<number>();
    let w = 0;
    let prev: [number, number] | null = null;
    for (let i = 0; i < f.timestamps.length; i++) {
      while (w < wins.length && wins[w][1] < i) prev = wins[w++];
      const inWin = w < wins.length && i >= wins[w][0] && i <= wins[w][1];
      let value: number;
      let window = -1;
      if (inWin) {
        const [first, last] = wins[w];
        const width = last - first + 1;
        value = scaledSigmoid(-(last - i + 1) / width) / MAX_TP;
        window = ids[w];
      } else if (prev === null) {
        value = -1;
      } else {
        const prevWidth = prev[1] - prev[0] + 1;
        value = prevWidth > 1 ? scaledSigmoid(Math.abs(prev[1] - i) / (prevWidth - 1)) : -1;
      }
      if (i < probation) continue;
      if (window >= 0 && !seen.has(window)) {
        seen.add(window);
        windowIds.push(window);
        fileOfWindow.set(window, f.name);
      }
      rows.push({ score: f.scores[i], value, window });
      fileOfRow.push(f.name);
    }
  }
  return { rows, windowIds, fileOfWindow, fileOfRow, files: files.map((f) => f.name), totalWindows };
}

export interface FileOutcome {
  file: string;
  score: number;
  tp: number;
  fn: number;
  fp: number;
  detections: number;
}

export interface ThresholdOutcome {
  threshold: number;
  score: number;
  tp: number;
  fn: number;
  fp: number;
  perFile: FileOutcome[];
}

/** The raw NAB score of every file at one threshold (a detection is score ≥ threshold). */
export function scoreAtThreshold(files: NabFile[], profile: CostProfile, threshold: number): ThresholdOutcome {
  return scorePrepared(prepare(files), profile, threshold);
}

function scorePrepared(p: Prepared, profile: CostProfile, threshold: number): ThresholdOutcome {
  const per = new Map<string, FileOutcome>(p.files.map((f) => [f, { file: f, score: 0, tp: 0, fn: 0, fp: 0, detections: 0 }]));
  const best = new Map<number, number>();
  p.rows.forEach((r, i) => {
    if (!(r.score >= threshold)) return;
    const o = per.get(p.fileOfRow[i])!;
    o.detections++;
    if (r.window >= 0) best.set(r.window, Math.max(best.get(r.window) ?? -Infinity, r.value));
    else {
      o.fp++;
      o.score += profile.fp * r.value;
    }
  });
  for (const id of p.windowIds) {
    const o = per.get(p.fileOfWindow.get(id)!)!;
    const b = best.get(id);
    if (b === undefined) {
      o.fn++;
      o.score -= profile.fn;
    } else {
      o.tp++;
      o.score += profile.tp * b;
    }
  }
  const perFile = [...per.values()];
  const sum = (k: 'score' | 'tp' | 'fn' | 'fp') => perFile.reduce((s, o) => s + o[k], 0);
  return { threshold, score: sum('score'), tp: sum('tp'), fn: sum('fn'), fp: sum('fp'), perFile };
}

/**
 * The threshold that maximises the corpus score, trying every distinct score (and "never fire").
 * One pass over the rows sorted by descending score: lowering the threshold to the next distinct
 * value adds its rows; a window's reward only rises when an earlier row of it is added. Ties go to
 * the highest threshold.
 */
export function optimiseThreshold(files: NabFile[], profile: CostProfile): { threshold: number; score: number } {
  return optimisePrepared(prepare(files), profile);
}

function optimisePrepared(p: Prepared, profile: CostProfile): { threshold: number; score: number } {
  const order = p.rows.map((_, i) => i).filter((i) => !Number.isNaN(p.rows[i].score));
  order.sort((a, b) => p.rows[b].score - p.rows[a].score);
  let total = -profile.fn * p.windowIds.length;
  let bestScore = total;
  let bestThreshold = Infinity;
  const windowBest = new Map<number, number>();
  let k = 0;
  while (k < order.length) {
    const t = p.rows[order[k]].score;
    while (k < order.length && p.rows[order[k]].score === t) {
      const r = p.rows[order[k]];
      if (r.window < 0) total += profile.fp * r.value;
      else {
        const prev = windowBest.get(r.window);
        if (prev === undefined) {
          total += profile.fn + profile.tp * r.value;
          windowBest.set(r.window, r.value);
        } else if (r.value > prev) {
          total += profile.tp * (r.value - prev);
          windowBest.set(r.window, r.value);
        }
      }
      k++;
    }
    if (total > bestScore + 1e-12) {
      bestScore = total;
      bestThreshold = t;
    }
  }
  return { threshold: bestThreshold, score: bestScore };
}

export interface NabResult {
  profile: ProfileName | 'custom';
  /** 100·(S − S_null)/(S_perfect − S_null). */
  normalised: number;
  raw: number;
  nullScore: number;
  perfectScore: number;
  threshold: number;
  outcome: ThresholdOutcome;
}

/** The normalised NAB score of a corpus under one profile, with its optimal threshold. */
export function nabScore(files: NabFile[], profile: CostProfile, name: NabResult['profile'] = 'custom'): NabResult {
  const p = prepare(files);
  const { threshold } = optimisePrepared(p, profile);
  const outcome = scorePrepared(p, profile, threshold);
  const nullScore = -profile.fn * p.windowIds.length;
  const perfectScore = profile.tp * p.totalWindows;
  const normalised = perfectScore === nullScore ? 0 : (100 * (outcome.score - nullScore)) / (perfectScore - nullScore);
  return { profile: name, normalised, raw: outcome.score, nullScore, perfectScore, threshold, outcome };
}
