import { describe, expect, it } from 'vitest';
import { loadTopology } from './edge/library.js';
import { applyRemedy, bumpVersion, initialState } from './state.js';

const topo = loadTopology('shop');
const now = Date.parse('2026-03-03T10:00:00Z');

describe('desired state and remedies', () => {
  const s0 = initialState(topo, now);

  it('starts from the topology: versions, replicas, flags, certificates, indexes', () => {
    expect(s0.services.checkout).toMatchObject({ version: '2.13.4', replicas: 3, history: [] });
    expect(s0.services.payments.flags.use_backup_provider).toBe(false);
    expect(s0.services.auth.certificate?.not_after).toBe(new Date(now + 45 * 86_400_000).toISOString());
    expect(s0.services.postgres.indexes).toContain('orders.customer_id');
    expect(s0.services.frontend.certificate).toBeNull();
  });

  it('is pure: applying a remedy returns a new state and leaves the old one alone', () => {
    const r = applyRemedy(s0, { action: 'scale', service: 'search', replicas: 6 }, { nowMs: now });
    expect(r.ok && r.state.services.search.replicas).toBe(6);
    expect(s0.services.search.replicas).toBe(3);
    expect(r.ok && r.changes).toEqual([{ service: 'search', kind: 'scale', key: 'replicas', from: 3, to: 6 }]);
  });

  it('rolls back to the previous version, and refuses when there is none', () => {
    expect(applyRemedy(s0, { action: 'rollback', service: 'checkout' }, { nowMs: now })).toEqual({ ok: false, error: 'checkout has no earlier version to roll back to (running 2.13.4)' });
    const deployed = structuredClone(s0);
    deployed.services.checkout.history.push('2.13.4');
    deployed.services.checkout.version = '2.14.0';
    const r = applyRemedy(deployed, { action: 'rollback', service: 'checkout' }, { nowMs: now });
    expect(r.ok && r.state.services.checkout).toMatchObject({ version: '2.13.4', history: [] });
  });

  it('reverts config to the original value and needs one', () => {
    const changed = structuredClone(s0);
    changed.services.checkout.config['timeout_ms.payments'] = 50;
    const r = applyRemedy(changed, { action: 'config_revert', service: 'checkout', key: 'timeout_ms.payments' }, { nowMs: now, original: { checkout: { 'timeout_ms.payments': 6000 } } });
    expect(r.ok && r.state.services.checkout.config['timeout_ms.payments']).toBe(6000);
    const none = applyRemedy(changed, { action: 'config_revert', service: 'checkout', key: 'timeout_ms.payments' }, { nowMs: now });
    expect(none.ok).toBe(false);
  });

  it('covers every action, with clear refusals', () => {
    const ok = (r: ReturnType<typeof applyRemedy>) => r.ok;
    expect(ok(applyRemedy(s0, { action: 'restart', service: 'orders' }, { nowMs: now }))).toBe(true);
    expect(ok(applyRemedy(s0, { action: 'restart', service: 'orders', instance: 'orders-1' }, { nowMs: now }))).toBe(true);
    expect(ok(applyRemedy(s0, { action: 'flag_off', service: 'recommendations', flag: 'new_ranking_model' }, { nowMs: now }))).toBe(true);
    expect(applyRemedy(s0, { action: 'flag_off', service: 'recommendations', flag: 'nope' }, { nowMs: now })).toMatchObject({ ok: false, error: expect.stringMatching(/no flag "nope"/) });
    expect(ok(applyRemedy(s0, { action: 'add_index', service: 'postgres', table: 'orders', column: 'status' }, { nowMs: now }))).toBe(true);
    expect(applyRemedy(s0, { action: 'add_index', service: 'cart', table: 'orders', column: 'status' }, { nowMs: now })).toMatchObject({ ok: false, error: 'cart is not a database' });
    const renewed = applyRemedy(s0, { action: 'renew_certificate', service: 'auth', valid_days: 90 }, { nowMs: now });
    expect(renewed.ok && renewed.state.services.auth.certificate?.not_after).toBe(new Date(now + 90 * 86_400_000).toISOString());
    expect(applyRemedy(s0, { action: 'expand_disk', service: 'postgres', disk_gb: 100 }, { nowMs: now })).toMatchObject({ ok: false, error: expect.stringMatching(/only grow/) });
    expect(ok(applyRemedy(s0, { action: 'resize', service: 'redis', memory_mb: 8192 }, { nowMs: now }))).toBe(true);
    expect(applyRemedy(s0, { action: 'scale', service: 'nope', replicas: 2 }, { nowMs: now })).toMatchObject({ ok: false, error: expect.stringMatching(/unknown service "nope"/) });
  });

  it('bumps versions', () => {
    expect(bumpVersion('2.13.4', 'minor')).toBe('2.14.0');
    expect(bumpVersion('2.13.4', 'patch')).toBe('2.13.5');
  });
});
