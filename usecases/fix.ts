/**
 * Fix plans: draft → approve (a permitted human; in prod not the requester) → start, and a
 * worker runs it with its runner (usecases/fix-run.ts). Every step lands in the audit chain. Nothing here is reachable from a model: the agent's
 * tools draft plans without storing them, and execution starts only from a person's approval.
 * Every change of a plan emits `incident.updated` {incidentId, change: 'plan', planId} with its
 * commit, so the war rooms post or update the plan card and its outcome.
 */
import { AppError } from '../core/errors.js';
import type { Approval, CommandRecord, Environment, FixPlan } from '../core/schemas.js';
import { draftForIncident, type DraftOptions } from './fix-draft.js';
import { runPlan, type FixExecutePayload } from './fix-run.js';
import { requirePreflight } from './preflight.js';
import { actorOf, requireScope } from './principal.js';
import type { Session, WriteScope } from './session.js';

/** The bus message of a plan's change (posted with the commit that made it). */
const planChanged = (emit: WriteScope['emit'], plan: Pick<FixPlan, 'id' | 'incidentId'>) => emit('incident.updated', { incidentId: plan.incidentId, change: 'plan', planId: plan.id });

/**
 * Refuses approving a plan drafted more than the TTL ago (`deps.planTtlMs`, from
 * WARROOM_PLAN_TTL_MINUTES): what it would do was judged on the state of then.
 */
function refuseExpired(plan: FixPlan, now: Date, ttlMs: number | undefined): void {
  if (ttlMs === undefined) return;
  const ageMs = now.getTime() - Date.parse(plan.createdAt);
  if (ageMs <= ttlMs) return;
  const minutes = (ms: number) => Math.floor(ms / 60_000);
  throw new AppError(
    'conflict',
    `The plan expired: it was drafted ${minutes(ageMs)} minutes ago and plans expire after ${minutes(ttlMs)} minutes (WARROOM_PLAN_TTL_MINUTES). Draft a new one.`,
    { extra: { reason: 'expired', plan_status: plan.status } },
  );
}

async function planOf(s: Session, id: string): Promise<FixPlan> {
  const plan = await s.org.getFixPlan(id);
  if (!plan) throw new AppError('not_found', `No plan ${id}.`);
  return plan;
}

/** Drafts a plan for an incident (`mode`, `strategy`, `steps`: fix-draft.ts DraftOptions) and stores it pending approval (scope `plan`). */
export async function planFix(s: Session, input: { incidentId: string; env: Environment; runner: string; namespace: string } & DraftOptions): Promise<FixPlan> {
  requireScope(s.principal, 'plan');
  if (!s.deps.runners[input.runner]) {
    throw new AppError('invalid_input', `Unknown runner "${input.runner}".`, { issues: [{ path: 'runner', message: `one of: ${Object.keys(s.deps.runners).join(', ')}` }] });
  }
  return s.commit(async ({ org, emit }) => {
    const { incident: inc, draft, analysisId, choice } = await draftForIncident(org, input.incidentId, input.namespace, s.deps.liveState, { mode: input.mode, strategy: input.strategy, steps: input.steps });
    const plan = await org.createFixPlan({
      id: s.deps.newId(),
      incidentId: inc.id,
      title: draft.title,
      env: input.env,
      runner: input.runner,
      risk: draft.risk,
      steps: draft.steps,
      status: 'pending_approval',
      requestedBy: s.principal.userId,
      rollback: draft.rollback ?? [],
      why: draft.why ?? null,
      analysisId: analysisId ?? null,
      // the catalog's word on how long the fix takes to show: the judge does not call it "no effect" sooner
      expectWithinMinutes: choice?.chosen.expect.withinMinutes ?? null,
    });
    await org.appendAudit({ actor: actorOf(s.principal), action: 'fix.planned', target: `plan:${plan.id}`, payload: { incidentId: inc.id, env: plan.env, runner: plan.runner, steps: plan.steps } });
    await planChanged(emit, plan);
    return plan;
  });
}

/**
 * Approves or rejects a plan pending approval (scope `approve`). Four-eyes: a prod plan is
 * approved by someone other than its requester. A plan older than `deps.planTtlMs` can no longer
 * be approved (conflict, extra.reason 'expired'), only rejected.
 */
export async function decideFix(s: Session, input: { planId: string; decision: 'approve' | 'reject'; reason?: string }): Promise<{ plan: FixPlan; approval: Approval }> {
  requireScope(s.principal, 'approve');
  return s.commit(async ({ org, emit }) => {
    const plan = await org.getFixPlan(input.planId);
    if (!plan) throw new AppError('not_found', `No plan ${input.planId}.`);
    if (input.decision === 'approve' && plan.env === 'prod' && plan.requestedBy === s.principal.userId) {
      throw new AppError('forbidden', 'Four-eyes rule: a prod plan must be approved by someone other than its requester.');
    }
    if (input.decision === 'approve' && plan.status === 'pending_approval') refuseExpired(plan, s.deps.clock.now(), s.deps.planTtlMs);
    const to = input.decision === 'approve' ? 'approved' : 'rejected';
    const moved = await org.transitionFixPlan(plan.id, ['pending_approval'], to);
    if (!moved) throw new AppError('conflict', `The plan is ${plan.status}; only a plan pending approval can be decided.`);
    const approval = await org.addApproval({ id: s.deps.newId(), planId: plan.id, approver: s.principal.userId, decision: input.decision, reason: input.reason ?? null });
    await org.appendAudit({ actor: actorOf(s.principal), action: `fix.${to}`, target: `plan:${plan.id}`, payload: { reason: input.reason ?? null, requestedBy: plan.requestedBy } });
    await planChanged(emit, moved);
    return { plan: moved, approval };
  });
}

/**
 * Checks and claims an approved plan for its run (scope `approve`). Before the claim,
 * usecases/preflight.ts `requirePreflight` refuses (409) a prod plan without a passed preflight
 * and any plan the policies deny. The claim (approved → executing) commits first, so a second
 * call gets a conflict and the plan shows as executing meanwhile.
 */
async function claimFix(s: Session, input: { planId: string; runner?: string }, queue: boolean): Promise<{ plan: FixPlan; actor: string }> {
  requireScope(s.principal, 'approve');
  const actor = actorOf(s.principal);
  const plan = await planOf(s, input.planId);
  if (input.runner && input.runner !== plan.runner) {
    throw new AppError('invalid_input', `The plan was approved for runner "${plan.runner}", not "${input.runner}".`, { issues: [{ path: 'runner', message: `must be ${plan.runner}` }] });
  }
  const runner = s.deps.runners[plan.runner];
  if (!runner) throw new AppError('unavailable', `Runner "${plan.runner}" is not configured on this instance.`);
  // prod: a passed preflight newer than the plan (run now if missing); elsewhere: the policy gate
  if (plan.status === 'approved') await requirePreflight(s, plan);
  const claim = async (tx: WriteScope['org']) => {
    const claimed = await tx.transitionFixPlan(plan.id, ['approved'], 'executing');
    if (!claimed) {
      const now = (await tx.getFixPlan(plan.id)) ?? plan;
      // still approved: another request claimed it and rolled back, or has not committed yet
      throw new AppError(
        'conflict',
        now.status === 'approved' ? 'Another request is starting this plan right now; retry in a moment.' : `The plan is ${now.status} now; only an approved plan can be executed.`,
        { extra: { plan_status: now.status } },
      );
    }
    await tx.appendAudit({ actor, action: 'fix.executing', target: `plan:${plan.id}`, payload: { runner: runner.name, steps: plan.steps.length } });
    return claimed;
  };
  // queued: the claim is the use case's commit, the worker's message goes with it
  const executing = queue
    ? await s.commit(async ({ org, emit }) => {
        const claimed = await claim(org);
        await emit('fix.execute', { planId: plan.id, orgId: s.principal.orgId, actor } satisfies FixExecutePayload);
        return claimed;
      })
    : await s.org.transaction(claim);
  return { plan: executing, actor };
}

/**
 * Starts an approved plan's run (scope `approve`): claims it (approved → executing) and, in the
 * same commit, queues `fix.execute` for the worker (usecases/fix-run.ts), which runs the steps and
 * commits the outcome. Returns the plan, executing. A runner that changes nothing (the dry run)
 * ends the plan `dry_run`, its commands `simulated`, so nobody reads it as a fix that ran.
 */
export async function startFix(s: Session, input: { planId: string; runner?: string }): Promise<FixPlan> {
  return (await claimFix(s, input, true)).plan;
}

/**
 * Claims an approved plan and runs it here, to its outcome (scope `approve`): for callers that
 * want the outcome in hand (tests, scripts in-process). No `fix.execute` is queued, so no worker
 * runs it too; if this process dies mid-run, the lease sweep fails the plan.
 */
export async function executeFix(s: Session, input: { planId: string; runner?: string }): Promise<{ plan: FixPlan; commands: CommandRecord[] }> {
  const { plan, actor } = await claimFix(s, input, false);
  const run = await runPlan(s, plan.id, actor);
  return { plan: run.plan, commands: run.commands };
}

/** Gives up on a plan stuck executing (scope `approve`): it fails, with the reason on record. */
export async function abandonFix(s: Session, input: { planId: string; reason?: string }): Promise<FixPlan> {
  requireScope(s.principal, 'approve');
  return s.commit(async ({ org, emit }) => {
    const plan = await org.getFixPlan(input.planId);
    if (!plan) throw new AppError('not_found', `No plan ${input.planId}.`);
    const failed = await org.transitionFixPlan(plan.id, ['executing'], 'failed');
    if (!failed) throw new AppError('conflict', `The plan is ${plan.status}; only an executing plan can be abandoned.`);
    const commands = await org.listCommands(plan.id);
    await org.appendAudit({ actor: actorOf(s.principal), action: 'fix.abandoned', target: `plan:${plan.id}`, payload: { reason: input.reason ?? null, commandsRecorded: commands.length, steps: plan.steps.length } });
    await planChanged(emit, failed);
    return failed;
  });
}

/** A plan with its approvals and executed commands (scope `read`). */
export async function getFix(s: Session, id: string): Promise<{ plan: FixPlan; approvals: Approval[]; commands: CommandRecord[] }> {
  requireScope(s.principal, 'read');
  const plan = await planOf(s, id);
  const [approvals, commands] = await Promise.all([s.org.listApprovals(plan.id), s.org.listCommands(plan.id)]);
  return { plan, approvals, commands };
}
