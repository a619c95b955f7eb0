/** Evidence and hypotheses: what is known about an incident, and the explanations that cite it. */
import type { Evidence, Hypothesis } from '../schemas.js';

export interface EvidenceStore {
  /** Rows in the given order; `skipExisting` skips ids already stored and returns only the rows inserted. */
  addEvidence(e: Omit<Evidence, 'orgId' | 'createdAt'>[], opts?: { skipExisting?: boolean }): Promise<Evidence[]>;
  listEvidence(incidentId: string): Promise<Evidence[]>;
  /** The evidence of several incidents in one read (ids of no incident give nothing), by incident id then stored order. */
  listEvidenceOf(incidentIds: string[]): Promise<Evidence[]>;
  /** The database refuses (at commit) a hypothesis that cites no evidence row of its incident. */
  addHypotheses(h: Omit<Hypothesis, 'orgId' | 'createdAt'>[], opts?: { skipExisting?: boolean }): Promise<Hypothesis[]>;
  /** Best first (rank ascending). */
  listHypotheses(incidentId: string): Promise<Hypothesis[]>;
  /** The hypotheses of several incidents in one read, by incident id then rank. */
  listHypothesesOf(incidentIds: string[]): Promise<Hypothesis[]>;
}
