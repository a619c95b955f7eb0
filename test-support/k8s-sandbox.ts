/**
 * A live sandbox on a manual clock behind the sandbox's Kubernetes API (api/k8s.ts) on
 * 127.0.0.1:0, with fixed test keys instead of the store: for the contract tests with the
 * official client and with kubectl.
 */
import type { Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import express from 'express';
import type { Principal } from '../api/auth.js';
import { k8sApi } from '../api/k8s.js';
import { ManualClock } from '../core/clock.js';
import { AppError } from '../core/errors.js';
import { startSandbox, type RunningSandbox } from '../sim/edge/realtime.js';
import { sandboxSource } from '../sim/k8s/cluster.js';

/** Bearer tokens the test server accepts. */
export const K8S_TEST_KEYS: Record<string, Principal> = {
  'admin-key': { kind: 'key', orgId: 'default', userId: 'u-admin', keyId: 'k1', scopes: ['admin'] },
  'read-key': { kind: 'key', orgId: 'default', userId: 'u-read', keyId: 'k2', scopes: ['read'] },
  'other-org': { kind: 'key', orgId: 'acme', userId: 'u-x', keyId: 'k3', scopes: ['admin'] },
};

export interface K8sSandbox {
  clock: ManualClock;
  sb: RunningSandbox;
  /** The cluster's server URL (…/k8s). */
  url: string;
  /** Advances the clock by n sandbox steps of 10 s, ticking after each. */
  ticks(n: number): Promise<void>;
  stop(): Promise<void>;
}

/** `tls`: serve https with this key and certificate (kubectl sends its token over https only). */
export async function startK8sSandbox(opts: { t0?: number; tls?: { key: string; cert: string } } = {}): Promise<K8sSandbox> {
  const t0 = opts.t0 ?? Date.parse('2026-03-03T10:00:03Z');
  const clock = new ManualClock(t0);
  const sb = await startSandbox({ clock, tickMs: 0, seed: 3, ingest: async () => undefined });
  await sb.tick();
  const app = express();
  const authenticate = async (req: express.Request): Promise<Principal> => {
    const token = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1];
    const p = token ? K8S_TEST_KEYS[token] : undefined;
    if (!p) throw new AppError('unauthenticated', 'unknown test key');
    return p;
  };
  app.use('/k8s', k8sApi({ owner: 'default', cluster: () => sandboxSource(sb.sandbox), maxBodyBytes: 1_000_000, authenticate }));
  const server = await new Promise<Server>((res) => {
    const s: Server = opts.tls ? createHttpsServer(opts.tls, app) : app.listen(0, '127.0.0.1', () => res(s));
    if (opts.tls) s.listen(0, '127.0.0.1', () => res(s));
  });
  return {
    clock,
    sb,
    url: `${opts.tls ? 'https' : 'http'}://127.0.0.1:${(server.address() as AddressInfo).port}/k8s`,
    async ticks(n) {
      for (let i = 0; i < n; i++) {
        clock.advance(10_000);
        await sb.tick();
      }
    },
    async stop() {
      await sb.stop();
      await new Promise((res) => server.close(res));
    },
  };
}
