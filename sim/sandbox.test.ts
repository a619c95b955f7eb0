/** The live sandbox: real-time ticks into an ingest function, faults injected over the API, remedies through the runner. */
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../core/clock.js';
import { AppError } from '../core/errors.js';
import type { SignalInput, TopologyInput } from '../core/schemas.js';
import { TopologyInput as TopologySchema } from '../core/schemas.js';
import { buildOpenApi } from '../api/openapi.js';
import { ALL_ROUTES } from '../api/routes/index.js';
import { startSandbox } from './edge/realtime.js';
import { simRoutes } from './http.js';
import { remedyFromFixStep, sandboxRunner } from './runner.js';

const T0 = Date.parse('2026-03-03T10:00:03Z');

async function live() {
  const clock = new ManualClock(T0);
  const batches: { signals: SignalInput[]; key: string }[] = [];
  let topology: TopologyInput | undefined;
  const sb = await startSandbox({
    clock,
    tickMs: 0,
    seed: 3,
    ingest: async (signals, key) => void batches.push({ signals, key }),
    putTopology: async (t) => void (topology = t),
  });
  const errOf = (service: string) => {
    const pts = batches.flatMap((b) => b.signals).filter((s) => s.kind === 'metric' && s.key === 'http_error_rate' && s.labels?.service === service && s.labels?.instance);
    return pts.slice(-3).reduce((a, s) => a + (s.value as number), 0) / 3;
  };
  return { clock, sb, batches, errOf, topology: () => topology };
}

describe('live sandbox', () => {
  it('puts the topology, then streams a modest calm load per 10-second tick, each batch with its own idempotency key', async () => {
    const { clock, sb, batches, topology } = await live();
    expect(TopologySchema.safeParse(topology()).success).toBe(true);
    expect(topology()!.nodes).toHaveLength(20);
    expect(await sb.tick()).toBeGreaterThan(0);
    clock.advance(60_000);
    await sb.tick();
    const signals = batches.flatMap((b) => b.signals);
    const logs = signals.filter((s) => s.kind === 'log').length;
    expect(logs / 7).toBeGreaterThan(200); // ~300 lines per 10 s step by default
    expect(logs / 7).toBeLessThan(400);
    expect(new Set(batches.map((b) => b.key)).size).toBe(batches.length);
    expect(Math.max(...signals.map((s) => Date.parse(String(s.ts))))).toBeLessThanOrEqual(clock.now().getTime());
    expect(signals.filter((s) => s.kind === 'metric' && s.key === 'http_error_rate').every((s) => (s.value as number) < 0.05)).toBe(true);
    await sb.stop();
  });

  it('injects a fault through POST /v1/sim/faults (audited) and reports it in GET /v1/sim', async () => {
    const { clock, sb, errOf } = await live();
    const routes = simRoutes(() => sb);
    const post = routes.find((r) => r.method === 'post' && r.path === '/v1/sim/faults')!;
    const get = routes.find((r) => r.method === 'get' && r.path === '/v1/sim')!;
    const audit: unknown[] = [];
    const ctx = (body: unknown) => ({ body: post.body!.parse(body), org: { appendAudit: async (e: unknown) => void audit.push(e) }, actor: 'user:admin' }) as never;

    await sb.tick();
    const res = await post.handler(ctx({ kind: 'bad_deploy_errors', service: 'payments', params: { error_rate: 0.5 } }));
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ kind: 'bad_deploy_errors', root_cause_service: 'payments', remedy: { action: 'rollback', service: 'payments' } });
    expect(audit).toEqual([expect.objectContaining({ action: 'sim.fault_injected', actor: 'user:admin' })]);
    for (let i = 0; i < 18; i++) {
      clock.advance(10_000);
      await sb.tick();
    }
    expect(errOf('payments')).toBeGreaterThan(0.3);

    const status = await get.handler({} as never);
    expect(status.body).toMatchObject({ enabled: true, faults: [expect.objectContaining({ kind: 'bad_deploy_errors', healed_at: null })] });

    // A plan step executed by the sandbox runner heals it.
    const runner = sandboxRunner(() => sb);
    const out = await runner.execute({ action: 'rollback', target: 'payments', params: { namespace: 'shop' }, command: 'kubectl rollout undo deployment/payments -n shop' });
    expect(out.exitCode, out.output).toBe(0);
    for (let i = 0; i < 24; i++) {
      clock.advance(10_000);
      await sb.tick();
    }
    expect(errOf('payments')).toBeLessThan(0.02);
    expect(sb.status().faults[0].healed_at).not.toBeNull();
    await sb.stop();
  });

  it('refuses bad injections with the field, and answers 503 when the sandbox is off', async () => {
    const { sb } = await live();
    const post = simRoutes(() => sb).find((r) => r.method === 'post')!;
    const ctx = (body: unknown) => ({ body: post.body!.parse(body), org: { appendAudit: async () => undefined }, actor: 'x' }) as never;
    await expect(post.handler(ctx({ kind: 'bad_node', service: 'nope' }))).rejects.toMatchObject({ code: 'invalid_input', issues: [{ path: 'service', message: expect.stringMatching(/unknown service "nope"/) }] });
    await expect(post.handler(ctx({ kind: 'slow_query', service: 'cart' }))).rejects.toMatchObject({ code: 'invalid_input', issues: [{ path: 'service', message: expect.stringMatching(/cannot hit "cart", a service/) }] });
    expect(post.body!.safeParse({ kind: 'meteor' }).success).toBe(false);
    const offPost = simRoutes(() => undefined).find((r) => r.method === 'post')!;
    const err = await offPost.handler(ctx({ kind: 'bad_node' })).catch((e) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err.status).toBe(503);
    const offGet = simRoutes(() => undefined).find((r) => r.method === 'get')!;
    expect((await offGet.handler({} as never)).body).toMatchObject({ enabled: false });
    await sb.stop();
  });

  it('documents its routes in the OpenAPI document when added to the route table', () => {
    const doc = buildOpenApi([...ALL_ROUTES, ...simRoutes(() => undefined)]) as { paths: Record<string, Record<string, unknown>> };
    expect(Object.keys(doc.paths['/v1/sim/faults'])).toEqual(['post']);
    expect(Object.keys(doc.paths['/v1/sim'])).toEqual(['get']);
  });

  it('maps plan steps to remedies, naming what is missing', () => {
    expect(remedyFromFixStep({ action: 'scale', target: 'search', params: { replicas: 6 } })).toEqual({ ok: true, remedy: { action: 'scale', service: 'search', replicas: 6 } });
    expect(remedyFromFixStep({ action: 'flag_off', target: 'recommendations', params: { flag: 'new_ranking_model' } })).toMatchObject({ ok: true });
    expect(remedyFromFixStep({ action: 'scale', target: 'search', params: {} })).toEqual({ ok: false, error: expect.stringMatching(/^replicas: /) });
    expect(remedyFromFixStep({ action: 'pray', target: 'search', params: {} })).toMatchObject({ ok: false, error: expect.stringMatching(/action/) });
  });
});
