/**
 * The run of a fix plan, out of the request: `startFix` (usecases/fix.ts) claims an approved plan
 * and queues `fix.execute` {planId, orgId, actor} with the claim; a worker (app/runtime.ts,
 * group `fix-execute`) takes it from the bus and runs the plan here, step by step.
 *
 * Delivery is at least once, so a run is idempotent: a plan that is no longer executing is left
 * alone (the message is acked), and a step already recorded as a command of the plan is not run
 * again (a redelivery after a crash carries on from the first step with no command). A step that
 * was running when the process died has no command and runs again: at least once, per step.
 *
 * No transaction is open while a runner works (a step can take minutes; on PGlite a transaction
 * holds the whole database). Each step's command and audit entry commit as soon as it returns, so
 * what was really done is on record even if the process dies before the end; the outcome
 * (executed, failed, dry_run) is the session's commit. While the run lasts the plan's heartbeat is
 * renewed (every `fixHeartbeatMs`, and before each step): if the process dies, the lease runs out
 * and the sweep of usecases/fix-leases.ts fails the plan. When the heartbeat finds the plan no
 * longer executing (abandoned) the runner's signal aborts and no further step runs.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { AppError } from '../core/errors.js';
import type { Bus, BusMessage, OutboxMessage, Runner, StepResult, Store, Subscription } from '../core/ports/index.js';
import type { CommandRecord, FixPlan, FixStep } from '../core/schemas.js';
import { FIX_HEARTBEAT_MS } from '../remediate/leases.js';
import { requireScope, type Principal } from './principal.js';
import { directSession, type Session, type UseCaseDeps } from './session.js';

/** The payload of `fix.execute`: which plan, and who started it (the audit entries' actor). */
export const FixExecutePayload = z.object({ planId: z.string().min(1), orgId: z.string().min(1), actor: z.string().min(1) });
export type FixExecutePayload = z.infer<typeof FixExecutePayload>;

/** What a run ended with; `ran` false: the plan was not executing, nothing was done. */
export interface RunOutcome {
  plan: FixPlan;
  commands: CommandRecord[];
  ran: boolean;
}

/** The run stopped because the process is stopping: the plan stays executing, for a redelivery. */
export class RunInterrupted extends AppError {
  constructor(planId: string) {
    super('unavailable', `The run of plan ${planId} was interrupted (the process is stopping); its message will be delivered again.`);
  }
}

const runnerError = (e: unknown) => ({ exitCode: -1, output: `runner error: ${e instanceof Error ? e.message : String(e)}` });

/**
 * Runs one step with `runner` and records it: its command and audit entry commit together as
 * soon as it returns (a runner that throws failed the step, recorded like a non-zero exit). No
 * transaction is open while the runner works. Shared by a plan's run and the canary judge's
 * rollback (`rollback: true` in the audit payload).
 */
export async function runStep(
  s: Session,
  o: { plan: FixPlan; runner: Runner; step: FixStep; index: number; actor: string; signal: AbortSignal; rollback?: boolean },
): Promise<{ command: CommandRecord; result: StepResult }> {
  const { plan, runner, step: st, index: step, actor } = o;
  const startedAt = s.deps.clock.now().toISOString();
  const result = await runner.execute(st, { orgId: s.principal.orgId, planId: plan.id, env: plan.env, signal: o.signal }).catch(runnerError);
  const command = await s.org.transaction(async (tx) => {
    const c = await tx.addCommand({
      id: s.deps.newId(),
      planId: plan.id,
      step,
      runner: runner.name,
      command: st.command,
      output: result.output,
      exitCode: result.exitCode,
      status: result.exitCode !== 0 ? 'failed' : runner.dryRun ? 'simulated' : 'succeeded',
      startedAt,
      finishedAt: s.deps.clock.now().toISOString(),
    });
    await tx.appendAudit({
      actor,
      action: runner.dryRun ? 'command.simulated' : 'command.executed',
      target: `command:${c.id}`,
      payload: { planId: plan.id, step, ...(o.rollback ? { rollback: true } : {}), runner: runner.name, command: st.command, exitCode: result.exitCode, outputSha256: createHash('sha256').update(result.output).digest('hex') },
    });
    return c;
  });
  return { command, result };
}

/**
 * Runs the executing plan `planId` with its runner on behalf of `actor`. `stopping` aborts when
 * the process stops: the step under way answers and is recorded, then the run ends without an
 * outcome (RunInterrupted) so the message is delivered again.
 */
export async function runPlan(s: Session, planId: string, actor: string, stopping?: AbortSignal): Promise<RunOutcome> {
  const plan = await s.org.getFixPlan(planId);
  if (!plan) throw new AppError('not_found', `No plan ${planId}.`);
  // not executing (done, abandoned, swept): an earlier delivery or a person settled it
  if (plan.status !== 'executing' || !(await s.org.heartbeatFixPlan(plan.id))) {
    return { plan: (await s.org.getFixPlan(planId)) ?? plan, commands: await s.org.listCommands(planId), ran: false };
  }
  const runner = s.deps.runners[plan.runner];
  if (!runner) return settle(s, plan, actor, 'failed', { reason: `runner "${plan.runner}" is not configured on the instance that took the run` });

  const abandoned = new AbortController();
  const signal = stopping ? AbortSignal.any([stopping, abandoned.signal]) : abandoned.signal;
  const renew = async () => {
    if (!(await s.org.heartbeatFixPlan(plan.id))) abandoned.abort(new Error('the plan is no longer executing'));
  };
  // the heartbeat: a failed renewal is retried at the next beat (the lease spans several)
  const beat = setInterval(() => void renew().catch(() => undefined), s.deps.fixHeartbeatMs ?? FIX_HEARTBEAT_MS);
  const recorded = new Map((await s.org.listCommands(plan.id)).map((c) => [c.step, c]));
  let failed = false;
  try {
    for (const [step, st] of plan.steps.entries()) {
      const before = recorded.get(step);
      if (before) {
        // done by an earlier delivery: not run twice; a failed one ended the plan then
        if (before.exitCode !== 0) failed = true;
        if (failed) break;
        continue;
      }
      if (step > 0) await renew(); // before each step: an abandoned plan runs no further step
      if (signal.aborted) break;
      const { result } = await runStep(s, { plan, runner, step: st, index: step, actor, signal });
      if (result.exitCode !== 0) {
        failed = true;
        break;
      }
    }
  } finally {
    clearInterval(beat);
  }
  if (stopping?.aborted && !abandoned.signal.aborted) throw new RunInterrupted(plan.id);
  return settle(s, plan, actor, failed ? 'failed' : runner.dryRun ? 'dry_run' : 'executed');
}

/** Commits the outcome of a run (or, if the plan left executing meanwhile, that the run ended). */
async function settle(s: Session, plan: FixPlan, actor: string, outcome: 'executed' | 'failed' | 'dry_run', extra: Record<string, unknown> = {}): Promise<RunOutcome> {
  const planChanged = { incidentId: plan.incidentId, change: 'plan', planId: plan.id };
  return s.commit(async ({ org, emit }) => {
    const commands = await org.listCommands(plan.id);
    const ids = commands.map((c) => c.id);
    const done = await org.transitionFixPlan(plan.id, ['executing'], outcome);
    if (done) {
      await org.appendAudit({ actor, action: `fix.${outcome}`, target: `plan:${plan.id}`, payload: { commands: ids, ...extra } });
      await emit('incident.updated', planChanged);
      return { plan: done, commands, ran: true };
    }
    // abandoned while it ran: the commands that did run are on record, the plan keeps its status
    const now = (await org.getFixPlan(plan.id)) ?? plan;
    await org.appendAudit({ actor, action: 'fix.run_ended', target: `plan:${plan.id}`, payload: { commands: ids, status: now.status } });
    await emit('incident.updated', planChanged);
    return { plan: now, commands, ran: true };
  });
}

/** What the `fix.execute` worker runs with. */
export interface FixWorkerDeps {
  store: Pick<Store, 'forOrg'>;
  useCaseDeps: UseCaseDeps;
  /** Hands the messages of a committed outcome to the outbox relay. */
  publishCommitted(msgs: OutboxMessage[]): void;
  /** Aborts when the process stops: runs under way end without an outcome, to be delivered again. */
  stopping?: AbortSignal;
}

/** The worker's principal: Warroom itself, for the org of the message (the audit names the person who started the run). */
const executor = (orgId: string): Principal => ({ orgId, userId: 'fix-executor', scopes: ['read', 'approve'], via: 'system' });

/**
 * Handles one `fix.execute` message: runs its plan (acked when it resolves). A malformed payload
 * or one whose org differs from the message's is refused (the bus retries, then dead-letters it).
 */
export async function runFix(deps: FixWorkerDeps, m: Pick<BusMessage, 'orgId' | 'payload'>): Promise<RunOutcome> {
  const parsed = FixExecutePayload.safeParse(m.payload);
  if (!parsed.success) throw new AppError('invalid_input', `fix.execute: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const p = parsed.data;
  if (p.orgId !== m.orgId) throw new AppError('invalid_input', `fix.execute: the payload's org ${p.orgId} is not the message's org ${m.orgId}.`);
  const s = directSession(executor(p.orgId), deps.store.forOrg(p.orgId), deps.useCaseDeps, deps.publishCommitted);
  return runPlan(s, p.planId, p.actor, deps.stopping);
}

/** Subscribes the `fix.execute` worker (group `fix-execute`): several plans may run at once, each run to its end. */
export function subscribeFixWorker(bus: Pick<Bus, 'subscribe'>, deps: FixWorkerDeps): Promise<Subscription> {
  return bus.subscribe('fix.execute', async (m) => void (await runFix(deps, m)), { group: 'fix-execute', concurrency: 4 });
}

/**
 * Waits up to `waitMs` for a started plan to leave executing, reading the store every `pollMs`
 * (the worker may be another process); the plan and its commands as they are then (scope `read`).
 */
export async function awaitFixOutcome(s: Session, planId: string, waitMs: number, pollMs = 100): Promise<{ plan: FixPlan; commands: CommandRecord[] }> {
  requireScope(s.principal, 'read');
  const org = s.org;
  const until = Date.now() + waitMs;
  for (;;) {
    const plan = await org.getFixPlan(planId);
    if (!plan) throw new AppError('not_found', `No plan ${planId}.`);
    if (plan.status !== 'executing' || Date.now() >= until) return { plan, commands: await org.listCommands(planId) };
    await new Promise((r) => setTimeout(r, Math.min(pollMs, Math.max(0, until - Date.now()))));
  }
}
