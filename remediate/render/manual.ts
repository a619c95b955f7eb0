/**
 * A plan whose steps a person gave (`mode: manual`): each `{action, target, params}` is checked
 * against the typed actions (the params each needs, names and values that generators may write)
 * and its command and rollback are generated here. A caller's `command` is never taken: it is
 * not even part of the input.
 */
import type { FixPlan, FixStep } from '../../core/schemas.js';
import { CATALOG } from '../catalog.js';
import { UnsafeNameError } from '../commands.js';
import { commandOf } from './kubectl.js';
import { STEP_PARAMS, StepParamsError, canonicalAction, stepChange } from './step.js';

export interface ManualStep {
  action: string;
  target: string;
  params?: Record<string, unknown>;
}

/** A manual step the generators refuse: which one (from 0) and why. */
export class ManualStepError extends Error {
  constructor(
    readonly index: number,
    message: string,
  ) {
    super(message);
    this.name = 'ManualStepError';
  }
}

const RISK_ORDER: FixPlan['risk'][] = ['low', 'medium', 'high'];
/** An action's risk as the catalog rates it (its riskiest entry); an action the catalog lacks counts as medium. */
const riskOf = (action: string): FixPlan['risk'] =>
  CATALOG.filter((e) => e.action === action).reduce<FixPlan['risk'] | null>((r, e) => (r === null || RISK_ORDER.indexOf(e.risk) > RISK_ORDER.indexOf(r) ? e.risk : r), null) ?? 'medium';

/** The plan draft of manual steps: typed params kept (unknown keys dropped), commands generated. */
export function manualDraft(input: readonly ManualStep[], namespace: string): { title: string; risk: FixPlan['risk']; steps: FixStep[]; rollback: { action: string; target: string; command: string }[] } {
  const steps: FixStep[] = [];
  const rollback: { action: string; target: string; command: string }[] = [];
  input.forEach((m, i) => {
    try {
      const action = canonicalAction(m.action);
      const params = { namespace, ...(m.params ?? {}) };
      const change = stepChange({ action: m.action, target: m.target, params }, namespace);
      const typed = STEP_PARAMS[action!].parse(params) as Record<string, unknown>;
      const r = commandOf(change);
      const ns = change.kind === 'index' ? {} : { namespace: change.namespace };
      steps.push({ action: action!, target: m.target, params: { ...ns, ...typed }, command: r.command });
      rollback.push({ action: `undo ${action!}`, target: m.target, command: r.rollback });
    } catch (e) {
      if (e instanceof UnsafeNameError || e instanceof StepParamsError) throw new ManualStepError(i, e.message);
      throw e;
    }
  });
  const risk = steps.map((s) => riskOf(s.action)).reduce((a, b) => (RISK_ORDER.indexOf(b) > RISK_ORDER.indexOf(a) ? b : a), 'low' as FixPlan['risk']);
  return { title: `Manual plan: ${steps.map((s) => `${s.action.replace(/_/g, ' ')} ${s.target}`).join(', ')}`, risk, steps, rollback };
}
