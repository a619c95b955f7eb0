/** similar_incidents: past incidents like this one, best first, with how each was fixed. */
import { z } from 'zod';
import { isAppError } from '../core/errors.js';
import { similarIncidents } from '../usecases/similar.js';
import { fixView } from './fix-view.js';
import { incidentCitation, incidentView, unknownIncidentError } from './incident-view.js';
import { type AgentTool, noData, ok, toolError } from './types.js';

const schema = z.object({
  incidentId: z.string().min(1).max(128).describe('The incident to compare with. Call list_incidents first if you do not have it.'),
  limit: z.number().int().min(1).max(10).default(5).describe('Most similar incidents to return (1–10, default 5).'),
});

export const similarIncidentsTool: AgentTool<typeof schema> = {
  name: 'similar_incidents',
  description:
    "Other incidents of this org that look like this one, best first: a score from 0 to 1 computed by code from the services, log templates and change kinds (deploy, flag, config) their stored evidence shares with this incident's, what exactly is shared, their status (resolved or not), and how each was fixed (its latest fix plan: title, status, steps). Use it for \"has this happened before?\" and \"how did we fix it last time?\". Works best after the incident was analyzed (analyze_incident or root_cause), since shared templates and change kinds come from stored evidence.",
  schema,
  async handler(ctx, { incidentId, limit }) {
    try {
      const r = await similarIncidents(ctx.session, incidentId, { limit });
      const data = {
        incident: incidentView(r.incident),
        similar: r.similar.map((x) => ({ incident: incidentView(x.incident), score: x.score, shared: x.shared, fix: x.fix ? fixView(x.fix) : null })),
      };
      const citations = [incidentCitation(r.incident), ...r.similar.map((x) => incidentCitation(x.incident))];
      return r.similar.length ? ok(data, citations) : noData(data, citations);
    } catch (e) {
      if (isAppError(e) && e.code === 'not_found') return toolError(await unknownIncidentError(ctx, incidentId));
      throw e;
    }
  },
};
