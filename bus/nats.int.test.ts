/**
 * Runs the bus contract against a real nats-server with JetStream, plus what only NATS has
 * (wire format, idempotent start-up, recovery after a crashed last attempt). Every bus gets its
 * own stream prefix so tests cannot see each other's messages; the streams go at the end.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import type { Bus, DeadLetter } from '../core/ports/index.js';
import { busContract } from './contract.js';
import { consumerName, createNatsBus, type NatsBus, type NatsBusOptions } from './nats.js';

const url = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const run = `T${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
const streams = new Set<string>();
let n = 0;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function waitFor(what: string, cond: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

const newPrefix = () => `${run}_${n++}`;
async function open(o: Partial<NatsBusOptions> = {}): Promise<NatsBus> {
  const bus = await createNatsBus({ url, streamPrefix: newPrefix(), maxAgeMs: 10 * 60_000, ...o });
  streams.add(bus.streams.main).add(bus.streams.deadLetters);
  return bus;
}

// Settled on the server: no consumer of the bus's streams has a message left to deliver or
// awaiting its ack (a nak'd message waiting for redelivery counts as awaiting), so no further
// handler call can come.
let settleConn: NatsConnection | undefined;
afterAll(async () => {
  await settleConn?.close();
});
async function settled(bus: Bus): Promise<void> {
  settleConn ??= await connect({ servers: url });
  const jsm = await jetstreamManager(settleConn);
  const { main, deadLetters } = (bus as NatsBus).streams;
  const deadline = Date.now() + 15_000;
  for (;;) {
    const infos = [...(await jsm.consumers.list(main).next()), ...(await jsm.consumers.list(deadLetters).next())];
    const busy = infos.filter((c) => c.num_ack_pending > 0 || c.num_pending > 0);
    if (busy.length === 0) return;
    if (Date.now() > deadline) throw new Error(`bus not settled: ${busy.map((c) => `${c.name} ack_pending=${c.num_ack_pending} pending=${c.num_pending}`).join('; ')}`);
    await sleep(20);
  }
}

busContract('NATS JetStream', ({ dedupeWindowMs }) => open({ dedupeWindowMs }), settled);

describe('NATS bus extras', () => {
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  beforeAll(async () => {
    nc = await connect({ servers: url });
    jsm = await jetstreamManager(nc);
  });
  afterAll(async () => {
    await Promise.all([...streams].map((s) => jsm.streams.delete(s).catch(() => false)));
    await nc.close();
  });

  /** Nothing pending or awaiting an ack on the consumer: every message got its final answer. */
  const settledOnServer = async (stream: string, consumer: string) => {
    let last = '';
    for (let i = 0; i < 100; i++) {
      const ci = await jsm.consumers.info(stream, consumer);
      last = `ack_pending=${ci.num_ack_pending} pending=${ci.num_pending}`;
      if (ci.num_ack_pending === 0 && ci.num_pending === 0) return;
      await sleep(20);
    }
    throw new Error(`consumer ${consumer} not settled: ${last}`);
  };

  it('re-running start-up with the same prefix works and applies changed settings', async () => {
    const prefix = newPrefix();
    const a = await open({ streamPrefix: prefix, dedupeWindowMs: 1000 });
    await a.subscribe('signal.ingest', async () => undefined, { group: 'g', maxDeliver: 3 });
    await a.close();
    const b = await open({ streamPrefix: prefix, dedupeWindowMs: 2000, ackWaitMs: 5000 });
    await b.subscribe('signal.ingest', async () => undefined, { group: 'g', maxDeliver: 4 });
    const si = await jsm.streams.info(prefix);
    expect(si.config.duplicate_window).toBe(2000 * 1e6);
    const ci = await jsm.consumers.info(prefix, consumerName('g', 'signal.ingest', 'g'));
    expect(ci.config.max_deliver).toBe(5); // ours + the spare delivery
    expect(ci.config.ack_wait).toBe(5000 * 1e6);
    await b.close();
  });

  it('puts {id, orgId, payload} JSON on the wire with the id as Nats-Msg-Id, and dead letters with reason headers', async () => {
    const bus = await open();
    const prefix = bus.streams.main;
    const raw: { subject: string; body: unknown; msgId?: string; reason?: string; group?: string }[] = [];
    const sub = nc.subscribe(`${prefix}.>`, {
      callback: (_err, m) => {
        raw.push({ subject: m.subject, body: m.json(), msgId: m.headers?.get('Nats-Msg-Id'), reason: m.headers?.get('Warroom-Reason'), group: m.headers?.get('Warroom-Group') });
      },
    });
    await nc.flush();
    await bus.subscribe('fix.plan', async () => Promise.reject(new Error('bad plan\nsecond line')), { group: 'p', maxDeliver: 1 });
    await bus.publish('fix.plan', { id: 'w1', orgId: 'o1', payload: { a: [1] } });
    await waitFor('dead letter on the wire', () => raw.length === 2);
    expect(raw[0]).toEqual({ subject: `${prefix}.fix.plan`, body: { id: 'w1', orgId: 'o1', payload: { a: [1] } }, msgId: 'w1', reason: '', group: '' }); // get() gives '' for an absent header
    expect(raw[1]).toMatchObject({ subject: `${prefix}.dlq.fix.plan`, msgId: 'w1:p', reason: 'bad plan second line', group: 'p' });
    expect((raw[1].body as DeadLetter).message).toMatchObject({ id: 'w1', subject: 'fix.plan', deliveryCount: 1 });
    expect((raw[1].body as DeadLetter).reason).toBe('bad plan\nsecond line');
    // The failed message was terminated, not left to come back after ack_wait (2.9 ignores a TERM with a reason).
    await settledOnServer(prefix, consumerName('g', 'fix.plan', 'p'));
    sub.unsubscribe();
    await bus.close();
  });

  it('dead-letters, without running the handler, a message whose last attempt died with its process', async () => {
    const bus = await open();
    const prefix = bus.streams.main;
    const letters: DeadLetter[] = [];
    await bus.subscribeDeadLetters('verify.run', async (d) => void letters.push(d));
    // Create the group's consumer, then play a worker that takes both allowed deliveries and dies.
    const sub = await bus.subscribe('verify.run', async () => undefined, { group: 'v', maxDeliver: 2 });
    await sub.unsubscribe();
    await bus.publish('verify.run', { id: 'crash-1', orgId: 'o1', payload: null });
    const consumer = await jetstream(nc).consumers.get(prefix, consumerName('g', 'verify.run', 'v'));
    for (let i = 1; i <= 2; i++) {
      const m = await consumer.next({ expires: 5000 });
      expect(m?.info.deliveryCount).toBe(i);
      m?.nak(); // stands in for "process died mid-handler"; the server would redeliver after ack_wait
    }
    let handled = 0;
    await bus.subscribe('verify.run', async () => void handled++, { group: 'v', maxDeliver: 2 });
    await waitFor('dead letter', () => letters.length === 1);
    expect(handled).toBe(0);
    expect(letters[0].message).toMatchObject({ id: 'crash-1', deliveryCount: 3 });
    expect(letters[0].reason).toMatch(/exhausted/);
    await settledOnServer(prefix, consumerName('g', 'verify.run', 'v'));
    await settledOnServer(bus.streams.deadLetters, consumerName('dlq', 'verify.run', 'subscribers'));
    await bus.close();
  });

  it('starts a new group at the lookback window, not at the start of the stream', async () => {
    const bus = await open({ newGroupLookbackMs: 300 });
    await bus.publish('incident.updated', { id: 'old', orgId: 'o1', payload: null });
    await sleep(600);
    await bus.publish('incident.updated', { id: 'recent', orgId: 'o1', payload: null });
    const got: string[] = [];
    const sub = await bus.subscribe('incident.updated', async (m) => void got.push(m.id), { group: 'late-joiner' });
    await waitFor('recent', () => got.length === 1);
    await sub.unsubscribe();
    await bus.publish('incident.updated', { id: 'later', orgId: 'o1', payload: null });
    await sleep(600); // past the lookback: a known group must resume, not re-apply the window
    await bus.subscribe('incident.updated', async (m) => void got.push(m.id), { group: 'late-joiner' });
    await waitFor('later', () => got.length === 2);
    expect(got).toEqual(['recent', 'later']);
    await bus.close();
  });

  it('keeps a slow handler\'s message from being redelivered past ack_wait', async () => {
    const bus = await open({ ackWaitMs: 500 });
    const counts: number[] = [];
    let finished = 0;
    await bus.subscribe('export.make', async (m) => {
      counts.push(m.deliveryCount);
      await sleep(1500); // three ack_waits: only the working() heartbeat keeps it ours
      finished++;
    }, { group: 'slow' });
    await bus.publish('export.make', { id: 'slow', orgId: 'o1', payload: null });
    await waitFor('the handler to finish', () => finished === 1);
    // Acked and nothing left to deliver: a redelivery, had there been one, has happened by now.
    await settledOnServer(bus.streams.main, consumerName('g', 'export.make', 'slow'));
    expect(counts).toEqual([1]);
    // The consumer-side dedupe would hide a redelivery from the handler; the server's count of
    // deliveries (redeliveries included) cannot.
    const ci = await jsm.consumers.info(bus.streams.main, consumerName('g', 'export.make', 'slow'));
    expect(ci.delivered.consumer_seq).toBe(1);
    await bus.close();
  });

  it('drops a malformed message loudly and keeps consuming', async () => {
    const errors: string[] = [];
    const bus = await open({ onError: (_e, where) => void errors.push(where) });
    const got: string[] = [];
    await bus.subscribe('signal.ingest', async (m) => void got.push(m.id), { group: 'g' });
    await jetstream(nc).publish(`${bus.streams.main}.signal.ingest`, 'not json');
    await bus.publish('signal.ingest', { id: 'good', orgId: 'o1', payload: null });
    await waitFor('good message', () => got.length === 1);
    expect(got).toEqual(['good']);
    expect(errors.some((w) => w.includes('malformed'))).toBe(true);
    await bus.close();
  });

  it('keeps groups whose names sanitise alike apart', async () => {
    const bus = await open();
    const got: Record<string, number> = { 'a.b': 0, a_b: 0 };
    for (const g of Object.keys(got)) await bus.subscribe('rag.answer', async () => void got[g]++, { group: g });
    await bus.publish('rag.answer', { id: 'x', orgId: 'o1', payload: null });
    await waitFor('both', () => got['a.b'] === 1 && got.a_b === 1);
    await bus.close();
  });
});
