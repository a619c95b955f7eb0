/** The canary judge's routes: verify an executed plan on demand, read its verification. The rules live in usecases/verify.ts. */
import { z } from 'zod';
import { VERIFY_BASES, VERIFY_DECISIONS, type VerificationRecord } from '../../core/schemas.js';
import { listVerificationRounds, verifyFix } from '../../usecases/verify.js';
import { AppError } from '../../core/errors.js';
import { route } from '../context.js';
import { runUseCase } from '../session.js';
import { CommandView, commandView } from '../views.js';

const span = z.object({ from: z.string(), to: z.string() });

export const VerificationView = z.object({
  id: z.string(),
  plan_id: z.string(),
  incident_id: z.string(),
  round: z.number().int().describe('1 for the first verdict; a fix improving but not healed, or with too few samples to judge, is judged again in later rounds'),
  decision: z.enum(VERIFY_DECISIONS).describe('continue: keep the fix; halt: nothing improved (no effect: the fix was undone) or too few samples (kept, judged again); rollback: the fix made things worse and its rollback ran'),
  basis: z.enum(VERIFY_BASES).nullable().describe('What the decision rests on: healed, improving, worse, no_effect, too_few_samples (null on verdicts recorded before rounds existed)'),
  next_round_at: z.string().nullable().describe('When the next round is due; null: this round is final'),
  healed: z.boolean().describe('Every impacted service is back within its SLO or at its level before the incident (the incident was marked mitigated)'),
  message: z.string().describe('The reasoned verdict, as posted to the war room'),
  checks: z.array(
    z.object({
      signal: z.string().describe('error_rate, latency_p95, burn_rate or saturation:<resource>'),
      service: z.string(),
      pre: z.number().nullable(),
      post: z.number().nullable(),
      test: z.string(),
      p: z.number().nullable(),
      verdict: z.enum(['better', 'worse', 'unchanged', 'insufficient']),
      reason: z.string(),
    }),
  ),
  services: z.array(z.string()).describe('The impacted services judged (those that sent metrics)'),
  windows: z.object({ pre: span, post: span }),
  ms: z.number().describe("The judge's compute time"),
  run_by: z.string(),
  created_at: z.string(),
});
export const verificationView = (v: VerificationRecord): z.infer<typeof VerificationView> => ({
  id: v.id,
  plan_id: v.planId,
  incident_id: v.incidentId,
  round: v.round,
  decision: v.decision,
  basis: v.basis,
  next_round_at: v.nextRoundAt,
  healed: v.healed,
  message: v.message,
  checks: v.checks,
  services: v.services,
  windows: v.windows,
  ms: v.ms,
  run_by: v.runBy,
  created_at: v.createdAt,
});

export const verifyRoute = route({
  method: 'post',
  path: '/v1/fix/verify',
  summary: 'Verify an executed fix plan now that its post window has closed (the instance also does it by itself): compare the impacted services before and after, decide continue / halt / rollback',
  tag: 'fix',
  scope: 'approve',
  body: z.object({ plan_id: z.string().min(1) }),
  response: {
    status: 200,
    schema: z.object({
      verification: VerificationView,
      created: z.boolean().describe('false: it was verified before; the stored verdict, nothing ran now'),
      rollback: z.object({ ok: z.boolean(), reason: z.string(), commands: z.array(CommandView) }).nullable().describe('The rollback this call ran'),
    }),
    description: 'The verdict, stored once per plan',
  },
  errors: [404, 409],
  // a rollback runs its steps outside any transaction, as an execution does
  transaction: 'manual',
  handler: (ctx) =>
    runUseCase(ctx, (s) => verifyFix(s, { planId: ctx.body.plan_id }), (r) => ({
      status: 200,
      body: { verification: verificationView(r.verification), created: r.created, rollback: r.rollback ? { ok: r.rollback.ok, reason: r.rollback.reason, commands: r.rollback.commands.map(commandView) } : null },
    })),
});

export const getVerificationRoute = route({
  method: 'get',
  path: '/v1/fix/plans/:id/verification',
  summary: "A fix plan's verification by the canary judge: the latest round, and every round",
  tag: 'fix',
  scope: 'read',
  response: {
    status: 200,
    schema: VerificationView.extend({ rounds: z.array(VerificationView).describe('Every round, the first first (the last is the one above)') }),
    description: 'The latest verdict and the rounds',
  },
  errors: [404],
  handler: (ctx) =>
    runUseCase(
      ctx,
      async (s) => {
        const rounds = await listVerificationRounds(s, ctx.params.id);
        if (rounds.length === 0) throw new AppError('not_found', `Plan ${ctx.params.id} has no verification (yet: an executed plan is verified once its post window closes).`);
        return rounds;
      },
      (rounds) => ({ status: 200, body: { ...verificationView(rounds[rounds.length - 1]), rounds: rounds.map(verificationView) } }),
    ),
});
