/**
 * POST /v1/signals/ingest over HTTP on PGlite (no pipeline): the two body forms, what reaches the
 * store and the outbox, and the Idempotency-Key with the bare-array form. The per-item rules
 * themselves are tested on plain data in ingest/edge.test.ts.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../../test-support/analyze-harness.js';

let api: TestApi;

const sig = (key: string, extra: Record<string, unknown> = {}) => ({ source: 'test', kind: 'metric', ts: '2026-01-01T00:00:00Z', key, value: 1, labels: { service: 's' }, ...extra });
const storedKeys = async () => (await api.org.listSignals({ limit: 10_000 })).map((s) => s.key).sort();

describe('POST /v1/signals/ingest', () => {
  beforeAll(async () => {
    api = await startTestApi('pglite');
  });
  afterAll(async () => {
    await api?.stop();
  });
  beforeEach(() => {
    api.published.length = 0;
  });

  it('takes the seed’s bare JSON array beside {signals: [...]}, with the same per-item answer', async () => {
    const bare = await api.client().post('/v1/signals/ingest', [sig('bare-a'), { kind: 'nope' }, sig('bare-b')]);
    expect(bare.status).toBe(202);
    expect(bare.body).toMatchObject({ accepted: 2, duplicates: 0 });
    expect(bare.body.rejected.map((r: { index: number }) => r.index)).toEqual([1]);
    const wrapped = await api.client().post('/v1/signals/ingest', { signals: [sig('wrapped-a')] });
    expect(wrapped.status).toBe(202);
    expect(wrapped.body).toEqual({ accepted: 1, duplicates: 0, rejected: [] });
    expect(await storedKeys()).toEqual(expect.arrayContaining(['bare-a', 'bare-b', 'wrapped-a']));
    // Both requests queued their stored signals' ids on signal.ingest.
    const ids = api.published.filter((m) => m.subject === 'signal.ingest').flatMap((m) => (m.payload as { signalIds: string[] }).signalIds);
    expect(ids).toHaveLength(3);
  });

  it('refuses an empty batch in either form, and a body that is neither form', async () => {
    for (const body of [[], { signals: [] }, { items: [sig('x')] }]) {
      const r = await api.client().post('/v1/signals/ingest', JSON.stringify(body));
      expect(r.status, JSON.stringify(body)).toBe(422);
      expect(r.body.type).toBe('urn:warroom:problem:invalid_input');
    }
  });

  it('answers 422 with every item by index when the whole bare array is invalid', async () => {
    const r = await api.client().post('/v1/signals/ingest', [{ kind: 'metric' }, sig('no-value', { value: undefined })]);
    expect(r.status).toBe(422);
    expect(r.body.errors.map((e: { index: number }) => e.index)).toEqual(expect.arrayContaining([0, 1]));
  });

  it('replays a bare-array batch under its Idempotency-Key and stores it once', async () => {
    const body = [sig('idem-bare', { id: undefined })];
    const h = { 'idempotency-key': 'bare-0001' };
    const first = await api.client().post('/v1/signals/ingest', body, h);
    const again = await api.client().post('/v1/signals/ingest', body, h);
    expect(first.status).toBe(202);
    expect(again.status).toBe(202);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect((await storedKeys()).filter((k) => k === 'idem-bare')).toHaveLength(1);
    // The same key with the wrapped form is another body: refused, as for any other change.
    const other = await api.client().post('/v1/signals/ingest', { signals: body }, h);
    expect(other.status).toBe(422);
    expect(other.body.type).toBe('urn:warroom:problem:idempotency_mismatch');
  });
});

/** JSON of an object nested 10,000 deep, written as text: JSON.stringify of such a value overflows the stack. */
const DEEP_JSON = `${'{"a":'.repeat(10_000)}"leaf"${'}'.repeat(10_000)}`;

describe('POST /v1/signals/ingest: an item the store would refuse costs only itself (issue 18 §1)', () => {
  beforeAll(async () => {
    api = await startTestApi('pglite');
  });
  afterAll(async () => {
    await api?.stop();
  });

  // Each of these used to fail the whole batch: a 500 (three of them) or a 422 for every item.
  const BAD: [string, Record<string, unknown>, string][] = [
    ['epoch ms past year 9999', { ts: 3093527980800000 }, 'ts'],
    ["epoch ms past JavaScript's date range", { ts: 8640000000000001 }, 'ts'],
    ['year 0000', { ts: '0000-01-01T00:00:00Z' }, 'ts'],
    ['year 0001 with an offset that moves it into year 0000', { ts: '0001-01-01T00:30:00+01:00' }, 'ts'],
    ['year 0015, which the store would read back as an invalid date', { ts: '0015-06-01T00:00:00Z' }, 'ts'],
    ['meta nested 10,000 deep', { meta: '<deep>' }, 'meta'],
    ['a lone surrogate in meta', { meta: { note: 'x\ud800y' } }, 'meta.note'],
    ['a lone surrogate in text', { kind: 'log', text: 'broken \udc00 text' }, 'text'],
    ['a lone surrogate in a label', { labels: { service: '\ud800' } }, 'labels.service'],
  ];

  it.each(BAD)('keeps the good items beside %s, and reports that item by index', async (_name, bad, path) => {
    const tag = Math.random().toString(36).slice(2, 10);
    const body = JSON.stringify([sig(`good-1-${tag}`), sig(`bad-${tag}`, bad), sig(`good-2-${tag}`)]).replace('"<deep>"', DEEP_JSON);
    const r = await api.client().post('/v1/signals/ingest', body);
    expect(r.status).toBe(202);
    expect(r.body.accepted).toBe(2);
    expect(r.body.rejected).toEqual([{ index: 1, errors: [expect.objectContaining({ path })] }]);
    const keys = await storedKeys();
    expect(keys).toEqual(expect.arrayContaining([`good-1-${tag}`, `good-2-${tag}`]));
    expect(keys).not.toContain(`bad-${tag}`);
  });

  it('stores the edges of the range the store takes, and reads them back as sent', async () => {
    const r = await api.client().post('/v1/signals/ingest', [
      sig('edge-min', { ts: '0100-01-01T00:00:00Z' }),
      sig('edge-max', { ts: '9999-12-31T23:59:59.999Z' }),
      sig('edge-max-ms', { ts: Date.parse('9999-12-31T23:59:59.999Z') }),
      sig('pair', { kind: 'log', text: 'a surrogate pair is fine: \ud83d\ude00', meta: { e: '\ud83d\ude00' } }),
    ]);
    expect(r.status).toBe(202);
    expect(r.body).toEqual({ accepted: 4, duplicates: 0, rejected: [] });
    const back = new Map((await api.org.listSignals({ limit: 10_000 })).map((s) => [s.key, s]));
    expect(back.get('edge-min')!.ts).toBe('0100-01-01T00:00:00.000Z');
    expect(back.get('edge-max')!.ts).toBe('9999-12-31T23:59:59.999Z');
    expect(back.get('edge-max-ms')!.ts).toBe('9999-12-31T23:59:59.999Z');
    expect(back.get('pair')!.meta.e).toBe('\ud83d\ude00');
  });
});
