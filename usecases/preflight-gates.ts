/**
 * The preflight's gates as pure functions of plain data (usecases/preflight.ts reads the data):
 * each answers `{name, passed, reason, details}`, the reason one sentence a person acts on.
 *
 * - policy: the Cedar policies (policies/evaluate.ts), the determining policies and deny reasons quoted.
 * - slo_budget: the share of the impacted SLOs still within objective in the latest analysis's
 *   blast radius ("budget left", 0..1: a breached SLO has none left, one within objective all of
 *   it). The rule: a high-risk plan needs at least half the budget left (a risky fix that goes
 *   wrong has nothing to absorb it); a medium-risk plan needs some left unless every step
 *   restores a known state (rollback, flag off, config revert: what worked before); a low-risk
 *   plan always passes, and so does a dry run (it spends no budget). No analysis or no SLOs: passes, said so.
 * - drift: each step's assumed live values (`from_replicas`, `from_memory_mb`, `from_disk_gb`,
 *   `from_version`, `from_value` of its flag or key, recorded by remediate/catalog.ts) against the
 *   live state now; any difference refuses the plan (re-plan on the state of now).
 */
import type { FixPlan, FixStep, PreflightGate } from '../core/schemas.js';
import type { ExternalPolicyDecision, StepCheck } from '../core/ports/index.js';
import { evaluatePlan, type PolicyBundle, type PolicyRequest } from '../policies/evaluate.js';
import type { LiveService } from '../core/ports/live-state.js';

/** The dry_run gate from each step's check (null: the runner has no server-side dry run). */
export function dryRunGate(runner: string, checks: (StepCheck | null)[]): PreflightGate {
  const steps = checks.map((c, i) => ({ step: i + 1, checked: c !== null, ok: c?.ok ?? null, reason: c?.reason ?? `runner "${runner}" has no server-side dry run: skipped` }));
  const failed = steps.filter((s) => s.ok === false);
  const skipped = steps.filter((s) => !s.checked).length;
  if (failed.length) return { name: 'dry_run', passed: false, reason: failed.map((s) => `step ${s.step}: ${s.reason}`).join('; '), details: { runner, steps } };
  const reason = skipped === steps.length ? `runner "${runner}" has no server-side dry run: ${skipped} step(s) skipped` : `every step checked by runner "${runner}"${skipped ? ` (${skipped} skipped)` : ''} would apply`;
  return { name: 'dry_run', passed: true, reason, details: { runner, steps, skipped } };
}

export function policyGate(bundle: PolicyBundle, req: PolicyRequest): PreflightGate {
  const d = evaluatePlan(bundle, req);
  const who = `${req.principal.role} ${req.principal.id}`;
  const reason = d.allowed ? `allowed for ${who} by ${d.determining.join(', ')}` : `denied: ${d.denyReasons.join('; ')}`;
  return { name: 'policy', passed: d.allowed, reason, details: { principal: req.principal, determining: d.determining, deny_reasons: d.denyReasons, errors: d.errors, steps: d.steps } };
}

/** The policy gate when the org's own stored policies no longer validate with the others (fails closed: nothing is checked by half a policy set). */
export function unusablePoliciesGate(errors: string[]): PreflightGate {
  return {
    name: 'policy',
    passed: false,
    reason: `denied: the org's own policies no longer validate against the schema and the built-in policies, so no plan passes until they are fixed (GET /v1/policies shows the problems): ${errors.join('; ')}`,
    details: { errors, determining: [], deny_reasons: [] },
  };
}

/**
 * The policy gate with an external engine's decision folded in (OPA, `OPA_URL`): it passes only
 * when the Cedar policies and the engine both allow; the reason quotes whichever denied.
 */
export function withExternalPolicy(cedar: PreflightGate, d: ExternalPolicyDecision): PreflightGate {
  const ext = d.allowed ? `OPA allowed${d.reasons.length ? ` (${d.reasons.join('; ')})` : ''}` : `denied by OPA: ${d.reasons.join('; ') || 'no reason given'}`;
  const reason = cedar.passed ? (d.allowed ? `${cedar.reason}; ${ext}` : ext) : d.allowed ? cedar.reason : `${cedar.reason}; ${ext}`;
  return { ...cedar, passed: cedar.passed && d.allowed, reason, details: { ...cedar.details, opa: { allowed: d.allowed, reasons: d.reasons, source: d.source } } };
}

export interface BlastSlo {
  name: string;
  service: string;
  breached: boolean;
}

/** Actions that put back a state that worked before (the deploy before, the flag off, the old value). */
const RESTORING = new Set(['rollback', 'flag_off', 'config_revert']);

export function sloBudgetGate(plan: Pick<FixPlan, 'risk' | 'steps'>, slos: BlastSlo[] | null, dryRun: boolean): PreflightGate {
  if (!slos?.length) return { name: 'slo_budget', passed: true, reason: slos ? 'the latest analysis names no SLO of the impacted services: nothing to budget' : 'no stored analysis of the incident: no SLO budget to check', details: { slos: [] } };
  const within = slos.filter((s) => !s.breached).length;
  const remaining = Math.round((within / slos.length) * 100) / 100;
  const details = { remaining, risk: plan.risk, slos: slos.map((s) => ({ name: s.name, service: s.service, breached: s.breached })) };
  const left = `${Math.round(remaining * 100)}% of the budget left (${within} of ${slos.length} SLOs within objective)`;
  if (dryRun) return { name: 'slo_budget', passed: true, reason: `${left}; the dry run spends none`, details };
  if (plan.risk === 'high' && remaining < 0.5) return { name: 'slo_budget', passed: false, reason: `${left}: a high-risk plan needs at least 50%`, details };
  const restores = plan.steps.every((s) => RESTORING.has(s.action));
  if (plan.risk === 'medium' && remaining === 0 && !restores) return { name: 'slo_budget', passed: false, reason: `${left}: a medium-risk plan needs some budget left unless it restores a known state (rollback, flag off, config revert)`, details };
  return { name: 'slo_budget', passed: true, reason: `${left}: enough for a ${plan.risk}-risk plan`, details };
}

const same = (a: unknown, b: unknown) => String(a) === String(b);
/** A live state that knows nothing (lists what a step assumed without a reading). */
const NOTHING_KNOWN: LiveService = { replicas: null, memoryMb: null, diskGb: null, version: null, flags: {}, config: {}, callers: [], external: false };

/** What one step assumed and what the live state says now: [param, assumed, now] for each recorded value. */
function assumptions(step: FixStep, live: LiveService): { what: string; assumed: unknown; now: unknown }[] {
  const p = step.params;
  const out: { what: string; assumed: unknown; now: unknown }[] = [];
  if (p.from_replicas !== undefined) out.push({ what: 'replicas', assumed: p.from_replicas, now: live.replicas });
  if (p.from_memory_mb !== undefined) out.push({ what: 'memory limit (MiB)', assumed: p.from_memory_mb, now: live.memoryMb });
  if (p.from_disk_gb !== undefined) out.push({ what: 'volume (GiB)', assumed: p.from_disk_gb, now: live.diskGb });
  if (p.from_version !== undefined) out.push({ what: 'version', assumed: p.from_version, now: live.version });
  if (p.from_value !== undefined && typeof p.flag === 'string') out.push({ what: `flag ${p.flag}`, assumed: p.from_value, now: live.flags[p.flag] ?? null });
  if (p.from_value !== undefined && typeof p.key === 'string') out.push({ what: `config ${p.key}`, assumed: p.from_value, now: live.config[p.key] ?? null });
  return out;
}

/** `live` maps each step's target to its live state now (null: unknown; absent reader: undefined). */
export function driftGate(steps: FixStep[], live: Map<string, LiveService | null> | undefined): PreflightGate {
  const withAssumptions = steps.filter((s) => assumptions(s, NOTHING_KNOWN).length);
  if (!withAssumptions.length) return { name: 'drift', passed: true, reason: 'the plan assumed no live values (nothing to compare)', details: { compared: [] } };
  if (!live) return { name: 'drift', passed: true, reason: 'no live state reader for this org: the assumed values cannot be compared (skipped)', details: { compared: [], skipped: true } };
  const compared: { step: number; target: string; what: string; assumed: unknown; now: unknown; same: boolean | null }[] = [];
  steps.forEach((s, i) => {
    const l = live.get(s.target);
    for (const a of assumptions(s, l ?? NOTHING_KNOWN)) {
      compared.push({ step: i + 1, target: s.target, ...a, now: l ? a.now : null, same: l ? same(a.assumed, a.now) : null });
    }
  });
  const changed = compared.filter((c) => c.same === false);
  const unknown = compared.filter((c) => c.same === null);
  if (changed.length) {
    const what = changed.map((c) => `${c.target} ${c.what} is ${String(c.now)} now, the plan assumed ${String(c.assumed)}`).join('; ');
    return { name: 'drift', passed: false, reason: `the live state changed since the plan was drafted: ${what}. Draft a new plan.`, details: { compared } };
  }
  if (unknown.length === compared.length) return { name: 'drift', passed: true, reason: `no live state of ${[...new Set(unknown.map((c) => c.target))].join(', ')} now: not compared (skipped)`, details: { compared, skipped: true } };
  return { name: 'drift', passed: true, reason: `the live state matches what the plan assumed (${compared.length - unknown.length} value(s) compared)`, details: { compared } };
}
