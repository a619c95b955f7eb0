/**
 * Crash-and-retry and two senders, through the real pipeline (PGlite, in-process bus, the outbox
 * relay): one series' points arrive from two senders interleaved, so every batch of the second is
 * a minute behind the first's newest point, and one batch is committed but its publish is lost
 * (a crash right after the commit) until the relay's sweep recovers it behind newer points. Issue 18
 * §5: no batch is skipped by detection — every late point is folded in, none dropped, and the
 * fault the late batches carry is detected.
 */
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fastUlid } from '../app/ids.js';
import { createInprocBus } from '../bus/inproc.js';
import { systemClock } from '../core/clock.js';
import type { Store } from '../core/ports/index.js';
import type { Signal } from '../core/schemas.js';
import { DEFAULT_POLICY } from '../detectors/stream/grouping.js';
import type { OpenedStore } from '../store/index.js';
import { closeOpened, openPgliteOrg } from '../test-support/pglite-org.js';
import { OutboxRelay } from './outbox-relay.js';
import { startPipeline } from './pipeline.js';

const logger = pino({ level: 'silent' });
let opened: OpenedStore;
let store: Store;
beforeAll(async () => {
  ({ opened } = await openPgliteOrg('late', 'Late'));
  store = opened.store;
});
afterAll(() => closeOpened(opened));

const T0 = Date.UTC(2026, 0, 1);
const MIN = 60_000;
/** The error rate of minute m: calm, then a fault from minute 40 on. */
const errorRate = (m: number) => (m >= 40 ? 0.3 : 0.001 + (m % 3) * 0.0005);
const point = (m: number): Signal => ({
  id: fastUlid(), orgId: 'late', source: m % 2 ? 'sender-b' : 'sender-a', kind: 'metric', ts: new Date(T0 + m * MIN).toISOString(),
  key: 'http_error_rate', value: errorRate(m), text: null, labels: { service: 'payments' }, meta: {},
});

describe('late batches from a crash-and-retry and from two senders', () => {
  it('folds every late point into detection, drops none, and detects the fault they carry', async () => {
    const bus = createInprocBus();
    const relay = new OutboxRelay(store, bus, logger, { sweepAgeMs: 0 });
    const late = { folded: 0, dropped: 0 };
    const subs = await startPipeline({
      store, bus, clock: systemClock, newId: fastUlid, logger,
      detection: { engine: { slo: { errorRateFloor: 0.05 } }, checkpointMs: 0 },
      policy: DEFAULT_POLICY,
      publishCommitted: (msgs) => relay.publishCommitted(msgs),
      onLatePoints: (l) => {
        late.folded += l.folded;
        late.dropped += l.dropped;
      },
    });
    const settle = async () => {
      await relay.flush();
      await bus.idle();
    };
    /** Commits a batch with its outbox row; `lost`: the process "dies" before publishing it. */
    const send = async (signals: Signal[], lost = false) => {
      await store.forOrg('late').transaction(async (tx) => {
        await tx.insertSignals(signals);
        await tx.enqueueOutbox({ id: fastUlid(), subject: 'signal.ingest', payload: { signalIds: signals.map((s) => s.id) } });
      });
      if (!lost) {
        await relay.sweep(0);
        await settle();
      }
    };

    // sender A sends even minutes; sender B each odd minute after A's next one (a minute late);
    // B's batch of minute 41 (the fault's second point) is committed, then its publish is lost
    // until the relay's next sweep, after A's minute 42
    let expectedLate = 0;
    await send([point(0)]);
    for (let m = 2; m <= 60; m += 2) {
      await send([point(m)]);
      const b = m - 1;
      if (b === 41) {
        await send([point(b)], true);
        expectedLate++;
        continue;
      }
      await send([point(b)]);
      expectedLate++;
    }
    await relay.sweep(0);
    await settle();

    expect(late).toEqual({ folded: expectedLate, dropped: 0 });
    const incidents = await store.forOrg('late').listIncidents({});
    expect(incidents.map((i) => i.service)).toEqual(['payments']);
    expect(await store.pendingOutbox(100)).toEqual([]);
    for (const s of subs) await s.unsubscribe();
    await relay.stop();
    await bus.close();
  });
});
