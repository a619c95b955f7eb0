/** list_changes: deploys, flag flips, config and other changes in a window, oldest first. */
import { z } from 'zod';
import { isAppError } from '../core/errors.js';
import type { Incident } from '../core/schemas.js';
import { type Change, listChanges } from '../usecases/changes.js';
import { getIncident } from '../usecases/incidents.js';
import { unknownIncidentError } from './incident-view.js';
import { type AgentTool, type Citation, noData, ok, refs, toolError } from './types.js';

const HOUR = 3_600_000;
const iso = z.iso.datetime({ offset: true });

const schema = z.object({
  incidentId: z.string().min(1).max(128).optional().describe('An incident id: the window defaults to an hour before it started until it was resolved (or now). Call list_incidents first if you do not have it.'),
  service: z.string().min(1).max(200).optional().describe('Only changes of this service.'),
  from: iso.optional().describe('Start of the window, ISO-8601 with offset (default: an hour before the incident started, or 24 hours before `to`).'),
  to: iso.optional().describe('End of the window, exclusive, ISO-8601 with offset (default: when the incident was resolved, else now).'),
  limit: z.number().int().min(1).max(100).default(20).describe('Most changes to return (1–100, default 20); the oldest in the window come first.'),
});

/** The incident's window: [startedAt − 1 h, min(now, resolvedAt)]. */
function incidentWindow(i: Incident, now: Date): { from: string; to: string } {
  const end = i.resolvedAt && Date.parse(i.resolvedAt) < now.getTime() ? i.resolvedAt : now.toISOString();
  return { from: new Date(Date.parse(i.startedAt) - HOUR).toISOString(), to: end };
}

const changeView = (c: Change) => ({ id: c.id, changeId: c.changeId, at: c.ts, kind: c.kind, key: c.key, service: c.service, text: c.text });

export const changeCitation = (c: Change): Citation => ({
  id: c.id,
  kind: 'change',
  title: `${c.kind} ${c.key}${c.service ? ` on ${c.service}` : ''} at ${c.ts}`.slice(0, 200),
  ref: refs.change(c.id),
});

export const listChangesTool: AgentTool<typeof schema> = {
  name: 'list_changes',
  description:
    'Deploys, feature-flag flips, config changes and other change events (scale, restart…) in a time window, oldest first: when, what kind, what changed (service@version, flag or config key), on which service, and the change id analysis correlations name. Use it for "what changed before/during the incident?" and "was there a deploy?". Give incidentId to look from an hour before the incident started; without it, give from/to (default: the last 24 hours).',
  schema,
  async handler(ctx, input) {
    let window: { from?: string; to?: string } = {};
    if (input.incidentId) {
      try {
        window = incidentWindow(await getIncident(ctx.session, input.incidentId), ctx.session.deps.clock.now());
      } catch (e) {
        if (isAppError(e) && e.code === 'not_found') return toolError(await unknownIncidentError(ctx, input.incidentId));
        throw e;
      }
    }
    const from = input.from ?? window.from;
    const to = input.to ?? window.to;
    if (from && to && Date.parse(from) >= Date.parse(to)) return toolError(`from (${from}) must be before to (${to}).`);
    // the store's limit counts candidates the change rule may drop: ask for a margin, then cut
    const changes = (await listChanges(ctx.session, { ...(from ? { from } : {}), ...(to ? { to } : {}), ...(input.service ? { service: input.service } : {}), limit: input.limit * 5 })).slice(0, input.limit);
    const data = { changes: changes.map(changeView) };
    const citations = changes.map(changeCitation);
    return changes.length ? ok(data, citations) : noData(data, citations);
  },
};
