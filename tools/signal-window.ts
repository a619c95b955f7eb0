/**
 * The time range a signal tool reads when the model names an incident and no range: from an hour
 * before the incident started to its resolution, or now while it is still going
 * (/work/notes/tool-contracts.md). Explicit `from`/`to` win.
 */
import type { Incident } from '../core/schemas.js';
import { getIncident } from '../usecases/incidents.js';
import type { Session } from '../usecases/session.js';

export const INCIDENT_LOOKBACK_MS = 3600_000;

export interface SignalWindow {
  from?: string;
  to?: string;
  incident: Incident | null;
}

/** The range for the tool call; throws the use case's not_found for an unknown incident. */
export async function signalWindow(s: Session, q: { incidentId?: string; from?: string; to?: string }): Promise<SignalWindow> {
  if (!q.incidentId) return { from: q.from, to: q.to, incident: null };
  const incident = await getIncident(s, q.incidentId);
  const now = s.deps.clock.now().getTime();
  const end = incident.resolvedAt ? Math.min(now, Date.parse(incident.resolvedAt)) : now;
  return {
    from: q.from ?? new Date(Date.parse(incident.startedAt) - INCIDENT_LOOKBACK_MS).toISOString(),
    to: q.to ?? new Date(end).toISOString(),
    incident,
  };
}

/** An ISO timestamp field for a tool schema (the registry names the format on a bad value). */
export const isoDescription = (what: string): string => `${what}, an ISO 8601 time such as 2026-03-01T09:00:00Z.`;
