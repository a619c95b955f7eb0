/**
 * `warroom start`'s sandbox start: tried a few times, and when it keeps failing the instance is
 * told why (readiness stops waiting, GET /v1/sim shows the reason) instead of waiting forever.
 */
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.js';
import { startLiveSandboxWithRetries } from './sandbox.js';
import type { RunningSandbox } from '../sim/edge/realtime.js';

const fakeInstance = () => {
  const seen: { attached: RunningSandbox[]; failed: string[] } = { attached: [], failed: [] };
  const w = {
    logger: createLogger('silent', []),
    attachSandbox: (sb: RunningSandbox) => void seen.attached.push(sb),
    sandboxFailed: (reason: string) => void seen.failed.push(reason),
  } as unknown as Parameters<typeof startLiveSandboxWithRetries>[0];
  return { w, seen };
};

describe('startLiveSandboxWithRetries', () => {
  it('tries again after a failed start and attaches the sandbox that came up', async () => {
    const { w, seen } = fakeInstance();
    const sb = { stop: async () => undefined } as unknown as RunningSandbox;
    let calls = 0;
    const ok = await startLiveSandboxWithRetries(w, { WARROOM_API_KEY: undefined }, {
      waitsMs: [1, 1],
      start: async () => {
        if (++calls < 3) throw new Error(`PUT /v1/topology answered 503 (try ${calls})`);
        return sb;
      },
    });
    expect(ok).toBe(true);
    expect(calls).toBe(3);
    expect(seen).toEqual({ attached: [sb], failed: [] });
  });

  it('gives up after its last try, records the reason and never throws', async () => {
    const { w, seen } = fakeInstance();
    let calls = 0;
    const ok = await startLiveSandboxWithRetries(w, { WARROOM_API_KEY: undefined }, {
      waitsMs: [1],
      start: async () => {
        calls++;
        throw new Error('POST /v1/signals/ingest answered 401');
      },
    });
    expect(ok).toBe(false);
    expect(calls).toBe(2);
    expect(seen).toEqual({ attached: [], failed: ['POST /v1/signals/ingest answered 401'] });
  });
});
