/** Incidents: opened by a detector or a person, found again to attach to, moved through their statuses. */
import type { Incident } from '../schemas.js';

/** An open incident as the correlator sees it (signal time, not wall time). */
export interface OpenIncidentActivity {
  id: string;
  service: string;
  startedAt: string;
  /** `detector`, or the user who opened it. */
  openedBy: string;
  /** Newest anomaly time among its evidence (startedAt when it has none). */
  lastTs: string;
  /** Services its anomaly evidence is about. */
  services: string[];
}

export interface IncidentStore {
  /** A second incident with the same id is a `conflict`. */
  openIncident(i: Pick<Incident, 'id' | 'title' | 'service' | 'severity' | 'startedAt' | 'openedAt' | 'openedBy'>): Promise<Incident>;
  /**
   * The open incident of a service, if any (used to attach instead of opening a second one).
   * Inside a transaction it also serialises, until commit, every other caller for that service.
   */
  findOpenIncident(service: string): Promise<Incident | null>;
  /**
   * Open incidents (newest first, at most `limit`) with the services their anomaly evidence is
   * about and the newest anomaly time in it; holds the org's correlation lock to the end of the
   * transaction, so concurrent correlators take turns.
   */
  openIncidentActivity(limit?: number): Promise<OpenIncidentActivity[]>;
  getIncident(id: string): Promise<Incident | null>;
  /** Newest first. */
  listIncidents(q: { status?: Incident['status']; limit?: number }): Promise<Incident[]>;
  /** Sets the status (resolved_at follows: set on resolve/close, cleared on reopen); null when there is no such incident. */
  setIncidentStatus(id: string, status: Incident['status'], at: string): Promise<Incident | null>;
  /** Replaces the title and/or severity (a worse finding joined it); null when there is no such incident. */
  reviseIncident(id: string, to: Partial<Pick<Incident, 'title' | 'severity'>>): Promise<Incident | null>;
}
