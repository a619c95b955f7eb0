/**
 * Preflight of a fix plan (`POST /v1/fix/preflight`): four gates, each with its reason — the
 * runner's server-side dry run of every step (`dry_run`), the Cedar policies (`policy`), the
 * impacted SLOs' error budget against the plan's risk (`slo_budget`), and the live state against
 * what the plan assumed (`drift`); the rules are in usecases/preflight-gates.ts. The result is
 * stored with the plan (shown on its card) and audited.
 *
 * Enforcement (`requirePreflight`, called by startFix and executeFix): a prod plan runs only with a passed
 * preflight newer than the plan's last change (a plan's steps never change after drafting, so
 * that is its drafting; a missing or failed one is run again first, so nothing runs unchecked);
 * a plan of any other environment still passes the policy gate. Otherwise: 409 with the reasons.
 */
import { performance } from 'node:perf_hooks';
import { AppError } from '../core/errors.js';
import type { FixPlan, PreflightGate, PreflightRecord } from '../core/schemas.js';
import { roleOfScopes, type PolicyRequest } from '../policies/evaluate.js';
import type { LiveService } from '../core/ports/live-state.js';
import { orgPolicies } from './org-policies.js';
import { dryRunGate, driftGate, policyGate, sloBudgetGate, unusablePoliciesGate, withExternalPolicy, type BlastSlo } from './preflight-gates.js';
import { actorOf, requireScope } from './principal.js';
import type { Session } from './session.js';

/** Plans a preflight applies to: not yet run. */
const CHECKABLE = new Set(['pending_approval', 'approved']);

/** The policy request of a plan run for the session's person. */
async function policyRequest(s: Session, plan: FixPlan): Promise<PolicyRequest> {
  const approvals = plan.status === 'pending_approval' ? [] : await s.org.listApprovals(plan.id);
  const approvedBy = approvals.filter((a) => a.decision === 'approve').at(-1)?.approver ?? null;
  return {
    principal: { id: s.principal.userId, role: roleOfScopes(s.principal.scopes) },
    plan: { env: plan.env, runner: plan.runner, risk: plan.risk, requestedBy: plan.requestedBy, approved: approvedBy !== null, approvedBy, steps: plan.steps },
    dryRun: s.deps.runners[plan.runner]?.dryRun === true,
    now: s.deps.clock.now(),
  };
}

/** The blast radius's SLOs of the incident's latest analysis (null: no analysis). */
async function blastSlos(s: Session, plan: FixPlan): Promise<BlastSlo[] | null> {
  const latest = await s.org.latestAnalysis(plan.incidentId);
  if (!latest) return null;
  const slos = (latest.result as { blastRadius?: { slos?: unknown } }).blastRadius?.slos;
  if (!Array.isArray(slos)) return [];
  return slos.filter((x): x is BlastSlo => typeof x === 'object' && x !== null && typeof (x as BlastSlo).name === 'string').map((x) => ({ name: x.name, service: String(x.service), breached: x.breached === true }));
}

/** Each step target's live state now (undefined: no reader configured). */
async function liveOf(s: Session, plan: FixPlan): Promise<Map<string, LiveService | null> | undefined> {
  const read = s.deps.liveState;
  if (!read) return undefined;
  const out = new Map<string, LiveService | null>();
  for (const t of new Set(plan.steps.map((st) => st.target))) out.set(t, (await Promise.resolve(read(s.principal.orgId, t)).catch(() => null)) ?? null);
  return out;
}

/**
 * The policy gate: the Cedar policies (built-in, WARROOM_POLICY_DIR and the org's own stored
 * sets), then the external engine when one is configured (OPA_URL).
 */
async function policyDecision(s: Session, plan: FixPlan, req: PolicyRequest): Promise<PreflightGate> {
  const policies = await orgPolicies(s);
  const cedar = policies.ok ? policyGate(policies.bundle, req) : unusablePoliciesGate(policies.errors);
  const external = s.deps.externalPolicy;
  if (!external) return cedar;
  const input = {
    org: s.principal.orgId,
    principal: req.principal,
    plan: { id: plan.id, incident_id: plan.incidentId, env: plan.env, runner: plan.runner, risk: plan.risk, requested_by: plan.requestedBy, approved_by: req.plan.approvedBy, steps: plan.steps.map((st) => ({ action: st.action, target: st.target, params: st.params })) },
    dry_run: req.dryRun,
    now: req.now.toISOString(),
  };
  return withExternalPolicy(cedar, await external.decide(input));
}

/** Runs the four gates on a plan; stores nothing. */
export async function runGates(s: Session, plan: FixPlan): Promise<PreflightGate[]> {
  const runner = s.deps.runners[plan.runner];
  const ctx = { orgId: s.principal.orgId };
  const checks = await Promise.all(
    plan.steps.map((st) => (runner?.validate ? runner.validate(st, ctx).catch((e: unknown) => ({ ok: false, reason: `the runner's check failed: ${e instanceof Error ? e.message : String(e)}` })) : Promise.resolve(null))),
  );
  const dry = runner ? dryRunGate(runner.name, checks) : { name: 'dry_run' as const, passed: false, reason: `runner "${plan.runner}" is not configured on this instance`, details: { runner: plan.runner } };
  const [req, slos, live] = await Promise.all([policyRequest(s, plan), blastSlos(s, plan), liveOf(s, plan)]);
  return [dry, await policyDecision(s, plan, req), sloBudgetGate(plan, slos, req.dryRun), driftGate(plan.steps, live)];
}

/** Runs the gates of a plan not yet run and stores the result with an audit entry, through `write`. */
async function runAndStore(s: Session, planId: string, write: 'commit' | 'transaction'): Promise<PreflightRecord> {
  const t0 = performance.now();
  const plan = await s.org.getFixPlan(planId);
  if (!plan) throw new AppError('not_found', `No plan ${planId}.`);
  if (!CHECKABLE.has(plan.status)) throw new AppError('conflict', `The plan is ${plan.status}; a preflight checks a plan before it runs.`, { extra: { plan_status: plan.status } });
  const gates = await runGates(s, plan);
  const passed = gates.every((g) => g.passed);
  const ms = Math.round((performance.now() - t0) * 10) / 10;
  const store = async (org: Session['org']) => {
    const rec = await org.addPreflight({ id: s.deps.newId(), planId: plan.id, passed, gates, ms, runBy: actorOf(s.principal) });
    await org.appendAudit({ actor: actorOf(s.principal), action: 'fix.preflight', target: `plan:${plan.id}`, payload: { passed, failed: gates.filter((g) => !g.passed).map((g) => ({ gate: g.name, reason: g.reason })), ms } });
    return rec;
  };
  // startFix's own commit is its claim (one per call): the preflight it needs is its own
  // transaction, and the outcome's message updates the card. On its own, the preflight's message
  // has the war rooms show the gates on the plan card.
  if (write === 'transaction') return s.org.transaction(store);
  return s.commit(async ({ org, emit }) => {
    const rec = await store(org);
    await emit('incident.updated', { incidentId: plan.incidentId, change: 'plan', planId: plan.id });
    return rec;
  });
}

/** Runs the preflight of a plan not yet run, stores and audits it (scope `plan`). */
export async function preflightFix(s: Session, input: { planId: string }): Promise<PreflightRecord> {
  requireScope(s.principal, 'plan');
  return runAndStore(s, input.planId, 'commit');
}

/** "policy: denied …; drift: …" — the failed gates of a run, for a 409 or a chat reply. */
export const failedGatesText = (gates: PreflightGate[]): string =>
  gates
    .filter((g) => !g.passed)
    .map((g) => `${g.name}: ${g.reason}`)
    .join('; ');

/**
 * Refuses to run a plan that has not passed what it must (409 with the reasons): a prod plan a
 * passed preflight newer than its last change (run here when there is none), any other plan the
 * policy gate. Returns the preflight that let it run, if one did.
 */
export async function requirePreflight(s: Session, plan: FixPlan): Promise<PreflightRecord | null> {
  if (plan.env === 'prod') {
    const last = await s.org.latestPreflight(plan.id);
    const fresh = last && last.passed && Date.parse(last.createdAt) >= Date.parse(plan.createdAt) ? last : await runAndStore(s, plan.id, 'transaction');
    if (!fresh.passed) {
      throw new AppError('conflict', `The plan did not pass its preflight, so it was not run: ${failedGatesText(fresh.gates)}`, { extra: { reason: 'preflight_failed', preflight_id: fresh.id, gates: fresh.gates.filter((g) => !g.passed) } });
    }
    return fresh;
  }
  const gate = await policyDecision(s, plan, await policyRequest(s, plan));
  if (!gate.passed) throw new AppError('conflict', `The policies do not allow this plan, so it was not run: ${gate.reason}`, { extra: { reason: 'policy_denied', gates: [gate] } });
  return null;
}
