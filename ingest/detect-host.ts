/**
 * Where the detection engines run. The pipeline talks to a host (the `DetectionHost` port,
 * core/ports/detection-host.ts), never to an engine, so the engines can live on a worker thread
 * (the default: ~10 µs of CPU per log line stays off the thread that answers requests and, on the
 * embedded default, runs the database) or on the calling thread (`inline`: tests, evals,
 * single-threaded tools). Both hosts pass one contract suite (detect-host.contract.ts).
 *
 * A host may lose its engines (a worker that died); it then bumps `generation`, and callers
 * reload the orgs they use from their last checkpoint.
 */
import type { DetectionBatch, DetectionHost, DetectionLoadResult, ServiceSlo } from '../core/ports/index.js';
import type { Signal } from '../core/schemas.js';
import { DetectionEngine, type EngineOptions, type EngineState } from '../detectors/stream/engine.js';

/** A host of the stream detection engines (detectors/stream/engine.ts). */
export type EngineHost = DetectionHost<Omit<EngineOptions, 'org'>, EngineState>;

/** The engines of one thread, by org, with synchronous operations (the hosts wrap it). */
export class EngineTable {
  private readonly engines = new Map<string, DetectionEngine>();

  private engine(orgId: string): DetectionEngine {
    const e = this.engines.get(orgId);
    if (!e) throw new Error(`detection host: org ${orgId} is not loaded`);
    return e;
  }

  load(orgId: string, options: Omit<EngineOptions, 'org'>, state: EngineState | null): DetectionLoadResult {
    const opts = { ...options, org: orgId };
    try {
      const engine = state ? DetectionEngine.fromJSON(state, opts) : new DetectionEngine(opts);
      this.engines.set(orgId, engine);
      return { series: engine.seriesCount, restored: true };
    } catch (err) {
      // A checkpoint from an incompatible version costs a warm-up, not the pipeline.
      const engine = new DetectionEngine(opts);
      this.engines.set(orgId, engine);
      return { series: engine.seriesCount, restored: false, error: (err as Error).message };
    }
  }

  setSlos(orgId: string, slos: Record<string, ServiceSlo>): void {
    this.engine(orgId).setSlos(slos);
  }

  process(orgId: string, signals: readonly Signal[]): DetectionBatch {
    return this.engine(orgId).processBatch(signals);
  }

  snapshot(orgId: string): EngineState {
    return this.engine(orgId).toJSON();
  }

  clear(): void {
    this.engines.clear();
  }
}

/** Engines on the calling thread. */
export class InlineDetectionHost implements EngineHost {
  readonly generation = 0;
  private readonly table = new EngineTable();

  async load(orgId: string, options: Omit<EngineOptions, 'org'>, state: EngineState | null): Promise<DetectionLoadResult> {
    return this.table.load(orgId, options, state);
  }

  async setSlos(orgId: string, slos: Record<string, ServiceSlo>): Promise<void> {
    this.table.setSlos(orgId, slos);
  }

  async process(orgId: string, signals: readonly Signal[]): Promise<DetectionBatch> {
    return this.table.process(orgId, signals);
  }

  async snapshot(orgId: string): Promise<EngineState> {
    return this.table.snapshot(orgId);
  }

  async close(): Promise<void> {
    this.table.clear();
  }
}
