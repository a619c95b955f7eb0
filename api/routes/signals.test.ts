/**
 * POST /v1/signals/ingest over HTTP on PGlite (no pipeline): the two body forms, what reaches the
 * store and the outbox, and the Idempotency-Key with the bare-array form. The per-item rules
 * themselves are tested on plain data in ingest/edge.test.ts.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './analyze-harness.js';

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
