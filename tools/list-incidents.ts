/** list_incidents: incidents newest first, by status and service. */
import { z } from 'zod';
import { INCIDENT_STATUSES } from '../core/schemas.js';
import { listIncidents } from '../usecases/incidents.js';
import { incidentCitation, incidentView } from './incident-view.js';
import { type AgentTool, noData, ok } from './types.js';

const schema = z.object({
  status: z.enum(INCIDENT_STATUSES).optional().describe('Only incidents in this status; omit for all statuses.'),
  service: z.string().min(1).max(200).optional().describe('Only incidents of this service (exact service name, case-insensitive).'),
  limit: z.number().int().min(1).max(50).default(20).describe('Most incidents to return (1–50, default 20).'),
});

export const listIncidentsTool: AgentTool<typeof schema> = {
  name: 'list_incidents',
  description:
    'List incidents, newest first, with id, title, service, severity and status. Call it first when the question names a service or no incident id, to find which incident is meant (e.g. status "open" and the service named in the question).',
  schema,
  async handler(ctx, { status, service, limit }) {
    // The store filters by status only, so the service filter reads a wider page first.
    const all = await listIncidents(ctx.session, { status, limit: service ? 200 : limit });
    const hits = (service ? all.filter((i) => i.service.toLowerCase() === service.toLowerCase()) : all).slice(0, limit);
    const data = { incidents: hits.map(incidentView) };
    return hits.length ? ok(data, hits.map(incidentCitation)) : noData(data);
  },
};
