/**
 * The external policy gate (OPA_URL) against a local server speaking OPA's REST data API: the
 * adapter sends the plan as `input` to the rule's path and reads its value; anything but a
 * decision denies (fail closed). Then through a whole instance: the preflight's policy gate
 * passes only when the Cedar policies and OPA both allow, and quotes OPA's reasons.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbedded, type Embedded } from './embedded.js';
import { openPolicyAgent } from './opa.js';

interface Seen {
  path: string;
  auth: string | undefined;
  input: Record<string, unknown>;
}

/** An OPA stand-in: validates the call (POST /v1/data/<path>, JSON {input: object}) and answers `answer(input)`. */
function fakeOpa(answer: (input: Record<string, unknown>) => { status?: number; body: unknown; delayMs?: number }) {
  const seen: Seen[] = [];
  const read = (req: IncomingMessage) => new Promise<string>((r) => {
    let b = '';
    req.on('data', (c) => (b += c));
    req.on('end', () => r(b));
  });
  const server: Server = createServer(async (req, res) => {
    const body = await read(req);
    let parsed: { input?: unknown };
    try {
      parsed = JSON.parse(body) as { input?: unknown };
    } catch {
      res.writeHead(400).end(JSON.stringify({ code: 'invalid_parameter', message: 'body is not JSON' }));
      return;
    }
    if (req.method !== 'POST' || !req.url?.startsWith('/v1/data/') || typeof parsed.input !== 'object' || parsed.input === null || req.headers['content-type'] !== 'application/json') {
      res.writeHead(400).end(JSON.stringify({ code: 'invalid_parameter', message: `bad call ${req.method} ${req.url}` }));
      return;
    }
    const input = parsed.input as Record<string, unknown>;
    seen.push({ path: req.url.slice('/v1/data/'.length), auth: req.headers.authorization, input });
    const a = answer(input);
    if (a.delayMs) await new Promise((r) => setTimeout(r, a.delayMs));
    res.writeHead(a.status ?? 200, { 'content-type': 'application/json' }).end(JSON.stringify(a.body));
  });
  return {
    seen,
    server,
    async start() {
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    },
    stop: () => new Promise<void>((r) => server.close(() => r())),
  };
}

describe('openPolicyAgent', () => {
  const opa = fakeOpa((input) => {
    const plan = input.plan as { env?: string; steps?: { action: string }[] };
    if (plan.env === 'timeout') return { body: { result: true }, delayMs: 500 };
    if (plan.env === 'undefined') return { body: {} };
    if (plan.env === 'broken') return { status: 500, body: { code: 'internal_error', message: 'eval_conflict_error' } };
    if (plan.env === 'odd') return { body: { result: 'yes' } };
    if (plan.env === 'bool') return { body: { result: false } };
    const restart = plan.steps?.some((s) => s.action === 'restart');
    return { body: { result: restart ? { allow: false, deny: ['restarts need a change ticket'] } : { allow: true } } };
  });
  let url = '';
  beforeAll(async () => (url = await opa.start()));
  afterAll(() => opa.stop());

  it('sends the input to the rule path with the token and reads {allow, deny} and booleans', async () => {
    const p = openPolicyAgent({ url: `${url}/`, path: '/warroom/fix/allow', token: 't0ken' });
    expect(await p.decide({ plan: { env: 'prod', steps: [{ action: 'rollback' }] } })).toEqual({ allowed: true, reasons: [], source: `${url}/v1/data/warroom/fix/allow` });
    expect(await p.decide({ plan: { env: 'prod', steps: [{ action: 'restart' }] } })).toMatchObject({ allowed: false, reasons: ['restarts need a change ticket'] });
    expect(await p.decide({ plan: { env: 'bool' } })).toMatchObject({ allowed: false, reasons: [] });
    expect(opa.seen[0]).toMatchObject({ path: 'warroom/fix/allow', auth: 'Bearer t0ken', input: { plan: { env: 'prod' } } });
  });

  it('denies, saying why, when OPA is late, down, errs, has no value there, or answers another shape', async () => {
    const late = openPolicyAgent({ url, path: 'warroom/fix/allow', timeoutMs: 100 });
    expect((await late.decide({ plan: { env: 'timeout' } })).reasons[0]).toMatch(/no answer within 100 ms/);
    // the other answers come at once; a timeout this short would call them late on a loaded CI machine
    const p = openPolicyAgent({ url, path: 'warroom/fix/allow', timeoutMs: 10_000 });
    expect((await p.decide({ plan: { env: 'undefined' } })).reasons[0]).toMatch(/no value at warroom\/fix\/allow/);
    expect((await p.decide({ plan: { env: 'broken' } })).reasons[0]).toMatch(/OPA answered 500: .*eval_conflict_error/);
    expect((await p.decide({ plan: { env: 'odd' } })).reasons[0]).toMatch(/neither a boolean nor \{allow: boolean\}/);
    const down = openPolicyAgent({ url: 'http://127.0.0.1:1', path: 'warroom/fix/allow' });
    const d = await down.decide({ plan: {} });
    expect(d.allowed).toBe(false);
    expect(d.reasons[0]).toMatch(/OPA did not answer/);
  });
});

describe('the preflight policy gate with OPA_URL', () => {
  let decision: { result: unknown } = { result: { allow: true } };
  const opa = fakeOpa(() => ({ body: decision }));
  let e: Embedded;
  beforeAll(async () => {
    const url = await opa.start();
    e = await startEmbedded('pglite', { OPA_URL: url, OPA_POLICY_PATH: 'acme/fixes/allow' });
  });
  afterAll(async () => {
    await e?.stop();
    await opa.stop();
  });

  const preflight = async () => {
    const c = e.client();
    const inc = await c.post('/v1/incidents/open', { title: 'cart down', service: 'cart', started_at: Date.now() - 60_000 });
    const plan = await c.post('/v1/fix/plan', { incident_id: (inc.body as { id: string }).id, env: 'staging', runner: 'dryrun', namespace: 'shop' });
    const r = await c.post('/v1/fix/preflight', { plan_id: (plan.body as { id: string }).id });
    expect(r.status).toBe(200);
    return (r.body as { gates: { name: string; passed: boolean; reason: string; details: Record<string, unknown> }[] }).gates.find((g) => g.name === 'policy')!;
  };

  it('passes when Cedar and OPA both allow, and fails with OPA’s reasons when it denies', async () => {
    decision = { result: { allow: true } };
    const ok = await preflight();
    expect(ok.passed).toBe(true);
    expect(ok.reason).toMatch(/allowed for .* by .*; OPA allowed/);
    decision = { result: { allow: false, reasons: ['change freeze until 2027-01-04'] } };
    const no = await preflight();
    expect(no).toMatchObject({ passed: false, reason: 'denied by OPA: change freeze until 2027-01-04', details: { opa: { allowed: false } } });
    const last = opa.seen.at(-1)!;
    expect(last.path).toBe('acme/fixes/allow');
    expect(last.input).toMatchObject({ org: 'default', plan: { env: 'staging', runner: 'dryrun', steps: [expect.objectContaining({ target: 'cart' })] }, principal: { role: 'admin' } });
  });
});
