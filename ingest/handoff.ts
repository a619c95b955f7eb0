/**
 * In-process attachments of bus messages (a claim check). A message whose live payload differs
 * from what its outbox row keeps — a signal batch is stored as its signal ids — goes on the bus
 * in the small durable form, while the live payload waits here, keyed by message id, for a
 * consumer in the same process. A consumer elsewhere (NATS, another process), a redelivery, or an
 * entry evicted while the consumer lagged finds nothing and reads the durable form back from the
 * store; so the handoff only ever saves work, it is never the only copy.
 */
export class LocalHandoff {
  private readonly entries = new Map<string, unknown>();
  constructor(private readonly maxEntries = 256) {}

  put(messageId: string, payload: unknown): void {
    this.entries.delete(messageId);
    this.entries.set(messageId, payload);
    // Oldest first: a consumer that lags this far behind reads from the store instead.
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
  }

  /** The live payload, once: a second take (a redelivery) gets undefined. */
  take(messageId: string): unknown {
    const v = this.entries.get(messageId);
    this.entries.delete(messageId);
    return v;
  }

  get size(): number {
    return this.entries.size;
  }
}
