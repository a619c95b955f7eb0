/**
 * The per-org detection engines of this process, run by a DetectionHost (a worker thread by
 * default): loaded on first use from the org's last checkpoint (or fresh), told the SLOs of the
 * org's topology, checkpointed to the store every `checkpointMs` of wall time and on stop, and
 * reloaded from the checkpoint if the host lost them (a worker that died). Detection state lives
 * in the process that runs the `detect` consumer; running that consumer in more than one process
 * per org would split each series between them (see the README's scaling note).
 */
import type { Logger } from 'pino';
import type { Clock } from '../core/clock.js';
import type { DetectionBatch, Store } from '../core/ports/index.js';
import type { Signal } from '../core/schemas.js';
import { slosFromTopology, type EngineOptions, type EngineState } from '../detectors/stream/engine.js';
import { type EngineHost, InlineDetectionHost } from './detect-host.js';
import { WorkerDetectionHost } from './worker-host.js';

export const CHECKPOINT_NAME = 'stream-v1';

interface Slot {
  generation: number;
  savedAt: number;
  topologyCheckedAt: number;
  topologyVersion: number | null;
  dirty: boolean;
  saving: Promise<void> | null;
}

export interface EngineSetOptions {
  engine: Omit<EngineOptions, 'org'>;
  /** Wall time between checkpoints of an org's engine (0: after every batch). */
  checkpointMs: number;
  /** Wall time between reloads of the org's topology (its SLOs). */
  topologyRefreshMs?: number;
  /** Where the engines run: a worker thread, or the calling thread (default). */
  thread?: 'worker' | 'inline';
}

export class EngineSet {
  private readonly slots = new Map<string, Promise<Slot>>();
  /** Per org: settles once the latest batch was handed to the host (the order of hand-overs). */
  private readonly handedOver = new Map<string, Promise<void>>();
  readonly host: EngineHost;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly o: EngineSetOptions,
    host?: EngineHost,
  ) {
    this.host =
      host ??
      (o.thread === 'worker'
        ? new WorkerDetectionHost({ onLost: (err) => logger.error({ err }, 'detection worker died; reloading detectors from their last checkpoint') })
        : new InlineDetectionHost());
  }

  /** Detects over one batch of the org's signals: its anomalies and the log templates it touched. */
  process(orgId: string, signals: readonly Signal[] | Promise<readonly Signal[]>): Promise<DetectionBatch> {
    // Batches reach the host in call order even when their signals arrive out of order (one
    // from memory, the one before it still being read from the store): each call waits for the
    // previous one's hand-over to the host, not for its result, so a worker keeps a queue.
    // The read may fail before its turn comes: handled here, it still rejects this call below.
    if (signals instanceof Promise) signals.catch(() => undefined);
    const prev = this.handedOver.get(orgId) ?? Promise.resolve();
    const handOver = prev.then(async () => {
      const batch = await signals;
      const slot = await this.ready(orgId);
      slot.dirty = true;
      return { result: this.host.process(orgId, batch) };
    });
    const settled = handOver.then(
      () => undefined,
      () => undefined,
    );
    this.handedOver.set(orgId, settled);
    void settled.then(() => this.handedOver.get(orgId) === settled && this.handedOver.delete(orgId));
    return handOver.then((h) => h.result);
  }

  /** The org's engine state as a checkpoint would save it. */
  async snapshot(orgId: string): Promise<EngineState> {
    await this.ready(orgId);
    return this.host.snapshot(orgId);
  }

  /** Loads the org into the host when it is not there (first use, or the host lost it); refreshes its SLOs when due. */
  private async ready(orgId: string): Promise<Slot> {
    let p = this.slots.get(orgId);
    if (p) {
      const s = await p.catch(() => null);
      if ((!s || s.generation !== this.host.generation) && this.slots.get(orgId) === p) this.slots.delete(orgId);
      p = this.slots.get(orgId); // another caller may have started the reload already
    }
    if (!p) {
      const loading = this.load(orgId);
      this.slots.set(orgId, loading);
      loading.catch(() => this.slots.get(orgId) === loading && this.slots.delete(orgId));
      p = loading;
    }
    const slot = await p;
    const now = this.clock.now().getTime();
    if (now - slot.topologyCheckedAt >= (this.o.topologyRefreshMs ?? 30_000)) await this.refreshTopology(orgId, slot, now);
    return slot;
  }

  private async load(orgId: string): Promise<Slot> {
    const generation = this.host.generation;
    const saved = await this.store.forOrg(orgId).getDetectorState(CHECKPOINT_NAME);
    const r = await this.host.load(orgId, this.o.engine, (saved?.state as EngineState | undefined) ?? null);
    if (!r.restored) this.logger.warn({ org: orgId, reason: r.error }, 'detector checkpoint unreadable; starting fresh');
    else if (saved) this.logger.info({ org: orgId, savedAt: saved.savedAt, series: r.series }, 'detectors resumed from checkpoint');
    return { generation, savedAt: this.clock.now().getTime(), topologyCheckedAt: -Infinity, topologyVersion: null, dirty: false, saving: null };
  }

  private async refreshTopology(orgId: string, slot: Slot, now: number): Promise<void> {
    slot.topologyCheckedAt = now;
    const t = await this.store.forOrg(orgId).getTopology();
    if ((t?.version ?? null) === slot.topologyVersion) return;
    await this.host.setSlos(orgId, slosFromTopology(t));
    slot.topologyVersion = t?.version ?? null;
  }

  /** Checkpoints the org's engine when its interval has passed (never two saves at once). */
  maybeCheckpoint(orgId: string): void {
    const p = this.slots.get(orgId);
    if (!p) return;
    void p
      .then((slot) => {
        if (slot.saving || this.clock.now().getTime() - slot.savedAt < this.o.checkpointMs) return;
        void this.save(orgId, slot);
      })
      .catch(() => undefined);
  }

  private save(orgId: string, slot: Slot): Promise<void> {
    if (slot.saving) return slot.saving;
    slot.dirty = false;
    slot.savedAt = this.clock.now().getTime();
    slot.saving = (async () => {
      try {
        // A snapshot from a host that lost the org since would be a fresh engine's: never save that.
        if (slot.generation !== this.host.generation) return;
        const state = await this.host.snapshot(orgId);
        await this.store.forOrg(orgId).putDetectorState(CHECKPOINT_NAME, state);
      } catch (err) {
        slot.dirty = true;
        this.logger.warn({ err, org: orgId }, 'detector checkpoint failed; retrying at the next interval');
      } finally {
        slot.saving = null;
      }
    })();
    return slot.saving;
  }

  /** Saves every engine that processed something since its last checkpoint. */
  async checkpointAll(): Promise<void> {
    for (const [orgId, p] of this.slots) {
      const slot = await p.catch(() => null);
      if (!slot) continue;
      if (slot.saving) await slot.saving;
      if (slot.dirty) await this.save(orgId, slot);
    }
  }

  /**
   * Checkpoints, then stops the host. Without `checkpoint` (detection moved to another process,
   * which loads the last checkpoint itself) nothing is saved: a late save would overwrite newer
   * state.
   */
  async close(opts: { checkpoint?: boolean } = {}): Promise<void> {
    if (opts.checkpoint !== false) await this.checkpointAll();
    await this.host.close();
  }
}
