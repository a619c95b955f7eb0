/** Fix-plan routes: draft, preflight, decide, execute, abandon, read. The rules live in usecases/fix.ts and usecases/preflight.ts. */
import { z } from 'zod';
import { ENVIRONMENTS, PREFLIGHT_GATES } from '../../core/schemas.js';
import { STRATEGIES } from '../../remediate/choose.js';
import { abandonFix, decideFix, getFix, planFix, startFix } from '../../usecases/fix.js';
import { awaitFixOutcome } from '../../usecases/fix-run.js';
import { preflightFix } from '../../usecases/preflight.js';
import { route } from '../context.js';
import { runUseCase } from '../session.js';
import { ApprovalView, CommandView, FixPlanView, approvalView, commandView, fixPlanView } from '../views.js';

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
    mode: z
      .enum(['auto', 'catalog', 'manual'])
      .default('auto')
      .describe('auto: the fix catalog when the analysis supports it, else rollback-or-restart; catalog: the catalog only (409 when it has no fix); manual: the given `steps`'),
    strategy: z
      .string()
      .refine((v) => STRATEGIES.includes(v), { message: `one of: ${STRATEGIES.join(', ')}` })
      .optional()
      .describe("A catalog entry id or action to prefer among the catalog's alternatives (409 when it does not fit the incident)"),
    steps: z
      .array(z.object({ action: z.string().min(1).max(64), target: z.string().min(1).max(253), params: z.record(z.string(), z.unknown()).default({}) }).strict())
      .min(1)
      .max(20)
      .optional()
      .describe('mode manual: the steps; each command is generated from its typed params (a `command` field is refused)'),
  }).superRefine((b, ctx) => {
    if (b.mode === 'manual' && !b.steps) ctx.addIssue({ code: 'custom', path: ['steps'], message: 'required with mode "manual"' });
    if (b.mode !== 'manual' && b.steps) ctx.addIssue({ code: 'custom', path: ['steps'], message: 'only with mode "manual"' });
    if (b.mode === 'manual' && b.strategy) ctx.addIssue({ code: 'custom', path: ['strategy'], message: 'not with mode "manual" (the steps are given)' });
  }),
  response: { status: 201, schema: FixPlanView, description: 'The plan, waiting for approval' },
  errors: [404, 409],
  handler: (ctx) =>
    runUseCase(
      ctx,
      (s) =>
        planFix(s, {
          incidentId: ctx.body.incident_id,
          env: ctx.body.env,
          runner: ctx.body.runner,
          namespace: ctx.body.namespace,
          mode: ctx.body.mode,
          ...(ctx.body.strategy !== undefined ? { strategy: ctx.body.strategy } : {}),
          ...(ctx.body.steps ? { steps: ctx.body.steps } : {}),
        }),
      (plan) => ({ status: 201, body: fixPlanView(plan) }),
    ),
});

export const PreflightView = z.object({
  id: z.string(),
  plan_id: z.string(),
  passed: z.boolean(),
  gates: z.array(z.object({ name: z.enum(PREFLIGHT_GATES), passed: z.boolean(), reason: z.string(), details: z.record(z.string(), z.unknown()) })),
  ms: z.number().describe('How long the preflight took'),
  run_by: z.string(),
  created_at: z.string(),
});

export const preflightRoute = route({
  method: 'post',
  path: '/v1/fix/preflight',
  summary: "Check a fix plan before it runs: its runner's dry run of every step, the Cedar policies, the SLO error budget and drift of the live state",
  tag: 'fix',
  scope: 'plan',
  body: z.object({ plan_id: z.string().min(1) }),
  response: { status: 200, schema: PreflightView, description: 'The gates, each with its reason; stored with the plan (its card shows them). A prod plan runs only after a passed one.' },
  errors: [404, 409],
  // the dry_run gate calls the runner's cluster (the kubernetes runner: an API server, maybe this
  // instance's own /k8s, whose auth reads the store): no transaction may be held meanwhile
  transaction: 'manual',
  handler: (ctx) =>
    runUseCase(ctx, (s) => preflightFix(s, { planId: ctx.body.plan_id }), (r) => ({
      status: 200,
      body: { id: r.id, plan_id: r.planId, passed: r.passed, gates: r.gates, ms: r.ms, run_by: r.runBy, created_at: r.createdAt },
    })),
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
  handler: (ctx) =>
    runUseCase(ctx, (s) => decideFix(s, { planId: ctx.body.plan_id, decision: ctx.body.decision, ...(ctx.body.reason !== undefined ? { reason: ctx.body.reason } : {}) }), (r) => ({
      status: 200,
      body: { plan: fixPlanView(r.plan), approval: approvalView(r.approval) },
    })),
});

/** The longest `Prefer: wait` honoured (RFC 7240 §4.3), in seconds. */
export const MAX_WAIT_S = 60;

/**
 * The seconds of a `Prefer: wait=N` header (RFC 7240), at most MAX_WAIT_S; undefined when absent.
 * A preference the server does not understand is ignored, as the RFC asks.
 */
export function preferredWait(header: string | string[] | undefined): number | undefined {
  for (const pref of [header ?? []].flat().flatMap((h) => h.split(','))) {
    const m = /^\s*wait\s*=\s*"?(\d{1,6})"?\s*(;.*)?$/i.exec(pref);
    if (m) return Math.min(Number(m[1]), MAX_WAIT_S);
  }
  return undefined;
}

export const executeRoute = route({
  method: 'post',
  path: '/v1/fix/execute',
  summary:
    'Start an approved fix plan: a worker runs it with its runner (a prod plan needs a passed preflight newer than the plan, run first when missing; any plan the policy gate). With `Prefer: wait=N` (N ≤ 60 s) the request waits for the outcome.',
  tag: 'fix',
  scope: 'approve',
  body: z.object({ plan_id: z.string().min(1), runner: z.string().optional().describe('Must match the runner the plan was approved for') }),
  response: {
    status: 202,
    schema: z.object({ plan: FixPlanView, status_url: z.string().describe('Where the plan, its commands and its outcome are read (also the Location header)') }),
    description:
      'The plan, executing: a worker runs its steps. With `Prefer: wait=N` the answer is 200 {plan, commands} once the plan has left executing (executed; dry_run when its runner changes nothing; failed) within N seconds, else this 202. A retry with the same Idempotency-Key replays this 202.',
  },
  errors: [404, 409],
  // the claim commits with the worker's message; the run is the worker's (usecases/fix-run.ts)
  transaction: 'manual',
  handler: async (ctx) => {
    const started = await runUseCase(ctx, (s) => startFix(s, { planId: ctx.body.plan_id, ...(ctx.body.runner ? { runner: ctx.body.runner } : {}) }), (plan) => ({
      status: 202,
      body: { plan: fixPlanView(plan), status_url: `/v1/fix/plans/${encodeURIComponent(plan.id)}` },
    }));
    const { status_url: statusUrl } = started.body as { status_url: string };
    ctx.req.res?.setHeader('Location', statusUrl);
    const waitS = preferredWait(ctx.req.headers.prefer);
    if (waitS === undefined) return started;
    ctx.req.res?.setHeader('Preference-Applied', `wait=${waitS}`);
    const out = await runUseCase(ctx, (s) => awaitFixOutcome(s, ctx.body.plan_id, waitS * 1000), (r) => ({ status: 200, body: { plan: fixPlanView(r.plan), commands: r.commands.map(commandView) } }));
    // still running at the deadline: the start's reply stands
    return (out.body as { plan: { status: string } }).plan.status === 'executing' ? started : { ...out, after: started };
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
  handler: (ctx) => runUseCase(ctx, (s) => abandonFix(s, { planId: ctx.params.id, ...(ctx.body.reason !== undefined ? { reason: ctx.body.reason } : {}) }), (plan) => ({ status: 200, body: fixPlanView(plan) })),
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
  handler: (ctx) =>
    runUseCase(ctx, (s) => getFix(s, ctx.params.id), (r) => ({
      status: 200,
      body: { plan: fixPlanView(r.plan), approvals: r.approvals.map(approvalView), commands: r.commands.map(commandView) },
    })),
});
