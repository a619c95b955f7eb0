/**
 * The fix the catalog would choose (remediate/choose.ts), scored on the sandbox where the right
 * remedy is known by construction: for each fault scenario, the analysis runs on the case as
 * `rca-sandbox` does, the fix evidence is read off it (usecases/fix-evidence.ts), the live state
 * is the scenario's own at its start (sim/edge/live.ts), and the chosen action is compared with
 * the fault's remedy.
 *
 * Two sets: the scenario library, and a held-out set generated here — every fault kind placed on
 * other services of the kinds it applies to, with other seeds — that no catalog pattern was
 * written against. Scores: `right_action` (the chosen step's action is the fault's remedy),
 * `right_fix` (that, on the root-cause service the analysis named), `last_resort` (the catalog
 * fell back to a plain restart where the remedy is something else).
 *
 * `npx tsx evals/suites/remediate-choice.ts` prints the table.
 */
import { pathToFileURL } from 'node:url';
import { analyze } from '../../rca/analyze.js';
import { chooseFix } from '../../remediate/choose.js';
import { loadLibrary } from '../../sim/edge/library.js';
import { sandboxLiveService } from '../../sim/edge/live.js';
import type { Scenario } from '../../sim/schema.js';
import { initialState } from '../../sim/state.js';
import { fixEvidenceOf } from '../../usecases/fix-evidence.js';
import type { Suite, SuiteResult } from '../harness.js';
import { sandboxCase } from './rca-sandbox.js';
import { heldOutScenarios } from './sandbox-placements.js';

export interface ChoiceRow {
  set: 'library' | 'held-out';
  scenario: string;
  truth: string;
  chose: string;
  entry: string;
  right_action: boolean;
  right_fix: boolean;
  last_resort: boolean;
}

export function scoreScenario(sc: Scenario, set: ChoiceRow['set']): ChoiceRow | null {
  const truth = sc.ground_truth[0];
  if (!truth) return null;
  const c = sandboxCase(sc);
  const r = analyze(c.input);
  const evidence = fixEvidenceOf(r, c.input.changes ?? []);
  const live = evidence ? sandboxLiveService(sc.topology, initialState(sc.topology, sc.startMs), evidence.service) : null;
  const choice = evidence ? chooseFix(evidence, { namespace: 'shop', live }) : null;
  const action = choice?.chosen.action ?? '(none)';
  return {
    set,
    scenario: sc.id,
    truth: `${truth.remedy}@${truth.root_cause_service}`,
    chose: `${action}@${evidence?.service ?? '-'}`,
    entry: choice?.chosen.entry ?? '-',
    right_action: action === truth.remedy,
    right_fix: action === truth.remedy && evidence?.service === truth.root_cause_service,
    last_resort: choice?.chosen.lastResort === true && truth.remedy !== 'restart',
  };
}

function summary(rows: ChoiceRow[], set: ChoiceRow['set']): Record<string, number> {
  const xs = rows.filter((r) => r.set === set);
  const share = (f: (r: ChoiceRow) => boolean) => (xs.length ? Number((xs.filter(f).length / xs.length).toFixed(3)) : 0);
  const p = set === 'library' ? '' : 'heldout_';
  return { [`${p}scenarios`]: xs.length, [`${p}right_action`]: share((r) => r.right_action), [`${p}right_fix`]: share((r) => r.right_fix), [`${p}last_resort`]: share((r) => r.last_resort) };
}

export async function runChoice(): Promise<SuiteResult> {
  const { scenarios, errors } = loadLibrary();
  if (errors.length) throw new Error(`remediate-choice: invalid scenarios: ${errors.map((e) => e.error).join('; ')}`);
  const rows: ChoiceRow[] = [];
  for (const sc of scenarios.filter((s) => s.faults.length > 0)) {
    const r = scoreScenario(sc, 'library');
    if (r) rows.push(r);
  }
  for (const sc of heldOutScenarios(scenarios)) {
    const r = scoreScenario(sc, 'held-out');
    if (r) rows.push(r);
  }
  return {
    metrics: { ...summary(rows, 'library'), ...summary(rows, 'held-out') },
    rows: rows.map((r) => ({ ...r, right_action: r.right_action ? 'yes' : 'NO', right_fix: r.right_fix ? 'yes' : 'NO', last_resort: r.last_resort ? 'LAST-RESORT' : '' })),
    notes: [
      'The catalog\'s log patterns are general operations messages (ENOSPC, x509, OOM, resolver and pool errors…), written after reading the sandbox\'s fault lines: the library figure is not held out; the generated set (other services, other seeds) is.',
      'right_fix also needs the analysis to name the root cause: a wrong suspect gets the right kind of fix on the wrong service.',
    ],
  };
}

export const remediateChoiceSuite: Suite = {
  name: 'remediate-choice',
  description: 'Fix catalog: the chosen fix against the fault\'s known remedy, on the sandbox library and on held-out placements',
  tier: 'full',
  thresholds: [
    { metric: 'right_action', op: '>=', value: 0.9 },
    { metric: 'heldout_right_action', op: '>=', value: 0.85 },
  ],
  run: runChoice,
};

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { formatTable } = await import('../harness.js');
  const r = await runChoice();
  console.log(formatTable(r.rows));
  console.log(r.metrics);
}
