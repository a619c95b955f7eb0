/** A plan's rollback as runner steps: each step's inverse from what it recorded, last first; what nothing undoes is skipped with the reason. */
import { describe, expect, it } from 'vitest';
import type { FixStep } from '../../core/schemas.js';
import { rollbackSteps } from './rollback.js';

const fwd = (action: string, params: Record<string, unknown>): FixStep => ({ action, target: 'cart', params: { namespace: 'shop', ...params }, command: `do ${action}` });
const undo = (action: string) => ({ action: `undo ${action}`, target: 'cart', command: `undo ${action}` });

describe('rollbackSteps', () => {
  it('puts back what each step replaced, in reverse order, with the recorded command', () => {
    const steps = [
      fwd('scale', { replicas: 6, from_replicas: 3 }),
      fwd('flag_off', { flag: 'new_checkout', from_value: true }),
      fwd('config_revert', { key: 'timeout_ms', from_value: 50 }),
      fwd('resize', { memory_mb: 768, from_memory_mb: 512 }),
      fwd('rollback', { to_version: '2.0.0', from_version: '2.1.0' }),
    ];
    expect(rollbackSteps({ steps, rollback: steps.map((s) => undo(s.action)) })).toEqual([
      { step: { action: 'rollback', target: 'cart', params: { namespace: 'shop', to_version: '2.1.0' }, command: 'undo rollback' } },
      { step: { action: 'resize', target: 'cart', params: { namespace: 'shop', memory_mb: 512 }, command: 'undo resize' } },
      { step: { action: 'config_set', target: 'cart', params: { namespace: 'shop', key: 'timeout_ms', value: 50 }, command: 'undo config_revert' } },
      { step: { action: 'flag_set', target: 'cart', params: { namespace: 'shop', flag: 'new_checkout', value: true }, command: 'undo flag_off' } },
      { step: { action: 'scale', target: 'cart', params: { namespace: 'shop', replicas: 3 }, command: 'undo scale' } },
    ]);
  });

  it('skips what nothing undoes or what was not recorded, saying why', () => {
    const steps = [fwd('restart', {}), fwd('expand_disk', { disk_gb: 40, from_disk_gb: 20 }), fwd('scale', { replicas: 6 }), fwd('scale', { replicas: 6, from_replicas: 2 })];
    expect(rollbackSteps({ steps, rollback: steps.slice(0, 3).map((s) => undo(s.action)) })).toEqual([
      { skipped: 'step 4 (scale cart): no rollback was recorded', why: 'unknown' },
      { skipped: 'step 3 (scale cart): the previous replica count was not recorded', why: 'unknown' },
      { skipped: 'step 2 (expand_disk cart): a volume cannot shrink back', why: 'nothing_to_undo' },
      { skipped: 'step 1 (restart cart): a restart leaves nothing to undo', why: 'nothing_to_undo' },
    ]);
    // nothing to undo is said as such even where no rollback was written down
    expect(rollbackSteps({ steps: [fwd('restart', {}), fwd('add_index', {})], rollback: [] })).toEqual([
      { skipped: 'step 2 (add_index cart): an added index leaves nothing to undo', why: 'nothing_to_undo' },
      { skipped: 'step 1 (restart cart): a restart leaves nothing to undo', why: 'nothing_to_undo' },
    ]);
    expect(rollbackSteps({ steps: [], rollback: [] })).toEqual([]);
  });
});
