/**
 * A stored plan's steps rendered in the format a team applies changes with (kubectl, Helm,
 * Terraform, Ansible, SQL), each with its rollback, or why the format cannot express the step.
 * Rendered from the steps' typed params (remediate/render/), never from their stored commands.
 */
import { AppError } from '../core/errors.js';
import type { FixStep } from '../core/schemas.js';
import { UnsafeNameError } from '../remediate/commands.js';
import { StepParamsError, renderStep, type RenderFormat } from '../remediate/render/index.js';
import { requireScope } from './principal.js';
import type { Session } from './session.js';

export interface RenderedStep {
  /** The step's position in the plan, from 1. */
  step: number;
  action: string;
  target: string;
  change?: string;
  rollback?: string;
  /** Why this format has no rendering of the step. */
  unavailable?: string;
}

function renderOne(st: FixStep, i: number, format: RenderFormat): RenderedStep {
  const head = { step: i + 1, action: st.action, target: st.target };
  try {
    const r = renderStep(st, format);
    return 'change' in r ? { ...head, change: r.change, rollback: r.rollback } : { ...head, unavailable: r.unavailable };
  } catch (e) {
    // a stored step a generator refuses (an old plan's unsafe name, an action no format knows) is reported, not rendered
    // the refused value itself is not repeated: a stored hostile name reaches no script and no reply
    if (e instanceof UnsafeNameError) return { ...head, unavailable: `its ${e.what} is not a safe name for a script; nothing was generated` };
    if (e instanceof StepParamsError) return { ...head, unavailable: e.message };
    throw e;
  }
}

/** The plan's steps in one format (scope `read`). */
export async function renderFixPlan(s: Session, input: { planId: string; format: RenderFormat }): Promise<{ planId: string; format: RenderFormat; steps: RenderedStep[] }> {
  requireScope(s.principal, 'read');
  const plan = await s.org.getFixPlan(input.planId);
  if (!plan) throw new AppError('not_found', `No plan ${input.planId}.`);
  return { planId: plan.id, format: input.format, steps: plan.steps.map((st, i) => renderOne(st, i, input.format)) };
}
