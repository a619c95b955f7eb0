/** incident_timeline: what happened to an incident, in time order, from the stored rows. */
import { z } from 'zod';
import { isAppError } from '../core/errors.js';
import { type TimelineEvent, incidentTimeline } from '../usecases/timeline.js';
import { incidentCitation, incidentView, unknownIncidentError } from './incident-view.js';
import { type AgentTool, type Citation, ok, refs, toolError } from './types.js';

const schema = z.object({
  incidentId: z.string().min(1).max(128).describe('The incident id. Call list_incidents first if you do not have it.'),
  limit: z.number().int().min(1).max(200).default(50).describe('Most events (1–200, default 50); past it detector anomalies are left out first, then changes and evidence.'),
});

// The anomaly and change pages are read through their own use cases (the reads and changes tools
// resolve these citations); the refs follow the shared tool contracts.
const anomalyRef = (id: string) => `/v1/anomalies/${encodeURIComponent(id)}`;
const changeRef = (id: string) => `/v1/changes/${encodeURIComponent(id)}`;

/** The citation of the row behind an event; none for plans, approvals, commands and status changes (they have no citation kind). */
function citationOf(e: TimelineEvent, incidentId: string): Citation | null {
  const title = `${e.kind}: ${e.summary}`.slice(0, 200);
  switch (e.kind) {
    case 'opened':
      return null; // the incident's own citation is always given
    case 'anomaly':
      return { id: e.id, kind: 'anomaly', title, ref: anomalyRef(e.id) };
    case 'change':
      return { id: e.id, kind: 'change', title, ref: changeRef(e.id) };
    case 'evidence':
      return { id: e.id, kind: 'evidence', title, ref: refs.evidence(incidentId, e.id) };
    case 'hypothesis':
      return { id: e.id, kind: 'hypothesis', title, ref: refs.hypothesis(incidentId, e.id) };
    case 'analysis':
      return e.id.startsWith('audit:') ? null : { id: e.id, kind: 'analysis', title, ref: refs.analysis(incidentId, e.id) };
    default:
      return null;
  }
}

export const incidentTimelineTool: AgentTool<typeof schema> = {
  name: 'incident_timeline',
  description:
    'The timeline of an incident, oldest first: when it was opened, detector anomalies and changes (deploys, flags, config) from an hour before its start, evidence, hypotheses, analyses, status changes, fix plans, approvals and executed commands. Each event has a time, a kind, a one-line summary, the id of its row and the service. Use it for "what happened", "when did X start" and "what has been done so far" questions. Needs the incident id: call list_incidents first if you do not have it.',
  schema,
  async handler(ctx, { incidentId, limit }) {
    try {
      const t = await incidentTimeline(ctx.session, incidentId, { limit });
      const seen = new Set<string>();
      const citations = [incidentCitation(t.incident)];
      for (const e of t.events) {
        const c = citationOf(e, t.incident.id);
        if (c && !seen.has(`${c.kind}:${c.id}`)) {
          seen.add(`${c.kind}:${c.id}`);
          citations.push(c);
        }
      }
      const events = t.events.map((e) => ({ at: e.at, kind: e.kind, summary: e.summary, id: e.id, service: e.service }));
      return ok({ incident: incidentView(t.incident), events, ...(t.omitted ? { omitted: t.omitted } : {}) }, citations);
    } catch (e) {
      if (isAppError(e) && e.code === 'not_found') return toolError(await unknownIncidentError(ctx, incidentId));
      throw e;
    }
  },
};
