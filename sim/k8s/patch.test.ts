/** The three patch formats and the selectors, on plain objects (the HTTP contract: api/k8s.test.ts). */
import { describe, expect, it } from 'vitest';
import { applyPatch, PatchError, type Json } from './patch.js';
import { parseQuantity } from './remedies.js';
import { matchesField, matchesLabels } from './selectors.js';

const deployment: Json = {
  metadata: { name: 'cart', labels: { app: 'cart' } },
  spec: { replicas: 3, template: { spec: { containers: [{ name: 'cart', image: 'r/cart:1', ports: [{ containerPort: 8080 }] }, { name: 'side', image: 's:1' }] } } },
};

describe('patches', () => {
  it('strategic merge merges containers by name and honours $patch: delete', () => {
    const out = applyPatch(deployment, 'application/strategic-merge-patch+json', {
      $setElementOrder: {},
      spec: { template: { spec: { containers: [{ name: 'cart', image: 'r/cart:2' }, { name: 'side', $patch: 'delete' }, { name: 'new', image: 'n:1' }] } } },
    }) as { spec: { template: { spec: { containers: { name: string; image: string; ports?: unknown[] }[] } } } };
    expect(out.spec.template.spec.containers.map((c) => [c.name, c.image])).toEqual([
      ['cart', 'r/cart:2'],
      ['new', 'n:1'],
    ]);
    expect(out.spec.template.spec.containers[0].ports).toHaveLength(1);
    expect(() => applyPatch(deployment, 'application/strategic-merge-patch+json', { spec: { template: { spec: { containers: [{ image: 'x' }] } } } })).toThrow(/merge key "name"/);
  });

  it('a merge patch replaces lists and deletes with null', () => {
    const out = applyPatch(deployment, 'application/merge-patch+json; charset=utf-8', { metadata: { labels: null }, spec: { template: { spec: { containers: [{ name: 'only' }] } } } }) as { metadata: Record<string, unknown>; spec: { template: { spec: { containers: unknown[] } } } };
    expect(out.metadata).toEqual({ name: 'cart' });
    expect(out.spec.template.spec.containers).toEqual([{ name: 'only' }]);
  });

  it('a JSON patch applies add/replace/remove/test in order and fails as a whole', () => {
    const out = applyPatch(deployment, 'application/json-patch+json', [
      { op: 'test', path: '/spec/replicas', value: 3 },
      { op: 'replace', path: '/spec/replicas', value: 5 },
      { op: 'add', path: '/metadata/labels/tier', value: 'web' },
      { op: 'remove', path: '/spec/template/spec/containers/1' },
      { op: 'copy', from: '/metadata/name', path: '/metadata/labels/name~1x' },
    ]) as { spec: { replicas: number; template: { spec: { containers: unknown[] } } }; metadata: { labels: Record<string, string> } };
    expect(out.spec.replicas).toBe(5);
    expect(out.metadata.labels).toEqual({ app: 'cart', tier: 'web', 'name/x': 'cart' });
    expect(out.spec.template.spec.containers).toHaveLength(1);
    expect(() => applyPatch(deployment, 'application/json-patch+json', [{ op: 'test', path: '/spec/replicas', value: 4 }])).toThrow(PatchError);
    expect(() => applyPatch(deployment, 'application/json-patch+json', [{ op: 'replace', path: '/spec/nope/x', value: 1 }])).toThrow(/does not exist/);
    expect(() => applyPatch(deployment, 'application/json-patch+json', { op: 'add' })).toThrow(/array/);
    expect((deployment as { spec: { replicas: number } }).spec.replicas).toBe(3); // the input is never changed
  });

  it('refuses an unknown content type with 400', () => {
    try {
      applyPatch(deployment, 'application/json', {});
      expect.unreachable();
    } catch (e) {
      expect((e as PatchError).status).toBe(400);
    }
  });
});

describe('quantities and selectors', () => {
  it('reads Kubernetes quantities', () => {
    expect(parseQuantity('512Mi')).toBe(512 * 2 ** 20);
    expect(parseQuantity('2Gi')).toBe(2 * 2 ** 30);
    expect(parseQuantity('1.5G')).toBe(1.5e9);
    expect(parseQuantity('500m')).toBe(0.5);
    expect(parseQuantity('2e3')).toBe(2000);
    expect(parseQuantity('lots')).toBeNull();
    expect(parseQuantity('-1Gi')).toBeNull();
  });

  it('matches label and field selectors', () => {
    const o = { metadata: { name: 'p-0', labels: { app: 'payments', tier: 'api' } }, involvedObject: { name: 'p-0' } };
    expect(matchesLabels(o, 'app=payments,tier')).toBe(true);
    expect(matchesLabels(o, 'app in (cart, payments),!canary')).toBe(true);
    expect(matchesLabels(o, 'app!=payments')).toBe(false);
    expect(matchesLabels(o, 'app notin (payments)')).toBe(false);
    expect(matchesField(o, 'involvedObject.name=p-0')).toBe(true);
    expect(matchesField(o, 'metadata.name!=p-0')).toBe(false);
  });
});
