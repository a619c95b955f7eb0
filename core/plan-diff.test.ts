import { describe, expect, it } from 'vitest';
import { planDiff } from './plan-diff.js';
import type { FixStep } from './schemas.js';

const step = (action: string, target: string, params: Record<string, unknown>): FixStep => ({ action, target, params, command: `kubectl … ${target}` });

describe('planDiff', () => {
  it('shows each spec change before and after, one hunk per object', () => {
    const d = planDiff([
      step('rollback', 'payments', { namespace: 'shop', to_version: '1.42.0', from_version: '1.43.0' }),
      step('scale', 'payments', { replicas: 6, from_replicas: 3 }),
      step('flag_off', 'checkout', { flag: 'new_pricing', from_value: true }),
    ]);
    expect(d).toBe(
      [
        '--- deployment/payments (now)',
        '+++ deployment/payments (after the fix)',
        '@@ 2 fields @@',
        '-version: 1.43.0',
        '+version: 1.42.0',
        '-replicas: 3',
        '+replicas: 6',
        '--- configmap/checkout-flags (now)',
        '+++ configmap/checkout-flags (after the fix)',
        '@@ 1 field @@',
        '-new_pricing: true',
        '+new_pricing: false',
      ].join('\n'),
    );
  });

  it('shows nothing for steps that change no spec, or whose values were not recorded', () => {
    expect(planDiff([step('restart', 'cart', {}), step('delete_pod', 'cart', { pod: 'cart-1' }), step('renew_certificate', 'auth', {})])).toBeUndefined();
    expect(planDiff([step('rollback', 'payments', { from_version: '1.43.0' })])).toBeUndefined(); // the undo target is unknown
    expect(planDiff([step('scale', 'cart', { replicas: 3, from_replicas: 3 })])).toBeUndefined(); // no change
    expect(planDiff([step('resize', 'orders', { memory_mb: 2048, from_memory_mb: 1024 })])).toContain('+resources.limits.memory: 2048Mi');
    expect(planDiff([step('expand_disk', 'message-queue', { disk_gb: 200, from_disk_gb: 100 })])).toContain('--- persistentvolumeclaim/data-message-queue-0 (now)');
    expect(planDiff([step('config_revert', 'checkout', { key: 'db.pool_size', from_value: 5, to_value: 40 })])).toContain('+db.pool_size: 40');
  });
});
