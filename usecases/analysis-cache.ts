/**
 * Analyses kept for re-runs of the same request on unchanged data. The cache is a collaborator
 * handed in (`UseCaseDeps.analysisCache`), one per process, so tests and benchmarks hold their own.
 */
import type { AnalysisResult } from '../rca/types.js';

/** What one analysis read, as the API reports it. */
export interface AnalysisCounts {
  metric_points: number;
  series: number;
  log_lines: number;
  changes: number;
  anomalies: number;
  topology: boolean;
}

export interface CachedAnalysis {
  /** The watermark of the data under it: a different mark means the data changed. */
  mark: string;
  result: AnalysisResult;
  counts: AnalysisCounts;
}

export interface AnalysisCache {
  get(key: string): CachedAnalysis | undefined;
  set(key: string, value: CachedAnalysis): void;
  /** Forgets everything (a benchmark's cold run, a test's fresh computation). */
  clear(): void;
}

/** Analyses kept per process by default (each holds its result only). */
export const ANALYSIS_CACHE_ENTRIES = 8;

/** A small least-recently-set cache in memory. */
export function memoryAnalysisCache(entries = ANALYSIS_CACHE_ENTRIES): AnalysisCache {
  const m = new Map<string, CachedAnalysis>();
  return {
    get: (key) => m.get(key),
    set(key, value) {
      m.delete(key);
      m.set(key, value);
      while (m.size > entries) m.delete(m.keys().next().value!);
    },
    clear: () => m.clear(),
  };
}
