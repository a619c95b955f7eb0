/** get_incident: one incident's title, service, severity and status. */
import { z } from 'zod';
import { isAppError } from '../core/errors.js';
import { getIncident } from '../usecases/incidents.js';
import { incidentCitation, incidentView, unknownIncidentError } from './incident-view.js';
import { type AgentTool, ok, toolError } from './types.js';

const schema = z.object({
  incidentId: z.string().min(1).max(128).describe('The incident id (a 26-character ULID). Call list_incidents first if you do not have it.'),
});

export const getIncidentTool: AgentTool<typeof schema> = {
  name: 'get_incident',
  description:
    'Read one incident: title, affected service, severity, status (open, mitigated, resolved, closed) and when it started. Use it for "status" questions when you only need the incident itself; use root_cause for its hypotheses and incident_evidence for its evidence. Call list_incidents first if you do not know the id.',
  schema,
  async handler(ctx, { incidentId }) {
    try {
      const inc = await getIncident(ctx.session, incidentId);
      return ok({ incident: incidentView(inc) }, [incidentCitation(inc)]);
    } catch (e) {
      if (isAppError(e) && e.code === 'not_found') return toolError(await unknownIncidentError(ctx, incidentId));
      throw e;
    }
  },
};
