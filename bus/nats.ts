/**
 * NATS JetStream bus (v3 client, works on nats-server 2.9).
 *
 * Layout for prefix P (default WARROOM):
 * - stream P holds `P.<subject>` for every subject. Limits retention, not WorkQueue (which
 *   forbids two consumers on one subject, i.e. two groups) and not Interest (which drops a
 *   message published before any consumer exists, so start-up order would lose messages).
 *   Messages age out after `maxAgeMs`.
 * - stream P_DLQ holds dead letters on `P.dlq.<subject>`.
 * - one durable pull consumer per (subject, group), explicit ack. A new group starts with the
 *   messages of the last `newGroupLookbackMs` (default 10 min): enough that start-up order
 *   (publisher before subscriber) loses nothing, without a group added in a later release
 *   replaying a week of history. A known group resumes where it left off.
 * - dead-letter subscribers of a subject share one durable consumer, so each dead letter is
 *   handled once across all processes; it starts from the oldest dead letter still kept.
 *
 * Dead-lettering is done here, not by the server: on the last allowed delivery a failure
 * publishes the dead letter and terminates the message. The server's max_deliver is one more
 * than ours, so a process that dies during the last attempt still gets the message dead-
 * lettered (without running the handler again) on the next delivery.
 */
import { connect, headers, nanos, type NatsConnection } from '@nats-io/transport-node';
import {
  AckPolicy,
  DeliverPolicy,
  DiscardPolicy,
  jetstream,
  jetstreamManager,
  RetentionPolicy,
  StorageType,
  type ConsumerConfig,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
} from '@nats-io/jetstream';
import { AppError } from '../core/errors.js';
import { SUBJECTS, type Bus, type BusMessage, type DeadLetter, type Subject, type SubscribeOptions, type Subscription } from '../core/ports/index.js';
import {
  assertSubject,
  decodeEnvelope,
  DEFAULT_DEDUPE_WINDOW_MS,
  DEFAULT_MAX_DELIVER,
  DEFAULT_MAX_PAYLOAD_BYTES,
  DEFAULT_RETRY_DELAY_MS,
  encodeEnvelope,
  errorReason,
  RecentIds,
  report,
  resolveSubscribeOptions,
  stderrErrorHook,
  type BusErrorHook,
} from './shared.js';
import { runConsumer, type Runner } from './nats-runner.js';
import { consumerName, ensureConsumer, ensureStream, firstSeqSince } from './nats-setup.js';

export { consumerName };

export interface NatsBusOptions {
  /** Server URL(s); passed in by the app, never read from the environment here. */
  url: string | string[];
  /** Stream name and subject prefix, e.g. a unique one per test run (default WARROOM). */
  streamPrefix?: string;
  /** How long the server waits for an ack before redelivering (default 30 s). Long handlers keep it alive. */
  ackWaitMs?: number;
  /** Server-side publish dedupe window for message ids (default 2 min). */
  dedupeWindowMs?: number;
  /** How long the streams keep messages (default 7 days). */
  maxAgeMs?: number;
  /** Lowered to the server's max_payload if that is smaller (default 1 MiB). */
  maxPayloadBytes?: number;
  /** How far back a group subscribing for the first time starts (default 10 min). */
  newGroupLookbackMs?: number;
  /** Consumer-side dedupe: acked ids remembered per (subject, group) in this process. */
  ackedIdsPerGroup?: number;
  /** Connection name shown by the server's monitoring. */
  name?: string;
  onError?: BusErrorHook;
}

export interface NatsBus extends Bus {
  readonly kind: 'nats';
  /** Names of the streams this bus uses (for operators and test clean-up). */
  readonly streams: { main: string; deadLetters: string };
}

const DEAD_LETTER_CONSUMER_OPTS = { maxDeliver: DEFAULT_MAX_DELIVER, retryDelayMs: DEFAULT_RETRY_DELAY_MS, concurrency: 1 };

export async function createNatsBus(opts: NatsBusOptions): Promise<NatsBus> {
  const prefix = opts.streamPrefix ?? 'WARROOM';
  // The prefix is both a stream name and a subject token: no dots, wildcards or spaces.
  if (!/^[A-Za-z0-9_-]+$/.test(prefix)) throw new AppError('bad_request', `invalid NATS stream prefix "${prefix}"`);
  const ackWaitMs = opts.ackWaitMs ?? 30_000;
  const dedupeWindowMs = opts.dedupeWindowMs ?? DEFAULT_DEDUPE_WINDOW_MS;
  const maxAgeMs = opts.maxAgeMs ?? 7 * 24 * 3600_000;
  const ackedIdsPerGroup = opts.ackedIdsPerGroup ?? 100_000;
  const newGroupLookbackMs = opts.newGroupLookbackMs ?? 10 * 60_000;
  const onError = opts.onError ?? stderrErrorHook;

  // Retry forever: a bus that gives up reconnecting leaves a live process that silently does nothing.
  const nc = await connect({ servers: opts.url, name: opts.name ?? 'warroom-bus', maxReconnectAttempts: -1 });
  try {
    const jsm = await jetstreamManager(nc);
    const streams = { main: prefix, deadLetters: `${prefix}_DLQ` };
    const common = {
      retention: RetentionPolicy.Limits,
      storage: StorageType.File,
      discard: DiscardPolicy.Old,
      max_age: nanos(maxAgeMs),
      duplicate_window: nanos(Math.min(dedupeWindowMs, maxAgeMs)),
    };
    await ensureStream(jsm, { name: streams.main, subjects: SUBJECTS.map((s) => `${prefix}.${s}`), ...common });
    await ensureStream(jsm, { name: streams.deadLetters, subjects: [`${prefix}.dlq.>`], ...common });
    const serverMax = nc.info?.max_payload ?? DEFAULT_MAX_PAYLOAD_BYTES;
    const maxPayloadBytes = Math.min(opts.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES, serverMax);
    return buildBus(nc, jsm, jetstream(nc), { prefix, streams, ackWaitMs, maxPayloadBytes, ackedIdsPerGroup, newGroupLookbackMs, onError });
  } catch (err) {
    await nc.close().catch(() => undefined);
    throw err;
  }
}

/**
 * Stops redelivery for good. No reason string: nats-server 2.9 does not parse `+TERM <reason>`
 * (a 2.10 addition) and redelivers such a message; the dead letter carries the reason instead.
 */
function terminate(m: JsMsg): void {
  m.term();
}

interface Settings {
  prefix: string;
  streams: { main: string; deadLetters: string };
  ackWaitMs: number;
  maxPayloadBytes: number;
  ackedIdsPerGroup: number;
  newGroupLookbackMs: number;
  onError: BusErrorHook;
}

function buildBus(nc: NatsConnection, jsm: JetStreamManager, js: JetStreamClient, s: Settings): NatsBus {
  const runners = new Set<Runner>();
  /** Consumer-side dedupe, shared by the members of a group within this process. */
  const ackedByConsumer = new Map<string, RecentIds>();
  let closed = false;
  let closing: Promise<void> | undefined;

  nc.closed()
    .then((err) => {
      if (err && !closed) report(s.onError, err, 'nats connection closed');
    })
    .catch(() => undefined);

  const ensureOpen = () => {
    if (closed) throw new AppError('unavailable', 'bus is closed');
  };

  /** Publishes to JetStream; the server drops an id it saw within the duplicate window. */
  const publishRaw = async (subject: string, stream: string, data: string, msgID: string, hdrs?: ReturnType<typeof headers>) => {
    await js.publish(subject, data, { msgID, headers: hdrs, expect: { streamName: stream } });
  };

  const deadLetter = async (subject: Subject, group: string, message: BusMessage, reason: string) => {
    const dl: DeadLetter = { message, group, reason, failedAt: new Date().toISOString() };
    const h = headers();
    // Headers let operators filter the DLQ without parsing bodies; they hold no newlines.
    h.set('Warroom-Group', group);
    h.set('Warroom-Reason', reason.replace(/[\r\n]+/g, ' ').slice(0, 512));
    await publishRaw(`${s.prefix}.dlq.${subject}`, s.streams.deadLetters, JSON.stringify(dl), `${message.id}:${group}`, h);
  };

  const newGroupStart = async (): Promise<Partial<ConsumerConfig>> => ({
    deliver_policy: DeliverPolicy.StartSequence,
    opt_start_seq: await firstSeqSince(jsm, s.streams.main, new Date(Date.now() - s.newGroupLookbackMs)),
  });

  /** Adds a consumer loop and returns its subscription. */
  const start = async (
    stream: string,
    durable: string,
    filter: string,
    o: { maxDeliver: number; retryDelayMs: number; concurrency: number },
    start: () => Promise<Partial<ConsumerConfig>>,
    handle: (m: JsMsg, acked: RecentIds) => Promise<void>,
  ): Promise<Subscription> => {
    const cfg = {
      durable_name: durable,
      filter_subject: filter,
      ack_policy: AckPolicy.Explicit,
      ack_wait: nanos(s.ackWaitMs),
      // One more than ours: that spare delivery dead-letters a message whose last attempt died with its process.
      max_deliver: o.maxDeliver + 1,
    };
    await ensureConsumer(jsm, stream, cfg, start);
    ensureOpen(); // close() may have run while the consumer was being created
    let acked = ackedByConsumer.get(durable);
    if (!acked) {
      acked = new RecentIds(s.ackedIdsPerGroup, Infinity, true);
      ackedByConsumer.set(durable, acked);
    }
    const ids = acked;
    const consumer = await js.consumers.get(stream, durable);
    const runner = await runConsumer(consumer, {
      concurrency: o.concurrency,
      heartbeatMs: Math.max(50, Math.floor(s.ackWaitMs / 2)),
      handle: (m) => handle(m, ids),
      onError: (err) => report(s.onError, err, durable),
    });
    if (closed) {
      // close() ran while we were starting and did not see this runner: stop it ourselves.
      await runner.stop();
      ensureOpen();
    }
    runners.add(runner);
    return {
      unsubscribe: async () => {
        runners.delete(runner);
        await runner.stop();
      },
    };
  };

  return {
    kind: 'nats',
    streams: s.streams,

    async publish<T>(subject: Subject, m: { id: string; orgId: string; payload: T }): Promise<void> {
      ensureOpen();
      assertSubject(subject);
      const body = encodeEnvelope(m, s.maxPayloadBytes);
      await publishRaw(`${s.prefix}.${subject}`, s.streams.main, body, m.id);
    },

    async subscribe<T>(subject: Subject, handler: (m: BusMessage<T>) => Promise<void>, so: SubscribeOptions): Promise<Subscription> {
      ensureOpen();
      assertSubject(subject);
      const o = resolveSubscribeOptions(so);
      const where = `${subject}/${o.group}`;
      return start(s.streams.main, consumerName('g', subject, o.group), `${s.prefix}.${subject}`, o, newGroupStart, async (m, acked) => {
        let env;
        try {
          env = decodeEnvelope(m.string());
        } catch (err) {
          // Not ours (someone published by hand): nothing can ever handle it, so drop it loudly.
          report(s.onError, err, `${where}: malformed message seq ${m.seq}`);
          terminate(m);
          return;
        }
        const message: BusMessage<T> = { id: env.id, subject, orgId: env.orgId, payload: env.payload as T, deliveryCount: m.info.deliveryCount };
        if (acked.has(message.id)) {
          m.ack(); // this group already handled this id
          return;
        }
        let reason: string | undefined;
        if (message.deliveryCount > o.maxDeliver) {
          reason = 'delivery attempts exhausted: the last attempt never finished (process stopped or ack timed out)';
        } else {
          try {
            await handler(message);
            acked.add(message.id);
            m.ack();
            return;
          } catch (err) {
            reason = errorReason(err);
            if (message.deliveryCount < o.maxDeliver) {
              m.nak(o.retryDelayMs);
              return;
            }
          }
        }
        try {
          await deadLetter(subject, o.group, message as BusMessage, reason);
          terminate(m);
        } catch (err) {
          // Keep the message rather than lose it: a remaining server delivery tries the dead letter
          // again; past max_deliver the server's MAX_DELIVERIES advisory is the last trace.
          report(s.onError, err, `${where}: dead-letter publish failed`);
          m.nak(o.retryDelayMs);
        }
      });
    },

    async subscribeDeadLetters(subject: Subject, handler: (d: DeadLetter) => Promise<void>): Promise<Subscription> {
      ensureOpen();
      assertSubject(subject);
      const o = DEAD_LETTER_CONSUMER_OPTS;
      const durable = consumerName('dlq', subject, 'subscribers');
      return start(s.streams.deadLetters, durable, `${s.prefix}.dlq.${subject}`, o, async () => ({ deliver_policy: DeliverPolicy.All }), async (m, acked) => {
        let dl: DeadLetter;
        try {
          dl = m.json<DeadLetter>();
        } catch (err) {
          report(s.onError, err, `${durable}: malformed dead letter seq ${m.seq}`);
          terminate(m);
          return;
        }
        const key = `${dl.message?.id}:${dl.group}`;
        if (acked.has(key)) {
          m.ack();
          return;
        }
        try {
          await handler(dl);
          acked.add(key);
          m.ack();
        } catch (err) {
          if (m.info.deliveryCount < o.maxDeliver) {
            m.nak(o.retryDelayMs);
            return;
          }
          // Nowhere further to send it; it stays in the DLQ stream for operators.
          report(s.onError, err, `${durable}: dead-letter handler failed ${m.info.deliveryCount} times; giving up on ${key}`);
          terminate(m);
        }
      });
    },

    close(): Promise<void> {
      closing ??= (async () => {
        closed = true;
        // Stop pulling and let running handlers finish and ack, then flush and close.
        await Promise.all([...runners].map((r) => r.stop()));
        runners.clear();
        await nc.drain().catch((err: unknown) => {
          if (!nc.isClosed()) report(s.onError, err, 'nats drain');
        });
      })();
      return closing;
    },
  };
}
