/**
 * The per-org detection engines of this process: created on first use from the org's last
 * checkpoint (or fresh), told the SLOs of the org's topology, checkpointed to the store every
 * `checkpointMs` of wall time and on stop. Detection state lives in the process that runs the
 * `detect` consumer; running that consumer in more than one process per org would split each
 * series between them (see the README's scaling note).
 */
import type { Logger } from 'pino';
import type { Clock } from '../core/clock.js';
import type { Store } from '../core/ports.js';
import { DetectionEngine, slosFromTopology, type EngineOptions, type EngineState } from '../detectors/stream/engine.js';

export const CHECKPOINT_NAME = 'stream-v1';

interface Slot {
  engine: DetectionEngine;
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
}

export class EngineSet {
  private readonly slots = new Map<string, Promise<Slot>>();
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly o: EngineSetOptions,
  ) {}

  /** The org's engine, with SLOs no older than the refresh interval. */
  async engineFor(orgId: string): Promise<DetectionEngine> {
    let p = this.slots.get(orgId);
    if (!p) {
      p = this.load(orgId);
      this.slots.set(orgId, p);
      p.catch(() => this.slots.delete(orgId));
    }
    const slot = await p;
    const now = this.clock.now().getTime();
    if (now - slot.topologyCheckedAt >= (this.o.topologyRefreshMs ?? 30_000)) await this.refreshTopology(orgId, slot, now);
    slot.dirty = true;
    return slot.engine;
  }

  private async load(orgId: string): Promise<Slot> {
    const org = this.store.forOrg(orgId);
    const saved = await org.getDetectorState(CHECKPOINT_NAME);
    const opts = { ...this.o.engine, org: orgId };
    let engine: DetectionEngine;
    try {
      engine = saved ? DetectionEngine.fromJSON(saved.state as EngineState, opts) : new DetectionEngine(opts);
      if (saved) this.logger.info({ org: orgId, savedAt: saved.savedAt, series: engine.seriesCount }, 'detectors resumed from checkpoint');
    } catch (err) {
      // A checkpoint from an incompatible version costs a warm-up, not the pipeline.
      this.logger.warn({ err, org: orgId }, 'detector checkpoint unreadable; starting fresh');
      engine = new DetectionEngine(opts);
    }
    const slot: Slot = { engine, savedAt: this.clock.now().getTime(), topologyCheckedAt: -Infinity, topologyVersion: null, dirty: false, saving: null };
    return slot;
  }

  private async refreshTopology(orgId: string, slot: Slot, now: number): Promise<void> {
    slot.topologyCheckedAt = now;
    const t = await this.store.forOrg(orgId).getTopology();
    if ((t?.version ?? null) === slot.topologyVersion) return;
    slot.topologyVersion = t?.version ?? null;
    slot.engine.setSlos(slosFromTopology(t));
  }

  /** Checkpoints the org's engine when its interval has passed (never two saves at once). */
  maybeCheckpoint(orgId: string): void {
    const p = this.slots.get(orgId);
    if (!p) return;
    void p.then((slot) => {
      if (slot.saving || this.clock.now().getTime() - slot.savedAt < this.o.checkpointMs) return;
      this.save(orgId, slot);
    });
  }

  private save(orgId: string, slot: Slot): Promise<void> {
    if (slot.saving) return slot.saving;
    slot.dirty = false;
    slot.savedAt = this.clock.now().getTime();
    const state = slot.engine.toJSON();
    slot.saving = this.store
      .forOrg(orgId)
      .putDetectorState(CHECKPOINT_NAME, state)
      .catch((err) => {
        slot.dirty = true;
        this.logger.warn({ err, org: orgId }, 'detector checkpoint failed; retrying at the next interval');
      })
      .finally(() => {
        slot.saving = null;
      });
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
}
