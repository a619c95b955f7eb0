/** GET /v1/fix/plans/{id}/render: a plan's steps as kubectl, a Helm values diff, Terraform, Ansible or SQL, each with its rollback. */
import { z } from 'zod';
import { RENDER_FORMATS } from '../../remediate/render/index.js';
import { renderFixPlan } from '../../usecases/fix-render.js';
import { route } from '../context.js';
import { runUseCase } from '../session.js';

const RenderedStepView = z.union([
  z.object({ step: z.number().describe('Position in the plan, from 1'), action: z.string(), target: z.string(), change: z.string().describe('The script that makes the change'), rollback: z.string().describe('The script that undoes it') }),
  z.object({ step: z.number(), action: z.string(), target: z.string(), unavailable: z.string().describe('Why this format cannot express the step (a restart changes no Terraform attribute…)') }),
]);

export const renderPlanRoute = route({
  method: 'get',
  path: '/v1/fix/plans/:id/render',
  summary: "A fix plan's steps as scripts in one format, each with its rollback, generated from the steps' typed params (never from free text)",
  tag: 'fix',
  scope: 'read',
  query: z.object({ format: z.enum(RENDER_FORMATS).default('kubectl').describe('kubectl | helm (a values diff) | terraform (an HCL snippet with its plan line) | ansible (a kubernetes.core play) | sql (a migration pair)') }),
  response: { status: 200, schema: z.object({ plan_id: z.string(), format: z.enum(RENDER_FORMATS), steps: z.array(RenderedStepView) }), description: 'Every step, rendered or with the reason it cannot be' },
  errors: [404],
  handler: (ctx) =>
    runUseCase(ctx, (s) => renderFixPlan(s, { planId: ctx.params.id, format: ctx.query.format }), (r) => ({
      status: 200,
      body: { plan_id: r.planId, format: r.format, steps: r.steps },
    })),
});
