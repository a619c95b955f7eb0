/**
 * The detection pipeline persists the log templates it mines: log lines go through the real
 * handler (engine on the inline host, PGlite store), and the templates read back add up across
 * batches; a redelivered batch (same message id) adds nothing.
 */
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fastUlid } from '../app/ids.js';
import { createInprocBus } from '../bus/inproc.js';
import { systemClock } from '../core/clock.js';
import type { BusMessage, Store } from '../core/ports/index.js';
import type { Signal } from '../core/schemas.js';
import { DEFAULT_POLICY } from '../detectors/stream/grouping.js';
import { openPgliteStore } from '../store/index.js';
import { handleIngest, type IngestPayload, type PipelineDeps } from './pipeline.js';

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

const T0 = Date.UTC(2026, 3, 1, 12);
const line = (org: string, t: number, service: string, text: string, level: string): Signal => ({
  id: fastUlid(),
  orgId: org,
  source: 'loki',
  kind: 'log',
  ts: new Date(t).toISOString(),
  key: service,
  value: null,
  text,
  labels: { service, level },
  meta: {},
});

describe('pipeline: log templates', () => {
  it('stores the templates a batch touched with its anomalies; counts add up over batches, a redelivery counts once', async () => {
    const org = 'tmpl';
    await store.createOrg({ id: org, name: 't' });
    const bus = createInprocBus();
    const d: PipelineDeps = {
      store,
      bus,
      clock: systemClock,
      newId: fastUlid,
      logger: pino({ level: 'silent' }),
      detection: { engine: {}, checkpointMs: 60_000, thread: 'inline' },
      policy: DEFAULT_POLICY,
      publishCommitted: () => undefined,
    };
    const o = store.forOrg(org);
    const ingest = async (id: string, signals: Signal[]) => {
      await o.insertSignals(signals);
      const m: BusMessage<IngestPayload> = { id, subject: 'signal.ingest', orgId: org, payload: { signalIds: signals.map((s) => s.id) }, deliveryCount: 1 };
      await handleIngest(d, m);
      return m;
    };
    const declined = (t: number, k: number) => line(org, t, 'checkout', `payment declined for order ${1000 + k} password=hunter2-${k}`, k % 2 ? 'warn' : 'error');
    const served = (t: number, k: number) => line(org, t, 'checkout', `GET /cart/${k} 200 in ${10 + k} ms`, 'info');
    await ingest('b1', [...Array.from({ length: 4 }, (_, k) => declined(T0 + k * 1000, k)), ...Array.from({ length: 3 }, (_, k) => served(T0 + k * 1000 + 500, k))]);
    const second = await ingest('b2', [...Array.from({ length: 2 }, (_, k) => declined(T0 + 60_000 + k * 1000, k + 10)), served(T0 + 61_000, 9)]);
    const read = async () => (await o.searchLogTemplates({ service: 'checkout' })).sort((a, b) => a.template.localeCompare(b.template));
    const after2 = await read();
    expect(after2.map((t) => ({ count: t.count, levels: t.levels, firstSeen: t.firstSeen, lastSeen: t.lastSeen, novel: t.novel }))).toEqual([
      { count: 4, levels: { info: 4 }, firstSeen: new Date(T0 + 500).toISOString(), lastSeen: new Date(T0 + 61_000).toISOString(), novel: true },
      { count: 6, levels: { error: 3, warn: 3 }, firstSeen: new Date(T0).toISOString(), lastSeen: new Date(T0 + 61_000).toISOString(), novel: true },
    ]);
    const declinedRow = after2[1];
    expect(declinedRow.template).toMatch(/^payment declined for order/);
    expect(declinedRow.exemplars.length).toBeGreaterThan(0);
    expect(declinedRow.exemplars.length).toBeLessThanOrEqual(3);
    expect(JSON.stringify(after2)).not.toMatch(/hunter2/);
    // the same message again (the bus delivers at least once): the engine sees it twice, the store counts it once
    await handleIngest(d, { ...second, deliveryCount: 2 });
    expect((await read()).map((t) => t.count)).toEqual([4, 6]);
    // and a batch under a new id counts
    await ingest('b3', [served(T0 + 120_000, 20)]);
    expect((await read()).map((t) => t.count)).toEqual([5, 6]);
    expect(await o.getLogTemplate(declinedRow.id)).toEqual(declinedRow);
    await bus.close();
  });
});
