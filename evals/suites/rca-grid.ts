/**
 * A small one-axis-at-a-time grid over the tunables of rca/weights.ts (and the log-level weights
 * of rca/logs.ts) that were set on the public development cases (issue 14): every case is built
 * once and analysed under every setting, so a grid costs one generation of the cases.
 *
 *   npx tsx evals/suites/rca-grid.ts SETS [--only NAME,NAME] > out.jsonl
 *
 * SETS, comma-separated: library, heldout, heldout-noisy (plain), the same with `-traced`
 * (trace-correlated logs), unseen[-traced] (sandbox-placements-unseen.ts, read last),
 * third[-traced] (sandbox-placements-third.ts, the final check of the surge work), fourth[-traced]
 * (sandbox-placements-fourth.ts, the final check of the noisy-service work) and public
 * (../shared/data/rca). One JSON line per case and setting: rank of the truth, top service,
 * verdict. `evals/suites/rca-grid-summary.ts` folds them per set. The weights are patched in place
 * for the duration of one analyze() and put back: this script is the only place that does it.
 */
import { pathToFileURL } from 'node:url';
import { analyze } from '../../rca/analyze.js';
import { LOG_WEIGHTS } from '../../rca/logs.js';
import type { AnalysisInput, AnalysisResult } from '../../rca/types.js';
import { CONFIDENCE_WEIGHTS, DELTA_WEIGHTS, RANKING_WEIGHTS } from '../../rca/weights.js';
import { loadLibrary } from '../../sim/edge/library.js';
import type { Scenario } from '../../sim/schema.js';
import { dataDirOf, publicCases } from './rca-public.js';
import { TRACED_OPTIONS, heldOutSets, sandboxCase, scoreCase } from './rca-sandbox.js';
import { fourthScenarios } from './sandbox-placements-fourth.js';
import { thirdScenarios } from './sandbox-placements-third.js';
import { unseenScenarios } from './sandbox-placements-unseen.js';

export type Patch = {
  ranking?: Partial<typeof RANKING_WEIGHTS>;
  delta?: Partial<typeof DELTA_WEIGHTS>;
  confidence?: Partial<typeof CONFIDENCE_WEIGHTS>;
  logs?: Partial<typeof LOG_WEIGHTS>;
};

/** The grid: the defaults, then each tunable set on the dev cases moved one step either way. */
export const SETTINGS: { name: string; patch: Patch }[] = [
  { name: 'base', patch: {} },
  ...[0.5, 1, 2].map((v) => ({ name: `request=${v}`, patch: { ranking: { skippedSteps: v, slowCalls: v } } })),
  { name: 'skipped=1', patch: { ranking: { skippedSteps: 1 } } },
  { name: 'slowCalls=1', patch: { ranking: { slowCalls: 1 } } },
  ...[0, 0.01, 0.05].map((v) => ({ name: `materialHalf=${v}`, patch: { delta: { materialHalf: v } } })),
  ...[0.3, 1].map((v) => ({ name: `logWarning=${v}`, patch: { logs: { warning: v } } })),
  ...[0.5, 0.9].map((v) => ({ name: `explainAway=${v}`, patch: { ranking: { explainAway: v } } })),
  ...[0.25, 0.75].map((v) => ({ name: `clientBlame=${v}`, patch: { ranking: { clientBlame: v } } })),
  ...[0.5, 1].map((v) => ({ name: `logs=${v}`, patch: { ranking: { logs: v } } })),
  ...[0.25, 1].map((v) => ({ name: `namedInLogs=${v}`, patch: { ranking: { namedInLogs: v } } })),
  // extra load aimed at one service (rca/ranking.ts aimedLoad): off reproduces the ranking before it
  { name: 'aimedLoad=off', patch: { ranking: { aimedLoad: 0, loadFromAbove: 0 } } },
  { name: 'loadFromAbove=0', patch: { ranking: { loadFromAbove: 0 } } },
  // the baseline's last stretch standing in for a missing lead-in (rca/deltas.ts): off reproduces the ranking before it
  { name: 'recentBaseline=off', patch: { delta: { recentBaselineShare: 0 } } },
  // a caller's timeouts towards a callee whose latency is calm stay the caller's (rca/logs.ts timedOutOnCalmCallee): off names the callee, as before
  { name: 'calmCalleeTimeouts=off', patch: { ranking: { calmCalleeTimeouts: 0 } } },
  { name: 'both=off', patch: { delta: { recentBaselineShare: 0 }, ranking: { calmCalleeTimeouts: 0 } } },
];

/** Runs `f` with the weights patched, and puts them back whatever happens. */
export function withPatch<T>(p: Patch, f: () => T): T {
  const targets: [Record<string, unknown>, Record<string, unknown> | undefined][] = [
    [RANKING_WEIGHTS, p.ranking],
    [DELTA_WEIGHTS, p.delta],
    [CONFIDENCE_WEIGHTS, p.confidence],
    [LOG_WEIGHTS, p.logs],
  ];
  const saved = targets.map(([t, q]) => Object.fromEntries(Object.keys(q ?? {}).map((k) => [k, t[k]])));
  targets.forEach(([t, q]) => Object.assign(t, q ?? {}));
  try {
    return f();
  } finally {
    targets.forEach(([t], i) => Object.assign(t, saved[i]));
  }
}

interface Row {
  set: string;
  group: string;
  id: string;
  truth: string;
  setting: string;
  rank: number | null;
  top: string;
  confident: boolean;
  confidence: number;
  calm: boolean;
  herring: boolean;
}

function emit(r: Row): void {
  process.stdout.write(`${JSON.stringify(r)}\n`);
}

function topOf(r: AnalysisResult): { top: string; confident: boolean; confidence: number } {
  return { top: r.ranking[0]?.service ?? '', confident: r.verdict === 'confident', confidence: r.hypotheses[0]?.confidence ?? 0 };
}

function sandboxSet(set: string, scenarios: readonly Scenario[], traced: boolean, settings: typeof SETTINGS): void {
  for (const sc of scenarios) {
    const c = sandboxCase(sc, traced ? TRACED_OPTIONS : {});
    for (const s of settings) {
      const r = withPatch(s.patch, () => analyze(c.input));
      const score = scoreCase(c, r);
      emit({
        set,
        group: set,
        id: sc.id,
        truth: score.truth[0] ?? '',
        setting: s.name,
        rank: Number.isFinite(score.rank) ? score.rank : null,
        ...topOf(r),
        calm: score.calm,
        herring: score.herringBlamed,
      });
    }
    process.stderr.write(`${set} ${sc.id}\n`);
  }
}

function publicSet(settings: typeof SETTINGS): void {
  for (const { row, group, input } of publicCases(dataDirOf())) {
    for (const s of settings) {
      const r = withPatch(s.patch, () => analyze(input as AnalysisInput));
      const at = r.ranking.findIndex((x) => x.service === row.root_cause_service);
      emit({ set: 'public', group: group ?? row.dataset, id: row.id, truth: row.root_cause_service, setting: s.name, rank: at >= 0 ? at + 1 : null, ...topOf(r), calm: false, herring: false });
    }
    process.stderr.write(`public ${row.id}\n`);
  }
}

function main(argv: readonly string[]): void {
  const sets = (argv[2] ?? '').split(',').filter(Boolean);
  const onlyAt = argv.indexOf('--only');
  const only = onlyAt > 0 ? new Set(argv[onlyAt + 1].split(',')) : null;
  const settings = only ? SETTINGS.filter((s) => only.has(s.name)) : SETTINGS;
  const library = loadLibrary().scenarios;
  const held = heldOutSets(library);
  for (const name of sets) {
    const traced = name.endsWith('-traced');
    const base = name.replace(/-traced$/, '');
    if (base === 'public') publicSet(settings);
    else if (base === 'library') sandboxSet(name, library, traced, settings);
    else if (base === 'heldout') sandboxSet(name, held[0].scenarios, traced, settings);
    else if (base === 'heldout-noisy') sandboxSet(name, held[1].scenarios, traced, settings);
    else if (base === 'unseen') sandboxSet(name, unseenScenarios(library), traced, settings);
    else if (base === 'third') sandboxSet(name, thirdScenarios(), traced, settings);
    else if (base === 'fourth') sandboxSet(name, fourthScenarios(), traced, settings);
    else throw new Error(`rca-grid: unknown set ${name}`);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main(process.argv);
