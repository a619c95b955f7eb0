/**
 * Detection hosts: where the per-org detection engines run (the calling thread, or a worker
 * thread that keeps their CPU off the thread serving requests). The pipeline talks to a host,
 * never to an engine. Implementations and their contract suite: ingest/detect-host.ts,
 * ingest/worker-host.ts, ingest/detect-host.contract.ts.
 *
 * The engine's options and checkpoint are the detectors' own types (detectors/stream/engine.ts),
 * so they are parameters here: core/ does not depend on detectors/. A host may lose its engines
 * (a worker that died); it then bumps `generation`, and callers reload the orgs they use from
 * their last checkpoint.
 */
import type { Anomaly, Signal } from '../schemas.js';
import type { LogTemplateUpdate } from './log-templates.js';

/** A service's objectives, which the SLO guard pages on. */
export interface ServiceSlo {
  /** Fraction of requests that must succeed (0.999). */
  availability?: number;
  /** 95th percentile latency objective in ms. */
  p95Ms?: number;
}

export interface DetectionLoadResult {
  /** Series the seasonal detector models after the load. */
  series: number;
  /** False when a state was given but could not be read (the engine started fresh). */
  restored: boolean;
  /** Why the state could not be read. */
  error?: string;
}

/** One batch's findings: its anomalies, and the log templates it touched (stored in the same write). */
export interface DetectionBatch {
  anomalies: Omit<Anomaly, 'orgId'>[];
  templates: LogTemplateUpdate[];
  /** Metric points behind their series' newest: folded in within the lateness window, or dropped. */
  late: { folded: number; dropped: number };
}

/** `Options`: how an engine is configured; `State`: its checkpoint (plain JSON). */
export interface DetectionHost<Options, State> {
  /** Changes whenever the host lost its engines; every org must then be loaded again. */
  readonly generation: number;
  /** Creates the org's engine from a checkpoint (or fresh with null), replacing any it had. */
  load(orgId: string, options: Options, state: State | null): Promise<DetectionLoadResult>;
  setSlos(orgId: string, slos: Record<string, ServiceSlo>): Promise<void>;
  /** Detects over one batch in arrival order; throws when the org was never loaded. */
  process(orgId: string, signals: readonly Signal[]): Promise<DetectionBatch>;
  /** The org's learned state, for a checkpoint. */
  snapshot(orgId: string): Promise<State>;
  close(): Promise<void>;
}
