/** The HTTP ingest client: batches, idempotency keys, retries and smaller server batch limits. */
import { describe, expect, it } from 'vitest';
import type { SignalInput } from '../core/schemas.js';
import { Batcher, httpIngest } from './edge/ingest.js';

const sig = (i: number): SignalInput => ({ source: 't', kind: 'metric', ts: 1_700_000_000_000 + i, key: 'x', value: i });

function fakeServer(behaviour: (n: number, body: { signals: unknown[] }) => { status: number; body?: unknown }) {
  const calls: { key: string | null; size: number; auth: string | null }[] = [];
  const fetchImpl = (async (_url: string, init: RequestInit) => {
    const headers = new Headers(init.headers);
    const body = JSON.parse(String(init.body));
    calls.push({ key: headers.get('idempotency-key'), size: body.signals?.length ?? 0, auth: headers.get('authorization') });
    const r = behaviour(calls.length, body);
    return new Response(JSON.stringify(r.body ?? { accepted: body.signals.length, duplicates: 0, rejected: [] }), { status: r.status });
  }) as unknown as typeof fetch;
  return { calls, fetchImpl };
}

describe('httpIngest', () => {
  it('retries a transient failure with the same Idempotency-Key', async () => {
    const { calls, fetchImpl } = fakeServer((n) => (n === 1 ? { status: 503, body: { title: 'starting' } } : { status: 202 }));
    const c = httpIngest('http://x', 'wr_key', { fetchImpl, sleep: async () => undefined });
    await c.post([sig(1), sig(2)], 'run-0');
    expect(calls.map((x) => x.key)).toEqual(['run-0', 'run-0']);
    expect(calls[0].auth).toBe('Bearer wr_key');
    expect(c.totals).toMatchObject({ batches: 1, sent: 2, accepted: 2 });
  });

  it('splits batches when the server takes fewer signals (413 with max_batch)', async () => {
    const { calls, fetchImpl } = fakeServer((_n, body) => (body.signals.length > 3 ? { status: 413, body: { max_batch: 3 } } : { status: 202 }));
    const c = httpIngest('http://x', 'k', { fetchImpl, sleep: async () => undefined });
    await c.post(Array.from({ length: 7 }, (_, i) => sig(i)), 'run-1');
    expect(calls.map((x) => x.size)).toEqual([7, 3, 3, 1]);
    expect(new Set(calls.slice(1).map((x) => x.key)).size).toBe(3);
    expect(c.totals.accepted).toBe(7);
  });

  it('fails clearly on a client error', async () => {
    const { fetchImpl } = fakeServer(() => ({ status: 401, body: { title: 'Unauthenticated' } }));
    await expect(httpIngest('http://x', 'bad', { fetchImpl }).post([sig(1)], 'k')).rejects.toThrow(/answered 401/);
  });

  it('Batcher groups a stream into batches of at most N, numbered in order', async () => {
    const got: [number, number][] = [];
    const b = new Batcher(async (batch, seq) => void got.push([seq, batch.length]), 4);
    await b.add([sig(1), sig(2), sig(3)]);
    await b.add([sig(4), sig(5), sig(6)]);
    await b.flush();
    expect(got).toEqual([
      [0, 4],
      [1, 2],
    ]);
  });
});
