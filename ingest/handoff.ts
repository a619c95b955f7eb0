/**
 * In-process attachments of bus messages (a claim check). A message whose live payload differs
 * from what its outbox row keeps — a signal batch is stored as its signal ids — goes on the bus
 * in the small durable form, while the live payload waits here, keyed by message id, for a
 * consumer in the same process. A consumer elsewhere (NATS, another process), a redelivery, or an
 * entry evicted while the consumer lagged finds nothing and reads the durable form back from the
 * store; so the handoff only ever saves work, it is never the only copy.
 *
 * Bounded twice: by entries, and by their total weight (for signal batches, the signals they
 * hold: a batch can carry one signal or thousands, and memory follows the signals).
 */
export interface HandoffLimits {
  /** Entries kept at most. */
  maxEntries?: number;
  /** Total weight kept at most; one payload heavier than this is not kept at all. */
  maxWeight?: number;
  /** A payload's weight; default 1 (then the two bounds are the same kind). */
  weigh?: (payload: unknown) => number;
}

export class LocalHandoff {
  private readonly entries = new Map<string, { payload: unknown; weight: number }>();
  private readonly maxEntries: number;
  private readonly maxWeight: number;
  private readonly weigh: (payload: unknown) => number;
  private weight = 0;

  constructor(limits: number | HandoffLimits = {}) {
    const l = typeof limits === 'number' ? { maxEntries: limits } : limits;
    this.maxEntries = l.maxEntries ?? 256;
    this.maxWeight = l.maxWeight ?? Infinity;
    this.weigh = l.weigh ?? (() => 1);
  }

  put(messageId: string, payload: unknown): void {
    this.drop(messageId);
    const weight = Math.max(0, this.weigh(payload));
    this.entries.set(messageId, { payload, weight });
    this.weight += weight;
    // Oldest first: a consumer that lags this far behind reads from the store instead.
    while (this.entries.size > this.maxEntries || (this.weight > this.maxWeight && this.entries.size > 0)) this.drop(this.entries.keys().next().value as string);
  }

  /** The live payload, once: a second take (a redelivery) gets undefined. */
  take(messageId: string): unknown {
    const e = this.entries.get(messageId);
    this.drop(messageId);
    return e?.payload;
  }

  get size(): number {
    return this.entries.size;
  }

  /** Total weight held. */
  get held(): number {
    return this.weight;
  }

  private drop(messageId: string): void {
    const e = this.entries.get(messageId);
    if (!e) return;
    this.entries.delete(messageId);
    this.weight -= e.weight;
  }
}

/** A signal batch's weight: the signals it holds (1 for anything else). */
export function signalBatchWeight(payload: unknown): number {
  const signals = (payload as { signals?: unknown } | null | undefined)?.signals;
  return Array.isArray(signals) ? signals.length : 1;
}
