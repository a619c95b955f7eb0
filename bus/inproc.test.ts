import { describe, expect, it } from 'vitest';
import { busContract } from './contract.js';
import { createInprocBus, type InprocBus } from './inproc.js';

// Settled is idle(): no handler running, no retry pending, nothing queued that a member could take.
busContract('in-process', async ({ dedupeWindowMs }) => createInprocBus({ dedupeWindowMs }), (b) => (b as InprocBus).idle());

// Behaviour only the in-process bus has (the contract covers the shared semantics).
describe('in-process bus extras', () => {
  it('idle() resolves once retries and dead letters have run their course', async () => {
    const bus = createInprocBus({ onError: () => undefined });
    let calls = 0;
    await bus.subscribe('rca.make', async () => {
      calls++;
      throw new Error('no');
    }, { group: 'g', maxDeliver: 3, retryDelayMs: 10 });
    await bus.publish('rca.make', { id: 'm1', orgId: 'o', payload: null });
    await bus.idle();
    expect(calls).toBe(3);
    await bus.close();
  });

  it('bounds the backlog of a subject nobody subscribes to, dropping the oldest and reporting it', async () => {
    const errors: string[] = [];
    const bus = createInprocBus({ backlogLimit: 2, onError: (_e, where) => void errors.push(where) });
    for (const id of ['a', 'b', 'c']) await bus.publish('signal.ingest', { id, orgId: 'o', payload: null });
    const got: string[] = [];
    await bus.subscribe('signal.ingest', async (m) => void got.push(m.id), { group: 'g' });
    await bus.idle();
    expect(got).toEqual(['b', 'c']);
    expect(errors).toEqual(['signal.ingest']);
    await bus.close();
  });

  it('gives each group its own copy of the payload', async () => {
    const bus = createInprocBus();
    const seen: unknown[] = [];
    await bus.subscribe<{ v: number }>('signal.ingest', async (m) => {
      m.payload.v = 99;
    }, { group: 'mutator' });
    await bus.subscribe<{ v: number }>('signal.ingest', async (m) => void seen.push(m.payload.v), { group: 'reader' });
    const payload = { v: 1 };
    await bus.publish('signal.ingest', { id: 'p', orgId: 'o', payload });
    await bus.idle();
    expect(seen).toEqual([1]);
    expect(payload.v).toBe(1);
    await bus.close();
  });
});
