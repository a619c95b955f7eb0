/**
 * Where does an option change anything? `npx tsx evals/detect/compare-options.ts [--data NAB_DIR]
 * '{"option": …}' ['{"option": …}']`: every series of the held-out corpus, the synthetic corpus and
 * the NAB development files is scored point by point with the first option set (default: the
 * defaults) and the second; printed: each series whose scores differ, with every such point (time,
 * score before → after, and whether it lies in a labelled window), then the held-out corpus's NAB
 * standard score by shape, kind and step for both. A change that claims to act only on weekend
 * edges, say, can be checked to do only that.
 */
import type { SeriesDetectorOptions } from '../../detectors/metrics/detector.js';
import { SeriesDetector } from '../../detectors/metrics/detector.js';
import { detectCorpus, loadNabCorpus, type NabSeries } from '../nab/corpus.js';
import { NAB_PROFILES, nabScore } from '../nab/score.js';
import { resolveNabDir } from '../suites/nab.js';
import { heldoutCorpus, type HeldoutCase } from './heldout-corpus.js';
import { syntheticCorpus } from './synthetic-corpus.js';

const args = process.argv.slice(2);
const dataAt = args.indexOf('--data');
const sets = args.filter((a, i) => i !== dataAt && i !== dataAt + 1 && a.startsWith('{'));
if (sets.length === 0) {
  process.stderr.write('usage: npx tsx evals/detect/compare-options.ts [--data NAB_DIR] OPTIONS_JSON [OPTIONS_JSON]\n');
  process.exit(2);
}
const [a, b] = sets.length === 1 ? [{}, JSON.parse(sets[0])] : [JSON.parse(sets[0]), JSON.parse(sets[1])];
const heldout = heldoutCorpus();
const corpora: [string, NabSeries[]][] = [
  ['heldout', heldout],
  ['synthetic', syntheticCorpus()],
  ['nab', loadNabCorpus(resolveNabDir(dataAt >= 0 ? args[dataAt + 1] : undefined))],
];
for (const [set, series] of corpora) {
  let changed = 0;
  let points = 0;
  for (const c of series) {
    const diffs = differences(c, a as SeriesDetectorOptions, b as SeriesDetectorOptions);
    if (diffs.length === 0) continue;
    changed++;
    points += diffs.length;
    process.stdout.write(`${set} ${c.name}: ${diffs.join(' | ')}\n`);
  }
  process.stdout.write(`${set}: ${changed} of ${series.length} series changed, ${points} points\n`);
}
for (const [label, options] of [['first', a], ['second', b]] as const) {
  const files = detectCorpus(heldout, options as SeriesDetectorOptions);
  const by = (key: keyof Pick<HeldoutCase, 'shape' | 'kind' | 'stepMs'>): string =>
    [...new Set(heldout.map((c) => c[key]))]
      .map((g) => `${g} ${nabScore(files.filter((_, i) => heldout[i][key] === g), NAB_PROFILES.standard).normalised.toFixed(1)}`)
      .join(', ');
  process.stdout.write(`held-out corpus, ${label}: by shape ${by('shape')}; by kind ${by('kind')}; by step (ms) ${by('stepMs')}\n`);
}

/** The points whose score differs between the two option sets, as printable strings. */
function differences(c: NabSeries, a: SeriesDetectorOptions, b: SeriesDetectorOptions): string[] {
  const da = new SeriesDetector(a);
  const db = new SeriesDetector(b);
  const out: string[] = [];
  for (let i = 0; i < c.values.length; i++) {
    const t = c.timestamps[i];
    const sa = da.update(t, c.values[i]).score;
    const sb = db.update(t, c.values[i]).score;
    if (Math.abs(sa - sb) <= 1e-9) continue;
    const inWindow = c.windows.some(([x, y]) => t >= x && t <= y);
    out.push(`${new Date(t).toISOString().slice(0, 16)} ${sa.toFixed(2)} → ${sb.toFixed(2)}${inWindow ? ' (in a window)' : ''}`);
  }
  return out;
}
