/**
 * The analysis core (issue 5): plain data in, plain data out. `analyze()` is the one entry point;
 * the rest is exported for the adapters (API, CLI, evals) and for calibration.
 */
export { analyze } from './analyze.js';
export type {
  AnalysisInput,
  AnalysisOptions,
  AnalysisResult,
  BlastRadius,
  ChangeCorrelation,
  DraftHypothesis,
  EvidenceItem,
  GraphEdge,
  ImpactedService,
  Instant,
  LogClusterInput,
  MetricDelta,
  MetricPoint,
  MetricSeriesInput,
  RankedService,
  ServiceAnomaly,
  ServiceLogEvidence,
  SloInput,
  TimeRange,
} from './types.js';
export { CHANGE_IMPACT_WEIGHTS, CONFIDENCE_WEIGHTS, DEFAULT_OPTIONS, DELTA_WEIGHTS, RANKING_WEIGHTS } from './weights.js';
export { changeId, changeKind, changeService, isChange } from './changes.js';
export { spanCalls, topologyFromCalls } from './topology.js';
export { evidenceData } from './evidence-data.js';
export { caseToInput, clusterLogRows, LABEL_FIELDS, lineShape, parseJsonLines, parseMetricsCsv, stripLabels, toLogRows } from './cases.js';
