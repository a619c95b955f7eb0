/** The live sandbox: real-time ticks into an ingest function, injected faults, remedies through the runner (its REST routes: api/routes/sandbox.test.ts). */
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../core/clock.js';
import type { SignalInput, TopologyInput } from '../core/schemas.js';
import { TopologyInput as TopologySchema } from '../core/schemas.js';
import { startSandbox } from './edge/realtime.js';
import { remedyFromFixStep, sandboxRunner } from './runner.js';
import { testRunContext } from '../remediate/runners/contract.js';

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

  it('takes an injected fault into its signals and reports it, and a plan step run by the sandbox runner heals it', async () => {
    const { clock, sb, errOf } = await live();
    await sb.tick();
    const truth = sb.inject({ kind: 'bad_deploy_errors', service: 'payments', params: { error_rate: 0.5 } });
    expect(truth).toMatchObject({ kind: 'bad_deploy_errors', root_cause_service: 'payments', remedy: { action: 'rollback', service: 'payments' } });
    for (let i = 0; i < 18; i++) {
      clock.advance(10_000);
      await sb.tick();
    }
    expect(errOf('payments')).toBeGreaterThan(0.3);
    expect(sb.status().faults).toEqual([expect.objectContaining({ kind: 'bad_deploy_errors', healed_at: null })]);

    const runner = sandboxRunner(() => sb, 'default');
    const out = await runner.execute({ action: 'rollback', target: 'payments', params: { namespace: 'shop' }, command: 'kubectl rollout undo deployment/payments -n shop' }, testRunContext('default'));
    expect(out.exitCode, out.output).toBe(0);
    for (let i = 0; i < 24; i++) {
      clock.advance(10_000);
      await sb.tick();
    }
    expect(errOf('payments')).toBeLessThan(0.02);
    expect(sb.status().faults[0].healed_at).not.toBeNull();
    await sb.stop();
  });

  it('refuses bad injections naming the field', async () => {
    const { sb } = await live();
    expect(() => sb.inject({ kind: 'bad_node', service: 'nope' })).toThrow(/^service: unknown service "nope"/);
    expect(() => sb.inject({ kind: 'slow_query', service: 'cart' })).toThrow(/^service: a slow_query fault cannot hit "cart", a service/);
    expect(sb.status().faults).toEqual([]);
    await sb.stop();
  });

  it("the sandbox runner refuses another org's step and leaves the world alone, and says when the sandbox is off", async () => {
    const { sb } = await live();
    const step = { action: 'restart', target: 'search', params: {}, command: 'kubectl rollout restart deployment/search -n shop' };
    const before = JSON.stringify(sb.status().desired);
    const other = await sandboxRunner(() => sb, 'default').execute(step, testRunContext('acme'));
    expect(other).toEqual({ exitCode: 1, output: expect.stringMatching(/no sandbox/) });
    expect(JSON.stringify(sb.status().desired)).toBe(before);
    expect((await sandboxRunner(() => undefined, 'default').execute(step, testRunContext('default'))).output).toMatch(/sandbox is off/);
    await sb.stop();
  });

  it('maps plan steps to remedies, naming what is missing', () => {
    expect(remedyFromFixStep({ action: 'scale', target: 'search', params: { replicas: 6 } })).toEqual({ ok: true, remedy: { action: 'scale', service: 'search', replicas: 6 } });
    expect(remedyFromFixStep({ action: 'flag_off', target: 'recommendations', params: { flag: 'new_ranking_model' } })).toMatchObject({ ok: true });
    expect(remedyFromFixStep({ action: 'scale', target: 'search', params: {} })).toEqual({ ok: false, error: expect.stringMatching(/^replicas: /) });
    expect(remedyFromFixStep({ action: 'pray', target: 'search', params: {} })).toMatchObject({ ok: false, error: expect.stringMatching(/action/) });
  });
});
