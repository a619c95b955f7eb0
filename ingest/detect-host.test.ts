import type { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import type { Signal } from '../core/schemas.js';
import { InlineDetectionHost } from './detect-host.js';
import { detectionHostContract } from './detect-host.contract.js';
import { spawnDetectWorker, WorkerDetectionHost } from './worker-host.js';

detectionHostContract('inline', () => new InlineDetectionHost());
detectionHostContract('worker thread', () => new WorkerDetectionHost());

const point = (t: number, value: number): Signal => ({ id: `p${t}`, orgId: 'w', source: 't', kind: 'metric', ts: new Date(t).toISOString(), key: 'http_error_rate', value, text: null, labels: { service: 'cart' }, meta: {} });

describe('WorkerDetectionHost', () => {
  it('after the worker dies: pending calls fail, the generation moves on, and a new worker serves the next load', async () => {
    const lost: Error[] = [];
    const threads: Worker[] = [];
    const spawnWorker = () => {
      const w = spawnDetectWorker();
      threads.push(w);
      return w;
    };
    const host = new WorkerDetectionHost({ onLost: (e) => lost.push(e), spawnWorker });
    await host.load('w', {}, null);
    await host.process('w', [point(Date.UTC(2026, 0, 1), 0.001)]);
    expect(host.generation).toBe(0);
    expect(threads).toHaveLength(1);
    // The thread is ended from outside, then a call is made. Node marks a terminated worker's
    // environment as stopping before terminate() returns, and a stopping environment calls no
    // more JavaScript, so the worker can never answer this call however fast it is: the call
    // is provably in flight when the thread dies. (A call made before terminate() could be
    // answered first: that ordering made an earlier version of this test flaky.)
    const exited = threads[0].terminate();
    const pending = host.snapshot('w');
    await expect(pending).rejects.toThrow(/exited/);
    await exited;
    expect(host.generation).toBe(1);
    expect(lost).toHaveLength(1);
    // The new worker has no engines until the caller reloads them.
    await expect(host.process('w', [point(Date.UTC(2026, 0, 1, 0, 1), 0.001)])).rejects.toThrow(/not loaded/);
    await host.load('w', {}, null);
    expect(await host.process('w', [point(Date.UTC(2026, 0, 1, 0, 2), 0.001)])).toEqual({ anomalies: [], templates: [], late: { folded: 0, dropped: 0 } });
    expect(threads).toHaveLength(2);
    await host.close();
    await expect(host.process('w', [])).rejects.toThrow(/closed/);
  });
});
