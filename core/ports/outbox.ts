/** The transactional outbox: bus messages written with the data they announce, published after commit. */
import type { Subject } from './bus.js';

export interface OutboxMessage {
  id: string;
  orgId: string;
  subject: Subject;
  payload: unknown;
  createdAt: string;
  /** A richer in-process form of the payload (never serialised), handed to a consumer in this process. */
  local?: unknown;
}

export interface OutboxStore {
  /** Queues a bus message in the caller's transaction; it is published after commit (ids are unique across orgs). */
  enqueueOutbox(m: { id: string; subject: Subject; payload: unknown }): Promise<void>;
}
