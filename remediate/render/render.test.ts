/** The script generators: each format from a step's typed params, its rollback, and hostile values refused before any text exists. */
import { describe, expect, it } from 'vitest';
import type { FixStep } from '../../core/schemas.js';
import { chooseFix } from '../choose.js';
import { UnsafeNameError } from '../commands.js';
import type { FixEvidence } from '../signature.js';
import { RENDER_FORMATS, StepParamsError, renderStep, type Rendering } from './index.js';

type Step = Pick<FixStep, 'action' | 'target' | 'params'>;
const ok = (r: ReturnType<typeof renderStep>): Rendering => {
  if (!('change' in r)) throw new Error(`unavailable: ${r.unavailable}`);
  return r;
};

const undo: Step = { action: 'rollback', target: 'payments', params: { namespace: 'shop', change_id: 'c1', to_version: '1.42.0', from_version: '1.43.0' } };
const scale: Step = { action: 'scale', target: 'search', params: { namespace: 'shop', replicas: 8, from_replicas: 4 } };
const memory: Step = { action: 'resize', target: 'cache', params: { namespace: 'shop', memory_mb: 1536, from_memory_mb: 1024 } };
const configRevert: Step = { action: 'config_revert', target: 'checkout', params: { namespace: 'shop', key: 'timeout_ms.payments', to_value: '6000', from_value: 300 } };
const flagOff: Step = { action: 'flag_off', target: 'checkout', params: { namespace: 'shop', flag: 'new-pricing', from_value: true } };
const disk: Step = { action: 'expand_disk', target: 'orders-db', params: { namespace: 'shop', disk_gb: 40, from_disk_gb: 20 } };
const restart: Step = { action: 'restart', target: 'cart', params: { namespace: 'shop' } };
const index: Step = { action: 'add_index', target: 'orders', params: { table: 'orders', column: 'customer_id' } };

describe('kubectl', () => {
  it('renders through the typed builders, never from a stored command', () => {
    expect(ok(renderStep({ ...scale }, 'kubectl'))).toEqual({ format: 'kubectl', change: 'kubectl scale deployment/search --replicas=8 -n shop', rollback: 'kubectl scale deployment/search --replicas=4 -n shop' });
    expect(ok(renderStep({ ...undo, params: { ...undo.params, to_revision: 3 } }, 'kubectl')).change).toBe('kubectl rollout undo deployment/payments --to-revision=3 -n shop');
    expect(ok(renderStep(configRevert, 'kubectl')).rollback).toBe(`kubectl patch configmap/checkout-config -n shop --type merge -p '{"data":{"timeout_ms.payments":"300"}}'`);
    expect(ok(renderStep({ action: 'rollout_pause', target: 'payments', params: {} }, 'kubectl', 'shop'))).toMatchObject({ change: 'kubectl rollout pause deployment/payments -n shop', rollback: 'kubectl rollout resume deployment/payments -n shop' });
    expect(renderStep(index, 'kubectl')).toEqual({ format: 'kubectl', unavailable: expect.stringMatching(/database change/) });
  });
  it('rolls back to a version by image when the step names the repository (set image), its undo sets the version it replaced', () => {
    const byImage: Step = { ...undo, params: { ...undo.params, image: 'registry.example.com:5000/shop/payments' } };
    expect(ok(renderStep(byImage, 'kubectl'))).toEqual({
      format: 'kubectl',
      change: 'kubectl set image deployment/payments payments=registry.example.com:5000/shop/payments:1.42.0 -n shop',
      rollback: 'kubectl set image deployment/payments payments=registry.example.com:5000/shop/payments:1.43.0 -n shop',
    });
    // another container name; the version it replaces unrecorded: the undo is the rollout's
    expect(ok(renderStep({ ...byImage, params: { namespace: 'shop', to_version: '1.42.0', image: 'payments', container: 'app' } }, 'kubectl'))).toMatchObject({ change: 'kubectl set image deployment/payments app=payments:1.42.0 -n shop', rollback: 'kubectl rollout undo deployment/payments -n shop' });
    // no version to set, or a revision asked for: the revision history, as before
    expect(ok(renderStep({ ...byImage, params: { namespace: 'shop', image: 'payments' } }, 'kubectl')).change).toBe('kubectl rollout undo deployment/payments -n shop');
    expect(ok(renderStep({ ...byImage, params: { ...byImage.params, to_revision: 3 } }, 'kubectl')).change).toBe('kubectl rollout undo deployment/payments --to-revision=3 -n shop');
  });
  it.each([
    ['a shell word in the image', { image: 'payments; rm -rf /' }, /image "payments; rm -rf \/"/],
    ['a tag inside the repository', { image: 'payments:latest' }, /image "payments:latest"/],
    ['upper case', { image: 'Registry/Payments' }, /image/],
    ['a path that climbs', { image: '../payments' }, /image/],
    ['an overlong name', { image: 'a'.repeat(256) }, /image "a{40}…"/],
    ['a container that is no name', { image: 'payments', container: 'App_1' }, /container "App_1"/],
    ['a version with a quote', { image: 'payments', to_version: "1.42'" }, /version/],
  ])('refuses %s before any text exists', (_what, params, message) => {
    expect(() => renderStep({ ...undo, params: { ...undo.params, ...params } }, 'kubectl')).toThrow(UnsafeNameError);
    expect(() => renderStep({ ...undo, params: { ...undo.params, ...params } }, 'kubectl')).toThrow(message);
  });
  it('says so when the value a rollback restores was not recorded, rather than guess', () => {
    expect(ok(renderStep({ action: 'scale', target: 'search', params: { replicas: 8 } }, 'kubectl')).rollback).toMatch(/^# the replica count before this step was not recorded/);
  });
});

describe('helm (a values diff)', () => {
  it('a rollback is image.tag back to the version before, and its rollback the reverse diff', () => {
    const r = ok(renderStep(undo, 'helm'));
    expect(r.change).toBe(
      [
        '# helm values of release payments (namespace shop): image.tag: 1.43.0 → 1.42.0',
        '# apply: helm upgrade payments <chart> -n shop --reuse-values -f <the values file after this diff>',
        '--- payments/values.yaml (now)',
        '+++ payments/values.yaml (after the fix)',
        ' image:',
        '-  tag: "1.43.0"',
        '+  tag: "1.42.0"',
      ].join('\n'),
    );
    expect(r.rollback).toContain('image.tag: 1.42.0 → 1.43.0');
    expect(r.rollback).toContain('-  tag: "1.42.0"\n+  tag: "1.43.0"');
  });
  it.each([
    [scale, ['-replicaCount: 4', '+replicaCount: 8']],
    [memory, [' resources:', '   limits:', '-    memory: "1024Mi"', '+    memory: "1536Mi"']],
    [configRevert, [' config:', '-  timeout_ms.payments: "300"', '+  timeout_ms.payments: "6000"']],
    [flagOff, [' flags:', '-  new-pricing: "true"', '+  new-pricing: "false"']],
    [disk, [' persistence:', '-  size: "20Gi"', '+  size: "40Gi"']],
  ])('%j', (step, lines) => {
    const r = ok(renderStep(step, 'helm'));
    for (const l of lines) expect(r.change.split('\n')).toContain(l);
  });
  it('has no rendering for a restart or an index, nor for a change whose value now was not recorded', () => {
    expect(renderStep(restart, 'helm')).toEqual({ format: 'helm', unavailable: expect.stringMatching(/no chart value/) });
    expect(renderStep(index, 'helm')).toMatchObject({ unavailable: expect.stringMatching(/sql format/) });
    expect(renderStep({ action: 'rollback', target: 'payments', params: { to_version: '1.42.0' } }, 'helm')).toMatchObject({ unavailable: expect.stringMatching(/from_version/) });
  });
  it('a key that was unset before the fix: the rollback removes it (helm diff, ansible JSON patch, kubectl JSON patch)', () => {
    const unset: Step = { action: 'flag_set', target: 'checkout', params: { flag: 'use_backup', value: true, from_value: null } };
    const h = ok(renderStep(unset, 'helm'));
    expect(h.change).toContain(' flags:\n+  use_backup: "true"');
    expect(h.rollback.endsWith(' flags:\n-  use_backup: "true"')).toBe(true);
    expect(ok(renderStep(unset, 'ansible')).rollback).toContain('kubernetes.core.k8s_json_patch:');
    expect(ok(renderStep(unset, 'kubectl')).rollback).toBe(`kubectl patch configmap/checkout-flags -n default --type json -p '[{"op":"remove","path":"/data/use_backup"}]'`);
  });
});

describe('terraform (an HCL snippet with its plan line)', () => {
  it('replicas on kubernetes_deployment, the rollback the value before', () => {
    const r = ok(renderStep(scale, 'terraform'));
    expect(r.change).toBe(
      [
        '# terraform plan -target=kubernetes_deployment.search',
        'resource "kubernetes_deployment" "search" {',
        '  metadata {',
        '    name      = "search"',
        '    namespace = "shop"',
        '  }',
        '  spec {',
        '    replicas = 8',
        '  }',
        '}',
      ].join('\n'),
    );
    expect(r.rollback).toContain('    replicas = 4');
  });
  it('the image of the container, a config map key, a volume that cannot shrink', () => {
    expect(ok(renderStep(undo, 'terraform')).change).toContain('          image = "payments:1.42.0"');
    expect(ok(renderStep(undo, 'terraform')).rollback).toContain('          image = "payments:1.43.0"');
    const cm = ok(renderStep(configRevert, 'terraform'));
    expect(cm.change).toContain('# terraform plan -target=kubernetes_config_map.checkout_config');
    expect(cm.change).toContain('data = { "timeout_ms.payments" = "6000" }');
    expect(cm.rollback).toContain('data = { "timeout_ms.payments" = "300" }');
    const d = ok(renderStep(disk, 'terraform'));
    expect(d.change).toContain('resource "kubernetes_persistent_volume_claim" "data_orders_db_0"');
    expect(d.change).toContain('requests = { storage = "40Gi" }');
    expect(d.rollback).toMatch(/cannot shrink/);
  });
  it('a restart changes no attribute: unavailable, with the reason', () => {
    expect(renderStep(restart, 'terraform')).toEqual({ format: 'terraform', unavailable: expect.stringMatching(/restart changes no Terraform attribute/) });
  });
});

describe('ansible (a kubernetes.core play)', () => {
  it('a strategic-merge patch of the container and its rollback play', () => {
    const r = ok(renderStep(memory, 'ansible'));
    expect(r.change).toBe(
      [
        '- name: "Fix: memory limit of cache to 1536Mi"',
        '  hosts: "localhost"',
        '  gather_facts: false',
        '  tasks:',
        '    - name: "Set the memory limit of deployment cache to 1536Mi"',
        '      kubernetes.core.k8s:',
        '        state: "patched"',
        '        api_version: "apps/v1"',
        '        kind: "Deployment"',
        '        name: "cache"',
        '        namespace: "shop"',
        '        merge_type: "strategic-merge"',
        '        definition:',
        '          spec:',
        '            template:',
        '              spec:',
        '                containers:',
        '                  - name: "cache"',
        '                    resources:',
        '                      limits:',
        '                        memory: "1536Mi"',
      ].join('\n'),
    );
    expect(r.rollback).toContain('memory: "1024Mi"');
  });
  it('a rollout undo is k8s_rollback; an unset key is removed by a JSON patch on the way back', () => {
    expect(ok(renderStep(undo, 'ansible')).change).toContain('kubernetes.core.k8s_rollback:');
    const r = ok(renderStep({ action: 'config_set', target: 'checkout', params: { key: 'retries', value: 3, from_value: '2' } }, 'ansible'));
    expect(r.change).toContain('data:\n            retries: "3"');
    expect(r.rollback).toContain('retries: "2"');
    expect(renderStep(restart, 'ansible')).toMatchObject({ unavailable: expect.stringMatching(/fresh timestamp/) });
  });
});

describe('sql (a migration pair)', () => {
  it('up creates the index concurrently, down drops it; other steps are no database change', () => {
    const r = ok(renderStep(index, 'sql'));
    expect(r.change).toBe('-- idx_orders_customer_id.up.sql\n-- CONCURRENTLY cannot run inside a transaction block: run this migration without one\nCREATE INDEX CONCURRENTLY IF NOT EXISTS idx_orders_customer_id ON orders (customer_id);');
    expect(r.rollback).toMatch(/DROP INDEX CONCURRENTLY IF EXISTS idx_orders_customer_id;$/);
    expect(renderStep(scale, 'sql')).toMatchObject({ unavailable: expect.stringMatching(/not a database change/) });
  });
});

describe('hostile values', () => {
  const HOSTILE = ['; rm -rf /', "x'; DROP TABLE users; --", 'a"b', 'line\nbreak', '{{ lookup("pipe", "id") }}', '${file("/etc/passwd")}', '$(id)'];
  const places: ((v: string) => Step)[] = [
    (v) => ({ ...scale, target: v }),
    (v) => ({ ...scale, params: { ...scale.params, namespace: v } }),
    (v) => ({ ...undo, params: { ...undo.params, to_version: v } }),
    (v) => ({ ...undo, params: { ...undo.params, from_version: v } }),
    (v) => ({ ...configRevert, params: { ...configRevert.params, key: v } }),
    (v) => ({ ...configRevert, params: { ...configRevert.params, to_value: v } }),
    (v) => ({ ...configRevert, params: { ...configRevert.params, from_value: v } }),
    (v) => ({ ...flagOff, params: { ...flagOff.params, flag: v } }),
    (v) => ({ ...disk, params: { ...disk.params, claim: v } }),
    (v) => ({ ...restart, params: { ...restart.params, instance: v } }),
    (v) => ({ ...index, params: { ...index.params, table: v } }),
    (v) => ({ ...index, params: { ...index.params, column: v } }),
  ];
  it.each(RENDER_FORMATS)('%s refuses every hostile value in every place with UnsafeNameError, and writes none of it', (format) => {
    for (const v of HOSTILE) {
      for (const place of places) {
        let out: unknown;
        try {
          out = renderStep(place(v), format);
        } catch (e) {
          expect(e).toBeInstanceOf(UnsafeNameError);
          expect((e as Error).message).toMatch(/nothing was generated/);
          continue;
        }
        throw new Error(`${format} rendered ${JSON.stringify(place(v))}: ${JSON.stringify(out)}`);
      }
    }
  });
  it('numbers out of range are refused too; an unknown action or a missing param is a StepParamsError naming it', () => {
    expect(() => renderStep({ ...scale, params: { replicas: 0 } }, 'helm')).toThrow(UnsafeNameError);
    expect(() => renderStep({ ...scale, params: { replicas: 1e9 } }, 'terraform')).toThrow(UnsafeNameError);
    expect(() => renderStep({ action: 'exec', target: 'cart', params: {} }, 'kubectl')).toThrow(/unknown action "exec" \(one of: rollback, restart/);
    expect(() => renderStep({ action: 'scale', target: 'cart', params: { replicas: '8; reboot' } }, 'kubectl')).toThrow(StepParamsError);
    expect(() => renderStep({ action: 'scale', target: 'cart', params: {} }, 'kubectl')).toThrow(/params\.replicas/);
  });
});

describe('the kubectl format agrees with the catalog', () => {
  it('every step the catalog builds renders to the command and rollback it stored', () => {
    // the live state holds the values the blamed changes set (the catalog records them as from_*)
    const live = { replicas: 3, memoryMb: 512, diskGb: 20, version: '2.1.0', flags: { new_checkout: true }, config: { 'timeout_ms.payments': '300' }, callers: [], external: false };
    const evidence = (over: Partial<FixEvidence>): FixEvidence => ({ service: 'cart', confidence: 0.8, change: null, templates: [], families: {}, badInstances: [], namedDependencies: [], ...over });
    const cases: FixEvidence[] = [
      evidence({ change: { id: 'd', kind: 'deploy', key: 'cart@2.1.0', service: 'cart', from: '2.0.0', to: '2.1.0' } }),
      evidence({ change: { id: 'c', kind: 'config', key: 'timeout_ms.payments', service: 'cart', from: '6000', to: '300' } }),
      evidence({ change: { id: 'f', kind: 'flag', key: 'new_checkout', service: 'cart', from: 'false', to: 'true' } }),
      evidence({ templates: ['write failed: No space left on device'] }),
      evidence({ templates: ['x509: certificate has expired or is not yet valid'] }),
      evidence({ templates: ['WARNING: evicted 5000 keys in the last second'] }),
      evidence({ templates: ['rejecting request: server overloaded (inflight=400 limit=200)'] }),
      evidence({ badInstances: ['cart-7d9f-x2'] }),
      evidence({ service: 'postgres', templates: ['LOG: duration: 2400 ms  statement: SELECT * FROM orders WHERE customer_id = $1 ORDER BY created_at'] }),
    ];
    const seen = new Set<string>();
    for (const e of cases) {
      const built = chooseFix(e, { namespace: 'shop', live }).chosen.built;
      built.steps.forEach((s, i) => {
        seen.add(s.action);
        const r = s.action === 'add_index' ? renderStep(s, 'sql') : renderStep(s, 'kubectl');
        const { change, rollback } = ok(r);
        expect(change.split('\n').at(-1)).toBe(s.command);
        expect(rollback.split('\n').at(-1)).toBe(built.rollback[i].command);
      });
    }
    expect([...seen].sort()).toEqual(['add_index', 'config_revert', 'expand_disk', 'flag_off', 'renew_certificate', 'resize', 'restart', 'rollback', 'scale']);
  });
});
