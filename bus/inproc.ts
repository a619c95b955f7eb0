/**
 * In-process bus: the same delivery contract as the NATS adapter, for tests, the single-process
 * dev mode and anything that must run without a broker. Nothing survives the process: queued
 * messages and pending retries are dropped by close() or a crash.
 *
 * Model (mirrors JetStream durable consumers):
 * - a topic per subject (and one per dead-letter subject `dlq.<subject>`);
 * - a group per (topic, group name) with its own FIFO queue, so each group gets its own copy;
 * - members of a group take messages round-robin, each with at most `concurrency` in flight.
 * A group outlives its members (like a durable consumer): messages published while it has no
 * member wait in its queue. Messages published before any group exists wait in the topic's
 * backlog and go to the first group that subscribes, so start-up order loses nothing. (NATS
 * differs only for a group that appears after others: there it starts at a short lookback
 * window of the stream, here it gets messages published from then on.)
 */
import { AppError } from '../core/errors.js';
import type { Bus, BusMessage, DeadLetter, Subject, SubscribeOptions, Subscription } from '../core/ports/index.js';
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

export interface InprocBusOptions {
  /** Publish dedupe: an id seen on a subject within this window is dropped (default 2 min, as NATS). */
  dedupeWindowMs?: number;
  /** Publish dedupe keeps at most this many ids per subject (default 100k). */
  dedupeMaxIds?: number;
  /** Consumer-side dedupe: ids each group remembers as acked (LRU, default 100k). */
  ackedIdsPerGroup?: number;
  /** Messages kept per topic with no group, or per group with no member (oldest dropped beyond). */
  backlogLimit?: number;
  /** Same limit as NATS max_payload so oversized messages fail in dev too (default 1 MiB). */
  maxPayloadBytes?: number;
  /** Where the bus reports its own failures (default: stderr). */
  onError?: BusErrorHook;
}

export interface InprocBus extends Bus {
  readonly kind: 'inproc';
  /**
   * Resolves once nothing more will happen without outside action: no handler in flight, no
   * retry pending, and no queued message that a member could take. For tests.
   */
  idle(): Promise<void>;
}

/** One group's copy of a message; `deliveries` counts attempts made so far. */
interface Delivery {
  id: string;
  body: string;
  deliveries: number;
}

interface Member {
  run(body: string, deliveryCount: number): Promise<void>;
  maxDeliver: number;
  retryDelayMs: number;
  concurrency: number;
  inflight: number;
  active: boolean;
  /** Resolved when this member's in-flight handlers have all settled (for unsubscribe). */
  settled: Array<() => void>;
}

interface Group {
  name: string;
  members: Member[];
  /** Round-robin cursor into members. */
  next: number;
  ready: Delivery[];
  acked: RecentIds;
}

interface Topic {
  /** Subject used in error reports and dead letters. */
  subject: string;
  recent: RecentIds;
  groups: Map<string, Group>;
  backlog: Delivery[];
  /** What happens to a message a group could not handle within maxDeliver attempts. */
  exhausted(d: Delivery, group: string, reason: string): void;
}

/** Dead-letter subscribers of one subject share one queue, as they share one NATS consumer. */
const DEAD_LETTER_GROUP = 'dead-letters';
const DEAD_LETTER_OPTS = { maxDeliver: DEFAULT_MAX_DELIVER, retryDelayMs: DEFAULT_RETRY_DELAY_MS, concurrency: 1 };

export function createInprocBus(opts: InprocBusOptions = {}): InprocBus {
  const dedupeWindowMs = opts.dedupeWindowMs ?? DEFAULT_DEDUPE_WINDOW_MS;
  const dedupeMaxIds = opts.dedupeMaxIds ?? 100_000;
  const ackedIdsPerGroup = opts.ackedIdsPerGroup ?? 100_000;
  const backlogLimit = opts.backlogLimit ?? 10_000;
  const maxPayloadBytes = opts.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES;
  const onError = opts.onError ?? stderrErrorHook;

  const topics = new Map<string, Topic>();
  const retryTimers = new Set<ReturnType<typeof setTimeout>>();
  let inflight = 0;
  let closed = false;
  let closing: Promise<void> | undefined;
  let idleWaiters: Array<() => void> = [];
  /** close() waiting for the last in-flight handler. */
  const drained: Array<() => void> = [];

  const ensureOpen = () => {
    if (closed) throw new AppError('unavailable', 'bus is closed');
  };

  const topicFor = (key: string, exhausted: Topic['exhausted']): Topic => {
    let t = topics.get(key);
    if (!t) {
      t = { subject: key, recent: new RecentIds(dedupeMaxIds, dedupeWindowMs), groups: new Map(), backlog: [], exhausted };
      topics.set(key, t);
    }
    return t;
  };

  const mainTopic = (subject: Subject) =>
    topicFor(subject, (d, group, reason) => {
      // Rebuild the message as the last attempt saw it, so the dead letter says what failed.
      const env = decodeEnvelope(d.body);
      const message: BusMessage = { id: env.id, subject, orgId: env.orgId, payload: env.payload, deliveryCount: d.deliveries };
      const dl: DeadLetter = { message, group, reason, failedAt: new Date().toISOString() };
      enqueue(deadLetterTopic(subject), { id: `${env.id}:${group}`, body: JSON.stringify(dl), deliveries: 0 });
    });

  const deadLetterTopic = (subject: Subject) =>
    topicFor(`dlq.${subject}`, (d, _group, reason) => {
      // A dead-letter handler that keeps failing has nowhere further to send the letter.
      report(onError, new Error(`dead letter ${d.id} dropped after ${d.deliveries} failed deliveries: ${reason}`), `dlq.${subject}`);
    });

  /** Drops the oldest entries so a queue nobody drains cannot eat the heap. */
  const bound = (queue: Delivery[], where: string) => {
    if (queue.length <= backlogLimit) return;
    const dropped = queue.splice(0, queue.length - backlogLimit);
    report(onError, new Error(`backlog over ${backlogLimit}: dropped ${dropped.length} oldest message(s)`), where);
  };

  /** Hands a new message to every group of the topic (or the backlog when there is none). */
  const enqueue = (t: Topic, d: Delivery) => {
    if (t.recent.has(d.id)) return; // duplicate publish within the window: a no-op, like NATS msgID
    t.recent.add(d.id);
    if (t.groups.size === 0) {
      t.backlog.push(d);
      bound(t.backlog, t.subject);
      return;
    }
    for (const g of t.groups.values()) {
      g.ready.push({ ...d });
      if (g.members.length === 0) bound(g.ready, `${t.subject}/${g.name}`);
      pump(t, g);
    }
  };

  const pickMember = (g: Group): Member | undefined => {
    const n = g.members.length;
    for (let i = 0; i < n; i++) {
      const idx = (g.next + i) % n;
      const m = g.members[idx];
      if (m.active && m.inflight < m.concurrency) {
        g.next = (idx + 1) % n;
        return m;
      }
    }
    return undefined;
  };

  /** Starts as many deliveries as the group's free member slots allow. */
  const pump = (t: Topic, g: Group) => {
    while (!closed && g.ready.length > 0) {
      const head = g.ready[0];
      if (g.acked.has(head.id)) {
        // Consumer-side idempotency: this group already handled this id; ack without the handler.
        g.ready.shift();
        continue;
      }
      const m = pickMember(g);
      if (!m) break;
      g.ready.shift();
      deliver(t, g, m, head);
    }
    checkIdle();
  };

  const deliver = (t: Topic, g: Group, m: Member, d: Delivery) => {
    d.deliveries++;
    m.inflight++;
    inflight++;
    // Start on a microtask: a handler's synchronous code (or synchronous throw) must not run
    // inside publish() or pump(), and a sync throw must become a rejection we handle.
    Promise.resolve()
      .then(() => m.run(d.body, d.deliveries))
      .then(
        () => g.acked.add(d.id),
        (err: unknown) => failed(t, g, m, d, errorReason(err)),
      )
      .catch((err: unknown) => report(onError, err, `${t.subject}/${g.name}`))
      .finally(() => {
        m.inflight--;
        inflight--;
        if (m.inflight === 0) m.settled.splice(0).forEach((r) => r());
        if (inflight === 0) drained.splice(0).forEach((r) => r());
        pump(t, g);
      });
  };

  const failed = (t: Topic, g: Group, m: Member, d: Delivery, reason: string) => {
    if (d.deliveries >= m.maxDeliver) {
      t.exhausted(d, g.name, reason);
      return;
    }
    if (closed) return; // in-process retries do not outlive the bus
    const timer = setTimeout(() => {
      retryTimers.delete(timer);
      if (closed) return;
      g.ready.push(d);
      pump(t, g);
    }, m.retryDelayMs);
    // A pending retry should not keep a finished process alive.
    timer.unref();
    retryTimers.add(timer);
  };

  const join = (t: Topic, groupName: string, member: Member): Subscription => {
    let g = t.groups.get(groupName);
    if (!g) {
      g = { name: groupName, members: [], next: 0, ready: [], acked: new RecentIds(ackedIdsPerGroup, Infinity, true) };
      if (t.groups.size === 0) g.ready.push(...t.backlog.splice(0));
      t.groups.set(groupName, g);
    }
    const group = g;
    group.members.push(member);
    pump(t, group);
    return {
      unsubscribe: async () => {
        if (!member.active) return;
        member.active = false;
        group.members = group.members.filter((x) => x !== member);
        group.next = 0;
        if (member.inflight > 0) await new Promise<void>((r) => member.settled.push(r));
        checkIdle();
      },
    };
  };

  const isIdle = () => {
    if (inflight > 0 || retryTimers.size > 0) return false;
    for (const t of topics.values()) {
      for (const g of t.groups.values()) {
        if (g.ready.length > 0 && g.members.some((m) => m.active)) return false;
      }
    }
    return true;
  };

  const checkIdle = () => {
    if (idleWaiters.length === 0 || !isIdle()) return;
    const ws = idleWaiters;
    idleWaiters = [];
    ws.forEach((r) => r());
  };

  return {
    kind: 'inproc',

    async publish<T>(subject: Subject, m: { id: string; orgId: string; payload: T }): Promise<void> {
      ensureOpen();
      assertSubject(subject);
      const body = encodeEnvelope(m, maxPayloadBytes);
      enqueue(mainTopic(subject), { id: m.id, body, deliveries: 0 });
    },

    async subscribe<T>(subject: Subject, handler: (m: BusMessage<T>) => Promise<void>, o: SubscribeOptions): Promise<Subscription> {
      ensureOpen();
      assertSubject(subject);
      const r = resolveSubscribeOptions(o);
      return join(mainTopic(subject), r.group, {
        // Each delivery decodes its own copy, so one handler mutating the payload affects no other.
        run: (body, deliveryCount) => {
          const env = decodeEnvelope(body);
          return handler({ id: env.id, subject, orgId: env.orgId, payload: env.payload as T, deliveryCount });
        },
        maxDeliver: r.maxDeliver,
        retryDelayMs: r.retryDelayMs,
        concurrency: r.concurrency,
        inflight: 0,
        active: true,
        settled: [],
      });
    },

    async subscribeDeadLetters(subject: Subject, handler: (d: DeadLetter) => Promise<void>): Promise<Subscription> {
      ensureOpen();
      assertSubject(subject);
      return join(deadLetterTopic(subject), DEAD_LETTER_GROUP, {
        run: (body) => handler(JSON.parse(body) as DeadLetter),
        ...DEAD_LETTER_OPTS,
        inflight: 0,
        active: true,
        settled: [],
      });
    },

    idle(): Promise<void> {
      return new Promise<void>((resolve) => {
        idleWaiters.push(resolve);
        checkIdle();
      });
    },

    close(): Promise<void> {
      // Idempotent: a second caller waits for the same shutdown.
      closing ??= (async () => {
        closed = true;
        for (const timer of retryTimers) clearTimeout(timer);
        retryTimers.clear();
        // Wait for running handlers (unsubscribed members' too) so their side effects finish
        // before the caller tears down what they use.
        if (inflight > 0) await new Promise<void>((r) => drained.push(r));
        checkIdle();
      })();
      return closing;
    },
  };
}
