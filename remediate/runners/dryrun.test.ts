import { describe, expect, it } from 'vitest';
import { runnerContract, testRunContext } from './contract.js';
import { dryRunRunner } from './dryrun.js';

runnerContract('dry run', {
  open: async () => ({ runner: dryRunRunner }),
  carriesOut: [
    { action: 'rollback', target: 'checkout', params: { to: 'v41' }, command: 'kubectl rollout undo deployment/checkout -n shop' },
    { action: 'restart', target: 'cart', params: {}, command: 'kubectl rollout restart deployment/cart -n default' },
  ],
  refuses: [], // it executes nothing, so nothing can fail
});

describe('dry run', () => {
  it('records the command it would run, and says it ran nothing', async () => {
    const r = await dryRunRunner.execute({ action: 'scale', target: 'search', params: { replicas: 6 }, command: 'kubectl scale deployment/search --replicas=6' }, testRunContext('o1'));
    expect(r).toEqual({ exitCode: 0, output: 'DRY RUN: nothing was executed.\nwould run: kubectl scale deployment/search --replicas=6\naction=scale target=search' });
  });
});

describe('dry run: validate (the preflight dry_run gate)', () => {
  it('passes a step with a valid target and a one-line command', async () => {
    expect(await dryRunRunner.validate!({ action: 'restart', target: 'cart', params: {}, command: 'kubectl rollout restart deployment/cart -n shop' }, { orgId: 'o1' })).toEqual({ ok: true, reason: 'would run: kubectl rollout restart deployment/cart -n shop' });
  });

  it('fails an invalid target, an empty command and a multi-line command, with the reason', async () => {
    const v = (target: string, command: string) => dryRunRunner.validate!({ action: 'restart', target, params: {}, command }, { orgId: 'o1' });
    expect(await v('Cart; rm', 'x')).toEqual({ ok: false, reason: '"Cart; rm" is not a valid Kubernetes name' });
    expect((await v('cart', '  ')).ok).toBe(false);
    expect((await v('cart', 'a\nb')).reason).toBe('the command spans several lines');
  });
});
