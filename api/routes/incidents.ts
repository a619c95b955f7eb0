/** Incidents: open by hand (or replay a recorded one), list, read, change status, and their evidence. */
import { z } from 'zod';
import { INCIDENT_STATUSES, IncidentOpenInput } from '../../core/schemas.js';
import { changeIncidentStatus, getIncident, incidentEvidence, listIncidents, openIncident } from '../../usecases/incidents.js';
import { route } from '../context.js';
import { runUseCase } from '../session.js';
import { EvidenceView, HypothesisView, IncidentView, evidenceView, hypothesisView, incidentView } from '../views.js';

export const openIncidentRoute = route({
  method: 'post',
  path: '/v1/incidents/open',
  summary: 'Open an incident',
  tag: 'incidents',
  scope: 'plan',
  body: IncidentOpenInput,
  response: { status: 201, schema: IncidentView, description: 'The new incident' },
  handler: (ctx) => runUseCase(ctx, (s) => openIncident(s, ctx.body), (inc) => ({ status: 201, body: incidentView(inc) })),
});

export const listIncidentsRoute = route({
  method: 'get',
  path: '/v1/incidents',
  summary: 'List incidents, newest first',
  tag: 'incidents',
  scope: 'read',
  query: z.object({
    status: z.enum(INCIDENT_STATUSES).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(50),
  }),
  response: { status: 200, schema: z.object({ incidents: z.array(IncidentView) }), description: 'Incidents' },
  handler: (ctx) => runUseCase(ctx, (s) => listIncidents(s, ctx.query), (list) => ({ status: 200, body: { incidents: list.map(incidentView) } })),
});

export const getIncidentRoute = route({
  method: 'get',
  path: '/v1/incidents/:id',
  summary: 'One incident',
  tag: 'incidents',
  scope: 'read',
  response: { status: 200, schema: IncidentView, description: 'The incident' },
  errors: [404],
  handler: (ctx) => runUseCase(ctx, (s) => getIncident(s, ctx.params.id), (inc) => ({ status: 200, body: incidentView(inc) })),
});


export const incidentStatusRoute = route({
  method: 'post',
  path: '/v1/incidents/:id/status',
  summary: 'Mitigate, resolve, close or reopen an incident',
  tag: 'incidents',
  scope: 'plan',
  body: z.object({ status: z.enum(INCIDENT_STATUSES), note: z.string().max(2000).optional() }),
  response: { status: 200, schema: IncidentView, description: 'The incident with its new status (unchanged when it already had it)' },
  errors: [404, 409],
  handler: (ctx) => runUseCase(ctx, (s) => changeIncidentStatus(s, ctx.params.id, ctx.body), (inc) => ({ status: 200, body: incidentView(inc) })),
});

export const incidentEvidenceRoute = route({
  method: 'get',
  path: '/v1/incidents/:id/evidence',
  summary: "An incident's evidence and the hypotheses that cite it",
  tag: 'incidents',
  scope: 'read',
  response: {
    status: 200,
    schema: z.object({ incident_id: z.string(), evidence: z.array(EvidenceView), hypotheses: z.array(HypothesisView) }),
    description: 'Evidence rows, oldest first, and ranked hypotheses',
  },
  errors: [404],
  handler: (ctx) =>
    runUseCase(ctx, (s) => incidentEvidence(s, ctx.params.id), (r) => ({
      status: 200,
      body: { incident_id: r.incident.id, evidence: r.evidence.map(evidenceView), hypotheses: r.hypotheses.map(hypothesisView) },
    })),
});
