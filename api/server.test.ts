/**
 * Where handlers run (api/server.ts `run()`), on PGlite, with toy routes over a store that
 * records its transactions: a default route inside the one request transaction, a route with
 * `transaction: 'manual'` outside any, writing through one `commit()` transaction whose messages
 * are published after it commits; and how an Idempotency-Key works for such a route.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AppError } from '../core/errors.js';
import { route, type AnyRoute, type RouteDef } from './context.js';
import { gate, startTestApi, TEST_ORG, type TestApi } from '../test-support/analyze-harness.js';

const Body = z.object({ n: z.number().int(), fail: z.boolean().optional() });
const Any = z.unknown();

/** What the toy routes saw. */
const seen = { handlerRuns: 0, commitRuns: 0, openInHandler: [] as number[], openInCommit: [] as number[] };
/** Set by a test to pause the manual route between its "computation" and its commit. */
let pause: Promise<void> | null = null;
let entered: (() => void) | null = null;

let api: TestApi;

/** A toy POST route under /v1/test/ with the shared body; `status` is its documented success status. */
const testRoute = (name: string, status: number, o: Pick<RouteDef<z.infer<typeof Body>>, 'handler' | 'transaction'>) =>
  route<z.infer<typeof Body>>({ method: 'post', path: `/v1/test/${name}`, summary: `test: ${name}`, tag: 'test', scope: 'plan', body: Body, response: { status, schema: Any, description: 'x' }, ...o });

const manualRoute = testRoute('manual', 201, {
  transaction: 'manual',
  async handler({ body, actor, commit }) {
    seen.handlerRuns++;
    seen.openInHandler.push(api.spy.open);
    api.spy.note('compute');
    entered?.();
    if (pause) await pause;
    return commit(async ({ org, emit }) => {
      seen.commitRuns++;
      seen.openInCommit.push(api.spy.open);
      const e = await org.appendAudit({ actor, action: 'test.manual', target: `n:${body.n}`, payload: {} });
      await emit('incident.updated', { n: body.n });
      if (body.fail) throw new AppError('invalid_input', 'asked to fail');
      return { status: 201, body: { n: body.n, seq: e.seq } };
    });
  },
});

const requestRoute = testRoute('request', 201, {
  async handler({ body, org, actor, emit, commit }) {
    seen.openInHandler.push(api.spy.open);
    entered?.();
    if (pause) await pause;
    await org.appendAudit({ actor, action: 'test.request', target: `n:${body.n}`, payload: {} });
    await emit('incident.updated', { n: body.n });
    if (body.fail) return commit(() => Promise.resolve({ status: 201, body: null })); // not for this route: 500
    return { status: 201, body: { n: body.n } };
  },
});

/** A manual route that writes nothing and answers a counter (to see whether a retry replays it). */
const noCommitRoute = testRoute('no-commit', 200, {
  transaction: 'manual',
  async handler() {
    seen.handlerRuns++;
    return { status: 200, body: { run: seen.handlerRuns } };
  },
});

/** Manual routes that break the rules: emit outside commit, commit twice, return another reply. */
const misuseRoute = testRoute('misuse', 200, {
  transaction: 'manual',
  async handler({ body, emit, commit }) {
    const ok = () => Promise.resolve({ status: 200, body: {} });
    if (body.n === 1) await emit('incident.updated', {});
    if (body.n === 2) await commit(ok);
    if (body.n === 3) {
      await commit(ok);
      return { status: 200, body: { other: true } };
    }
    return commit(ok);
  },
});

const ROUTES = [manualRoute, requestRoute, noCommitRoute, misuseRoute] as AnyRoute[];

const auditCount = async (action: string) => (await api.org.listAudit({ limit: 1000 })).filter((e) => e.action === action).length;

describe('where a handler runs (run() in api/server.ts, PGlite)', () => {
  beforeAll(async () => {
    api = await startTestApi('pglite', { routes: ROUTES });
  });
  afterAll(async () => {
    await api?.stop();
  });
  beforeEach(() => {
    seen.handlerRuns = seen.commitRuns = 0;
    seen.openInHandler = [];
    seen.openInCommit = [];
    pause = null;
    entered = null;
    api.spy.reset();
    api.published.length = 0;
  });

  it('runs a default route inside the one request transaction, publishing after it commits', async () => {
    const r = await api.client().post('/v1/test/request', { n: 1 });
    expect(r.status).toBe(201);
    expect(seen.openInHandler).toEqual([1]);
    expect(api.spy.txs.map((t) => t.kind)).toEqual(['transaction']);
    expect(api.spy.events).toEqual(['tx+ transaction', 'tx- transaction', 'publish incident.updated']);
    // commit() is for manual routes only
    const bad = await api.client().post('/v1/test/request', { n: 2, fail: true });
    expect(bad.status).toBe(500);
  });

  it("runs a manual route outside any transaction, its writes in one commit() transaction published after commit", async () => {
    const before = await auditCount('test.manual');
    const r = await api.client().post('/v1/test/manual', { n: 7 });
    expect(r.status).toBe(201);
    expect(seen.openInHandler).toEqual([0]);
    expect(seen.openInCommit).toEqual([1]);
    expect(api.spy.events).toEqual(['compute', 'tx+ transaction', 'tx- transaction', 'publish incident.updated']);
    expect(api.published.map((m) => [m.orgId, m.subject, m.payload])).toEqual([[TEST_ORG, 'incident.updated', { n: 7 }]]);
    expect(await auditCount('test.manual')).toBe(before + 1);
    // the message went to the outbox in the same transaction
    const outbox = await api.opened.admin.exec('SELECT id FROM outbox WHERE id = $1', [api.published[0].id]);
    expect(outbox.rows).toHaveLength(1);
  });

  it('rolls a failed commit back: nothing stored, nothing published', async () => {
    const before = await auditCount('test.manual');
    const r = await api.client().post('/v1/test/manual', { n: 8, fail: true });
    expect(r.status).toBe(422);
    expect(api.spy.txs.map((t) => [t.kind, t.ok])).toEqual([['transaction', false]]);
    expect(api.published).toEqual([]);
    expect(await auditCount('test.manual')).toBe(before);
  });

  it('lets an ingest request through while a manual route computes, and not while a default route holds its transaction', async () => {
    const g = gate();
    pause = g.wait();
    const inHandler = new Promise<void>((r) => (entered = r));
    const slow = api.client().post('/v1/test/manual', { n: 9 });
    await inHandler;
    const ingest = await api.client().post('/v1/signals/ingest', { signals: [{ source: 'test', kind: 'metric', ts: Date.now(), key: 'x', value: 1, labels: { service: 's' } }] });
    expect(ingest.status).toBe(202);
    expect(seen.commitRuns).toBe(0); // the manual route is still computing
    g.open();
    expect((await slow).status).toBe(201);

    // the control: the same while a default route is paused inside its transaction
    const g2 = gate();
    pause = g2.wait();
    const inRequest = new Promise<void>((r) => (entered = r));
    const held = api.client().post('/v1/test/request', { n: 9 });
    await inRequest;
    let done = false;
    const blocked = api.client().post('/v1/signals/ingest', { signals: [{ source: 'test', kind: 'metric', ts: Date.now(), key: 'x', value: 2, labels: { service: 's' } }] }).then((x) => {
      done = true;
      return x;
    });
    await new Promise((r) => setTimeout(r, 500));
    expect(done).toBe(false); // PGlite: the ingest transaction waits for the request transaction
    g2.open();
    expect((await held).status).toBe(201);
    expect((await blocked).status).toBe(202);
  });

  it('replays a manual route with an Idempotency-Key before running it, and refuses the key with another body', async () => {
    const c = api.client();
    const key = { 'idempotency-key': `k-${Date.now()}` };
    const first = await c.post('/v1/test/manual', { n: 10 }, key);
    expect(first.status).toBe(201);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    // the first call: the key reserved, then the commit as the idempotent transaction
    expect(api.spy.txs.map((t) => [t.kind, t.ok])).toEqual([
      ['reserveIdempotencyKey', true],
      ['idempotent', true],
    ]);
    expect(seen.openInCommit).toEqual([1]);
    api.spy.reset();
    const again = await c.post('/v1/test/manual', { n: 10 }, key);
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(first.body); // the stored reply, not a second audit entry's seq
    expect(seen.handlerRuns).toBe(1); // not run again
    expect(api.spy.txs).toHaveLength(1);
    expect(api.published).toHaveLength(1);
    const other = await c.post('/v1/test/manual', { n: 11 }, key);
    expect(other.status).toBe(422);
    expect(other.body.type).toBe('urn:warroom:problem:idempotency_mismatch');
    expect(seen.handlerRuns).toBe(1);
  });

  it('makes duplicates that arrive while the first request runs wait for its reply: the handler runs once', async () => {
    const before = await auditCount('test.manual');
    const g = gate();
    pause = g.wait();
    const inHandler = new Promise<void>((r) => (entered = r));
    const c = api.client();
    const key = { 'idempotency-key': `race-${Date.now()}` };
    const a = c.post('/v1/test/manual', { n: 12 }, key);
    await inHandler;
    const dupes = Array.from({ length: 5 }, () => c.post('/v1/test/manual', { n: 12 }, key));
    // each duplicate found the key held and polls for the reply
    while (api.spy.txs.filter((t) => t.kind === 'reserveIdempotencyKey').length < 12) await new Promise((r) => setTimeout(r, 20));
    expect(seen.handlerRuns).toBe(1);
    g.open();
    const all = await Promise.all([a, ...dupes]);
    expect(all.map((r) => r.status)).toEqual(Array(6).fill(201));
    for (const r of all) expect(r.body).toEqual(all[0].body);
    expect(all.map((r) => r.headers.get('idempotent-replayed')).filter((x) => x === 'true')).toHaveLength(5);
    expect(seen.handlerRuns).toBe(1);
    expect(seen.commitRuns).toBe(1);
    expect(await auditCount('test.manual')).toBe(before + 1);
    expect(api.published).toHaveLength(1);
  });

  it('gives the key up when the handler fails, so a retry with the same body runs again', async () => {
    const c = api.client();
    const key = { 'idempotency-key': `fail-${Date.now()}` };
    const failed = await c.post('/v1/test/manual', { n: 13, fail: true }, key);
    expect(failed.body.type).toBe('urn:warroom:problem:invalid_input');
    const retry = await c.post('/v1/test/manual', { n: 14 }, key);
    expect(retry.status).toBe(422); // another body under the same key is still a mismatch...
    const same = await c.post('/v1/test/manual', { n: 13, fail: true }, key);
    expect(same.body.type).toBe('urn:warroom:problem:invalid_input'); // ...and the same body runs again (nothing was stored)
    expect(seen.handlerRuns).toBe(2);
    expect(seen.commitRuns).toBe(2);
  });

  it('stores the reply of a manual route that returns without committing, under its Idempotency-Key', async () => {
    const c = api.client();
    const key = { 'idempotency-key': `nc-${Date.now()}` };
    const first = await c.post('/v1/test/no-commit', { n: 1 }, key);
    const again = await c.post('/v1/test/no-commit', { n: 1 }, key);
    expect(first.body).toEqual({ run: 1 });
    expect(again.body).toEqual({ run: 1 });
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(seen.handlerRuns).toBe(1);
    const free = await c.post('/v1/test/no-commit', { n: 1 });
    expect(free.body).toEqual({ run: 2 });
    expect(api.spy.txs.at(-1)?.kind).toBe('reserveIdempotencyKey'); // the keyed replay's look-up; the free one opened none
  });

  it('refuses the misuse of a manual route', async () => {
    const c = api.client();
    for (const n of [1, 2, 3]) expect((await c.post('/v1/test/misuse', { n })).status, `case ${n}`).toBe(500);
    expect((await c.post('/v1/test/misuse', { n: 0 })).status).toBe(200);
  });
});
