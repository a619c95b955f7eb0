/**
 * The event bus: in-process and NATS JetStream behind one interface (contract: bus/contract.ts).
 */

export const SUBJECTS = [
  'signal.ingest',
  'signal.detect',
  'signal.correlate',
  'rca.make',
  'rag.answer',
  'fix.plan',
  'fix.preflight',
  'fix.execute',
  'verify.run',
  'export.make',
  'incident.updated',
] as const;
export type Subject = (typeof SUBJECTS)[number];

export interface BusMessage<T = unknown> {
  /** Publisher-chosen id: publishing the same id twice delivers it once per group. */
  id: string;
  subject: Subject;
  orgId: string;
  payload: T;
  /** 1 on first delivery, then 2, 3… on redelivery. */
  deliveryCount: number;
}

export interface DeadLetter {
  message: BusMessage;
  group: string;
  reason: string;
  failedAt: string;
}

export interface SubscribeOptions {
  /** Consumer group: each message goes to one member of each group. */
  group: string;
  /** Deliveries before the message is dead-lettered (default 5). */
  maxDeliver?: number;
  /** Delay before a failed message is delivered again (default 1000 ms). */
  retryDelayMs?: number;
  /** Messages handled at once by this subscriber (default 1). */
  concurrency?: number;
}

/**
 * At-least-once delivery with explicit ack: a handler that resolves acks, one that throws is
 * retried until maxDeliver, then the message goes to the dead-letter subject `dlq.<subject>`
 * with the error as its reason. Handlers must be idempotent; the bus also skips a message id
 * a group has already acked.
 */
export interface Bus {
  readonly kind: 'inproc' | 'nats';
  publish<T>(subject: Subject, m: { id: string; orgId: string; payload: T }): Promise<void>;
  subscribe<T>(subject: Subject, handler: (m: BusMessage<T>) => Promise<void>, opts: SubscribeOptions): Promise<Subscription>;
  /** Receives dead letters of one subject. */
  subscribeDeadLetters(subject: Subject, handler: (d: DeadLetter) => Promise<void>): Promise<Subscription>;
  close(): Promise<void>;
}

export interface Subscription {
  unsubscribe(): Promise<void>;
}
