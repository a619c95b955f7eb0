/**
 * Idempotent JetStream set-up for the NATS bus: every function here may run on each start, in
 * several processes at once, against a server that already has the streams and consumers.
 * Written for nats-server 2.9 (no get-message-by-time, no updating a start-time consumer).
 */
import { createHash } from 'node:crypto';
import { JetStreamApiCodes, JetStreamApiError, type ConsumerConfig, type JetStreamManager, type StreamConfig } from '@nats-io/jetstream';

const STREAM_NAME_IN_USE = 10058;

/** Creates the stream, or brings an existing one to this config. */
export async function ensureStream(jsm: JetStreamManager, cfg: Partial<StreamConfig> & { name: string }): Promise<void> {
  try {
    await jsm.streams.add(cfg);
  } catch (err) {
    if (!(err instanceof JetStreamApiError && err.code === STREAM_NAME_IN_USE)) throw err;
    await jsm.streams.update(cfg.name, cfg);
  }
}

/**
 * Creates the durable consumer, or updates the fields that may change (max_deliver, ack_wait)
 * on one that exists. Where a consumer starts is fixed at creation, so a known group resumes
 * where it left off; `start` is only asked for when the consumer is new.
 */
export async function ensureConsumer(
  jsm: JetStreamManager,
  stream: string,
  cfg: Partial<ConsumerConfig> & { durable_name: string },
  start: () => Promise<Partial<ConsumerConfig>>,
): Promise<void> {
  const info = () =>
    jsm.consumers.info(stream, cfg.durable_name).catch((err: unknown) => {
      if (err instanceof JetStreamApiError && err.code === JetStreamApiCodes.ConsumerNotFound) return null;
      throw err;
    });
  let existing = await info();
  if (!existing) {
    try {
      await jsm.consumers.add(stream, { ...cfg, ...(await start()) });
      return;
    } catch (err) {
      // Another process (or member) created it first, with its own start: use theirs.
      existing = await info();
      if (!existing) throw err;
    }
  }
  const c = existing.config;
  if (c.max_deliver !== cfg.max_deliver || c.ack_wait !== cfg.ack_wait) {
    await jsm.consumers.update(stream, cfg.durable_name, { max_deliver: cfg.max_deliver, ack_wait: cfg.ack_wait });
  }
}

/**
 * The first stream sequence stored at or after `since` (binary search on message times), or
 * the next sequence to be written when there is none. A start-sequence consumer is used rather
 * than a start-time one because nats-server 2.9 refuses any update to a start-time consumer,
 * and 2.9 cannot look a message up by time. A sequence that cannot be read (deleted by hand)
 * counts as older, which at worst skips a message at the very edge of the window.
 */
export async function firstSeqSince(jsm: JetStreamManager, stream: string, since: Date): Promise<number> {
  const { first_seq, last_seq } = (await jsm.streams.info(stream)).state;
  let lo = Math.max(first_seq, 1);
  let hi = last_seq + 1;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    const m = await jsm.streams.getMessage(stream, { seq: mid });
    if (m && m.time.getTime() >= since.getTime()) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * The durable consumer name of (kind, subject, group); exported for operators and tests.
 * Names allow only [A-Za-z0-9_-]; subjects map one-to-one ("." to "_", none holds "_"), and a
 * group needing any change gets a hash suffix so "a.b" and "a_b" stay apart.
 */
export function consumerName(kind: string, subject: string, group: string): string {
  const base = `${kind}_${subject.replace(/\./g, '_')}`;
  if (/^[A-Za-z0-9_-]+$/.test(group) && base.length + group.length < 200) return `${base}_${group}`;
  const hash = createHash('sha256').update(group).digest('hex').slice(0, 12);
  return `${base}_${group.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 40)}_${hash}`;
}
