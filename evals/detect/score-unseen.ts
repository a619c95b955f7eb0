/**
 * The third corpus (unseen-corpus.ts), scored for the report: `npx tsx evals/detect/score-unseen.ts
 * ['{"option": …}' …]` prints, for the defaults (or each option set given), the NAB standard score
 * (threshold chosen on the corpus) and the windows labelled / controls alerting at the detector's
 * alert threshold, in total and by kind, shape and step. It is the final check of issue 14: run it
 * at the start and at the end, not while tuning.
 */
import { DEFAULT_DETECTOR_OPTIONS, type SeriesDetectorOptions } from '../../detectors/metrics/detector.js';
import { formatTable } from '../harness.js';
import { detectCorpus } from '../nab/corpus.js';
import { NAB_PROFILES, nabScore } from '../nab/score.js';
import { UNSEEN_KINDS, UNSEEN_SHAPES, UNSEEN_STEPS_MS, unseenCorpus, type UnseenCase } from './unseen-corpus.js';

const sets = process.argv.slice(2).filter((a) => a.startsWith('{'));
const variants: SeriesDetectorOptions[] = sets.length ? sets.map((s) => JSON.parse(s) as SeriesDetectorOptions) : [{}];
const corpus = unseenCorpus();

for (const options of variants) {
  const files = detectCorpus(corpus, options);
  const alertAt = options.threshold ?? DEFAULT_DETECTOR_OPTIONS.threshold;
  const row = (group: string, pick: (c: UnseenCase) => boolean) => {
    const fs = files.filter((_, i) => pick(corpus[i]));
    const labelled = fs.filter((f) => f.windows.some(([a, b]) => f.timestamps.some((t, i) => t >= a && t <= b && f.scores[i] >= alertAt))).length;
    const controls = fs.filter((f) => f.windows.length === 0);
    const windows = fs.filter((f) => f.windows.length > 0).length;
    return {
      group,
      series: fs.length,
      standard: windows ? Math.round(nabScore(fs, NAB_PROFILES.standard).normalised * 10) / 10 : '—',
      labelled_at_alert: `${labelled}/${windows}`,
      controls_alerting: `${controls.filter((f) => f.scores.some((s) => s >= alertAt)).length}/${controls.length}`,
    };
  };
  const rows = [row('(all)', () => true)];
  for (const k of UNSEEN_KINDS) rows.push(row(`kind ${k}`, (c) => c.kind === k));
  for (const s of UNSEEN_SHAPES) rows.push(row(`shape ${s}`, (c) => c.shape === s));
  for (const st of UNSEEN_STEPS_MS) rows.push(row(`step ${st / 60_000}m`, (c) => c.stepMs === st));
  process.stdout.write(`options ${JSON.stringify(options)}\n${formatTable(rows)}\n`);
}
