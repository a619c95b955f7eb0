/**
 * The third corpus (unseen-corpus.ts), scored for the report: `npx tsx evals/detect/score-unseen.ts
 * ['{"option": …}' …]` prints, for the defaults (or each option set given), the NAB standard score
 * (threshold chosen on the corpus) and the windows labelled / controls alerting at the detector's
 * alert threshold, in total and by kind, shape and step. With `--fourth`, the fourth corpus
 * (fourth-corpus.ts: counters and weekday workloads), the final check of the counter pass; the
 * third is development data from that pass on.
 */
import { DEFAULT_DETECTOR_OPTIONS, type SeriesDetectorOptions } from '../../detectors/metrics/detector.js';
import { formatTable } from '../harness.js';
import { detectCorpus, type NabSeries } from '../nab/corpus.js';
import { NAB_PROFILES, nabScore } from '../nab/score.js';
import { FOURTH_KINDS, FOURTH_SHAPES, FOURTH_STEPS_MS, fourthCorpus } from './fourth-corpus.js';
import { UNSEEN_KINDS, UNSEEN_SHAPES, UNSEEN_STEPS_MS, unseenCorpus } from './unseen-corpus.js';

interface Case extends NabSeries {
  kind: string;
  shape: string;
  stepMs: number;
}

const sets = process.argv.slice(2).filter((a) => a.startsWith('{'));
const variants: SeriesDetectorOptions[] = sets.length ? sets.map((s) => JSON.parse(s) as SeriesDetectorOptions) : [{}];
const fourth = process.argv.includes('--fourth');
const corpus: Case[] = fourth ? fourthCorpus() : unseenCorpus();
const [kinds, shapes, steps]: [readonly string[], readonly string[], number[]] = fourth
  ? [FOURTH_KINDS, FOURTH_SHAPES, FOURTH_STEPS_MS]
  : [UNSEEN_KINDS, UNSEEN_SHAPES, UNSEEN_STEPS_MS];

for (const options of variants) {
  const files = detectCorpus(corpus, options);
  const alertAt = options.threshold ?? DEFAULT_DETECTOR_OPTIONS.threshold;
  const row = (group: string, pick: (c: Case) => boolean) => {
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
  for (const k of kinds) rows.push(row(`kind ${k}`, (c) => c.kind === k));
  for (const s of shapes) rows.push(row(`shape ${s}`, (c) => c.shape === s));
  for (const st of steps) rows.push(row(`step ${st / 1000}s`, (c) => c.stepMs === st));
  process.stdout.write(`options ${JSON.stringify(options)}\n${formatTable(rows)}\n`);
}
