/** The ingest edge on plain data: an in-memory org store and outbox, no HTTP, no database. */
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../core/clock.js';
import { AppError } from '../core/errors.js';
import { MAX_SIGNAL_TEXT, type Signal } from '../core/schemas.js';
import { DEFAULT_SECRET_MASKS } from '../detectors/secrets.js';
import { ingestBatch, prepareBatch, truncateText, type EdgePorts } from './edge.js';
import type { IngestLocal, IngestPayload } from './pipeline.js';
import { MAX_JSON_DEPTH } from './storable.js';

/** An org store that keeps signals by id as the real one does (ON CONFLICT DO NOTHING), and an outbox that records. */
function memoryPorts(over: Partial<EdgePorts['limits']> = {}) {
  const rows = new Map<string, Signal>();
  const outbox: { local: IngestLocal; durable: IngestPayload }[] = [];
  let n = 0;
  const ports: EdgePorts = {
    org: {
      orgId: 'org-a',
      insertSignals: (signals) => {
        let inserted = 0;
        const duplicates: string[] = [];
        const failed: { at: number; reason: string }[] = [];
        for (const [at, s] of signals.entries()) {
          // stands for a row the database refuses although validation passed
          if (s.key === 'refused-by-the-store') failed.push({ at, reason: 'invalid input syntax' });
          else if (rows.has(s.id)) {
            duplicates.push(s.id);
          } else {
            rows.set(s.id, s);
            inserted++;
          }
        }
        return Promise.resolve({ inserted, duplicates, failed });
      },
    },
    emit: (_subject, local, durable) => Promise.resolve(void outbox.push({ local, durable })),
    newId: () => `gen-${++n}`,
    clock: new ManualClock(Date.parse('2026-03-01T00:00:00Z')),
    masks: DEFAULT_SECRET_MASKS,
    limits: { maxBatch: 100, ...over },
  };
  return { ports, rows, outbox };
}

const metric = (key: string, extra: Record<string, unknown> = {}) => ({ source: 'prom', kind: 'metric', ts: 1767225600000, key, value: 1, ...extra });

describe('ingest edge', () => {
  it('keeps the good items, reports each bad one by index with its reasons', async () => {
    const { ports, rows } = memoryPorts();
    const r = await ingestBatch([metric('a'), { ...metric('b'), value: 'high' }, 'not an object', metric('c'), { kind: 'trace' }], ports);
    expect(r.accepted).toBe(2);
    expect([...rows.values()].map((s) => s.key)).toEqual(['a', 'c']);
    expect(r.rejected.map((x) => x.index)).toEqual([1, 2, 4]);
    expect(r.rejected[0].errors).toEqual([expect.objectContaining({ path: 'value' })]);
    expect(r.rejected[1].errors[0].path).toBe('(item)');
    expect(r.rejected[2].errors.map((e) => e.path)).toEqual(expect.arrayContaining(['kind', 'source', 'key', 'ts']));
  });

  it('maps to the org’s signal: its own id or a new one, ISO time, nulls for absent value and text', async () => {
    const { ports, rows } = memoryPorts();
    await ingestBatch([{ id: 'mine', source: 'app', kind: 'log', ts: '2026-01-01T01:00:00+01:00', key: 'cart', text: 'ok' }, metric('m')], ports);
    expect(rows.get('mine')).toEqual({ id: 'mine', orgId: 'org-a', source: 'app', kind: 'log', ts: '2026-01-01T00:00:00.000Z', key: 'cart', value: null, text: 'ok', labels: {}, meta: {} });
    expect(rows.get('gen-1')).toMatchObject({ orgId: 'org-a', key: 'm', value: 1, text: null, ts: '2026-01-01T00:00:00.000Z' });
  });

  it('masks secrets in text, labels and meta, and cuts long text with a visible mark', async () => {
    const { ports, rows } = memoryPorts();
    await ingestBatch(
      [
        { id: 's', source: 'app', kind: 'log', ts: 0, key: 'auth', text: 'login password=Sup3r! for bob', labels: { dsn: 'postgres://u:hunter2@db/x' }, meta: { token: 'abc', deep: [{ note: 'Bearer abcdefghijkl' }] } },
        { id: 'big', source: 'app', kind: 'log', ts: 0, key: 'auth', text: 'y'.repeat(MAX_SIGNAL_TEXT + 10) },
      ],
      ports,
    );
    const s = rows.get('s')!;
    expect(JSON.stringify(s)).not.toMatch(/Sup3r|hunter2|abcdefghijkl|"abc"/);
    expect(s.meta.token).toBe('<:SECRET:>');
    expect(rows.get('big')!.text).toBe(truncateText('y'.repeat(MAX_SIGNAL_TEXT + 10)));
    expect(rows.get('big')!.text).toMatch(/ …\[truncated 10 chars\]$/);
    expect(truncateText('short')).toBe('short');
  });

  it('reports an item the store refused by its index in the batch and keeps the rest (issue 18: one bad item never costs the batch)', async () => {
    const { ports, rows, outbox } = memoryPorts();
    const r = await ingestBatch([metric('a', { id: '1' }), { kind: 'trace' }, metric('refused-by-the-store', { id: '2' }), metric('c', { id: '3' })], ports);
    expect(r.accepted).toBe(2);
    expect([...rows.keys()]).toEqual(['1', '3']);
    expect(r.rejected.map((x) => x.index)).toEqual([1, 2]);
    expect(r.rejected[1].errors).toEqual([{ path: '(item)', message: 'the store refused it: invalid input syntax' }]);
    expect(outbox.flatMap((m) => m.durable.signalIds)).toEqual(['1', '3']);
  });

  it('queues the stored ids on signal.ingest in parts, with the acceptance time', async () => {
    const { ports, outbox } = memoryPorts({ perMessage: 2 });
    await ingestBatch([metric('a', { id: '1' }), metric('b', { id: '2' }), metric('c', { id: '3' })], ports);
    expect(outbox.map((m) => m.durable.signalIds)).toEqual([['1', '2'], ['3']]);
    expect(outbox[0].durable.acceptedAt).toBe(Date.parse('2026-03-01T00:00:00Z'));
    expect(outbox[1].local.signals.map((s) => s.key)).toEqual(['c']);
  });

  it('counts duplicates, and queues a new id sent twice in one batch once', async () => {
    const { ports, outbox } = memoryPorts();
    await ingestBatch([metric('a', { id: 'old' })], ports);
    outbox.length = 0;
    const r = await ingestBatch([metric('a', { id: 'old' }), metric('b', { id: 'new' }), metric('b2', { id: 'new' })], ports);
    expect(r).toMatchObject({ accepted: 1, duplicates: 2, rejected: [] });
    expect(outbox.flatMap((m) => m.durable.signalIds)).toEqual(['new']);
    expect(r.stored.map((s) => s.key)).toEqual(['b']);
  });

  it('writes nothing when every item is bad, and refuses a batch over the limit whole', async () => {
    const { ports, rows, outbox } = memoryPorts({ maxBatch: 2 });
    const none = await ingestBatch([{}, { kind: 'log' }], ports);
    expect(none).toMatchObject({ accepted: 0, duplicates: 0, stored: [] });
    expect(none.rejected.map((x) => x.index)).toEqual([0, 1]);
    const err = await ingestBatch([metric('a'), metric('b'), metric('c')], ports).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({ code: 'payload_too_large' });
    expect(rows.size + outbox.length).toBe(0);
  });

  it(`stores a secret at the deepest nesting it takes (${MAX_JSON_DEPTH} levels) masked, and refuses one level more`, async () => {
    const { ports, rows } = memoryPorts();
    /** meta with `levels` levels of objects, the secret in the innermost. */
    const meta = (levels: number) => {
      let v: Record<string, unknown> = { token: 'abc', note: 'password=hunter2' };
      for (let i = 1; i < levels; i++) v = { a: v };
      return v;
    };
    const r = await ingestBatch([metric('at', { id: 'at', meta: meta(MAX_JSON_DEPTH) }), metric('past', { id: 'past', meta: meta(MAX_JSON_DEPTH + 1) })], ports);
    expect(r.rejected).toEqual([{ index: 1, errors: [expect.objectContaining({ path: 'meta' })] }]);
    const stored = JSON.stringify(rows.get('at')!.meta);
    expect(stored).toContain('"token":"<:SECRET:>"');
    expect(stored).toContain('password=<:SECRET:>');
    expect(stored).not.toMatch(/abc|hunter2/);
    expect(rows.has('past')).toBe(false);
  });

  it('prepares a batch without touching any port (pure)', () => {
    const r = prepareBatch([metric('a'), {}], 'org-b', { newId: () => 'x', masks: DEFAULT_SECRET_MASKS });
    expect(r.good).toEqual([expect.objectContaining({ id: 'x', orgId: 'org-b', key: 'a' })]);
    expect(r.rejected.map((x) => x.index)).toEqual([1]);
  });
});
