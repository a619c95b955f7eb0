/**
 * A DetectionHost on a worker thread. Calls are messages answered in order; the worker is
 * started on first use, held referenced only while calls are pending (an idle worker never
 * keeps the process alive), and replaced on the next call after it died, with `generation`
 * bumped so callers reload their orgs from the last checkpoint.
 */
import { Worker } from 'node:worker_threads';
import type { DetectionBatch, DetectionLoadResult, ServiceSlo } from '../core/ports/index.js';
import type { Signal } from '../core/schemas.js';
import type { EngineOptions, EngineState } from '../detectors/stream/engine.js';
import type { EngineHost } from './detect-host.js';
import type { WorkerOp, WorkerReply, WorkerRequest } from './detect-worker.js';

interface Pending {
  resolve(v: unknown): void;
  reject(e: Error): void;
}

export interface WorkerHostOptions {
  /** Told when the worker died (its engines are gone; callers reload on their next call). */
  onLost?(err: Error): void;
  /**
   * Starts a worker (default: spawnDetectWorker). Whoever starts the thread holds it, so a
   * supervisor, or a test, can end it from outside and watch the host recover.
   */
  spawnWorker?(): Worker;
}

/** A new detection worker thread (ingest/detect-worker.ts behind its tsx-registering entry). */
export function spawnDetectWorker(): Worker {
  return new Worker(new URL('./detect-worker.mjs', import.meta.url));
}

export class WorkerDetectionHost implements EngineHost {
  private worker: Worker | null = null;
  private gen = 0;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private closed = false;

  constructor(private readonly opts: WorkerHostOptions = {}) {}

  get generation(): number {
    return this.gen;
  }

  private spawn(): Worker {
    const w = (this.opts.spawnWorker ?? spawnDetectWorker)();
    w.unref();
    w.on('message', (r: WorkerReply) => {
      const p = this.pending.get(r.id);
      if (!p) return;
      this.pending.delete(r.id);
      if (this.pending.size === 0) w.unref();
      if (r.ok) p.resolve(r.value);
      else p.reject(new Error(`detection worker: ${r.error}`));
    });
    w.on('error', (err) => this.lost(w, err));
    w.on('exit', (code) => this.lost(w, new Error(`detection worker exited with code ${code}`)));
    return w;
  }

  private lost(w: Worker, err: Error): void {
    if (this.worker !== w) return;
    this.worker = null;
    this.gen++;
    this.failPending(err);
    this.opts.onLost?.(err);
  }

  private failPending(err: Error): void {
    const all = [...this.pending.values()];
    this.pending.clear();
    for (const p of all) p.reject(err);
  }

  private call<T>(op: WorkerOp, args: unknown[]): Promise<T> {
    if (this.closed) return Promise.reject(new Error('detection host is closed'));
    const w = (this.worker ??= this.spawn());
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      if (this.pending.size === 1) w.ref();
      try {
        w.postMessage({ id, op, args } satisfies WorkerRequest);
      } catch (err) {
        // Not cloneable (a caller bug): this call fails, the worker is fine.
        this.pending.delete(id);
        if (this.pending.size === 0) w.unref();
        reject(err as Error);
      }
    });
  }

  load(orgId: string, options: Omit<EngineOptions, 'org'>, state: EngineState | null): Promise<DetectionLoadResult> {
    return this.call('load', [orgId, options, state]);
  }

  setSlos(orgId: string, slos: Record<string, ServiceSlo>): Promise<void> {
    return this.call('setSlos', [orgId, slos]);
  }

  process(orgId: string, signals: readonly Signal[]): Promise<DetectionBatch> {
    return this.call('process', [orgId, signals]);
  }

  snapshot(orgId: string): Promise<EngineState> {
    return this.call('snapshot', [orgId]);
  }

  /** Stops the worker; calls still pending fail. */
  async close(): Promise<void> {
    this.closed = true;
    const w = this.worker;
    this.worker = null;
    this.failPending(new Error('detection host is closed'));
    if (w) await w.terminate();
  }
}
