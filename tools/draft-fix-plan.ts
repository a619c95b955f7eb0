/** draft_fix_plan: the fix plan an incident would get, shown and never stored. */
import { z } from 'zod';
import { isAppError } from '../core/errors.js';
import { STRATEGIES } from '../remediate/choose.js';
import { draftFixPlan, type IncidentDraft } from '../usecases/fix-draft.js';
import { stepDescription } from './fix-view.js';
import { incidentCitation, unknownIncidentError } from './incident-view.js';
import { changeCitation } from './list-changes.js';
import { type AgentTool, ok, toolError } from './types.js';

/** Kubernetes names, as remediate/planner.ts accepts them. */
const K8S_NAME = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

const schema = z.object({
  incidentId: z.string().min(1).max(128).describe('The incident id. Call list_incidents first if you do not have it.'),
  namespace: z.string().regex(K8S_NAME, 'a Kubernetes name: lowercase letters, digits and dashes').default('default').describe('The Kubernetes namespace the commands act in (default "default").'),
  mode: z
    .enum(['auto', 'catalog'])
    .default('auto')
    .describe('auto (default): the fix catalog when the stored analysis supports it, else rollback-or-restart; catalog: the catalog only (an error says why when it has no fix).'),
  strategy: z
    .string()
    .max(64)
    .optional()
    .describe(`A catalog entry id or action to prefer among the catalog's alternatives, e.g. "restart" or "scale-out". Leave it out unless the person asked for a particular kind of fix. One of: ${STRATEGIES.join(', ')}.`),
});

/** What the draft is based on, with the ids a model can cite. */
function why(d: IncidentDraft): string {
  if (d.choice) return `${d.choice.why} (chosen from the fix catalog for the latest confident analysis of incident ${d.incident.id}).`;
  const { incident: i, undoes: c, searched } = d;
  if (c) {
    return `Undo ${c.kind} ${c.key} of service ${c.service ?? i.service} at ${c.ts} (change ${c.id}), the most recent deploy of ${searched.service} in the hour before incident ${i.id} started at ${i.startedAt}.`;
  }
  return `Restart: no deploy of ${searched.service} was found between ${searched.from} and incident ${i.id}'s start at ${i.startedAt}, so there is no change to undo.`;
}

export const draftFixPlanTool: AgentTool<typeof schema> = {
  name: 'draft_fix_plan',
  description:
    'Drafts the fix plan an incident would get: with a confident analysis, the fix catalog\'s entry for its top hypothesis (undo the blamed deploy, flag or config change; else the fault signature: scale out, raise memory, expand a disk, add an index, renew a certificate, replace one bad pod, fail over a third party…) with alternatives; without one, a rollback of a deploy that preceded it or a restart. Title, risk, steps with their exact commands, rollback, and why. It stores nothing and runs nothing: a person must request the plan (POST /v1/fix/plan) and a permitted person approve it before anything executes. Use it for "what would you do?" or "how do we fix it?" after looking at the root cause; pass strategy only when the person asks for a particular kind of fix ("what if we just restart it?").',
  schema,
  async handler(ctx, { incidentId, namespace, mode, strategy }) {
    if (strategy !== undefined && !STRATEGIES.includes(strategy)) return toolError(`Unknown strategy "${strategy}". Valid strategies: ${STRATEGIES.join(', ')}; or leave strategy out for the catalog's own choice.`);
    let d: IncidentDraft;
    try {
      d = await draftFixPlan(ctx.session, { incidentId, namespace, mode, ...(strategy !== undefined ? { strategy } : {}) });
    } catch (e) {
      if (isAppError(e) && e.code === 'not_found') return toolError(await unknownIncidentError(ctx, incidentId));
      // the catalog has no fix (mode catalog), or none of the strategy asked for: the message names what fits
      if (isAppError(e) && e.code === 'conflict') return toolError(e.message);
      if (isAppError(e) && e.code === 'invalid_input') return toolError(`${e.message}: the service and namespace must be lowercase letters, digits and dashes; no plan can be drafted for this incident.`);
      throw e;
    }
    const data = {
      draft: { title: d.draft.title, risk: d.draft.risk, steps: d.draft.steps.map((st) => ({ description: stepDescription(st), command: st.command })), ...(d.draft.rollback ? { rollback: d.draft.rollback.map((r) => r.command) } : {}) },
      why: why(d),
      ...(d.choice ? { alternatives: d.choice.alternatives.slice(0, 3).map((a) => ({ fix: a.summary, why: a.why, ...('missing' in a.built ? { cannot_build: a.built.missing } : {}) })) } : {}),
      stored: false as const,
    };
    return ok(data, [incidentCitation(d.incident), ...(d.undoes ? [changeCitation(d.undoes)] : [])]);
  },
};
