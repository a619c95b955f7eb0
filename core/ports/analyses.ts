/**
 * Stored analyses: the whole result of one root-cause analysis of an incident, kept so that a
 * restarted process, another instance, the timeline and the agent's tools read it instead of
 * recomputing it. The result's shape is rca's `AnalysisResult`; the store keeps it as JSON.
 */

/** One stored analysis. Times are ISO-8601 strings. */
export interface StoredAnalysis {
  /** Derived from the incident and the canonical result: the same result has the same id. */
  id: string;
  incidentId: string;
  /** When it was (last) computed. */
  createdAt: string;
  /** The analysed range. */
  window: { from: string; to: string };
  verdict: 'confident' | 'no confident hypothesis';
  /** rca's AnalysisResult as JSON. */
  result: Record<string, unknown>;
  /** What the analysis read (metric points, series, log lines, changes, anomalies, topology). */
  counts: Record<string, unknown>;
}

export interface StoredAnalysisStore {
  /**
   * Stores an analysis of an incident of this org (`invalid_input` otherwise). An id already
   * stored keeps its row (nothing new is stored); its `createdAt` moves forward to the later of
   * the two, so the latest analysis is the one computed last. `created` says whether a row was added.
   */
  saveAnalysis(a: Omit<StoredAnalysis, 'createdAt'> & { createdAt?: string }): Promise<{ analysis: StoredAnalysis; created: boolean }>;
  /** The incident's most recent analysis, or null. */
  latestAnalysis(incidentId: string): Promise<StoredAnalysis | null>;
  getAnalysis(id: string): Promise<StoredAnalysis | null>;
}
