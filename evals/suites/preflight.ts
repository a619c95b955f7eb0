/**
 * The preflight's verdicts on labelled cases (evals/preflight/cases.json): each case is a plan
 * and its context — who asks, when, the runner's step checks, the impacted SLOs, the live state —
 * with the expected verdict and a text the failing gate's reason must contain. The gates are the
 * product's own (usecases/preflight-gates.ts on the default Cedar policies), run on plain data.
 *
 * Scores: `false_passes` (a plan that must be denied passed: the dangerous miss), `false_blocks`
 * (a plan that must pass was denied), `wrong_reason` (denied, but not for the labelled reason)
 * and `p95_ms` of one case's four gates. Targets 0, 0, 0 and well under the 1 s.
 *
 * `npx tsx evals/suites/preflight.ts` prints the table.
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import type { StepCheck } from '../../core/ports/index.js';
import type { FixStep, PreflightGate } from '../../core/schemas.js';
import type { PolicyBundle, Role } from '../../policies/evaluate.js';
import type { LiveService } from '../../core/ports/live-state.js';
import { loadPolicyBundle } from '../../usecases/policy-loader.js';
import { dryRunGate, driftGate, policyGate, sloBudgetGate, type BlastSlo } from '../../usecases/preflight-gates.js';
import type { Suite, SuiteResult } from '../harness.js';

export interface PreflightCase {
  id: string;
  description: string;
  plan: { env: string; runner: string; risk: 'low' | 'medium' | 'high'; requestedBy: string; steps: Omit<FixStep, 'command'>[] };
  context: {
    principal: { id: string; role: Role };
    now: string;
    approvedBy: string | null;
    dryRun: boolean;
    slos?: BlastSlo[] | null;
    live?: Record<string, LiveService | null> | null;
    checks?: (StepCheck | null)[];
  };
  expect: { allowed: boolean; reason?: string };
}

export const CASES_FILE = new URL('../preflight/cases.json', import.meta.url);

export function loadCases(): PreflightCase[] {
  return (JSON.parse(readFileSync(CASES_FILE, 'utf8')) as { cases: PreflightCase[] }).cases;
}

/** The four gates of one case, as the preflight runs them. */
export function gatesOf(bundle: PolicyBundle, c: PreflightCase): PreflightGate[] {
  const steps: FixStep[] = c.plan.steps.map((s) => ({ ...s, command: `${s.action} ${s.target}` }));
  const ctx = c.context;
  return [
    dryRunGate(c.plan.runner, ctx.checks ?? steps.map(() => null)),
    policyGate(bundle, {
      principal: ctx.principal,
      plan: { env: c.plan.env, runner: c.plan.runner, risk: c.plan.risk, requestedBy: c.plan.requestedBy, approved: ctx.approvedBy !== null, approvedBy: ctx.approvedBy, steps },
      dryRun: ctx.dryRun,
      now: new Date(ctx.now),
    }),
    sloBudgetGate({ risk: c.plan.risk, steps }, ctx.slos ?? null, ctx.dryRun),
    driftGate(steps, ctx.live ? new Map(Object.entries(ctx.live)) : undefined),
  ];
}

const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(xs.length * 0.95) - 1)] ?? 0;

export async function runPreflight(): Promise<SuiteResult> {
  const bundle = loadPolicyBundle();
  const cases = loadCases();
  const times: number[] = [];
  let falsePasses = 0;
  let falseBlocks = 0;
  let wrongReason = 0;
  const rows = cases.map((c) => {
    const t0 = performance.now();
    const gates = gatesOf(bundle, c);
    times.push(performance.now() - t0);
    const passed = gates.every((g) => g.passed);
    const failed = gates.filter((g) => !g.passed);
    const reasons = failed.map((g) => `${g.name}: ${g.reason}`).join(' | ');
    const reasonOk = c.expect.allowed || !c.expect.reason || reasons.includes(c.expect.reason);
    if (passed && !c.expect.allowed) falsePasses++;
    if (!passed && c.expect.allowed) falseBlocks++;
    if (!passed && !c.expect.allowed && !reasonOk) wrongReason++;
    const ok = passed === c.expect.allowed && reasonOk;
    return { case: c.id, expected: c.expect.allowed ? 'allowed' : 'denied', got: passed ? 'allowed' : 'denied', ok, reason: passed ? '' : reasons.slice(0, 120) };
  });
  return {
    metrics: { cases: cases.length, false_passes: falsePasses, false_blocks: falseBlocks, wrong_reason: wrongReason, p95_ms: Math.round(p95(times) * 100) / 100 },
    rows,
    notes: [`${cases.filter((c) => !c.expect.allowed).length} of ${cases.length} cases must be denied`],
  };
}

export const preflightSuite: Suite = {
  name: 'preflight',
  description: 'Preflight gates (Cedar policies, SLO budget, drift, the runner\'s checks) on labelled plans: false passes and false blocks',
  tier: 'quick',
  thresholds: [
    { metric: 'cases', op: '>=', value: 60 },
    { metric: 'false_passes', op: '==', value: 0 },
    { metric: 'false_blocks', op: '==', value: 0 },
    { metric: 'wrong_reason', op: '==', value: 0 },
    { metric: 'p95_ms', op: '<=', value: 100 },
  ],
  run: runPreflight,
};

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { formatTable } = await import('../harness.js');
  const r = await runPreflight();
  console.log(formatTable(r.rows));
  console.log(r.metrics);
}
