/**
 * The pipeline on a real (in-memory PGlite) store and the in-process bus: redelivered messages
 * change nothing, and a signal batch whose fast-path publish never happened (a crash right after
 * commit) is still detected once the outbox sweep picks it up.
 */
import type { Worker } from 'node:worker_threads';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fastUlid } from '../app/ids.js';
import { createInprocBus, type InprocBus } from '../bus/inproc.js';
import { systemClock } from '../core/clock.js';
import type { BusMessage, Store, Subscription } from '../core/ports/index.js';
import type { Signal } from '../core/schemas.js';
import { openPgliteStore } from '../store/index.js';
import { OutboxRelay, Staged } from './outbox-relay.js';
import { LocalHandoff } from './handoff.js';
import { DEFAULT_POLICY } from '../detectors/stream/grouping.js';
import { CHECKPOINT_NAME, EngineSet } from './detectors.js';
import { spawnDetectWorker, WorkerDetectionHost } from './worker-host.js';
import { type EngineHost, InlineDetectionHost } from './detect-host.js';
import { handleDetect, handleIngest, startPipeline, type IngestPayload, type PipelineDeps } from './pipeline.js';

const logger = pino({ level: 'silent' });
let store: Store;
let close: () => Promise<void>;

beforeAll(async () => {
  const opened = await openPgliteStore();
  store = opened.store;
  close = async () => {
    await opened.store.close();
    await opened.admin.close();
  };
});
afterAll(async () => close?.());

const spike = (org: string, service: string, n: number, t0 = Date.UTC(2026, 0, 1)): Signal[] =>
  Array.from({ length: n }, (_, i) => ({
    id: fastUlid(),
    orgId: org,
    source: 'prom',
    kind: 'metric' as const,
    ts: new Date(t0 + i * 60_000).toISOString(),
    key: 'http_error_rate',
    value: 0.3,
    text: null,
    labels: { service },
    meta: {},
  }));

function deps(bus: InprocBus, published: BusMessage[][] = []): PipelineDeps {
  return {
    store,
    bus,
    clock: systemClock,
    newId: fastUlid,
    logger,
    detection: { engine: { slo: { errorRateFloor: 0.05 } }, checkpointMs: 0 },
    policy: DEFAULT_POLICY,
    publishCommitted: (msgs) => published.push(msgs.map((m) => ({ id: m.id, subject: m.subject, orgId: m.orgId, payload: m.payload, deliveryCount: 1 }))),
  };
}

describe('pipeline', () => {
  it('is idempotent under redelivery: one set of anomalies, one incident, no duplicate evidence', async () => {
    await store.createOrg({ id: 'redeliver', name: 'r' });
    const bus = createInprocBus();
    const published: BusMessage[][] = [];
    const d = deps(bus, published);
    const signals = spike('redeliver', 'cart', 3);
    await store.forOrg('redeliver').insertSignals(signals);
    const handoff = new LocalHandoff();
    handoff.put('m1', { signals });
    const msg: BusMessage<IngestPayload> = { id: 'm1', subject: 'signal.ingest', orgId: 'redeliver', payload: { signalIds: signals.map((s) => s.id) }, deliveryCount: 1 };
    // The first delivery takes the signals from the handoff, the redelivery reads them back from the store.
    const sources: string[] = [];
    const dh = { ...d, handoff, onDetectBatch: (src: string) => void sources.push(src) };
    await handleIngest(dh, msg);
    expect(handoff.size).toBe(0);
    await handleIngest(dh, { ...msg, deliveryCount: 2 });
    expect(sources).toEqual(['handoff', 'store']);
    expect(await store.forOrg('redeliver').listAnomalies({})).toHaveLength(3);
    const detect = published.flat().filter((m) => m.subject === 'signal.detect');
    expect(detect).toHaveLength(1);
    const detectMsg = detect[0] as BusMessage<never>;
    await handleDetect(d, detectMsg);
    await handleDetect(d, { ...detectMsg, deliveryCount: 2 });
    const incidents = await store.forOrg('redeliver').listIncidents({});
    expect(incidents).toHaveLength(1);
    expect(incidents[0]).toMatchObject({ service: 'cart', openedBy: 'detector', startedAt: signals[0].ts });
    // Three breaching minutes of one series fall in one 5-minute evidence bucket: one row.
    expect(await store.forOrg('redeliver').listEvidence(incidents[0].id)).toHaveLength(1);
    await bus.close();
  });

  it('opens a new incident for a fault on a service whose incident was resolved', async () => {
    await store.createOrg({ id: 'reopen', name: 'r' });
    const bus = createInprocBus();
    const published: BusMessage[][] = [];
    const d = deps(bus, published);
    const o = store.forOrg('reopen');
    const detect = async (signals: Signal[], id: string) => {
      await o.insertSignals(signals);
      await handleIngest(d, { id, subject: 'signal.ingest', orgId: 'reopen', payload: { signalIds: signals.map((x) => x.id) }, deliveryCount: 1 });
      for (const m of published.splice(0).flat()) if (m.subject === 'signal.detect') await handleDetect(d, m as BusMessage<never>);
    };
    await detect(spike('reopen', 'cart', 3), 'r1');
    const [first] = await o.listIncidents({});
    // Ten minutes later the same service breaches again: while the incident is open it only gains evidence…
    await detect(spike('reopen', 'cart', 3, Date.UTC(2026, 0, 1, 0, 10)), 'r2');
    expect(await o.listIncidents({})).toHaveLength(1);
    // …once it is resolved, the next breach is a new incident.
    await o.setIncidentStatus(first.id, 'resolved', new Date().toISOString());
    await detect(spike('reopen', 'cart', 3, Date.UTC(2026, 0, 1, 0, 20)), 'r3');
    const all = await o.listIncidents({});
    expect(all.map((i) => i.status).sort()).toEqual(['open', 'resolved']);
    expect(all.find((i) => i.status === 'open')!.startedAt).toBe(new Date(Date.UTC(2026, 0, 1, 0, 20)).toISOString());
    await bus.close();
  });

  it('marks a detector-opened incident mitigated after 30 min of signal time without anomalies; one a person opened stays open', async () => {
    await store.createOrg({ id: 'recovered', name: 'r' });
    const bus = createInprocBus();
    const published: BusMessage[][] = [];
    let wall = Date.UTC(2026, 0, 1, 1);
    const d = { ...deps(bus, published), clock: { now: () => new Date(wall) } };
    const o = store.forOrg('recovered');
    const seen: BusMessage[] = [];
    const detect = async (signals: Signal[], id: string) => {
      await o.insertSignals(signals);
      await handleIngest(d, { id, subject: 'signal.ingest', orgId: 'recovered', payload: { signalIds: signals.map((x) => x.id) }, deliveryCount: 1 });
      for (const m of published.splice(0).flat()) {
        seen.push(m);
        if (m.subject === 'signal.detect') await handleDetect(d, m as BusMessage<never>);
      }
    };
    const healthy = (t0: number): Signal[] => spike('recovered', 'cart', 3, t0).map((x) => ({ ...x, value: 0.001 }));
    await detect(spike('recovered', 'cart', 3), 'm1'); // breaches at 00:00–00:02
    const [auto] = await o.listIncidents({});
    expect(auto.openedBy).toBe('detector');
    const manual = await o.openIncident({ id: fastUlid(), title: 'checkout feels slow', service: 'checkout', severity: 'sev3', startedAt: new Date(Date.UTC(2026, 0, 1)).toISOString(), openedAt: new Date(wall).toISOString(), openedBy: 'alice' });
    // healthy signals up to 00:22: not yet quiet for 30 min
    wall += 61_000;
    await detect(healthy(Date.UTC(2026, 0, 1, 0, 20)), 'm2');
    expect((await o.getIncident(auto.id))!.status).toBe('open');
    // up to 00:42, but within a minute of wall time of the last look: not looked at yet
    wall += 10_000;
    await detect(healthy(Date.UTC(2026, 0, 1, 0, 40)), 'm3');
    expect((await o.getIncident(auto.id))!.status).toBe('open');
    wall += 61_000;
    await detect(healthy(Date.UTC(2026, 0, 1, 0, 41)), 'm4');
    expect((await o.getIncident(auto.id))!.status).toBe('mitigated');
    expect((await o.getIncident(manual.id))!.status).toBe('open');
    const entry = (await o.listAudit()).find((e) => e.target === `incident:${auto.id}` && e.action === 'incident.status')!;
    expect(entry).toMatchObject({ actor: 'detector', payload: { from: 'open', to: 'mitigated' } });
    expect(seen.some((m) => m.subject === 'incident.updated' && (m.payload as { incidentId: string }).incidentId === auto.id)).toBe(true);
    // a new breach of cart is a new incident now
    await detect(spike('recovered', 'cart', 3, Date.UTC(2026, 0, 1, 0, 50)), 'm5');
    expect((await o.listIncidents({ status: 'open' })).map((i) => i.service).sort()).toEqual(['cart', 'checkout']);
    await bus.close();
  });

  it('a fault that ended does not swallow the next outage of a connected service: that opens its own incident', async () => {
    await store.createOrg({ id: 'healed', name: 'h' });
    const o = store.forOrg('healed');
    await o.putTopology({ nodes: [{ id: 'checkout', type: 'service', attributes: {} }, { id: 'search', type: 'service', attributes: {} }], edges: [{ from: 'checkout', to: 'search', attributes: {} }] });
    const bus = createInprocBus();
    const published: BusMessage[][] = [];
    const d = deps(bus, published);
    const detect = async (signals: Signal[], id: string) => {
      await o.insertSignals(signals);
      await handleIngest(d, { id, subject: 'signal.ingest', orgId: 'healed', payload: { signalIds: signals.map((x) => x.id) }, deliveryCount: 1 });
      for (const m of published.splice(0).flat()) if (m.subject === 'signal.detect') await handleDetect(d, m as BusMessage<never>);
    };
    const t0 = Date.UTC(2026, 0, 1);
    await detect(spike('healed', 'checkout', 3, t0), 'h1'); // checkout breaches 00:00–00:02, then is healed
    // eight minutes after checkout's last anomaly, search breaches (harder): not part of the healed fault
    const surge = spike('healed', 'search', 3, t0 + 10 * 60_000).map((x) => ({ ...x, value: 0.9 }));
    await detect(surge, 'h2');
    const all = await o.listIncidents({});
    expect(all.map((i) => i.service).sort()).toEqual(['checkout', 'search']);
    const search = all.find((i) => i.service === 'search')!;
    expect(search).toMatchObject({ status: 'open', startedAt: surge[0].ts });
    expect(search.title).toContain('search');
    const checkout = all.find((i) => i.service === 'checkout')!;
    expect((await o.listEvidence(checkout.id)).map((e) => (e.data as { service: string }).service)).toEqual(['checkout']);
    await bus.close();
  });

  it('raises an incident\'s severity, and retitles a detector-opened one, when a more severe finding joins it; audited', async () => {
    await store.createOrg({ id: 'worse', name: 'w' });
    const o = store.forOrg('worse');
    await o.putTopology({ nodes: [{ id: 'checkout', type: 'service', attributes: {} }, { id: 'payments', type: 'service', attributes: {} }], edges: [{ from: 'checkout', to: 'payments', attributes: {} }] });
    const bus = createInprocBus();
    const published: BusMessage[][] = [];
    const d = deps(bus, published);
    const detect = async (signals: Signal[], id: string) => {
      await o.insertSignals(signals);
      await handleIngest(d, { id, subject: 'signal.ingest', orgId: 'worse', payload: { signalIds: signals.map((x) => x.id) }, deliveryCount: 1 });
      for (const m of published.splice(0).flat()) if (m.subject === 'signal.detect') await handleDetect(d, m as BusMessage<never>);
    };
    const t0 = Date.UTC(2026, 0, 1);
    // checkout just past its error-rate SLO (a weak finding), then payments, called by it, fails hard while checkout still breaches
    await detect(spike('worse', 'checkout', 2, t0).map((x) => ({ ...x, value: 0.06 })), 'w1');
    const [before] = await o.listIncidents({});
    await detect([...spike('worse', 'checkout', 2, t0 + 2 * 60_000).map((x) => ({ ...x, value: 0.06 })), ...spike('worse', 'payments', 2, t0 + 2 * 60_000).map((x) => ({ ...x, value: 0.95 }))], 'w2');
    const all = await o.listIncidents({});
    expect(all).toHaveLength(1);
    const after = all[0];
    expect(Number(after.severity.slice(3))).toBeLessThan(Number(before.severity.slice(3)));
    expect(after.title).not.toBe(before.title);
    expect(after.title).toContain('payments');
    const entry = (await o.listAudit()).find((e) => e.target === `incident:${after.id}` && e.action === 'incident.revised')!;
    expect(entry).toMatchObject({ actor: 'detector', payload: { from: { severity: before.severity, title: before.title }, to: { severity: after.severity, title: after.title } } });
    await bus.close();
  });

  it('detects a batch recovered from the outbox (ids only) after its fast-path publish was lost', async () => {
    await store.createOrg({ id: 'recover', name: 'r' });
    const bus = createInprocBus();
    const relay = new OutboxRelay(store, bus, logger, { sweepAgeMs: 0 });
    const d = { ...deps(bus), publishCommitted: (msgs: Parameters<PipelineDeps['publishCommitted']>[0]) => relay.publishCommitted(msgs) };
    const subs: Subscription[] = await startPipeline(d);
    const signals = spike('recover', 'payments', 2);
    // The request committed its signals and the outbox row, then "crashed" before publishing.
    await store.forOrg('recover').transaction(async (tx) => {
      await tx.insertSignals(signals);
      await tx.enqueueOutbox({ id: fastUlid(), subject: 'signal.ingest', payload: { signalIds: signals.map((s) => s.id) } });
    });
    await relay.sweep(0);
    for (let i = 0; i < 100; i++) {
      await bus.idle();
      await relay.flush();
      if ((await store.forOrg('recover').listIncidents({})).length > 0) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const incidents = await store.forOrg('recover').listIncidents({});
    expect(incidents.map((i) => i.service)).toEqual(['payments']);
    expect(await store.pendingOutbox(100)).toEqual([]);
    for (const s of subs) await s.unsubscribe();
    await relay.stop();
    await bus.close();
  });

  it('publishes a batch as its ids and hands the signals to a consumer in this process', async () => {
    await store.createOrg({ id: 'claim', name: 'c' });
    const bus = createInprocBus();
    const handoff = new LocalHandoff();
    const relay = new OutboxRelay(store, bus, logger, { handoff });
    const seen: BusMessage[] = [];
    await bus.subscribe('signal.ingest', async (m) => void seen.push(m), { group: 'spy' });
    const signals = spike('claim', 'cart', 2);
    const staged = new Staged(fastUlid, () => new Date().toISOString());
    await store.forOrg('claim').transaction(async (tx) => {
      await tx.insertSignals(signals);
      await staged.emit(tx, 'signal.ingest', { signals }, 'claim-1', { signalIds: signals.map((s) => s.id) });
    });
    relay.publishCommitted(staged.messages);
    await relay.flush();
    await bus.idle();
    expect(seen.map((m) => m.payload)).toEqual([{ signalIds: signals.map((s) => s.id) }]);
    expect(handoff.take('claim-1')).toEqual({ signals });
    expect(await store.pendingOutbox(100)).toEqual([]);
    await relay.stop();
    await bus.close();
  });

  it('hands batches to the detectors in call order, even when an earlier batch is still being read', async () => {
    await store.createOrg({ id: 'order', name: 'o' });
    const seen: string[] = [];
    const inner = new InlineDetectionHost();
    const host: EngineHost = {
      get generation() {
        return inner.generation;
      },
      load: (o, opts, st) => inner.load(o, opts, st),
      setSlos: (o, slos) => inner.setSlos(o, slos),
      snapshot: (o) => inner.snapshot(o),
      close: () => inner.close(),
      process: (o, batch) => {
        seen.push(batch.map((x) => x.id).join(','));
        return inner.process(o, batch);
      },
    };
    const set = new EngineSet(store, systemClock, logger, { engine: {}, checkpointMs: 60_000 }, host);
    const [a, b] = [spike('order', 'cart', 1), spike('order', 'cart', 1, Date.UTC(2026, 0, 2))];
    let release!: (v: Signal[]) => void;
    const slowRead = new Promise<Signal[]>((r) => (release = r));
    const failedRead = Promise.reject(new Error('store down'));
    const first = set.process('order', slowRead);
    const second = set.process('order', failedRead);
    const third = set.process('order', b);
    await new Promise((r) => setTimeout(r, 20));
    expect(seen).toEqual([]); // the third waits for the first's turn
    release(a);
    await Promise.all([first, third]);
    await expect(second).rejects.toThrow('store down');
    expect(seen).toEqual([a[0].id, b[0].id]);
  });

  it('runs detection in one process of those sharing the store; another takes over when it stops, from its checkpoint', async () => {
    await store.createOrg({ id: 'twoproc', name: 't' });
    const bus = createInprocBus();
    const detectSubs: string[] = [];
    const spyBus = (who: string): InprocBus => ({
      ...bus,
      subscribe: (subject, handler, o) => {
        if (subject === 'signal.ingest') detectSubs.push(who);
        return bus.subscribe(subject, handler, o);
      },
    });
    const a = await startPipeline({ ...deps(spyBus('a')), leadRetryMs: 20 });
    const b = await startPipeline({ ...deps(spyBus('b')), leadRetryMs: 20 });
    expect(detectSubs).toEqual(['a']); // b stands by: two engines would each see half of every series
    const signals = spike('twoproc', 'cart', 3);
    await store.forOrg('twoproc').insertSignals(signals);
    await bus.publish('signal.ingest', { id: fastUlid(), orgId: 'twoproc', payload: { signalIds: signals.map((x) => x.id) } satisfies IngestPayload });
    for (let i = 0; i < 100 && (await store.forOrg('twoproc').listAnomalies({})).length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect((await store.forOrg('twoproc').listAnomalies({})).length).toBeGreaterThan(0);
    // a stops: its detectors are checkpointed before the role is given up, then b takes over
    for (const s of a) await s.unsubscribe();
    expect(await store.forOrg('twoproc').getDetectorState(CHECKPOINT_NAME)).not.toBeNull();
    for (let i = 0; i < 100 && detectSubs.length < 2; i++) await new Promise((r) => setTimeout(r, 10));
    expect(detectSubs).toEqual(['a', 'b']);
    for (const s of b) await s.unsubscribe();
    const free = await store.lead('detect'); // given up on shutdown
    expect(free).not.toBeNull();
    await free!.release();
  });

  it('checkpoints the detectors to the store and resumes from there after a restart', async () => {
    await store.createOrg({ id: 'ckpt', name: 'c' });
    const a = new EngineSet(store, systemClock, logger, { engine: {}, checkpointMs: 60_000 });
    const t0 = Date.UTC(2026, 0, 1);
    await a.process(
      'ckpt',
      ['cart', 'search'].flatMap((svc) =>
        Array.from({ length: 30 }, (_, i): Signal => ({ id: fastUlid(), orgId: 'ckpt', source: 'p', kind: 'metric', ts: new Date(t0 + i * 60_000).toISOString(), key: 'latency_p95_ms', value: 100 + i, text: null, labels: { service: svc }, meta: {} })),
      ),
    );
    expect(await store.forOrg('ckpt').getDetectorState(CHECKPOINT_NAME)).toBeNull(); // the interval has not passed
    await a.checkpointAll();
    const saved = await store.forOrg('ckpt').getDetectorState(CHECKPOINT_NAME);
    expect(saved).not.toBeNull();
    const b = new EngineSet(store, systemClock, logger, { engine: {}, checkpointMs: 60_000 });
    const resumed = await b.snapshot('ckpt');
    expect(resumed.metricServices.sort()).toEqual(['cart', 'search']);
    expect(resumed).toEqual(await a.snapshot('ckpt'));
    // An unreadable checkpoint costs a warm-up, not the pipeline.
    await store.forOrg('ckpt').putDetectorState(CHECKPOINT_NAME, { v: 99 });
    const c = new EngineSet(store, systemClock, logger, { engine: {}, checkpointMs: 60_000 });
    expect((await c.snapshot('ckpt')).metricServices).toEqual([]);
  });

  it('reloads the detectors from their last checkpoint when the detection worker dies', async () => {
    await store.createOrg({ id: 'crash', name: 'c' });
    const threads: Worker[] = [];
    const host = new WorkerDetectionHost({
      spawnWorker: () => {
        const w = spawnDetectWorker();
        threads.push(w);
        return w;
      },
    });
    const set = new EngineSet(store, systemClock, logger, { engine: {}, checkpointMs: 60_000, thread: 'worker' }, host);
    const t0 = Date.UTC(2026, 0, 1);
    const minutes = (from: number, to: number): Signal[] =>
      Array.from({ length: to - from }, (_, k): Signal => ({ id: fastUlid(), orgId: 'crash', source: 'p', kind: 'metric', ts: new Date(t0 + (from + k) * 60_000).toISOString(), key: 'latency_p95_ms', value: 100 + ((from + k) % 7), text: null, labels: { service: 'cart' }, meta: {} }));
    const inline = new EngineSet(store, systemClock, logger, { engine: {}, checkpointMs: 60_000 });
    await set.process('crash', minutes(0, 30));
    await set.checkpointAll();
    await threads[0].terminate(); // the thread dies from outside, as a crash would end it
    // The next batch goes to a new worker, which resumes from the checkpoint: nothing learned is lost.
    await set.process('crash', minutes(30, 40));
    await inline.process('crash', minutes(30, 40)); // the inline set loaded the same checkpoint
    expect(await set.snapshot('crash')).toEqual(await inline.snapshot('crash'));
    expect(set.host.generation).toBe(1);
    expect(threads).toHaveLength(2);
    await set.close();
  });
});
