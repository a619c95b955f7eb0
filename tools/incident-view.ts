/** How incidents and their rows look to a model, with their citations. Shared by the incident tools. */
import type { Evidence, Hypothesis, Incident } from '../core/schemas.js';
import { listIncidents } from '../usecases/incidents.js';
import { type Citation, type ToolContext, refs } from './types.js';

export const incidentView = (i: Incident) => ({
  id: i.id,
  title: i.title,
  service: i.service,
  severity: i.severity,
  status: i.status,
  startedAt: i.startedAt,
  openedAt: i.openedAt,
  resolvedAt: i.resolvedAt,
});

export const incidentCitation = (i: Incident): Citation => ({ id: i.id, kind: 'incident', title: `${i.title} (${i.service}, ${i.severity}, ${i.status})`, ref: refs.incident(i.id) });

export const evidenceView = (e: Evidence) => ({ id: e.id, kind: e.kind, summary: e.summary, ref: e.ref, createdAt: e.createdAt, data: e.data });

export const evidenceCitation = (e: Evidence): Citation => ({ id: e.id, kind: 'evidence', title: `${e.kind}: ${e.summary}`.slice(0, 200), ref: refs.evidence(e.incidentId, e.id) });

export const hypothesisCitation = (h: Hypothesis): Citation => ({
  id: h.id,
  kind: 'hypothesis',
  title: `#${h.rank} ${h.statement}`.slice(0, 200),
  ref: refs.hypothesis(h.incidentId, h.id),
});

/** The error for an id that names no incident: the valid values are the recent incidents. */
export async function unknownIncidentError(ctx: ToolContext, id: string): Promise<string> {
  const recent = await listIncidents(ctx.session, { limit: 10 }).catch(() => []);
  const valid = recent.map((i) => `${i.id} (${i.service}, ${i.status}: ${i.title})`);
  return `No incident ${id}. ${valid.length ? `Recent incidents: ${valid.join('; ')}.` : 'There are no incidents.'} Call list_incidents to see more.`;
}
