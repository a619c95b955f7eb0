/** The fix catalog's choice for each kind of evidence, and what it does when it cannot build the best match. */
import { describe, expect, it } from 'vitest';
import type { LiveService } from './catalog.js';
import { NoPreferredFix, chooseFix, draftFromChoice } from './choose.js';
import { kubectl, sql, UnsafeNameError } from './commands.js';
import type { FixEvidence } from './signature.js';

const ev = (over: Partial<FixEvidence> = {}): FixEvidence => ({ service: 'cart', confidence: 0.8, change: null, templates: [], families: {}, badInstances: [], namedDependencies: [], ...over });
const live = (over: Partial<LiveService> = {}): LiveService => ({ replicas: 3, memoryMb: 512, diskGb: 20, version: '2.0.0', flags: {}, config: {}, callers: [], external: false, ...over });
const choose = (e: FixEvidence, l: LiveService | null = live()) => chooseFix(e, { namespace: 'shop', live: l });

describe('chooseFix', () => {
  it('undoes a blamed deploy, and keeps the signature fix as the alternative', () => {
    const c = choose(ev({ change: { id: 'chg-1', kind: 'deploy', key: 'cart@2.1.0', service: 'cart', from: '2.0.0', to: '2.1.0' }, templates: ['FATAL ERROR: JavaScript heap out of memory'] }));
    expect(c.chosen.entry).toBe('undo-deploy');
    expect(c.chosen.built.steps).toEqual([{ action: 'rollback', target: 'cart', params: { namespace: 'shop', change_id: 'chg-1', to_version: '2.0.0', from_version: '2.0.0' }, command: 'kubectl rollout undo deployment/cart -n shop' }]);
    expect(c.chosen.built.title).toBe('Roll back cart to 2.0.0 (undo cart@2.1.0)');
    expect(c.alternatives.map((a) => a.entry)).toEqual(['raise-memory', 'restart']);
    expect(c.why).toMatch(/blames deploy cart@2\.1\.0.*Runner-up: raise the memory limit/);
  });

  it('undoes a deploy the analysis did not blame when the service runs out of memory since it (a leak is undone, not fed)', () => {
    const recentDeploy = { id: 'd9', kind: 'deploy', key: 'cart@2.2.0', service: 'cart', from: '2.1.0', to: '2.2.0' };
    const c = choose(ev({ recentDeploy, templates: ['FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory'] }));
    expect(c.chosen).toMatchObject({ entry: 'undo-deploy', built: { title: 'Roll back cart to 2.1.0 (undo cart@2.2.0)' } });
    expect(c.alternatives[0].entry).toBe('raise-memory');
    // the same deploy with errors but no memory trouble: nothing to undo on that evidence alone
    expect(choose(ev({ recentDeploy, templates: ['Request failed: TypeError'] })).chosen.entry).toBe('restart');
  });

  it('turns a blamed flag off and reverts a blamed config key to its previous value, each with its undo', () => {
    const flag = choose(ev({ change: { id: 'f1', kind: 'flag', key: 'new_checkout', service: 'cart', from: 'false', to: 'true' } }));
    expect(flag.chosen.built.steps[0]).toMatchObject({ action: 'flag_off', params: { flag: 'new_checkout' } });
    // undoing "off" turns it back on (the value it has now), not to its value before the blamed change
    expect(flag.chosen.built.rollback[0].command).toBe(`kubectl patch configmap/cart-flags -n shop --type merge -p '{"data":{"new_checkout":"true"}}'`);
    const cfg = choose(ev({ change: { id: 'c1', kind: 'config', key: 'timeout_ms.payments', service: 'cart', from: '6000', to: '300' } }));
    expect(cfg.chosen.built.steps[0].command).toBe(`kubectl patch configmap/cart-config -n shop --type merge -p '{"data":{"timeout_ms.payments":"6000"}}'`);
    expect(cfg.chosen.built.rollback[0].command).toContain('"timeout_ms.payments":"300"');
  });

  it('reads the fault signature when no change is blamed', () => {
    expect(choose(ev({ templates: ['write failed: No space left on device (path=/var/lib/x)'] })).chosen.built.steps[0]).toMatchObject({ action: 'expand_disk', params: { disk_gb: 40 } });
    expect(choose(ev({ templates: ['x509: certificate has expired or is not yet valid'] })).chosen.action).toBe('renew_certificate');
    expect(choose(ev({ families: { 'other:self:tls_cert_expiry_seconds': 0.5 } })).chosen.action).toBe('renew_certificate');
    expect(choose(ev({ templates: ['Timeout acquiring a database connection after 5000ms'] })).chosen.entry).toBe('restart-pool');
    expect(choose(ev({ templates: ['WARNING: evicted 5000 keys in the last second (maxmemory 512mb)'] })).chosen.built.steps[0]).toMatchObject({ action: 'resize', params: { memory_mb: 768 } });
    expect(choose(ev({ templates: ['rejecting request: server overloaded (inflight=400 limit=200)'] })).chosen.built.steps[0]).toMatchObject({ action: 'scale', params: { replicas: 6 }, command: 'kubectl scale deployment/cart --replicas=6 -n shop' });
    expect(choose(ev({ families: { 'saturation:self:cpu': 0.8, 'traffic:self:requests': 0.5 } })).chosen.action).toBe('scale');
    const idx = choose(ev({ service: 'postgres', templates: ['LOG: duration: 2400 ms  statement: SELECT * FROM orders WHERE customer_id = $1 ORDER BY created_at'] }));
    expect(idx.chosen.built.steps[0]).toEqual({ action: 'add_index', target: 'postgres', params: { namespace: 'shop', table: 'orders', column: 'customer_id' }, command: 'CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_orders_customer_id ON orders (customer_id);' });
  });

  it('undoes an unblamed flag or config change made on the service just before its onset: strongly when its logs name the key, else only over a bare restart', () => {
    const flag = { id: 'f1', kind: 'flag', key: 'new_checkout_button', service: 'cart', from: 'false', to: 'true' };
    const named = choose(ev({ recentChanges: [flag], templates: ["feature new_checkout_button path failed: TypeError: Cannot read properties of undefined (reading 'items')"] }));
    expect(named.chosen).toMatchObject({ entry: 'flag-off', score: 0.9 });
    expect(named.chosen.built.steps[0]).toMatchObject({ action: 'flag_off', params: { flag: 'new_checkout_button', change_id: 'f1' } });
    const cfg = { id: 'c1', kind: 'config', key: 'timeout_ms.catalog', service: 'cart', from: '5000', to: '200' };
    const timeout = choose(ev({ recentChanges: [cfg], templates: ['upstream request timeout calling catalog after 200ms (attempt 2)'] }));
    expect(timeout.chosen).toMatchObject({ entry: 'revert-config', score: 0.9 });
    expect(timeout.chosen.built.steps[0]).toMatchObject({ action: 'config_revert', params: { key: 'timeout_ms.catalog', to_value: '5000' } });
    // the change alone: above the last resort, below any signature
    expect(choose(ev({ recentChanges: [flag] })).chosen).toMatchObject({ entry: 'flag-off', score: 0.6 });
    expect(choose(ev({ recentChanges: [flag], templates: ['No space left on device'] })).chosen.entry).toBe('expand-disk');
    // a blamed change wins over a recent one
    expect(choose(ev({ change: { id: 'd1', kind: 'deploy', key: 'cart@2.1.0', service: 'cart', from: '2.0.0', to: '2.1.0' }, recentChanges: [flag] })).alternatives.map((a) => a.entry)).not.toContain('flag-off');
  });

  it("undoes the service's own unblamed deploy just before its onset over a bare restart, and under any signature", () => {
    const d = { id: 'd2', kind: 'deploy', key: 'edge-gateway@3.2.0', service: 'cart', from: '3.1.0', to: '3.2.0' };
    const c = choose(ev({ recentChanges: [d], templates: ['Request failed: TypeError'] }));
    expect(c.chosen).toMatchObject({ entry: 'undo-deploy', score: 0.6, built: { title: 'Roll back cart to 3.1.0 (undo edge-gateway@3.2.0)' } });
    expect(c.chosen.built.steps[0].params).toMatchObject({ change_id: 'd2', to_version: '3.1.0' });
    expect(choose(ev({ recentChanges: [d], templates: ['Timeout acquiring a database connection after 5000ms'] })).chosen.entry).toBe('restart-pool');
  });

  it('reads Python\'s MemoryError as out of memory', () => {
    expect(choose(ev({ templates: ['CRITICAL [recommendations.service] MemoryError: Unable to allocate 12. MiB for an array'] })).chosen.entry).toBe('raise-memory');
  });

  it("raises a cache's memory to what its working set needs by its hit ratio, bounded; a plain step without one", () => {
    const evicting = ['WARNING: evicted 5000 keys in the last second (maxmemory 4096mb)'];
    const mem = (e: FixEvidence, mb = 4096) => choose(e, live({ memoryMb: mb })).chosen.built.steps[0].params.memory_mb;
    // 0.9 → 0.3: a third of the working set fits, so it needs about 3 × 4096 MiB, × 1.25 headroom = 15360
    expect(mem(ev({ templates: evicting, hitRatio: { before: 0.9, low: 0.3 } }))).toBe(15360);
    expect(choose(ev({ templates: evicting, hitRatio: { before: 0.9, low: 0.3 } }), live({ memoryMb: 4096 })).chosen.built.title).toMatch(/hit ratio 90% → 30%: working set ≈ 12288 MiB/);
    // a slight dip: never less than the plain ×1.5 step
    expect(mem(ev({ templates: evicting, hitRatio: { before: 0.9, low: 0.85 } }))).toBe(6144);
    // a collapse to nothing: capped at ×4, and the title says so
    expect(mem(ev({ templates: evicting, hitRatio: { before: 0.9, low: 0 } }))).toBe(16384);
    expect(choose(ev({ templates: evicting, hitRatio: { before: 0.9, low: 0 } }), live({ memoryMb: 4096 })).chosen.built.title).toMatch(/capped at ×4/);
    // no hit ratio, or an out-of-memory process (its usage is capped at the limit and says nothing of the need): ×1.5
    expect(mem(ev({ templates: evicting }))).toBe(6144);
    expect(mem(ev({ templates: ['java.lang.OutOfMemoryError: Java heap space'], hitRatio: { before: 0.9, low: 0.3 } }))).toBe(6144);
  });

  it('replaces the one bad pod, and fails a third party over to a caller\'s backup switch', () => {
    expect(choose(ev({ badInstances: ['cart-2'] })).chosen.built.steps[0]).toMatchObject({ action: 'restart', params: { instance: 'cart-2' }, command: 'kubectl delete pod cart-2 -n shop' });
    const ext = choose(ev({ service: 'payment-provider' }), live({ external: true, callers: [{ service: 'payments', flags: { use_backup_provider: false, dark_mode: true } }] }));
    expect(ext.chosen.built.steps[0]).toMatchObject({ action: 'flag_set', target: 'payments', params: { flag: 'use_backup_provider', value: true } });
    // no switch anywhere: it says so and falls back
    const none = choose(ev({ service: 'payment-provider' }), live({ external: true, callers: [{ service: 'payments', flags: {} }] }));
    expect(none.chosen.entry).toBe('restart');
    expect(none.why).toMatch(/Not "Switch callers to their backup provider.*without a failover switch/);
  });

  it('does not build what needs a live value it lacks, and says why', () => {
    const c = choose(ev({ templates: ['No space left on device'] }), null);
    expect(c.chosen.entry).toBe('restart');
    expect(c.alternatives[0]).toMatchObject({ entry: 'expand-disk', built: { missing: expect.stringMatching(/current size/) } });
    expect(c.why).toMatch(/cannot be built without the volume's current size/);
    expect(draftFromChoice(c)).toMatchObject({ title: 'Restart cart', risk: 'low' });
  });

  it('never renders an unsafe name into a command', () => {
    const c = choose(ev({ badInstances: ['cart-2; rm -rf /'] }));
    expect(c.chosen.entry).toBe('restart');
    expect(JSON.stringify(c.chosen.built.steps)).not.toContain('rm -rf');
    expect(() => choose(ev({ service: 'Cart;reboot' }))).toThrow(/no fix can be built for "Cart;reboot": service "Cart;reboot" is not a safe name/);
  });
});

describe('typed command builders', () => {
  it('render kubectl and SQL from validated names, each with its undo', () => {
    expect(kubectl.scale({ namespace: 'shop', service: 'search' }, 6, 3)).toEqual({ command: 'kubectl scale deployment/search --replicas=6 -n shop', rollback: 'kubectl scale deployment/search --replicas=3 -n shop' });
    expect(kubectl.setMemory({ namespace: 'shop', service: 'redis' }, 768, 512).rollback).toBe('kubectl set resources deployment/redis --limits=memory=512Mi -n shop');
    expect(sql.createIndex('orders', 'customer_id').rollback).toBe('DROP INDEX CONCURRENTLY IF EXISTS idx_orders_customer_id;');
  });
  it.each([
    () => kubectl.rolloutUndo({ namespace: 'shop', service: 'Cart' }),
    () => kubectl.scale({ namespace: 'shop; ls', service: 'cart' }, 2, 1),
    () => kubectl.scale({ namespace: 'shop', service: 'cart' }, 0, 1),
    () => kubectl.patchConfigMap({ namespace: 'shop', service: 'cart' }, 'flags', 'x"}', 'true', null),
    () => kubectl.patchConfigMap({ namespace: 'shop', service: 'cart' }, 'config', 'k', "v'; drop", null),
    () => sql.createIndex('orders; drop table x', 'id'),
  ])('refuses an unsafe value (%#)', (f) => {
    expect(f).toThrow(UnsafeNameError);
  });
});

describe('chooseFix with a preferred strategy', () => {
  const oom = ev({ change: { id: 'chg-1', kind: 'deploy', key: 'cart@2.1.0', service: 'cart', from: '2.0.0', to: '2.1.0' }, templates: ['FATAL ERROR: JavaScript heap out of memory'] });
  it('takes the named alternative (by entry id or action) and says it was asked for', () => {
    const c = chooseFix(oom, { namespace: 'shop', live: live(), prefer: 'raise-memory' });
    expect(c.chosen.entry).toBe('raise-memory');
    expect(c.alternatives.map((a) => a.entry)).toEqual(['undo-deploy', 'restart']);
    expect(c.why).toMatch(/^Chosen as asked \(strategy "raise-memory"\) over the catalog's first choice, roll the deployment back/);
    expect(chooseFix(oom, { namespace: 'shop', live: live(), prefer: 'resize' }).chosen.entry).toBe('raise-memory');
    expect(chooseFix(oom, { namespace: 'shop', live: live(), prefer: 'undo-deploy' }).why).not.toMatch(/Chosen as asked/);
  });
  it('refuses a strategy that does not match, or cannot be built, naming the ones that fit', () => {
    expect(() => chooseFix(oom, { namespace: 'shop', live: live(), prefer: 'scale-out' })).toThrow(NoPreferredFix);
    expect(() => chooseFix(oom, { namespace: 'shop', live: live(), prefer: 'scale-out' })).toThrow(/the analysis does not support it\. Strategies that fit this incident: undo-deploy \(rollback\), raise-memory \(resize\), restart \(restart\)/);
    expect(() => chooseFix(oom, { namespace: 'shop', live: null, prefer: 'raise-memory' })).toThrow(/cannot be built without the current memory limit/);
  });
});
