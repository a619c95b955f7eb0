/**
 * Gets outbox rows onto the bus. A transaction writes its messages to the outbox with its other
 * effects; after commit the writer hands the same messages to `publishCommitted`, which publishes
 * them from memory at once (the fast path; a message's in-process form, if any, goes to the
 * LocalHandoff) and marks them in batches. A timer sweeps up rows the
 * fast path never marked (a crash, a bus outage, another process) once they are `sweepAgeMs` old.
 * A row may be published twice (crash between publish and mark); the bus dedupes by message id.
 */
import type { Logger } from 'pino';
import type { Bus, OrgStore, OutboxMessage, Store, Subject } from '../core/ports/index.js';
import type { IdSource } from '../core/clock.js';
import type { LocalHandoff } from './handoff.js';

export interface OutboxRelayOptions {
  /** Where the in-process forms of published messages wait for a consumer in this process. */
  handoff?: LocalHandoff;
  pollMs?: number;
  sweepAgeMs?: number;
  markDelayMs?: number;
}

export class OutboxRelay {
  private sweeping = false;
  private timer?: NodeJS.Timeout;
  private markTimer?: NodeJS.Timeout;
  private toMark: string[] = [];
  private inFlight = new Set<Promise<void>>();
  private stopped = false;
  private readonly pollMs: number;
  private readonly sweepAgeMs: number;
  private readonly markDelayMs: number;
  private readonly handoff: LocalHandoff | undefined;

  constructor(
    private readonly store: Store,
    private readonly bus: Bus,
    private readonly log: Logger,
    opts: OutboxRelayOptions = {},
  ) {
    this.pollMs = opts.pollMs ?? 1000;
    this.sweepAgeMs = opts.sweepAgeMs ?? 5000;
    this.markDelayMs = opts.markDelayMs ?? 20;
    this.handoff = opts.handoff;
  }

  start(): void {
    this.timer = setInterval(() => void this.sweep(), this.pollMs);
    this.timer.unref();
    void this.sweep(0); // whatever a previous run left behind goes out now
  }

  /** Publishes messages whose transaction has committed. Never throws: the sweep retries failures. */
  publishCommitted(msgs: OutboxMessage[]): void {
    if (msgs.length === 0 || this.stopped) return;
    const p = (async () => {
      for (const m of msgs) {
        try {
          if (m.local !== undefined) this.handoff?.put(m.id, m.local);
          await this.bus.publish(m.subject, { id: m.id, orgId: m.orgId, payload: m.payload });
          this.toMark.push(m.id);
        } catch (err) {
          this.log.warn({ err, msgId: m.id }, 'publish failed; the outbox sweep will retry');
          return;
        }
      }
      this.scheduleMark();
    })();
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
  }

  private scheduleMark(): void {
    if (this.markTimer) return;
    this.markTimer = setTimeout(() => {
      this.markTimer = undefined;
      void this.flushMarks();
    }, this.markDelayMs);
  }

  private async flushMarks(): Promise<void> {
    const ids = this.toMark.splice(0);
    if (ids.length === 0) return;
    try {
      await this.store.markOutboxPublished(ids);
    } catch (err) {
      this.log.warn({ err }, 'marking outbox rows failed; they will be swept and published again (deduped)');
    }
  }

  /** One pass over rows the fast path did not mark. */
  async sweep(minAgeMs = this.sweepAgeMs): Promise<void> {
    if (this.sweeping || this.stopped) return;
    this.sweeping = true;
    try {
      for (;;) {
        const batch = await this.store.pendingOutbox(200, minAgeMs);
        if (batch.length === 0) return;
        const done: string[] = [];
        try {
          for (const m of batch) {
            await this.bus.publish(m.subject, { id: m.id, orgId: m.orgId, payload: m.payload });
            done.push(m.id);
          }
        } finally {
          if (done.length) await this.store.markOutboxPublished(done);
        }
        if (batch.length < 200) return;
      }
    } catch (err) {
      this.log.warn({ err }, 'outbox sweep failed; will retry');
    } finally {
      this.sweeping = false;
    }
  }

  /** Waits for fast-path publishes and pending marks (shutdown, tests). */
  async flush(): Promise<void> {
    await Promise.all([...this.inFlight]);
    if (this.markTimer) {
      clearTimeout(this.markTimer);
      this.markTimer = undefined;
    }
    await this.flushMarks();
  }

  async stop(): Promise<void> {
    await this.flush();
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
  }
}

/**
 * Collects the messages a transaction queues, so the caller can hand them to the relay once the
 * transaction has committed (and only then).
 */
export class Staged {
  readonly messages: OutboxMessage[] = [];
  constructor(
    private readonly newId: IdSource,
    private readonly now: () => string,
  ) {}

  /**
   * `durable` is what goes on the bus and what the outbox row keeps for recovery. When the live
   * payload differs (a signal batch is published as its signal ids), the live form travels only
   * in process, through the relay's LocalHandoff, to a consumer that can use it instead of
   * reading the durable form back from the store.
   */
  async emit(tx: OrgStore, subject: Subject, payload: unknown, id: string = this.newId(), durable: unknown = payload): Promise<void> {
    await tx.enqueueOutbox({ id, subject, payload: durable });
    this.messages.push({ id, orgId: tx.orgId, subject, payload: durable, createdAt: this.now(), ...(durable === payload ? {} : { local: payload }) });
  }
}
