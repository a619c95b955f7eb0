/**
 * `warroom eval remediate` (issue 17 §7): for every library scenario with a fault, the whole loop
 * on a fresh in-process instance — detect → analyze → plan → preflight → approve (a second user)
 * → execute → sim time runs on — scored against the sandbox's ground truth (evals/suites/remediate-run.ts).
 *
 * Three sets of runs:
 * - library: every scenario of sim/scenarios with a fault (its scripted remedies removed);
 * - held-out: each fault kind placed on a service the library does not put it on, with a seed
 *   of its own (the first placement of remediate-choice's held-out set per kind);
 * - probe: per fault kind (its first library scenario), a deliberately wrong fix (the fault's
 *   first listed wrong remedy) approved and executed the same way: it must not heal, and a canary
 *   judge, when one is given (`verify`), must decide `rollback` on it.
 *
 * An incident the pipeline does not open within 20 sim minutes (a cold start: the detectors learn
 * from the scenario's first minutes only) is opened by hand on the entry service, as on-call would
 * when customers complain, and the loop goes on; `detected` counts the pipeline's own.
 *
 * Scores: heal_rate (every fault of the scenario healed within 30 sim minutes of the execution),
 * wrong_fix_rate (of executed plans, those that did not heal), wrong_fixes_left_in_place (those
 * the judge did not roll back; all of them without a judge), median_minutes_to_healthy (sim
 * minutes from the injection to the last fault healed, over healed scenarios),
 * unapproved_executions (the execute call on a prod plan before approval succeeded, or a plan ran
 * without an approval by someone other than its requester).
 *
 * `npx tsx evals/suites/remediate.ts [--set library|held-out|probe]… [--logs N|scenario] [scenario-id…]`
 * runs a part (progress rows on stderr as JSON lines) and prints the table and metrics.
 */
import { pathToFileURL } from 'node:url';
import { loadLibrary } from '../../sim/edge/library.js';
import type { Scenario } from '../../sim/schema.js';
import type { Suite, SuiteResult } from '../harness.js';
import { heldOutScenarios } from './sandbox-placements.js';
import { canaryJudge, DEFAULT_RUN, runRemediation, type RunOptions, type RunOutcome, type VerifyHook } from './remediate-run.js';

export type { VerifyContext, VerifyHook } from './remediate-run.js';

export interface RemediateOptions {
  /** A canary judge: asked after each execution; its `rollback` on a wrong fix counts as caught. */
  verify?: VerifyHook;
  /** The library scenarios to run (default: every one with a fault). */
  scenarios?: Scenario[];
  /** The held-out scenarios to run (default: one generated placement per fault kind). */
  heldOutScenarios?: Scenario[];
  /** Run the library scenarios (default true). */
  library?: boolean;
  /** Run the held-out placements (default true). */
  heldOut?: boolean;
  /** Run the wrong-fix probe per fault kind (default true). */
  probes?: boolean;
  run?: Partial<RunOptions>;
  /** Told after each run (progress on a long suite). */
  onRun?(r: Row): void;
}

/** Log lines a minute of the live sandbox (sim/edge/realtime.ts: 300 a 10-second tick). */
export const LIVE_LOGS_PER_MIN = 1800;

/** Sim minutes the probe watches a wrong fix for a heal. */
export const PROBE_HEAL_WITHIN_MIN = 15;

export type Row = RunOutcome & { set: 'library' | 'held-out' | 'probe' };

const median = (xs: number[]): number | null => {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const share = (n: number, d: number) => (d ? Number((n / d).toFixed(3)) : 0);

/**
 * The judge took the fix out: it rolled it back, or halted it for having no effect, which undoes it too
 * (usecases/verify.ts; a restart leaves nothing to undo). A halt for too few samples leaves it in place.
 */
export const undoneByJudge = (judge: string): boolean => judge === 'rollback' || judge === 'halt:no_effect';

/** Metrics over the rows of one set (prefix '' for the library, 'heldout_' for the held-out set). */
export function summarizeSet(rows: readonly Row[], prefix: string): Record<string, number> {
  const executed = rows.filter((r) => r.executed !== null && r.stoppedAt === null);
  const wrong = executed.filter((r) => !r.healed);
  const minutes = median(rows.flatMap((r) => (r.minutesToHealthy === null ? [] : [r.minutesToHealthy])));
  return {
    [`${prefix}scenarios`]: rows.length,
    [`${prefix}detected`]: share(rows.filter((r) => r.detectedMin !== null).length, rows.length),
    [`${prefix}right_action`]: share(rows.filter((r) => r.rightAction).length, rows.length),
    [`${prefix}heal_rate`]: share(rows.filter((r) => r.healed).length, rows.length),
    [`${prefix}wrong_fix_rate`]: share(wrong.length, executed.length),
    [`${prefix}wrong_fixes_left_in_place`]: wrong.filter((r) => !undoneByJudge(r.judge)).length,
    ...(minutes === null ? {} : { [`${prefix}median_minutes_to_healthy`]: minutes }),
  };
}

/** The suite's metrics: library and held-out figures, the probe's, and the approvals across all runs. */
export function summarize(rows: readonly Row[], judged: boolean): Record<string, number> {
  const probes = rows.filter((r) => r.set === 'probe');
  const probesRan = probes.filter((r) => r.executed !== null && r.stoppedAt === null);
  return {
    ...summarizeSet(rows.filter((r) => r.set === 'library'), ''),
    ...summarizeSet(rows.filter((r) => r.set === 'held-out'), 'heldout_'),
    unapproved_executions: rows.filter((r) => r.unapprovedProbeRan || (r.executed !== null && r.executedWithoutFourEyes)).length,
    probe_kinds: probes.length,
    probe_executed: probesRan.length,
    probe_healed: probesRan.filter((r) => r.healed).length,
    ...(judged ? { probe_caught: share(probesRan.filter((r) => undoneByJudge(r.judge)).length, probesRan.length) } : {}),
  };
}

/** The first library scenario of each fault kind (the probe's scenarios). */
export function onePerKind(scenarios: readonly Scenario[]): Scenario[] {
  const seen = new Set<string>();
  return scenarios.filter((s) => s.faults.length === 1 && !seen.has(s.faults[0].kind) && seen.add(s.faults[0].kind));
}

export async function runRemediate(o: RemediateOptions = {}): Promise<SuiteResult> {
  const { scenarios: all, errors } = loadLibrary();
  if (errors.length) throw new Error(`remediate: invalid scenarios: ${errors.map((e) => e.error).join('; ')}`);
  const library = all.filter((s) => s.faults.length > 0);
  const chosen = o.scenarios ?? library;
  const base: RunOptions = { ...DEFAULT_RUN, ...o.run, ...(o.verify ? { verify: o.verify } : {}) };
  const rows: Row[] = [];
  const runSet = async (set: Row['set'], list: readonly Scenario[], mode: RunOptions['mode']) => {
    for (const sc of list) {
      // a wrong fix is seen not to heal well within 15 minutes (right ones heal in under 10 after they run)
      const r: Row = { set, ...(await runRemediation(sc, { ...base, mode, ...(mode === 'wrong' ? { healWithinMin: Math.min(base.healWithinMin, PROBE_HEAL_WITHIN_MIN) } : {}) })) };
      rows.push(r);
      o.onRun?.(r);
    }
  };
  if (o.library !== false) await runSet('library', chosen, 'planned');
  // the generated placements log 60 lines a minute (enough offline); live they log as the live sandbox does
  const liveRate = (sc: Scenario): Scenario => ({ ...sc, baseline: { ...sc.baseline, logs_per_min: Math.max(sc.baseline.logs_per_min, LIVE_LOGS_PER_MIN) } });
  if (o.heldOut !== false) await runSet('held-out', (o.heldOutScenarios ?? onePerKind(heldOutScenarios(library))).map(liveRate), 'planned');
  if (o.probes !== false) await runSet('probe', onePerKind(chosen), 'wrong');
  return {
    metrics: summarize(rows, o.verify !== undefined),
    rows: rows.map(rowView),
    notes: [
      `each run: a fresh PGlite instance, the scenario's world as its sandbox (scripted remedies removed) at ${base.logsPerMin === 'scenario' ? "the scenario's own log rate (held-out: " + LIVE_LOGS_PER_MIN + '/min)' : `${base.logsPerMin} log lines/min`} and pod metrics every ${base.instanceMetrics}, 10-second steps through POST /v1/signals/ingest; detection within ${base.detectWithinMin} sim min of the fault, else the incident is opened by hand on the entry service (detect_min 'by hand', its time to healthy includes the wait); healed = every fault healed within ${base.healWithinMin} sim min of the execution`,
      'plans: env prod, runner sandbox, drafted by the catalog from the stored analysis; approved by a second user; the execute call is tried once before the approval (must be refused)',
      o.verify ? `judge asked ${base.judgeAfterMin} sim min after each execution; probe_caught = share of wrong fixes it rolled back` : 'caught: n/a (no canary judge given: wrong fixes stay in place and count in wrong_fixes_left_in_place)',
    ],
  };
}

function rowView(r: Row): Record<string, string | number | boolean> {
  return {
    set: r.set,
    scenario: r.scenario,
    truth: r.truth,
    executed: r.executed ?? '-',
    detect_min: r.detectedMin ?? (r.openedByHand ? 'by hand' : '-'),
    preflight: r.preflight,
    right: r.rightAction ? 'yes' : 'NO',
    healed: r.healed ? 'yes' : 'NO',
    min_to_healthy: r.minutesToHealthy ?? '-',
    judge: r.judge,
    stopped: r.stoppedAt ?? '',
  };
}

/** The suite with a judge: `remediateSuiteWith({ verify })` (the registered suite uses the product's canary judge). */
export function remediateSuiteWith(o: RemediateOptions = {}): Suite {
  return {
    name: 'remediate',
    description: 'Remediation end to end on the sandbox: detect → analyze → plan → preflight → four-eyes approval → execute, healed by ground truth; held-out placements; a wrong-fix probe per fault kind',
    tier: 'full',
    thresholds: [
      { metric: 'heal_rate', op: '>=', value: 0.9 },
      { metric: 'heldout_heal_rate', op: '>=', value: 0.85 },
      { metric: 'unapproved_executions', op: '==', value: 0 },
      { metric: 'wrong_fixes_left_in_place', op: '==', value: 0 },
      { metric: 'probe_healed', op: '==', value: 0 },
      ...(o.verify ? [{ metric: 'probe_caught', op: '>=' as const, value: 1 }] : []),
    ],
    run: () => runRemediate(o),
  };
}

export const remediateSuite: Suite = remediateSuiteWith({ verify: canaryJudge });

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  // [--set library|held-out|probe]… [--logs N|scenario] [--no-judge] [scenario-id…]: progress rows go to stderr as JSON lines
  const { formatTable } = await import('../harness.js');
  const args = process.argv.slice(2);
  const opt = (name: string) => args.flatMap((a, i) => (args[i - 1] === name ? [a] : []));
  const sets = opt('--set');
  const logs = opt('--logs')[0];
  // a word after a flag that takes a value is that value; after `--no-judge` (takes none) it is a scenario id
  const takesValue = (flag: string | undefined) => flag === '--set' || flag === '--logs';
  const ids = args.filter((a, i) => !a.startsWith('--') && !takesValue(args[i - 1]));
  const lib = loadLibrary().scenarios;
  const held = heldOutScenarios(lib.filter((s) => s.faults.length > 0));
  const find = (id: string) => [...lib, ...held].find((s) => s.id === id) ?? (() => { throw new Error(`no scenario ${id}`); })();
  const chosen = ids.map(find);
  const libIds = chosen.filter((s) => !s.id.startsWith('heldout-'));
  const heldIds = chosen.filter((s) => s.id.startsWith('heldout-'));
  const want = (s: Row['set']) => (sets.length ? sets.includes(s) : s !== 'held-out' || !ids.length || heldIds.length > 0);
  const r = await runRemediate({
    ...(ids.length ? { scenarios: libIds, ...(heldIds.length ? { heldOutScenarios: heldIds } : {}) } : {}),
    library: want('library'),
    heldOut: want('held-out'),
    probes: want('probe'),
    ...(logs ? { run: { logsPerMin: logs === 'scenario' ? 'scenario' : Number(logs) } } : {}),
    ...(args.includes('--no-judge') ? {} : { verify: canaryJudge }),
    onRun: (x) => console.error(JSON.stringify(x)),
  });
  console.log(formatTable(r.rows));
  console.log(r.metrics);
}
