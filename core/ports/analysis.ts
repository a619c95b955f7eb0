/** Analysis reads: one time range of signals in the compact form root-cause analysis reads (issue 5). */
import type { Signal } from '../schemas.js';

/** A range of signals to analyse; both ends inclusive. */
export interface AnalysisSignalsQuery {
  from: string;
  to: string;
  /** Changes (deploy, flag, event) are read from here on (default `from`): the change window may begin earlier. */
  changesFrom?: string;
  /** false: no changes (e.g. when reading a baseline period). Default true. */
  changes?: boolean;
  /** Caps (defaults 2,000,000 and 1,000,000): past them the rest is not read and `truncated` is set. */
  maxMetricPoints?: number;
  maxLogLines?: number;
}

/** Caller → callee service, seen `n` times in trace spans. */
export interface SpanCall {
  caller: string;
  callee: string;
  n: number;
}

/** Signals reduced to what analysis reads. Service: the `service` label (or service_name, app, job); instance: instance, pod, host or shard. */
export interface AnalysisSignals {
  /** One entry per service, metric and instance; `ts` (epoch ms) and `values` pair up, in no particular order. */
  series: { service: string; metric: string; instance: string | null; ts: number[]; values: number[] }[];
  /** Log lines with a service and a text, in no particular order (epoch ms); `id` is the signal id. */
  logs: { ts: number; service: string; instance: string | null; text: string; id: string }[];
  /** Deploy, flag and event signals, oldest first (trace spans are not changes: see `calls`). */
  changes: Signal[];
  /**
   * Calls seen in trace spans (event signals with `meta.span_id`) of the range: a child span's
   * service called its parent span's, `n` times; only with `changes`.
   */
  calls: SpanCall[];
  metricPoints: number;
  /** A cap was reached: the range holds more than was read. */
  truncated: boolean;
}

export interface AnalysisStore {
  /** Metric series, log lines and changes of one time range, in the compact form analysis reads. */
  readAnalysisSignals(q: AnalysisSignalsQuery): Promise<AnalysisSignals>;
  /** Time of the newest signal with from <= ts <= to, or null when there is none. */
  lastSignalAt(q: { from: string; to: string }): Promise<string | null>;
  /** Fingerprint of the signals with from <= ts <= to (count and newest ingest time): changes when one is added. */
  signalWatermark(q: { from: string; to: string }): Promise<string>;
}
