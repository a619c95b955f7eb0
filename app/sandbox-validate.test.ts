/** The sandbox runner's dry run: a step is checked against the live sandbox's desired state, which it leaves as it was. */
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../core/clock.js';
import { runnerContract } from '../remediate/runners/contract.js';
import { startSandbox } from '../sim/edge/realtime.js';
import { sandboxRunner } from '../sim/runner.js';
import { withSandboxValidate } from './sandbox-validate.js';

const openSandbox = () => startSandbox({ clock: new ManualClock(Date.parse('2026-03-03T10:00:03Z')), tickMs: 0, seed: 3, ingest: async () => undefined });

runnerContract('sandbox with its dry run', {
  open: async () => {
    const sb = await openSandbox();
    return { runner: withSandboxValidate(sandboxRunner(() => sb, 'default'), () => sb.sandbox, 'default'), close: () => sb.stop() };
  },
  carriesOut: [
    { action: 'restart', target: 'cart', params: {}, command: 'kubectl rollout restart deployment/cart -n shop' },
    { action: 'scale', target: 'search', params: { replicas: 6, from_replicas: 2 }, command: 'kubectl scale deployment/search --replicas=6 -n shop' },
  ],
  boundToOrg: true,
  refuses: [{ action: 'restart', target: 'nope', params: {}, command: 'kubectl rollout restart deployment/nope' }],
});

describe('withSandboxValidate', () => {
  it('passes a step the sandbox accepts and fails one it refuses, changing nothing', async () => {
    const sb = await openSandbox();
    try {
      const runner = withSandboxValidate(sandboxRunner(() => sb, 'default'), () => sb.sandbox, 'default');
      const before = JSON.stringify(sb.status().desired);
      const ok = await runner.validate!({ action: 'scale', target: 'search', params: { replicas: 6, from_replicas: 2 }, command: 'kubectl scale' }, { orgId: 'default' });
      expect(ok.ok, ok.reason).toBe(true);
      expect((await runner.validate!({ action: 'restart', target: 'nope', params: {}, command: 'x' }, { orgId: 'default' })).reason).toMatch(/would refuse it: unknown service "nope"/);
      expect((await runner.validate!({ action: 'pray', target: 'search', params: {}, command: 'x' }, { orgId: 'default' })).reason).toMatch(/cannot apply "pray"/);
      expect((await runner.validate!({ action: 'restart', target: 'cart', params: {}, command: 'x' }, { orgId: 'other' })).ok).toBe(false);
      expect(JSON.stringify(sb.status().desired)).toBe(before);
      expect(runner.name).toBe('sandbox');
    } finally {
      await sb.stop();
    }
  });

  it('fails every step when the sandbox is off', async () => {
    const runner = withSandboxValidate(sandboxRunner(() => undefined), () => undefined);
    expect((await runner.validate!({ action: 'restart', target: 'cart', params: {}, command: 'x' }, { orgId: 'default' })).reason).toMatch(/sandbox is off/);
  });
});
