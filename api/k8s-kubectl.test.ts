/**
 * The sandbox's Kubernetes API with a client nobody here wrote: the real kubectl (STACK.md §11)
 * over https (kubectl sends its bearer token over TLS only; the certificate is a throw-away
 * self-signed one from openssl). Discovery, get, scale, rollout restart/history/undo, set image,
 * a server-side dry run, a JSON patch of a ConfigMap and a pod delete, each checked on the
 * sandbox's desired state. Skipped, and saying so, where kubectl or openssl is not installed.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startK8sSandbox, type K8sSandbox } from '../test-support/k8s-sandbox.js';

const exec = promisify(execFile);
const has = (bin: string) => {
  try {
    execFileSync('which', [bin], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};
const MISSING = ['kubectl', 'openssl'].filter((b) => !has(b));
const title = MISSING.length ? `kubectl against the sandbox (SKIPPED: ${MISSING.join(' and ')} not installed)` : 'kubectl against the sandbox';

let dir: string;
let env: K8sSandbox;
let kubeconfig: string;

/** kubectl's stdout; a failure throws with its stderr (run async: the server lives in this process). */
const kubectl = async (...args: string[]) => (await exec('kubectl', ['--kubeconfig', kubeconfig, ...args], { timeout: 30_000 })).stdout;
const cart = () => env.sb.status().desired.services.cart;

describe.skipIf(MISSING.length > 0)(title, () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'warroom-kubectl-'));
    const [key, cert] = [join(dir, 'key.pem'), join(dir, 'cert.pem')];
    await exec('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1']);
    const pem = readFileSync(cert, 'utf8');
    env = await startK8sSandbox({ tls: { key: readFileSync(key, 'utf8'), cert: pem } });
    kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(
      kubeconfig,
      ['apiVersion: v1', 'kind: Config', 'clusters:', '- name: sandbox', '  cluster:', `    server: ${env.url}`, `    certificate-authority-data: ${Buffer.from(pem).toString('base64')}`, 'users:', '- name: u', '  user:', '    token: admin-key', 'contexts:', '- name: sandbox', '  context: {cluster: sandbox, user: u, namespace: shop}', 'current-context: sandbox', ''].join('\n'),
    );
  });
  afterAll(async () => {
    await env?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('discovers the API and lists deployments and pods', async () => {
    const deployments = await kubectl('get', 'deployments', '-o', 'name');
    expect(deployments.split('\n')).toContain('deployment.apps/payments');
    expect(await kubectl('get', 'statefulsets', '-o', 'name')).toContain('statefulset.apps/postgres');
    expect((await kubectl('get', 'pods', '-l', 'app=payments', '-o', 'name')).trim().split('\n')).toEqual(['pod/payments-0', 'pod/payments-1', 'pod/payments-2']);
    // server-side printing: the columns a real cluster prints
    const table = await kubectl('get', 'deployments');
    expect(table.split('\n')[0]).toMatch(/^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE/);
    expect(table).toMatch(/\npayments\s+3\/3\s+3\s+3\s+\d+s\n/);
    const pods = await kubectl('get', 'pods', '-l', 'app=payments', '-o', 'wide');
    expect(pods.split('\n')[0]).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE/);
    expect(pods).toMatch(/payments-0\s+1\/1\s+Running\s+0\s+/);
    expect(await kubectl('describe', 'deployment', 'payments')).toMatch(/Image:\s+registry\.shop\.local\/shop\/payments:1\.42\.0/);
  });

  it('scale, rollout restart, set image, history and undo change the sandbox', async () => {
    await kubectl('scale', 'deployment/cart', '--replicas=5');
    expect(cart().replicas).toBe(5);
    await kubectl('rollout', 'restart', 'deployment/cart');
    expect(cart().restartGeneration).toBe(1);
    await kubectl('set', 'image', 'deployment/cart', 'cart=registry.shop.local/shop/cart:2.9.1');
    expect(cart().version).toBe('2.9.1');
    expect(await kubectl('rollout', 'history', 'deployment/cart')).toMatch(/1\s+<none>\s+2\s+<none>/);
    expect(await kubectl('rollout', 'undo', 'deployment/cart')).toContain('rolled back');
    expect(cart()).toMatchObject({ version: '2.9.0', restartGeneration: 1 });
  });

  it('a server-side dry run changes nothing; a JSON patch sets config; a pod delete restarts it; bad input is refused', async () => {
    expect(await kubectl('patch', 'deployment/cart', '--type=merge', '-p', '{"spec":{"replicas":9}}', '--dry-run=server', '-o', 'jsonpath={.spec.replicas}')).toBe('9');
    expect(cart().replicas).toBe(5);
    await kubectl('patch', 'configmap/payments-config', '--type=json', '-p', '[{"op":"replace","path":"/data/db.pool_size","value":"60"}]');
    expect(env.sb.status().desired.services.payments.config['db.pool_size']).toBe(60);
    await kubectl('delete', 'pod', 'cart-1', '--wait=false');
    expect(cart().podRestarts).toEqual({ 'cart-1': 1 });
    await expect(kubectl('scale', 'deployment/cart', '--replicas=-1')).rejects.toThrow();
    await expect(kubectl('get', 'deployment/nope')).rejects.toThrow(/NotFound|not found/);
    expect(cart().replicas).toBe(5);
  });
});
