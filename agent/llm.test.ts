/** The retry policy: what is retried, how long it waits, when it gives up. */
import { describe, expect, it } from 'vitest';
import { failureReason, isRetryable, withRetry } from './llm.js';

const httpError = (status: number, headers: Record<string, string> = {}) => Object.assign(new Error(`HTTP ${status}`), { status, headers: new Headers(headers) });

describe('withRetry', () => {
  it.each([
    ['429 with Retry-After: waits what the server asks, capped', [httpError(429, { 'retry-after': '2' }), httpError(429, { 'retry-after': '60' })], [2000, 5000], 'ok'],
    ['5xx: exponential backoff', [httpError(502), httpError(503)], [100, 200], 'ok'],
    ['a timeout is retried', [Object.assign(new Error('timed out'), { name: 'TimeoutError' })], [100], 'ok'],
    ['400 is not retried', [httpError(400)], [], 'HTTP 400'],
    ['401 is not retried', [httpError(401)], [], 'HTTP 401'],
    ['gives up after the last attempt', [httpError(500), httpError(500), httpError(500)], [100, 200], 'HTTP 500'],
  ])('%s', async (_n, failures, waits, outcome) => {
    const slept: number[] = [];
    const queue = [...failures];
    const run = withRetry(
      async () => {
        const e = queue.shift();
        if (e) throw e;
        return 'ok';
      },
      { attempts: 3, baseMs: 100, maxMs: 5000, sleep: async (ms) => void slept.push(ms) },
    );
    expect(await run.catch((e) => failureReason(e))).toBe(outcome);
    expect(slept).toEqual(waits);
  });

  it('classifies connection failures as retryable and names them', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { name: 'APIConnectionError' });
    expect(isRetryable(refused)).toBe(true);
    expect(failureReason(refused)).toBe('APIConnectionError: connect ECONNREFUSED 127.0.0.1:9');
  });
});
