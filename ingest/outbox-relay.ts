/**
 * Publishes outbox rows to the bus after their transaction commits, then marks them. Woken right
 * after a commit, and on a timer so rows left by a crash (or by another process) still go out.
 * A row may be published twice (crash between publish and mark); the bus dedupes by message id.
 */
import type { Logger } from 'pino';
import type { Bus, Store } from '../core/ports.js';

export class OutboxRelay {
  private running = false;
  private again = false;
  private timer?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    private readonly store: Store,
    private readonly bus: Bus,
    private readonly log: Logger,
    private readonly pollMs = 1000,
  ) {}

  start(): void {
    this.timer = setInterval(() => this.wake(), this.pollMs);
    this.timer.unref();
    this.wake();
  }

  /** Asks for a drain; concurrent wakes collapse into one more pass. */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    void this.drain()
      .catch((err) => this.log.warn({ err }, 'outbox relay pass failed; will retry'))
      .finally(() => {
        this.running = false;
        if (this.again) {
          this.again = false;
          this.wake();
        }
      });
  }

  private async drain(): Promise<void> {
    for (;;) {
      const batch = await this.store.pendingOutbox(200);
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
  }

  /** True when no pass is running (tests use it to wait for quiet). */
  get idle(): boolean {
    return !this.running;
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
  }
}
