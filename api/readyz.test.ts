/** /readyz: ready only when the store, the bus and (when one is starting) the sandbox are up. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInprocBus } from '../bus/index.js';
import type { Bus, Store } from '../core/ports/index.js';
import { openStore } from '../store/index.js';
import { testApiDeps } from '../test-support/api-deps.js';
import { createApi } from './server.js';

describe('GET /readyz', () => {
  let store: Store;
  let bus: Bus;
  beforeAll(async () => {
    store = (await openStore({})).store;
    bus = createInprocBus({ onError: () => undefined });
  });
  afterAll(async () => {
    await bus.close();
    await store.close();
  });

  const readyz = async (deps: Parameters<typeof testApiDeps>[0]) => {
    const server = createServer(createApi(testApiDeps(deps)));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/readyz`);
      return { status: res.status, body: await res.json() };
    } finally {
      await new Promise((r) => server.close(r));
    }
  };

  it('waits for a sandbox that is starting, so a fault injected right after it lands', async () => {
    let starting = true;
    const sandbox = { owner: 'default', running: () => undefined, starting: () => starting };
    const before = await readyz({ store: () => store, bus: () => bus, sandbox });
    expect(before).toEqual({ status: 503, body: { status: 'not_ready', checks: { store: 'ok', bus: 'ok', sandbox: 'starting' } } });
    starting = false;
    expect((await readyz({ store: () => store, bus: () => bus, sandbox })).status).toBe(200);
  });

  it('stops waiting for a sandbox that failed to start, and says so', async () => {
    const sandbox = { owner: 'default', running: () => undefined, starting: () => false, failure: () => 'PUT /v1/topology answered 503' };
    const r = await readyz({ store: () => store, bus: () => bus, sandbox });
    expect(r).toEqual({ status: 200, body: { status: 'ready', checks: { store: 'ok', bus: 'ok', sandbox: 'failed' } } });
  });

  it('does not wait for a sandbox nobody starts', async () => {
    const r = await readyz({ store: () => store, bus: () => bus, sandbox: { owner: 'default', running: () => undefined } });
    expect(r).toEqual({ status: 200, body: { status: 'ready', checks: { store: 'ok', bus: 'ok' } } });
    expect((await readyz({ store: () => store, bus: () => undefined })).status).toBe(503);
  });
});
