import { describe, expect, it } from 'vitest';
import { ManualClock } from '../core/clock.js';
import { ODD_STEPS, runnerContract, testRunContext } from '../remediate/runners/contract.js';
import { startSandbox, type RunningSandbox } from './edge/realtime.js';
import { sandboxRunner } from './runner.js';

let sb: RunningSandbox | undefined;
runnerContract('sandbox', {
  open: async () => {
    const opened = await startSandbox({ clock: new ManualClock(Date.parse('2026-03-03T10:00:03Z')), tickMs: 0, seed: 3, ingest: async () => undefined });
    sb = opened;
    return { runner: sandboxRunner(() => opened, 'default'), close: () => opened.stop() };
  },
  state: async () => structuredClone(sb?.status().desired),
  carriesOut: [
    { action: 'restart', target: 'cart', params: {}, command: 'kubectl rollout restart deployment/cart -n shop' },
    { action: 'rollout_restart', target: 'payments', params: {}, command: 'kubectl rollout restart deployment/payments -n shop' },
    { action: 'scale', target: 'search', params: { replicas: 6 }, command: 'kubectl scale deployment/search --replicas=6 -n shop' },
  ],
  boundToOrg: true,
  refuses: [
    { action: 'pray', target: 'search', params: {}, command: 'pray' }, // no such remedy
    { action: 'scale', target: 'search', params: {}, command: 'kubectl scale deployment/search' }, // replicas missing
    { action: 'restart', target: 'nope', params: {}, command: 'kubectl rollout restart deployment/nope' }, // no such service
  ],
});

describe('sandbox runner, sandbox off', () => {
  it('answers every step with exit code 1 and says the sandbox is off', async () => {
    const runner = sandboxRunner(() => undefined);
    for (const [, step] of ODD_STEPS) expect(await runner.execute(step, testRunContext('default'))).toEqual({ exitCode: 1, output: expect.stringMatching(/sandbox is off/) });
  });
});
