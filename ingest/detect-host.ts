/**
 * Where the detection engines run. The pipeline talks to a host, never to an engine, so the
 * engines can live on a worker thread (the default: ~10 µs of CPU per log line stays off the
 * thread that answers requests and, on the embedded default, runs the database) or on the
 * calling thread (`inline`: tests, evals, single-threaded tools). Both hosts pass one contract
 * suite (detect-host.contract.ts).
 *
 * A host may lose its engines (a worker that died); it then bumps `generation`, and callers
 * reload the orgs they use from their last checkpoint.
 */
import type { Signal } from '../core/schemas.js';
import { DetectionEngine, type EngineAnomaly, type EngineOptions, type EngineState } from '../detectors/stream/engine.js';
import type { ServiceSlo } from '../detectors/stream/slo.js';

export interface LoadResult {
  /** Series the seasonal detector models after the load. */
  series: number;
  /** False when a state was given but could not be read (the engine started fresh). */
  restored: boolean;
  /** Why the state could not be read. */
  error?: string;
}

export interface DetectionHost {
  /** Changes whenever the host lost its engines; every org must then be loaded again. */
  readonly generation: number;
  /** Creates the org's engine from a checkpoint (or fresh with null), replacing any it had. */
  load(orgId: string, options: Omit<EngineOptions, 'org'>, state: EngineState | null): Promise<LoadResult>;
  setSlos(orgId: string, slos: Record<string, ServiceSlo>): Promise<void>;
  /** Detects over one batch in arrival order; throws when the org was never loaded. */
  process(orgId: string, signals: readonly Signal[]): Promise<EngineAnomaly[]>;
  /** The org's learned state, for a checkpoint. */
  snapshot(orgId: string): Promise<EngineState>;
  close(): Promise<void>;
}

/** The engines of one thread, by org, with synchronous operations (the hosts wrap it). */
export class EngineTable {
  private readonly engines = new Map<string, DetectionEngine>();

  private engine(orgId: string): DetectionEngine {
    const e = this.engines.get(orgId);
    if (!e) throw new Error(`detection host: org ${orgId} is not loaded`);
    return e;
  }

  load(orgId: string, options: Omit<EngineOptions, 'org'>, state: EngineState | null): LoadResult {
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

  process(orgId: string, signals: readonly Signal[]): EngineAnomaly[] {
    return this.engine(orgId).process(signals);
  }

  snapshot(orgId: string): EngineState {
    return this.engine(orgId).toJSON();
  }

  clear(): void {
    this.engines.clear();
  }
}

/** Engines on the calling thread. */
export class InlineDetectionHost implements DetectionHost {
  readonly generation = 0;
  private readonly table = new EngineTable();

  async load(orgId: string, options: Omit<EngineOptions, 'org'>, state: EngineState | null): Promise<LoadResult> {
    return this.table.load(orgId, options, state);
  }

  async setSlos(orgId: string, slos: Record<string, ServiceSlo>): Promise<void> {
    this.table.setSlos(orgId, slos);
  }

  async process(orgId: string, signals: readonly Signal[]): Promise<EngineAnomaly[]> {
    return this.table.process(orgId, signals);
  }

  async snapshot(orgId: string): Promise<EngineState> {
    return this.table.snapshot(orgId);
  }

  async close(): Promise<void> {
    this.table.clear();
  }
}
