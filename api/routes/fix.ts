/**
 * Fix plans: draft → approve (a permitted human; in prod not the requester) → execute with a
 * runner. Every step lands in the audit chain.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { AppError } from '../../core/errors.js';
import { ENVIRONMENTS, type CommandRecord } from '../../core/schemas.js';
import { FIX_HEARTBEAT_MS } from '../../remediate/leases.js';
import { draftPlan } from '../../remediate/planner.js';
import { route } from '../context.js';
import { ApprovalView, CommandView, FixPlanView, approvalView, commandView, fixPlanView } from '../views.js';

const HOUR = 3_600_000;

export const planRoute = route({
  method: 'post',
  path: '/v1/fix/plan',
  summary: 'Draft a fix plan for an incident',
  tag: 'fix',
  scope: 'plan',
  body: z.object({
    incident_id: z.string().min(1),
    env: z.enum(ENVIRONMENTS).default('prod'),
    runner: z.string().default('dryrun').describe('Which runner will execute it; "dryrun" records commands and changes nothing'),
    namespace: z.string().default('default'),
  }),
  response: { status: 201, schema: FixPlanView, description: 'The plan, waiting for approval' },
  errors: [404],
  async handler({ body, org, deps, actor, userId }) {
    if (!deps.runners[body.runner]) {
      throw new AppError('invalid_input', `Unknown runner "${body.runner}".`, { issues: [{ path: 'runner', message: `one of: ${Object.keys(deps.runners).join(', ')}` }] });
    }
    const inc = await org.getIncident(body.incident_id);
    if (!inc) throw new AppError('not_found', `No incident ${body.incident_id}.`);
    const started = Date.parse(inc.startedAt);
    const changes = await org.listSignals({ kind: 'deploy', service: inc.service, from: new Date(started - HOUR).toISOString(), to: inc.startedAt, limit: 100 });
    let draft;
    try {
      draft = draftPlan(inc, changes, body.namespace);
    } catch (e) {
      throw new AppError('invalid_input', (e as Error).message);
    }
    const plan = await org.createFixPlan({
      id: deps.newId(),
      incidentId: inc.id,
      title: draft.title,
      env: body.env,
      runner: body.runner,
      risk: draft.risk,
      steps: draft.steps,
      status: 'pending_approval',
      requestedBy: userId,
    });
    await org.appendAudit({ actor, action: 'fix.planned', target: `plan:${plan.id}`, payload: { incidentId: inc.id, env: plan.env, runner: plan.runner, steps: plan.steps } });
    return { status: 201, body: fixPlanView(plan) };
  },
});

export const approveRoute = route({
  method: 'post',
  path: '/v1/fix/approve',
  summary: 'Approve or reject a fix plan',
  tag: 'fix',
  scope: 'approve',
  body: z.object({
    plan_id: z.string().min(1),
    decision: z.enum(['approve', 'reject']).default('approve'),
    reason: z.string().max(2000).optional(),
  }),
  response: { status: 200, schema: z.object({ plan: FixPlanView, approval: ApprovalView }), description: 'The decided plan' },
  errors: [404, 409],
  async handler({ body, org, deps, actor, userId }) {
    const plan = await org.getFixPlan(body.plan_id);
    if (!plan) throw new AppError('not_found', `No plan ${body.plan_id}.`);
    if (body.decision === 'approve' && plan.env === 'prod' && plan.requestedBy === userId) {
      throw new AppError('forbidden', 'Four-eyes rule: a prod plan must be approved by someone other than its requester.');
    }
    const to = body.decision === 'approve' ? 'approved' : 'rejected';
    const moved = await org.transitionFixPlan(plan.id, ['pending_approval'], to);
    if (!moved) throw new AppError('conflict', `The plan is ${plan.status}; only a plan pending approval can be decided.`);
    const approval = await org.addApproval({ id: deps.newId(), planId: plan.id, approver: userId, decision: body.decision, reason: body.reason ?? null });
    await org.appendAudit({ actor, action: `fix.${to}`, target: `plan:${plan.id}`, payload: { reason: body.reason ?? null, requestedBy: plan.requestedBy } });
    return { status: 200, body: { plan: fixPlanView(moved), approval: approvalView(approval) } };
  },
});

export const executeRoute = route({
  method: 'post',
  path: '/v1/fix/execute',
  summary: 'Execute an approved fix plan with its runner',
  tag: 'fix',
  scope: 'approve',
  body: z.object({ plan_id: z.string().min(1), runner: z.string().optional().describe('Must match the runner the plan was approved for') }),
  response: { status: 200, schema: z.object({ plan: FixPlanView, commands: z.array(CommandView) }), description: 'The executed plan and the recorded commands' },
  errors: [404, 409],
  /*
   * No transaction is open while a runner works (a step can take minutes; on PGlite a transaction
   * holds the whole database). The claim (approved → executing) commits first, so a second
   * request gets 409 and the plan shows as executing meanwhile; each step's command and audit
   * entry commit as soon as it returns, so what was really done is on record even if the process
   * dies before the end; the outcome commits last, as the request's reply (the idempotent
   * transaction with an Idempotency-Key). While the run lasts, the plan's heartbeat is renewed
   * (every `fixHeartbeatMs`, and before each step): if the process dies, the plan's lease runs
   * out and the sweep of remediate/leases.ts fails it. A plan abandoned meanwhile (POST
   * /v1/fix/plans/{id}/abandon) runs no further step.
   */
  transaction: 'manual',
  async handler({ body, org, deps, actor, commit }) {
    const plan = await org.getFixPlan(body.plan_id);
    if (!plan) throw new AppError('not_found', `No plan ${body.plan_id}.`);
    if (body.runner && body.runner !== plan.runner) {
      throw new AppError('invalid_input', `The plan was approved for runner "${plan.runner}", not "${body.runner}".`, { issues: [{ path: 'runner', message: `must be ${plan.runner}` }] });
    }
    const runner = deps.runners[plan.runner];
    if (!runner) throw new AppError('unavailable', `Runner "${plan.runner}" is not configured on this instance.`);
    const executing = await org.transaction(async (tx) => {
      const claimed = await tx.transitionFixPlan(plan.id, ['approved'], 'executing');
      if (claimed) await tx.appendAudit({ actor, action: 'fix.executing', target: `plan:${plan.id}`, payload: { runner: runner.name, steps: plan.steps.length } });
      return claimed;
    });
    if (!executing) throw new AppError('conflict', `The plan is ${plan.status}; only an approved plan can be executed.`);

    const commands: CommandRecord[] = [];
    let failed = false;
    // the heartbeat: a failed renewal is retried at the next beat (the lease spans several)
    const beat = setInterval(() => void org.heartbeatFixPlan(plan.id).catch(() => undefined), deps.fixHeartbeatMs ?? FIX_HEARTBEAT_MS);
    try {
      for (const [step, s] of plan.steps.entries()) {
        // renewed before each step; no longer executing (abandoned by a person): no further step
        if (step > 0 && !(await org.heartbeatFixPlan(plan.id))) break;
        const startedAt = deps.clock.now().toISOString();
        // a runner that throws failed the step: it is recorded like a non-zero exit
        const result = await runner.execute(s).catch((e: unknown) => ({ exitCode: -1, output: `runner error: ${e instanceof Error ? e.message : String(e)}` }));
        const cmd = await org.transaction(async (tx) => {
          const c = await tx.addCommand({
            id: deps.newId(),
            planId: plan.id,
            step,
            runner: runner.name,
            command: s.command,
            output: result.output,
            exitCode: result.exitCode,
            status: result.exitCode === 0 ? 'succeeded' : 'failed',
            startedAt,
            finishedAt: deps.clock.now().toISOString(),
          });
          await tx.appendAudit({
            actor,
            action: 'command.executed',
            target: `command:${c.id}`,
            payload: { planId: plan.id, step, runner: runner.name, command: s.command, exitCode: result.exitCode, outputSha256: createHash('sha256').update(result.output).digest('hex') },
          });
          return c;
        });
        commands.push(cmd);
        if (result.exitCode !== 0) {
          failed = true;
          break;
        }
      }
    } finally {
      clearInterval(beat);
    }
    return commit(async ({ org: w }) => {
      const done = await w.transitionFixPlan(plan.id, ['executing'], failed ? 'failed' : 'executed');
      if (done) {
        await w.appendAudit({ actor, action: failed ? 'fix.failed' : 'fix.executed', target: `plan:${plan.id}`, payload: { commands: commands.map((c) => c.id) } });
        return { status: 200, body: { plan: fixPlanView(done), commands: commands.map(commandView) } };
      }
      // abandoned while it ran: the commands that did run are on record, the plan keeps its status
      const now = (await w.getFixPlan(plan.id)) ?? executing;
      await w.appendAudit({ actor, action: 'fix.run_ended', target: `plan:${plan.id}`, payload: { commands: commands.map((c) => c.id), status: now.status } });
      return { status: 200, body: { plan: fixPlanView(now), commands: commands.map(commandView) } };
    });
  },
});

export const abandonRoute = route({
  method: 'post',
  path: '/v1/fix/plans/:id/abandon',
  summary: 'Give up on a plan stuck executing (its run was interrupted, or must stop)',
  tag: 'fix',
  scope: 'approve',
  body: z.object({ reason: z.string().max(2000).optional().describe('Why, for the audit log') }),
  response: { status: 200, schema: FixPlanView, description: 'The plan, failed' },
  errors: [404, 409],
  async handler({ body, org, params, actor }) {
    const plan = await org.getFixPlan(params.id);
    if (!plan) throw new AppError('not_found', `No plan ${params.id}.`);
    const failed = await org.transitionFixPlan(plan.id, ['executing'], 'failed');
    if (!failed) throw new AppError('conflict', `The plan is ${plan.status}; only an executing plan can be abandoned.`);
    const commands = await org.listCommands(plan.id);
    await org.appendAudit({ actor, action: 'fix.abandoned', target: `plan:${plan.id}`, payload: { reason: body.reason ?? null, commandsRecorded: commands.length, steps: plan.steps.length } });
    return { status: 200, body: fixPlanView(failed) };
  },
});

export const getPlanRoute = route({
  method: 'get',
  path: '/v1/fix/plans/:id',
  summary: 'A fix plan with its approvals and executed commands',
  tag: 'fix',
  scope: 'read',
  response: {
    status: 200,
    schema: z.object({ plan: FixPlanView, approvals: z.array(ApprovalView), commands: z.array(CommandView) }),
    description: 'The plan',
  },
  errors: [404],
  async handler({ org, params }) {
    const plan = await org.getFixPlan(params.id);
    if (!plan) throw new AppError('not_found', `No plan ${params.id}.`);
    const [approvals, commands] = await Promise.all([org.listApprovals(plan.id), org.listCommands(plan.id)]);
    return { status: 200, body: { plan: fixPlanView(plan), approvals: approvals.map(approvalView), commands: commands.map(commandView) } };
  },
});
