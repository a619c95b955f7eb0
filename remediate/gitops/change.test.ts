import { describe, expect, it } from 'vitest';
import type { FixStep } from '../../core/schemas.js';
import { kubectl, sql } from '../commands.js';
import { deploymentPath, filesToRead, isEmptyChange, patchPath, renderChange, UnrenderablePlanError } from './change.js';

const NOW = new Date('2026-12-07T12:00:00.000Z');
const t = { namespace: 'shop', service: 'payments' };
const step = (action: string, params: Record<string, unknown>, command: string, target = 'payments'): FixStep => ({ action, target, params: { namespace: 'shop', ...params }, command });
const plan = (...steps: FixStep[]) => ({ id: '01JPLAN', title: 'Fix\npayments', steps });
const none = new Map<string, string | null>();

const MANIFEST = [
  'apiVersion: apps/v1',
  'kind: Deployment',
  'metadata:',
  '  name: payments',
  'spec:',
  '  replicas: 3 # tuned for Black Friday',
  '  template:',
  '    spec:',
  '      containers:',
  '        - name: payments',
  '          image: "registry.local:5000/shop/payments:1.43.0"',
  '        - name: envoy',
  '          image: envoyproxy/envoy:v1.31.0',
  '',
].join('\n');
const withManifest = new Map([[deploymentPath('payments'), MANIFEST]]);

describe('renderChange', () => {
  it('asks for each target\'s deployment manifest, once, and never for an unsafe name', () => {
    expect(filesToRead(plan(step('scale', {}, 'x'), step('restart', {}, 'y'), step('restart', {}, 'z', '../etc')))).toEqual(['deploy/payments/deployment.yaml']);
  });

  it('a rollback to a version edits the image tag of the service\'s container in place, nothing else', () => {
    const c = renderChange(plan(step('rollback', { to_version: '1.42.0' }, kubectl.rolloutUndo(t).command)), withManifest, NOW);
    expect(c.manual).toEqual([]);
    expect(c.files).toHaveLength(1);
    expect(c.files[0].path).toBe('deploy/payments/deployment.yaml');
    expect(c.files[0].content).toBe(MANIFEST.replace('payments:1.43.0', 'payments:1.42.0'));
    expect(c.files[0].content).toContain('envoyproxy/envoy:v1.31.0'); // the sidecar is untouched
    expect(c.applied).toEqual([{ step: 1, path: 'deploy/payments/deployment.yaml', how: 'image tag of payments set to 1.42.0' }]);
  });

  it.each([
    ['no version to roll back to', {}, withManifest, /version to roll back to is not known/],
    ['a version that is not an image tag', { to_version: '1.42; rm -rf /' }, withManifest, /version to roll back to is not known/],
    ['no manifest in the repository', { to_version: '1.42.0' }, none, /is not in the repository/],
    ['a manifest without the service\'s image', { to_version: '1.42.0' }, new Map([[deploymentPath('payments'), 'kind: Deployment\n']]), /no image line/],
  ])('a rollback with %s is a manual step, not a guess', (_n, params, files, why) => {
    const c = renderChange(plan(step('rollback', params, kubectl.rolloutUndo(t).command)), files, NOW);
    expect(isEmptyChange(c)).toBe(true);
    expect(c.manual).toEqual([{ step: 1, command: 'kubectl rollout undo deployment/payments -n shop', why: expect.stringMatching(why) }]);
  });

  it('a scale edits replicas in the manifest (keeping its comment), or patches when there is none', () => {
    const s = step('scale', { replicas: 6, from_replicas: 3 }, kubectl.scale(t, 6, 3).command);
    const inPlace = renderChange(plan(s), withManifest, NOW);
    expect(inPlace.files[0].content).toContain('  replicas: 6 # tuned for Black Friday');
    const patched = renderChange(plan(s), none, NOW);
    expect(patched.files).toEqual([
      {
        path: patchPath('payments', '01JPLAN'),
        content: [
          '# Warroom fix plan 01JPLAN: Fix payments',
          '# Strategic-merge patches: list this file under `patches:` in the kustomization.yaml of this folder if it is not picked up.',
          '---',
          'apiVersion: "apps/v1"',
          'kind: "Deployment"',
          'metadata:',
          '  name: "payments"',
          '  namespace: "shop"',
          'spec:',
          '  replicas: 6',
          '',
        ].join('\n'),
      },
    ]);
  });

  it('steps on one Deployment merge into one patch document: memory limit and restart', () => {
    const c = renderChange(plan(step('resize', { memory_mb: 1024 }, kubectl.setMemory(t, 1024, 512).command), step('restart', {}, kubectl.rolloutRestart(t).command)), none, NOW);
    expect(c.files).toHaveLength(1);
    expect(c.files[0].content.match(/^---$/gm)).toHaveLength(1);
    expect(c.files[0].content).toContain(['  template:', '    spec:', '      containers:', '        - name: "payments"', '          resources:', '            limits:', '              memory: "1024Mi"'].join('\n'));
    expect(c.files[0].content).toContain(['    metadata:', '      annotations:', '        kubectl.kubernetes.io/restartedAt: "2026-12-07T12:00:00.000Z"'].join('\n'));
    expect(c.applied.map((a) => a.step)).toEqual([1, 2]);
  });

  it('flags, config keys and volume sizes become patches of the objects their commands patch', () => {
    const c = renderChange(
      plan(
        step('flag_off', { flag: 'new-checkout' }, kubectl.patchConfigMap(t, 'flags', 'new-checkout', 'false', 'true').command),
        step('config_revert', { key: 'DB_TIMEOUT' }, kubectl.patchConfigMap(t, 'config', 'DB_TIMEOUT', '30s', '1s').command),
        step('expand_disk', { disk_gb: 20 }, kubectl.resizeVolume(t, 'data-payments-0', 20).command),
      ),
      none,
      NOW,
    );
    const text = c.files[0].content;
    expect(text.match(/^---$/gm)).toHaveLength(3);
    expect(text).toContain(['kind: "ConfigMap"', 'metadata:', '  name: "payments-flags"', '  namespace: "shop"', 'data:', '  new-checkout: "false"'].join('\n'));
    expect(text).toContain(['  name: "payments-config"', '  namespace: "shop"', 'data:', '  DB_TIMEOUT: "30s"'].join('\n'));
    expect(text).toContain(['kind: "PersistentVolumeClaim"', 'metadata:', '  name: "data-payments-0"', '  namespace: "shop"', 'spec:', '  resources:', '    requests:', '      storage: "20Gi"'].join('\n'));
  });

  it('an index is a migration file; a pod deletion and a certificate renewal stay manual', () => {
    const c = renderChange(
      plan(
        step('add_index', { table: 'orders', column: 'user_id' }, sql.createIndex('orders', 'user_id').command),
        step('restart', { instance: 'payments-7f9-abc' }, kubectl.deletePod(t, 'payments-7f9-abc').command),
        step('renew_certificate', {}, kubectl.renewCertificate(t, 'payments-tls').command),
      ),
      none,
      NOW,
    );
    expect(c.files).toEqual([{ path: 'deploy/payments/migrations/warroom-01JPLAN.sql', content: '-- Warroom fix plan 01JPLAN: Fix payments\n-- CONCURRENTLY: run outside a transaction.\nCREATE INDEX CONCURRENTLY IF NOT EXISTS idx_orders_user_id ON orders (user_id);\n' }]);
    expect(c.manual.map((m) => [m.step, m.why])).toEqual([
      [2, 'one pod is replaced by deleting it; a pod is not declared in Git'],
      [3, 'a "renew_certificate" step changes no declared object'],
    ]);
  });

  it('refuses a plan id that could leave the folder, and lists a target that is no Kubernetes name as manual', () => {
    expect(() => renderChange({ ...plan(), id: '../../x' }, none, NOW)).toThrow(UnrenderablePlanError);
    const c = renderChange(plan(step('restart', {}, 'kubectl rollout restart', '../../etc')), none, NOW);
    expect(c.files).toEqual([]);
    expect(c.manual[0].why).toMatch(/not a valid Kubernetes name/);
  });
});
