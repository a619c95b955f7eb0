/**
 * Leave-one-file-out over a NAB-layout corpus: a held-out figure to put beside the tuned one.
 * For each file in turn, everything that is chosen (the NAB threshold, and which of several
 * detector variants to use) is chosen on the other files, then the left-out file is scored with
 * that choice. The raw held-out scores are summed over the folds and normalised as NAB does
 * (100·(S − S_null)/(S_perfect − S_null) over the whole corpus), so the figure is comparable with
 * the tuned score, which picks the threshold (and variant) on every file at once.
 *
 * Pure: the caller runs the detector (scores per variant) and passes the files in.
 */
import { optimiseThreshold, scoreAtThreshold, type CostProfile, type NabFile } from './score.js';

export interface LofoFold {
  file: string;
  /** The variant chosen on the other files. */
  variant: string;
  /** The threshold chosen on the other files. */
  threshold: number;
  /** Raw NAB score of the left-out file at that threshold. */
  raw: number;
  tp: number;
  fn: number;
  fp: number;
}

export interface LofoResult {
  /** Normalised held-out score. */
  heldOut: number;
  /** Normalised score with the threshold and variant chosen on all files (the tuned figure). */
  tuned: number;
  tunedVariant: string;
  folds: LofoFold[];
}

/** Normalised score of a raw total over `windows` windows. */
function normalise(raw: number, windows: number, profile: CostProfile): number {
  const nul = -profile.fn * windows;
  const perfect = profile.tp * windows;
  return perfect === nul ? 0 : (100 * (raw - nul)) / (perfect - nul);
}

/**
 * `variants` maps a variant's name to its scored files (the same files, in the same order, for
 * every variant). With one variant this measures what choosing the threshold on the file itself
 * is worth; with several it also measures the choice among them.
 */
export function leaveOneFileOut(variants: Record<string, NabFile[]>, profile: CostProfile): LofoResult {
  const names = Object.keys(variants);
  if (names.length === 0) throw new Error('leaveOneFileOut: no variants');
  const files = variants[names[0]];
  const windows = files.reduce((s, f) => s + f.windows.length, 0);
  // The best variant and threshold on a set of files.
  const choose = (keep: (i: number) => boolean) => {
    let best = { variant: names[0], threshold: Infinity, score: -Infinity };
    for (const v of names) {
      const r = optimiseThreshold(
        variants[v].filter((_, i) => keep(i)),
        profile,
      );
      if (r.score > best.score + 1e-12) best = { variant: v, threshold: r.threshold, score: r.score };
    }
    return best;
  };
  const folds: LofoFold[] = files.map((f, i) => {
    const c = choose((j) => j !== i);
    const o = scoreAtThreshold([variants[c.variant][i]], profile, c.threshold);
    return { file: f.name, variant: c.variant, threshold: c.threshold, raw: o.score, tp: o.tp, fn: o.fn, fp: o.fp };
  });
  const all = choose(() => true);
  return {
    heldOut: normalise(
      folds.reduce((s, f) => s + f.raw, 0),
      windows,
      profile,
    ),
    tuned: normalise(all.score, windows, profile),
    tunedVariant: all.variant,
    folds,
  };
}
