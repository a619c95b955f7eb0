/**
 * Ours beside Drain (evals/baselines/drain.ts, generic masks, the paper's settings) on every
 * system whose events are known: the public development files (where the published Drain
 * figures let us check our Drain) and the generated systems nobody tuned on, where "none below
 * Drain" (issue 14) has no published figure to lean on.
 *
 *   npx tsx evals/baselines/drain-compare.ts [--data ../shared/data/loghub]
 *
 * Drain reads the Loghub files' Content column (the benchmark's input once the header is split
 * off); ours reads the raw lines with the system's format, as `warroom eval loghub` does. The
 * generated systems are content only, read by both as they are.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { GENERATED_FAMILIES } from '../logclust/heldout.js';
import { clusterIds, groupingScores } from '../logclust/score.js';
import { csvRecords, readmeTables, resolveLoghubDir, systemsIn } from '../suites/loghub.js';
import { DRAIN_DEFAULTS, drainGroups } from './drain.js';

export interface SystemComparison {
  family: string;
  system: string;
  ours: number;
  /** Drain with the paper's similarity threshold (0.5). */
  drain: number;
  /** Drain's GA at each threshold of `THRESHOLDS`: its best one per family is an upper bound (tuned on the very systems scored). */
  drainAt: number[];
  /** The published Drain GA, on the public files. */
  published?: number;
}

/** Similarity thresholds Drain is also run at (the benchmark's per-system settings span 0.2-0.7). */
export const THRESHOLDS = [0.2, 0.3, 0.4, 0.5, 0.6, 0.7];

/** Ours and Drain on one labelled system. */
function compare(family: string, system: string, lines: readonly string[], events: readonly string[], drainInput: readonly string[] = lines, ours?: string[]): SystemComparison {
  const drainAt = THRESHOLDS.map((similarity) => groupingScores(drainGroups(drainInput, { ...DRAIN_DEFAULTS, similarity }), events).ga);
  return { family, system, ours: groupingScores(ours ?? clusterIds(lines), events).ga, drain: drainAt[THRESHOLDS.indexOf(DRAIN_DEFAULTS.similarity)], drainAt };
}

/** Every generated family (seeds as `heldout.ts` scores them). */
export function generatedComparisons(): SystemComparison[] {
  return GENERATED_FAMILIES.flatMap((f) =>
    f.seeds.map((seed) => {
      const s = f.system(seed);
      return compare(f.label, `${f.key} ${seed}`, s.lines, s.events);
    }),
  );
}

/** The Loghub development files, when the data is there. */
export function loghubComparisons(dataDir: string | undefined): SystemComparison[] {
  const dir = resolveLoghubDir(dataDir);
  const { formats, refs } = readmeTables(dir);
  const out: SystemComparison[] = [];
  for (const sys of systemsIn(dir)) {
    const format = formats[sys];
    if (!format) continue;
    const base = path.join(dir, sys, `${sys}_2k.log`);
    const truth = csvRecords(readFileSync(`${base}_structured.csv`, 'utf8'));
    const raw = readFileSync(base, 'utf8').split('\n');
    if (raw.at(-1) === '') raw.pop();
    const ours = clusterIds(raw, { format });
    const c = compare('loghub', sys, raw, truth.map((r) => r.EventId), truth.map((r) => r.Content), ours);
    out.push({ ...c, ...(refs[sys]?.drain !== undefined ? { published: refs[sys].drain } : {}) });
  }
  return out;
}

const r3 = (x: number) => x.toFixed(3);

function main(argv: string[]): void {
  const at = argv.indexOf('--data');
  const dataDir = at >= 0 ? argv[at + 1] : undefined;
  const rows = [...(dataDir !== undefined || existsSync(path.resolve('..', 'shared', 'data', 'loghub')) ? loghubComparisons(dataDir) : []), ...generatedComparisons()];
  console.log('family        system          ours   Drain  (published Drain)');
  for (const r of rows) if (r.family === 'loghub' || r.ours < r.drain) console.log(`${r.family.padEnd(13)} ${r.system.padEnd(15)} ${r3(r.ours)}  ${r3(r.drain)}${r.published !== undefined ? `  (${r3(r.published)})` : ''}${r.ours < r.drain ? '  BELOW' : ''}`);
  for (const family of [...new Set(rows.map((r) => r.family))]) {
    const f = rows.filter((r) => r.family === family);
    const mean = (k: 'ours' | 'drain') => f.reduce((s, r) => s + r[k], 0) / f.length;
    const atMeans = THRESHOLDS.map((_, i) => f.reduce((s, r) => s + r.drainAt[i], 0) / f.length);
    const best = atMeans.indexOf(Math.max(...atMeans));
    const belowBest = f.filter((r) => r.ours < r.drainAt[best]).length;
    console.log(
      `${family}: ${f.length} systems, mean GA ours ${r3(mean('ours'))}, Drain ${r3(mean('drain'))} (threshold 0.5), ${r3(atMeans[best])} at its best threshold for the family (${THRESHOLDS[best]}); ours below Drain on ${f.filter((r) => r.ours < r.drain).length}, below its best on ${belowBest}`,
    );
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) main(process.argv.slice(2));
