/**
 * The live sandbox belongs to the default org. Its status holds each fault's ground truth (the
 * remedy that heals it), so another org must not read it, nor inject faults into it: for any
 * other org the sandbox does not exist (404), the same answer as for a missing incident.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbedded, type Embedded } from '../../app/embedded.js';
import { ManualClock } from '../../core/clock.js';
import { startSandbox, type RunningSandbox } from '../../sim/edge/realtime.js';
import type { SandboxControl } from '../../sim/sandbox.js';
import { buildOpenApi } from '../openapi.js';
import { ALL_ROUTES } from './index.js';
import { injectFaultRoute, sandboxStatusRoute } from './sandbox.js';

let e: Embedded;
let sb: RunningSandbox;
let otherAdmin: string;

beforeAll(async () => {
  e = await startEmbedded('pglite');
  sb = await startSandbox({ clock: new ManualClock(Date.parse('2026-03-03T10:00:03Z')), tickMs: 0, seed: 3, ingest: async () => undefined });
  e.w.attachSandbox(sb);
  const org = await e.client(e.adminKey).post('/v1/orgs', { name: 'Acme', id: 'acme' });
  expect(org.status).toBe(201);
  otherAdmin = org.body.admin_key;
}, 60_000);
afterAll(async () => e?.stop());

describe('the sandbox across tenants', () => {
  it("lets the default org's admin inject a fault and read its ground truth", async () => {
    const res = await e.client().post('/v1/sim/faults', { kind: 'bad_deploy_errors', service: 'payments' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ root_cause_service: 'payments', remedy: { action: 'rollback', service: 'payments' } });
    const status = await e.client().get('/v1/sim');
    expect(status.status).toBe(200);
    expect(status.body.faults).toEqual([expect.objectContaining({ kind: 'bad_deploy_errors' })]);
  });

  it("shows another org's admin no sandbox: no status, no ground truth", async () => {
    const res = await e.client(otherAdmin).get('/v1/sim');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/problem\+json/);
    expect(JSON.stringify(res.body)).not.toMatch(/payments|rollback/);
  });

  it("refuses another org's admin an injection, and the sandbox is left as it was", async () => {
    const before = sb.status().faults.length;
    const res = await e.client(otherAdmin).post('/v1/sim/faults', { kind: 'cert_expiry', service: 'auth' });
    expect(res.status).toBe(404);
    expect(sb.status().faults).toHaveLength(before);
    const audit = await e.w.store().forOrg('acme').listAudit({ limit: 100 });
    expect(audit.map((a) => a.action)).not.toContain('sim.fault_injected');
  });
});

describe('the sandbox routes', () => {
  /** A handler's context for an admin key of `orgId`, on an instance whose sandbox belongs to `default`. */
  const ctx = (orgId: string, running: SandboxControl | undefined, body?: unknown, audit: unknown[] = []) =>
    ({
      principal: { kind: 'key', orgId, userId: 'admin', keyId: 'k1', scopes: ['admin'] },
      deps: { sandbox: { owner: 'default', running: () => running } },
      body: body === undefined ? undefined : injectFaultRoute.body!.parse(body),
      org: { appendAudit: async (a: unknown) => void audit.push(a) },
      actor: 'user:admin',
    }) as never;

  it('refuses bad injections with the field at fault', async () => {
    const audit: unknown[] = [];
    await expect(injectFaultRoute.handler(ctx('default', sb, { kind: 'bad_node', service: 'nope' }, audit))).rejects.toMatchObject({ code: 'invalid_input', issues: [{ path: 'service', message: expect.stringMatching(/unknown service "nope"/) }] });
    await expect(injectFaultRoute.handler(ctx('default', sb, { kind: 'slow_query', service: 'cart' }, audit))).rejects.toMatchObject({ code: 'invalid_input', issues: [{ path: 'service', message: expect.stringMatching(/cannot hit "cart", a service/) }] });
    expect(injectFaultRoute.body!.safeParse({ kind: 'meteor' }).success).toBe(false);
    expect(audit).toEqual([]);
  });

  it('tells its owner when the sandbox is off (status disabled, injection 503), and still 404 to any other org', async () => {
    expect((await sandboxStatusRoute.handler(ctx('default', undefined))).body).toMatchObject({ enabled: false, faults: [], desired: null });
    await expect(injectFaultRoute.handler(ctx('default', undefined, { kind: 'bad_node' }))).rejects.toMatchObject({ code: 'unavailable', status: 503 });
    await expect(sandboxStatusRoute.handler(ctx('acme', undefined))).rejects.toMatchObject({ status: 404 });
    await expect(injectFaultRoute.handler(ctx('acme', undefined, { kind: 'bad_node' }))).rejects.toMatchObject({ status: 404 });
  });

  it('tells its owner why a sandbox that failed to start is not there', async () => {
    const failed = { ...(ctx('default', undefined) as object), deps: { sandbox: { owner: 'default', running: () => undefined, failure: () => 'PUT /v1/topology answered 503' } } } as never;
    expect((await sandboxStatusRoute.handler(failed)).body).toMatchObject({ enabled: false, error: 'PUT /v1/topology answered 503' });
    expect((await sandboxStatusRoute.handler(ctx('default', undefined))).body).toMatchObject({ enabled: false, error: null });
  });

  it('answers 404 to every org on an instance wired without a sandbox', async () => {
    const bare = { ...(ctx('default', sb) as object), deps: {} } as never;
    await expect(sandboxStatusRoute.handler(bare)).rejects.toMatchObject({ status: 404 });
  });

  it('is in the route table, so the OpenAPI document describes it', () => {
    const doc = buildOpenApi(ALL_ROUTES) as { paths: Record<string, Record<string, unknown>> };
    expect(Object.keys(doc.paths['/v1/sim/faults'])).toEqual(['post']);
    expect(Object.keys(doc.paths['/v1/sim'])).toEqual(['get']);
  });
});
