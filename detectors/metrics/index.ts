/**
 * Metric anomaly detection: a streaming detector per series (seasonal robust baseline, median/MAD
 * residuals, generalised ESD, KDE tail, level shifts, 5 m / 30 m / 6 h windows, warm-up), a capped
 * registry of them keyed by (org, service, metric), RED/USE views and the log-anomaly side.
 * Pure: no I/O, no clock, no randomness.
 */
export { DEFAULT_DETECTOR_OPTIONS, SeriesDetector, surpriseToScore } from './detector.js';
export type { Detection, SeriesDetectorOptions, SeriesDetectorState, SkipReason } from './detector.js';
export { DetectorRegistry, seriesId } from './registry.js';
export type { RegistryOptions, RegistryState, SeriesDetection, SeriesKey } from './registry.js';
export { choosePeriod, testSeasonality, DAY, HOUR, MINUTE, WEEK } from './seasonality.js';
export { esdCriticalValues, generalizedEsd } from './esd.js';
export { TailModel } from './kde.js';
export { RedAggregator, classifyResourceMetric, isErrorRecord, redSeries, useSeries, useView } from './red.js';
export type { LogRecord, RedPoint, ResourceSample, UseKind, UsePoint } from './red.js';
export { ErrorBurstDetector, LogAnomalyDetector, logPoissonSf } from './logs.js';
export type { LogAnomaly, LogAnomalyKind, LogAnomalyState, TemplateEvent } from './logs.js';
export { parseSeriesCsv, parseTimestamp } from './csv.js';
export type { SeriesRow } from './csv.js';
