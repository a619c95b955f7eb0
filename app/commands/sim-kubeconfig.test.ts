/**
 * `warroom sim kubeconfig` against a running instance: the kubeconfig it prints points the
 * official client at the sandbox's Kubernetes API on the main server (/k8s), authenticated by
 * the instance's own API keys — the sandbox's org reads and changes, another org is refused.
 */
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock.js';
import { startSandbox, type RunningSandbox } from '../../sim/edge/realtime.js';
import { startEmbedded, type Embedded } from '../embedded.js';
import { runSimKubeconfig } from './sim.js';

let e: Embedded;
let sb: RunningSandbox;
let otherAdmin: string;

beforeAll(async () => {
  e = await startEmbedded('pglite');
  sb = await startSandbox({ clock: new ManualClock(Date.parse('2026-03-03T10:00:03Z')), tickMs: 0, seed: 3, ingest: async () => undefined });
  e.w.attachSandbox(sb);
  const org = await e.client(e.adminKey).post('/v1/orgs', { name: 'Acme', id: 'acme' });
  otherAdmin = org.body.admin_key;
}, 60_000);
afterAll(async () => {
  await e?.stop();
});

function kubeconfig(key: string): { code: number; text: string; err: string } {
  let text = '';
  let err = '';
  const code = runSimKubeconfig({ url: `${e.w.url}/`, key, out: (s) => void (text += s), err: (s) => void (err += s) });
  return { code, text, err };
}

function apps(yaml: string): k8s.AppsV1Api {
  const kc = new k8s.KubeConfig();
  kc.loadFromString(yaml);
  return kc.makeApiClient(k8s.AppsV1Api);
}

describe('warroom sim kubeconfig', () => {
  it('prints a kubeconfig the official client uses unchanged: server …/k8s, the key as token, namespace shop', async () => {
    const { code, text } = kubeconfig(e.apiKey);
    expect(code).toBe(0);
    const kc = new k8s.KubeConfig();
    kc.loadFromString(text);
    expect(kc.getCurrentCluster()?.server).toBe(`${e.w.url}/k8s`);
    expect(kc.getCurrentUser()?.token).toBe(e.apiKey);
    expect(kc.getContextObject(kc.getCurrentContext())?.namespace).toBe('shop');
    const api = apps(text);
    const list = await api.listNamespacedDeployment({ namespace: 'shop' });
    expect(list.items.map((d) => d.metadata!.name)).toContain('payments');
    await api.patchNamespacedDeploymentScale({ name: 'cart', namespace: 'shop', body: { spec: { replicas: 5 } } }, k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch));
    expect(sb.status().desired.services.cart.replicas).toBe(5);
  });

  it("refuses an unknown key (401) and another org's key (403)", async () => {
    const code = async (key: string) => apps(kubeconfig(key).text).listNamespacedDeployment({ namespace: 'shop' }).then(() => 200, (err: k8s.ApiException<unknown>) => err.code);
    expect(await code('wr_not_a_key')).toBe(401);
    expect(await code(otherAdmin)).toBe(403);
  });

  it('says what is wrong with a bad URL', () => {
    let err = '';
    expect(runSimKubeconfig({ url: 'ftp://x', key: 'k', out: () => undefined, err: (s) => void (err += s) })).toBe(2);
    expect(err).toMatch(/--url must be/);
  });
});
