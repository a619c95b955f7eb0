/**
 * Full-tier eval of the root-cause analysis on the sandbox's scenario library (sim/scenarios).
 * Every scenario is generated in memory (no files) as the case content `warroom sim export` writes
 * (sim/edge/case.ts, the one converter for both), cut to an analysis window, converted by the same
 * `caseToInput` that reads recorded case folders (so the labels are stripped the same way), and
 * analysed with the one set of defaults.
 *
 * Window, for every scenario alike:
 * - fault scenarios: the incident starts at the injection time T of the earliest fault; the window
 *   is [T − 30 min, T + 30 min], clipped to the scenario. The part before T is the baseline, the
 *   rest the incident period (as for the public cases).
 * - scenarios without faults (calm ones): T is the middle of the scenario (the convention
 *   `caseToInput` uses for a case without an injection time), with the same ±30 min window.
 *
 * Scores:
 * - AC@1: the top-ranked service is the earliest fault's root cause. AC@3: any fault's root cause
 *   (scenarios with two faults) is among the top three.
 * - uncited: hypotheses without an evidence id, or citing an id that is not in the result (must be 0).
 * - calm_confident: scenarios without a fault whose verdict is not "no confident hypothesis".
 * - herrings_blamed: scenarios with red herrings whose top hypothesis names a herring's service
 *   (that is not a root cause) or a herring's change.
 * - change_named (no threshold): of the scenarios whose earliest fault a change caused (a deploy,
 *   a flag, a config change), the share whose top hypothesis cites that change's id.
 *
 * `npx tsx evals/suites/rca-sandbox.ts calibrate` runs the one-pass calibration of the
 * change-impact weights over the same cases (rca/calibrate.ts) and prints the objective per setting.
 */
import { pathToFileURL } from 'node:url';
import { analyze } from '../../rca/analyze.js';
import { CURRENT_SETTING, calibrateChangeImpact, calibrationCase, scoreSetting, type CalibrationCase, type SettingScore } from '../../rca/calibrate.js';
import { caseToInput, parseCaseTopology } from '../../rca/cases.js';
import type { AnalysisInput, AnalysisResult } from '../../rca/types.js';
import { simCase, type CaseWindow, type SimCase } from '../../sim/edge/case.js';
import { loadLibrary } from '../../sim/edge/library.js';
import type { GroundTruthDoc } from '../../sim/generate.js';
import type { Scenario } from '../../sim/schema.js';
import { parseDuration } from '../../core/duration.js';
import type { WorldOptions } from '../../sim/world.js';
import { formatTable, type Suite } from '../harness.js';
import { rcaPublicSuite } from './rca-public.js';
import { formatBands, reliabilityBands, type Verdict } from './reliability.js';
import { heldOutScenarios, NOISY_PLACEMENTS } from './sandbox-placements.js';
import { fourthScenarios } from './sandbox-placements-fourth.js';
import { thirdScenarios } from './sandbox-placements-third.js';
import { unseenScenarios } from './sandbox-placements-unseen.js';

/** Minutes of signals kept before and after the incident start. */
export const LEAD_IN_MIN = 30;
export const FOLLOW_MIN = 30;

export interface SandboxCase {
  scenario: Scenario;
  input: AnalysisInput;
  truth: GroundTruthDoc;
  /** Incident start (epoch ms). */
  startMs: number;
  /** The case content analysed: window-cut, labels still in `caseJson`. */
  content: SimCase;
}

/** The incident start of a scenario: its earliest fault's planned injection, else its middle. */
export function incidentStartOf(scenario: Scenario): number {
  const starts = scenario.faults.map((f) => scenario.startMs + (parseDuration(f.at) ?? 0));
  return starts.length ? Math.min(...starts) : scenario.startMs + Math.floor(scenario.durationMs / 2);
}

/** The analysis window: LEAD_IN_MIN before the incident start to FOLLOW_MIN after, clipped to the scenario. */
export function sandboxWindow(scenario: Scenario): CaseWindow {
  const startMs = incidentStartOf(scenario);
  return {
    fromMs: Math.max(scenario.startMs, startMs - LEAD_IN_MIN * 60_000),
    toMs: Math.min(scenario.startMs + scenario.durationMs, startMs + FOLLOW_MIN * 60_000),
  };
}

/** Case content (sim/edge/case.ts) → AnalysisInput, through `caseToInput` as a case folder is read. */
export function sandboxInput(content: SimCase): AnalysisInput {
  const { caseJson, metrics, logs, events, spans, topology } = content;
  return caseToInput({ caseJson, metrics, logs, events, spans, topology: parseCaseTopology(topology) });
}

/**
 * Generates a scenario in memory as the case content `warroom sim export` writes, cut to the
 * analysis window (the world is stepped from the scenario's start, so state such as earlier
 * deploys is the same as in a full export), and builds its AnalysisInput. `opts` are the world's
 * options (tests lower the log rate); the suite uses the scenario's own.
 */
export function sandboxCase(scenario: Scenario, opts: WorldOptions = {}): SandboxCase {
  const content = simCase(scenario, opts, sandboxWindow(scenario));
  return { scenario, input: sandboxInput(content), truth: content.truth, startMs: incidentStartOf(scenario), content };
}

export interface SandboxScore {
  id: string;
  kind: string;
  tags: string[];
  truth: string[];
  rank: number;
  ac1: boolean;
  ac3: boolean;
  uncited: number;
  calm: boolean;
  calmConfident: boolean;
  herringBlamed: boolean;
  /** The earliest fault was caused by a change: whether the top hypothesis names that change (null otherwise). */
  changeNamed: boolean | null;
  top3: string[];
  verdict: string;
}

/** Hypotheses without evidence, or citing an evidence id the result does not contain. */
export function uncitedHypotheses(r: AnalysisResult): number {
  const ids = new Set(r.evidence.map((e) => e.id));
  return r.hypotheses.filter((h) => h.evidenceIds.length === 0 || h.evidenceIds.some((id) => !ids.has(id))).length;
}

export function scoreCase(c: SandboxCase, r: AnalysisResult): SandboxScore {
  const faults = [...c.truth.faults].sort((a, b) => Date.parse(a.start) - Date.parse(b.start));
  const roots = faults.map((f) => f.root_cause_service);
  const ranked = r.ranking.map((x) => x.service);
  const at = roots.length ? ranked.indexOf(roots[0]) : -1;
  const calm = faults.length === 0;
  const top = r.hypotheses[0];
  const herringBlamed =
    top !== undefined &&
    c.truth.red_herrings.some((h) => (h.service === top.service && !roots.includes(h.service)) || (h.change !== null && top.changeId === h.change.id));
  const causal = faults[0]?.change?.id ?? null;
  return {
    id: c.scenario.id,
    kind: faults[0]?.kind ?? 'calm',
    tags: c.scenario.tags,
    truth: roots,
    rank: at >= 0 ? at + 1 : Infinity,
    ac1: !calm && ranked[0] === roots[0],
    ac3: !calm && ranked.slice(0, 3).some((s) => roots.includes(s)),
    uncited: uncitedHypotheses(r),
    calm,
    calmConfident: calm && r.verdict !== 'no confident hypothesis',
    herringBlamed,
    changeNamed: causal === null ? null : top?.changeId === causal,
    top3: ranked.slice(0, 3),
    verdict: r.verdict === 'confident' ? `${top?.service ?? '?'} ${top?.confidence.toFixed(2) ?? ''}` : 'abstain',
  };
}

/** Summary metrics over scored scenarios. */
export function summarize(scores: readonly SandboxScore[]): Record<string, number> {
  const faulted = scores.filter((s) => !s.calm);
  const share = (xs: readonly SandboxScore[], f: (s: SandboxScore) => boolean) => (xs.length ? xs.filter(f).length / xs.length : 0);
  return {
    scenarios: scores.length,
    fault_scenarios: faulted.length,
    ac1: share(faulted, (s) => s.ac1),
    ac3: share(faulted, (s) => s.ac3),
    avg5: faulted.length ? [1, 2, 3, 4, 5].reduce((a, k) => a + share(faulted, (s) => s.rank <= k), 0) / 5 : 0,
    uncited: scores.reduce((a, s) => a + s.uncited, 0),
    calm_scenarios: scores.filter((s) => s.calm).length,
    calm_confident: scores.filter((s) => s.calmConfident).length,
    herring_scenarios: scores.filter((s) => s.tags.includes('red-herring')).length,
    herrings_blamed: scores.filter((s) => s.herringBlamed).length,
    change_caused: scores.filter((s) => s.changeNamed !== null).length,
    change_named: share(scores.filter((s) => s.changeNamed !== null), (s) => s.changeNamed === true),
  };
}

interface ScoredSet {
  scores: SandboxScore[];
  verdicts: Verdict[];
  rows: Record<string, string | number | boolean>[];
  slowest: number;
}

/** Analyses and scores each scenario generated with `opts`; rows carry the set's name. */
function scoreScenarios(scenarios: readonly Scenario[], opts: WorldOptions, set: string): ScoredSet {
  const out: ScoredSet = { scores: [], verdicts: [], rows: [], slowest: 0 };
  for (const sc of scenarios) {
    const c = sandboxCase(sc, opts);
    const t0 = performance.now();
    const r = analyze(c.input);
    const ms = performance.now() - t0;
    out.slowest = Math.max(out.slowest, ms);
    const s = scoreCase(c, r);
    out.scores.push(s);
    if (r.verdict === 'confident') out.verdicts.push({ confidence: r.hypotheses[0].confidence, right: s.ac1 });
    out.rows.push({
      set,
      scenario: s.id,
      kind: s.kind,
      truth: s.truth.join('+') || '(none)',
      rank: s.calm ? '-' : Number.isFinite(s.rank) ? s.rank : 'absent',
      top3: s.top3.join(' | '),
      verdict: s.verdict,
      change: s.changeNamed === null ? '' : s.changeNamed ? 'named' : 'not named',
      flags: [s.calmConfident ? 'CALM-CONFIDENT' : '', s.herringBlamed ? 'HERRING-BLAMED' : '', s.uncited ? `UNCITED×${s.uncited}` : ''].filter(Boolean).join(' '),
      ms: Math.round(ms),
    });
  }
  return out;
}

/**
 * The held-out sets (evals/suites/sandbox-placements.ts): every fault kind on services the library
 * does not put it on, at the library's traffic noise and at 8 %, with seeds and start times of
 * their own. Nothing was tuned on them; their figures stand beside the library's (tuned) ones.
 */
export function heldOutSets(library: readonly Scenario[]): { name: string; prefix: string; scenarios: Scenario[] }[] {
  return [
    { name: 'held-out placements', prefix: 'heldout_', scenarios: heldOutScenarios(library) },
    { name: 'held-out placements, noisy traffic', prefix: 'heldout_noisy_', scenarios: heldOutScenarios(library, NOISY_PLACEMENTS) },
  ];
}

/** The metrics a held-out set reports, under its prefix. */
function heldOutMetrics(prefix: string, scores: readonly SandboxScore[]): Record<string, number> {
  const m = summarize(scores);
  const keep = ['fault_scenarios', 'ac1', 'ac3', 'avg5', 'uncited'] as const;
  return Object.fromEntries(keep.map((k) => [`${prefix}${k}`, m[k]]));
}

/** The sandbox suite over the library generated with `opts` (the scenario's own settings where unset), and the held-out sets. */
function sandboxSuite(name: string, description: string, opts: WorldOptions, note?: string): Suite {
  return {
    name,
    description,
    tier: 'full',
    thresholds: [
      { metric: 'ac1', op: '>=', value: 0.9 },
      { metric: 'ac3', op: '>=', value: 0.98 },
      { metric: 'uncited', op: '==', value: 0 },
      { metric: 'calm_confident', op: '==', value: 0 },
      { metric: 'herrings_blamed', op: '==', value: 0 },
    ],
    async run() {
      const { scenarios, errors } = loadLibrary();
      if (errors.length) throw new Error(`${name}: invalid scenarios: ${errors.map((e) => e.error).join('; ')}`);
      const { scores, verdicts, rows, slowest: libSlowest } = scoreScenarios(scenarios, opts, 'library');
      let slowest = libSlowest;
      const metrics: Record<string, number> = summarize(scores);
      const heldRows: Record<string, string | number | boolean>[] = [];
      const heldNotes: string[] = [];
      for (const h of heldOutSets(scenarios)) {
        const r = scoreScenarios(h.scenarios, opts, h.prefix.replace(/_$/, ''));
        slowest = Math.max(slowest, r.slowest);
        Object.assign(metrics, heldOutMetrics(h.prefix, r.scores));
        heldRows.push(...r.rows);
        const m = summarize(r.scores);
        heldNotes.push(`${h.name} (${m.fault_scenarios} scenarios, not tuned on): AC@1 ${m.ac1.toFixed(3)}, AC@3 ${m.ac3.toFixed(3)}, Avg@5 ${m.avg5.toFixed(3)} — library (tuned) AC@1 ${metrics.ac1.toFixed(3)}`);
      }
      metrics.slowest_analyze_ms = Math.round(slowest);
      const kinds = [...new Set(scores.map((s) => s.kind))].sort();
      const perKind = kinds.map((k) => {
        const xs = scores.filter((s) => s.kind === k);
        const m = summarize(xs);
        return {
          set: 'library',
          scenario: `== kind ${k}`,
          kind: k,
          truth: `n=${xs.length}`,
          rank: k === 'calm' ? '-' : `AC@1 ${m.ac1.toFixed(2)}`,
          top3: k === 'calm' ? `confident ${m.calm_confident}` : `AC@3 ${m.ac3.toFixed(2)}`,
          verdict: '',
          change: '',
          flags: '',
          ms: '',
        };
      });
      return {
        metrics,
        rows: [...rows, ...perKind, ...heldRows],
        notes: [
          `window: incident start T = earliest fault's injection (calm scenarios: the middle), signals from T−${LEAD_IN_MIN} min to T+${FOLLOW_MIN} min`,
          'AC@1 counts the earliest fault; AC@3 counts any fault of the scenario; labels never reach analyze() (caseToInput strips them)',
          `confident verdicts by confidence (a calm scenario's counts as wrong): ${formatBands(reliabilityBands(verdicts))}`,
          ...heldNotes,
          ...(note ? [note] : []),
        ],
      };
    },
  };
}

export const rcaSandboxSuite = sandboxSuite(
  'rca-sandbox',
  'root-cause analysis on every sandbox scenario (generated in memory): AC@1, AC@3, citations, calm abstention, red herrings',
  {},
);

/** Sampled requests per minute, and their log lines, in the traced variant. */
export const TRACED_OPTIONS: WorldOptions = { tracesPerMin: 60, traceLogs: true };

/**
 * The same library with sampled requests whose log lines carry their trace id (the services that
 * log with trace context: not databases, caches, queues or the proxy), so the request view
 * (skipped and stopped steps, slow calls) takes part as it does on traced production logs.
 */
export const rcaSandboxTracedSuite = sandboxSuite(
  'rca-sandbox-traced',
  'root-cause analysis on every sandbox scenario with trace-correlated log lines (60 sampled requests/min): the request view takes part',
  TRACED_OPTIONS,
  `traced: ${TRACED_OPTIONS.tracesPerMin} sampled requests per minute, their spans and trace-correlated log lines`,
);

/**
 * Several suites run as one: metrics and thresholds are prefixed with each suite's name (dashes
 * become underscores, e.g. `rca_sandbox_ac1`), rows carry a `suite` column.
 */
export function combineSuites(name: string, description: string, suites: readonly Suite[]): Suite {
  const prefix = (s: Suite) => `${s.name.replace(/-/g, '_')}_`;
  return {
    name,
    description,
    tier: suites.some((s) => s.tier === 'full') ? 'full' : 'quick',
    thresholds: suites.flatMap((s) => s.thresholds.map((t) => ({ ...t, metric: prefix(s) + t.metric }))),
    async run(ctx) {
      const metrics: Record<string, number> = {};
      const rows: Record<string, string | number | boolean>[] = [];
      const notes: string[] = [];
      for (const s of suites) {
        const r = await s.run(ctx);
        for (const [k, v] of Object.entries(r.metrics)) metrics[prefix(s) + k] = v;
        for (const row of r.rows) rows.push({ suite: s.name, ...row });
        for (const n of r.notes ?? []) notes.push(`${s.name}: ${n}`);
      }
      return { metrics, rows, notes };
    },
  };
}

/** `warroom eval rca` once registered: the public cases and the sandbox library together. */
export const rcaSuite: Suite = combineSuites('rca', 'root-cause analysis: rca-public and rca-sandbox together', [rcaPublicSuite, rcaSandboxSuite]);

/** Every library scenario analysed once, reduced to what the change-impact calibration needs. */
export function calibrationCases(onCase?: (id: string) => void): CalibrationCase[] {
  const { scenarios, errors } = loadLibrary();
  if (errors.length) throw new Error(`rca-sandbox: invalid scenarios: ${errors.map((e) => e.error).join('; ')}`);
  return scenarios.map((sc) => {
    const c = sandboxCase(sc);
    const r = analyze(c.input);
    const faults = [...c.truth.faults].sort((a, b) => Date.parse(a.start) - Date.parse(b.start));
    const causal = new Set(faults.map((f) => f.change?.id).filter((x): x is string => !!x));
    onCase?.(sc.id);
    return calibrationCase(sc.id, faults[0]?.root_cause_service ?? null, causal, r);
  });
}

function formatSetting(r: SettingScore): string {
  const w = r.setting;
  return `bias ${w.bias} magnitude ${w.magnitude} temporal ${w.temporal} centrality ${w.centrality} tau ${w.tauMinutes} min  AC@1 ${r.ac1.toFixed(3)}  log-loss ${r.logLoss.toFixed(4)}  penalised ${r.penalised.toFixed(3)}  missed ${r.missed.join(',') || '-'}`;
}

/** The calibration report: the current weights, the best settings, the objective along each axis. */
export function calibrationReport(cases: readonly CalibrationCase[]): string {
  const lines: string[] = [];
  const n = cases.reduce((a, c) => a + c.changes.length, 0);
  const causal = cases.reduce((a, c) => a + c.changes.filter((x) => x.causal).length, 0);
  lines.push(`cases ${cases.length} (${cases.filter((c) => c.truth).length} with a fault), correlated changes ${n}, causal ${causal}`);
  lines.push(`current: ${formatSetting(scoreSetting(cases, CURRENT_SETTING))}`);
  const ranked = calibrateChangeImpact(cases);
  lines.push('best settings (AC@1, then penalised log-loss):');
  for (const r of ranked.slice(0, 10)) lines.push(`  ${formatSetting(r)}`);
  const top = ranked[0].setting;
  lines.push('objective (AC@1 / penalised log-loss) along each axis through the best setting:');
  for (const key of ['bias', 'magnitude', 'temporal', 'centrality', 'tauMinutes'] as const) {
    const line = ranked
      .filter((r) => (Object.keys(top) as (keyof typeof top)[]).every((k) => k === key || r.setting[k] === top[k]))
      .sort((a, b) => a.setting[key] - b.setting[key]);
    lines.push(`  ${key}: ${line.map((r) => `${r.setting[key]}→${r.ac1.toFixed(3)}/${r.penalised.toFixed(2)}`).join('  ')}`);
  }
  return lines.join('\n');
}

// `npx tsx evals/suites/rca-sandbox.ts calibrate`; `… heldout [traced]` scores only the held-out sets;
// `… unseen [traced] [rows]` the second held-out set (sandbox-placements-unseen.ts), summary only
// unless `rows` is given (its cases are read once, at the end of a round of changes)
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href && process.argv[2] === 'calibrate') {
  const cases = calibrationCases((id) => process.stderr.write(`${id}\n`));
  process.stdout.write(`${calibrationReport(cases)}\n`);
}
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href && process.argv[2] === 'heldout') {
  const opts = process.argv[3] === 'traced' ? TRACED_OPTIONS : {};
  for (const h of heldOutSets(loadLibrary().scenarios)) {
    const r = scoreScenarios(h.scenarios, opts, h.prefix.replace(/_$/, ''));
    process.stdout.write(`${formatTable(r.rows)}\n${JSON.stringify(heldOutMetrics(h.prefix, r.scores))}\n`);
  }
}
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href && process.argv[2] === 'unseen') {
  const opts = process.argv.includes('traced') ? TRACED_OPTIONS : {};
  const r = scoreScenarios(unseenScenarios(loadLibrary().scenarios), opts, 'unseen');
  if (process.argv.includes('rows')) process.stdout.write(`${formatTable(r.rows)}\n`);
  const m = summarize(r.scores);
  process.stdout.write(`${JSON.stringify({ ...heldOutMetrics('unseen_', r.scores), unseen_herrings_blamed: m.herrings_blamed })}\n`);
}
// `… third [traced] [rows]`: the third held-out set (sandbox-placements-third.ts), the final check
// of the traffic-surge work: scored once before it and once at the end, never tuned on
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href && process.argv[2] === 'third') {
  const opts = process.argv.includes('traced') ? TRACED_OPTIONS : {};
  const r = scoreScenarios(thirdScenarios(), opts, 'third');
  if (process.argv.includes('rows')) process.stdout.write(`${formatTable(r.rows)}\n`);
  const m = summarize(r.scores);
  const surges = summarize(r.scores.filter((s) => s.kind === 'traffic_surge'));
  process.stdout.write(
    `${JSON.stringify({ ...heldOutMetrics('third_', r.scores), third_surge_ac1: surges.ac1, third_calm_confident: m.calm_confident, third_herrings_blamed: m.herrings_blamed, third_confident_wrong: r.verdicts.filter((v) => !v.right).length })}\n`,
  );
}
// `… fourth [traced] [rows]`: the fourth held-out set (sandbox-placements-fourth.ts), the final
// check of the noisy-service and caller-timeout work: scored once before it and once at the end
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href && process.argv[2] === 'fourth') {
  const opts = process.argv.includes('traced') ? TRACED_OPTIONS : {};
  const r = scoreScenarios(fourthScenarios(), opts, 'fourth');
  if (process.argv.includes('rows')) process.stdout.write(`${formatTable(r.rows)}\n`);
  const m = summarize(r.scores);
  process.stdout.write(
    `${JSON.stringify({ ...heldOutMetrics('fourth_', r.scores), fourth_calm_confident: m.calm_confident, fourth_herrings_blamed: m.herrings_blamed, fourth_confident_wrong: r.verdicts.filter((v) => !v.right).length })}\n`,
  );
}
