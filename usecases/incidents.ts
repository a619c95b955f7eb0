/** Incidents: open by hand, list, read, change status, and read their evidence. */
import { AppError } from '../core/errors.js';
import type { Evidence, Hypothesis, Incident, IncidentOpenInput } from '../core/schemas.js';
import { maskSecrets } from '../detectors/secrets.js';
import { actorOf, requireScope } from './principal.js';
import type { Session } from './session.js';

/** Opens an incident (scope `plan`); the title is masked for secrets. */
export async function openIncident(s: Session, input: IncidentOpenInput): Promise<Incident> {
  requireScope(s.principal, 'plan');
  const now = s.deps.clock.now().toISOString();
  return s.commit(async ({ org, emit }) => {
    const inc = await org.openIncident({
      id: s.deps.newId(),
      title: maskSecrets(input.title, s.deps.masks),
      service: input.service,
      severity: input.severity,
      startedAt: input.started_at ?? now,
      openedAt: now,
      openedBy: actorOf(s.principal),
    });
    await org.appendAudit({ actor: actorOf(s.principal), action: 'incident.opened', target: `incident:${inc.id}`, payload: { service: inc.service, severity: inc.severity, title: inc.title } });
    await emit('incident.updated', { incidentId: inc.id, change: 'opened' });
    return inc;
  });
}

/** Incidents, newest first (scope `read`). */
export async function listIncidents(s: Session, q: { status?: Incident['status']; limit?: number }): Promise<Incident[]> {
  requireScope(s.principal, 'read');
  return s.org.listIncidents(q);
}

/** One incident, or not_found (scope `read`). */
export async function getIncident(s: Session, id: string): Promise<Incident> {
  requireScope(s.principal, 'read');
  const inc = await s.org.getIncident(id);
  if (!inc) throw new AppError('not_found', `No incident ${id}.`);
  return inc;
}

/** Where an incident may go from each status; `closed` is final (open a new incident instead). */
export const NEXT_STATUS: Record<Incident['status'], readonly Incident['status'][]> = {
  open: ['mitigated', 'resolved', 'closed'],
  mitigated: ['open', 'resolved', 'closed'],
  resolved: ['open', 'closed'],
  closed: [],
};

/** Mitigates, resolves, closes or reopens an incident (scope `plan`); the same status again changes nothing. */
export async function changeIncidentStatus(s: Session, id: string, input: { status: Incident['status']; note?: string }): Promise<Incident> {
  requireScope(s.principal, 'plan');
  return s.commit(async ({ org, emit }) => {
    const inc = await org.getIncident(id);
    if (!inc) throw new AppError('not_found', `No incident ${id}.`);
    if (inc.status === input.status) return inc;
    if (!NEXT_STATUS[inc.status].includes(input.status)) {
      throw new AppError('conflict', `Incident ${inc.id} is ${inc.status}; it can go to ${NEXT_STATUS[inc.status].join(', ') || 'no other status (closed is final)'}, not ${input.status}.`);
    }
    const updated = (await org.setIncidentStatus(inc.id, input.status, s.deps.clock.now().toISOString()))!;
    const note = input.note === undefined ? {} : { note: maskSecrets(input.note, s.deps.masks) };
    await org.appendAudit({ actor: actorOf(s.principal), action: 'incident.status', target: `incident:${inc.id}`, payload: { from: inc.status, to: input.status, ...note } });
    await emit('incident.updated', { incidentId: inc.id, change: 'status' });
    return updated;
  });
}

/** An incident's evidence (oldest first) and ranked hypotheses (scope `read`). */
export async function incidentEvidence(s: Session, id: string): Promise<{ incident: Incident; evidence: Evidence[]; hypotheses: Hypothesis[] }> {
  const incident = await getIncident(s, id);
  const [evidence, hypotheses] = await Promise.all([s.org.listEvidence(incident.id), s.org.listHypotheses(incident.id)]);
  return { incident, evidence, hypotheses };
}
