/** Incidents: open by hand (or replay a recorded one), list, read, change status, and their evidence. */
import { z } from 'zod';
import { AppError } from '../../core/errors.js';
import { INCIDENT_STATUSES, IncidentOpenInput, type Incident } from '../../core/schemas.js';
import { maskSecrets } from '../../detectors/secrets.js';
import { route } from '../context.js';
import { EvidenceView, HypothesisView, IncidentView, evidenceView, hypothesisView, incidentView } from '../views.js';

export const openIncidentRoute = route({
  method: 'post',
  path: '/v1/incidents/open',
  summary: 'Open an incident',
  tag: 'incidents',
  scope: 'plan',
  body: IncidentOpenInput,
  response: { status: 201, schema: IncidentView, description: 'The new incident' },
  async handler({ body, org, deps, actor, emit }) {
    const now = deps.clock.now().toISOString();
    const inc = await org.openIncident({
      id: deps.newId(),
      title: maskSecrets(body.title, deps.masks),
      service: body.service,
      severity: body.severity,
      startedAt: body.started_at ?? now,
      openedAt: now,
      openedBy: actor,
    });
    await org.appendAudit({ actor, action: 'incident.opened', target: `incident:${inc.id}`, payload: { service: inc.service, severity: inc.severity, title: inc.title } });
    await emit('incident.updated', { incidentId: inc.id, change: 'opened' });
    return { status: 201, body: incidentView(inc) };
  },
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
  async handler({ org, query }) {
    return { status: 200, body: { incidents: (await org.listIncidents(query)).map(incidentView) } };
  },
});

export const getIncidentRoute = route({
  method: 'get',
  path: '/v1/incidents/:id',
  summary: 'One incident',
  tag: 'incidents',
  scope: 'read',
  response: { status: 200, schema: IncidentView, description: 'The incident' },
  errors: [404],
  async handler({ org, params }) {
    const inc = await org.getIncident(params.id);
    if (!inc) throw new AppError('not_found', `No incident ${params.id}.`);
    return { status: 200, body: incidentView(inc) };
  },
});

/** Where an incident may go from each status; `closed` is final (open a new incident instead). */
const NEXT_STATUS: Record<Incident['status'], readonly Incident['status'][]> = {
  open: ['mitigated', 'resolved', 'closed'],
  mitigated: ['open', 'resolved', 'closed'],
  resolved: ['open', 'closed'],
  closed: [],
};

export const incidentStatusRoute = route({
  method: 'post',
  path: '/v1/incidents/:id/status',
  summary: 'Mitigate, resolve, close or reopen an incident',
  tag: 'incidents',
  scope: 'plan',
  body: z.object({ status: z.enum(INCIDENT_STATUSES), note: z.string().max(2000).optional() }),
  response: { status: 200, schema: IncidentView, description: 'The incident with its new status (unchanged when it already had it)' },
  errors: [404, 409],
  async handler({ body, org, params, deps, actor, emit }) {
    const inc = await org.getIncident(params.id);
    if (!inc) throw new AppError('not_found', `No incident ${params.id}.`);
    if (inc.status === body.status) return { status: 200, body: incidentView(inc) };
    if (!NEXT_STATUS[inc.status].includes(body.status)) {
      throw new AppError('conflict', `Incident ${inc.id} is ${inc.status}; it can go to ${NEXT_STATUS[inc.status].join(', ') || 'no other status (closed is final)'}, not ${body.status}.`);
    }
    const updated = (await org.setIncidentStatus(inc.id, body.status, deps.clock.now().toISOString()))!;
    const note = body.note === undefined ? {} : { note: maskSecrets(body.note, deps.masks) };
    await org.appendAudit({ actor, action: 'incident.status', target: `incident:${inc.id}`, payload: { from: inc.status, to: body.status, ...note } });
    await emit('incident.updated', { incidentId: inc.id, change: 'status' });
    return { status: 200, body: incidentView(updated) };
  },
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
  async handler({ org, params }) {
    const inc = await org.getIncident(params.id);
    if (!inc) throw new AppError('not_found', `No incident ${params.id}.`);
    const [evidence, hypotheses] = await Promise.all([org.listEvidence(inc.id), org.listHypotheses(inc.id)]);
    return { status: 200, body: { incident_id: inc.id, evidence: evidence.map(evidenceView), hypotheses: hypotheses.map(hypothesisView) } };
  },
});
