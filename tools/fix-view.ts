/** How fix plans and their steps look to a model. Shared by draft_fix_plan and similar_incidents. */
import type { FixPlan, FixStep } from '../core/schemas.js';

const ACTION_WORDS: Record<string, string> = {
  rollback: 'Roll back',
  restart: 'Restart',
  scale: 'Scale',
  flag_off: 'Turn off the flag of',
  flag_set: 'Set a flag of',
  config_revert: 'Revert the config of',
  resize: 'Resize',
  expand_disk: 'Expand the disk of',
  add_index: 'Add an index in',
  renew_certificate: 'Renew the certificate of',
};

/** A step as people read it: "Roll back checkout in namespace shop". */
export function stepDescription(st: FixStep): string {
  const ns = typeof st.params.namespace === 'string' ? ` in namespace ${st.params.namespace}` : '';
  return `${ACTION_WORDS[st.action] ?? st.action} ${st.target}${ns}`;
}

/** A stored plan in brief: what it was, how far it got, what its steps did. */
export const fixView = (p: FixPlan) => ({ planId: p.id, title: p.title, status: p.status, steps: p.steps.map(stepDescription) });
