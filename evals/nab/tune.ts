/**
 * Compares detector variants the honest way: `npx tsx evals/nab/tune.ts [--data NAB_DIR] [VARIANTS.json]`.
 * For each variant (a name → SeriesDetectorOptions map; the file's, else the defaults alone) it
 * prints the NAB standard score on the development files as tuned (threshold chosen on all ten),
 * held out (leave-one-file-out: the threshold chosen on the other nine), and on the synthetic
 * corpus (evals/detect/synthetic-corpus.ts) and on the held-out synthetic corpus
 * (evals/detect/heldout-corpus.ts, never tuned on), each with the windows labelled and the controls
 * alerting at the detector's alert threshold; then the leave-one-file-out score of choosing among
 * the variants on nine files. A change is worth keeping only when it helps held out.
 * With `--final`, also the third corpus (evals/detect/unseen-corpus.ts), the final check: its total
 * only (`evals/detect/score-unseen.ts` prints it by kind, shape and step for the report).
 */
import { readFileSync } from 'node:fs';
import type { SeriesDetectorOptions } from '../../detectors/metrics/detector.js';
import { DEFAULT_DETECTOR_OPTIONS } from '../../detectors/metrics/detector.js';
import { heldoutCorpus } from '../detect/heldout-corpus.js';
import { syntheticCorpus } from '../detect/synthetic-corpus.js';
import { unseenCorpus } from '../detect/unseen-corpus.js';
import { formatTable } from '../harness.js';
import { resolveNabDir } from '../suites/nab.js';
import { detectCorpus, loadNabCorpus } from './corpus.js';
import { leaveOneFileOut } from './lofo.js';
import { NAB_PROFILES, nabScore, type NabFile } from './score.js';

const args = process.argv.slice(2);
const dataAt = args.indexOf('--data');
const dir = resolveNabDir(dataAt >= 0 ? args[dataAt + 1] : undefined);
const file = args.find((a, i) => a.endsWith('.json') && i !== dataAt + 1);
const variants: Record<string, SeriesDetectorOptions> = file ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, SeriesDetectorOptions>) : { defaults: {} };

const nab = loadNabCorpus(dir);
const synthetic = syntheticCorpus();
const heldout = heldoutCorpus();
const third = args.includes('--final') ? unseenCorpus() : null;
const std = NAB_PROFILES.standard;
const scored: Record<string, NabFile[]> = {};
const rows: Record<string, string | number>[] = [];
for (const [name, options] of Object.entries(variants)) {
  scored[name] = detectCorpus(nab, options);
  const alone = leaveOneFileOut({ [name]: scored[name] }, std);
  const synFiles = detectCorpus(synthetic, options);
  const syn = nabScore(synFiles, std);
  const hoFiles = detectCorpus(heldout, options);
  const ho = nabScore(hoFiles, std);
  const alertAt = options.threshold ?? DEFAULT_DETECTOR_OPTIONS.threshold;
  const syn05 = atAlert(synFiles, alertAt);
  const ho05 = atAlert(hoFiles, alertAt);
  const thirdFiles = third ? detectCorpus(third, options) : null;
  const thirdColumns = thirdFiles
    ? (() => {
        const at = atAlert(thirdFiles, alertAt);
        return { third_set: r1(nabScore(thirdFiles, std).normalised), third_labelled: at.labelled, third_ctl_alerting: at.controls };
      })()
    : {};
  rows.push({
    variant: name,
    nab_tuned: r1(alone.tuned),
    nab_held_out: r1(alone.heldOut),
    synthetic: r1(syn.normalised),
    syn_labelled: syn05.labelled,
    syn_ctl_alerting: syn05.controls,
    heldout_set: r1(ho.normalised),
    ho_labelled: ho05.labelled,
    ho_ctl_alerting: ho05.controls,
    ...thirdColumns,
  });
}
process.stdout.write(formatTable(rows) + '\n');
if (Object.keys(variants).length > 1) {
  const choice = leaveOneFileOut(scored, std);
  process.stdout.write(`\nchoosing among the variants on nine files: held out ${r1(choice.heldOut)} (tuned ${r1(choice.tuned)}, variant ${choice.tunedVariant})\n`);
  process.stdout.write(formatTable(choice.folds.map((f) => ({ file: f.file, variant: f.variant, threshold: r3(f.threshold), raw: r3(f.raw), tp: f.tp, fn: f.fn, fp: f.fp }))) + '\n');
}

/** Windows with a point at or above the alert threshold, and controls (no window) with any. */
function atAlert(files: NabFile[], at: number): { labelled: string; controls: number } {
  const windows = files.flatMap((f) => f.windows.map(([a, b]) => f.timestamps.some((t, i) => t >= a && t <= b && f.scores[i] >= at)));
  const controls = files.filter((f) => f.windows.length === 0 && f.scores.some((s) => s >= at)).length;
  return { labelled: `${windows.filter(Boolean).length}/${windows.length}`, controls };
}

function r1(x: number): number {
  return Math.round(x * 10) / 10;
}
function r3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
