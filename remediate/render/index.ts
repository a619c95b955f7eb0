/**
 * The script generators: one fix step, rendered in the format a team applies changes with
 * (kubectl, a Helm values diff, a Terraform snippet, an Ansible play, a SQL migration), each with
 * its rollback. Everything is generated from the step's typed params through step.ts, never from
 * its stored `command` or any other free text.
 */
import type { FixStep } from '../../core/schemas.js';
import { renderAnsible } from './ansible.js';
import { renderHelm } from './helm.js';
import { renderKubectl } from './kubectl.js';
import { renderSql } from './sql.js';
import { stepChange, type StepChange } from './step.js';
import { renderTerraform } from './terraform.js';
import type { RenderFormat, RenderResult } from './types.js';

export { RENDER_FORMATS, type RenderFormat, type RenderResult, type Rendering, type Unavailable } from './types.js';
export { STEP_ACTIONS, STEP_PARAMS, StepParamsError, canonicalAction, stepChange, type StepChange } from './step.js';
export { commandOf } from './kubectl.js';

const RENDERERS: Record<RenderFormat, (c: StepChange) => RenderResult> = {
  kubectl: renderKubectl,
  helm: renderHelm,
  terraform: renderTerraform,
  ansible: renderAnsible,
  sql: renderSql,
};

/**
 * A step in one format. Throws UnsafeNameError (a name or value no generator may write) or
 * StepParamsError (an unknown action, a missing param); returns `unavailable` with the reason
 * when the format has no way to express the step.
 */
export function renderStep(step: Pick<FixStep, 'action' | 'target' | 'params'>, format: RenderFormat, namespace?: string): RenderResult {
  return RENDERERS[format](stepChange(step, namespace));
}
