import { describe, expect, it } from 'vitest';
import { runnerContract } from './contract.js';
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
    const r = await dryRunRunner.execute({ action: 'scale', target: 'search', params: { replicas: 6 }, command: 'kubectl scale deployment/search --replicas=6' }, { orgId: 'o1' });
    expect(r).toEqual({ exitCode: 0, output: 'DRY RUN: nothing was executed.\nwould run: kubectl scale deployment/search --replicas=6\naction=scale target=search' });
  });
});
