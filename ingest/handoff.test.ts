import { describe, expect, it } from 'vitest';
import { LocalHandoff, signalBatchWeight } from './handoff.js';

describe('LocalHandoff', () => {
  it('gives a payload once, and drops the oldest beyond its bound', () => {
    const h = new LocalHandoff(2);
    h.put('a', 1);
    h.put('b', 2);
    h.put('c', 3);
    expect(h.size).toBe(2);
    expect(h.take('a')).toBeUndefined(); // evicted: its consumer reads the store instead
    expect(h.take('b')).toBe(2);
    expect(h.take('b')).toBeUndefined();
    h.put('c', 4); // a re-put replaces and counts as newest
    expect(h.take('c')).toBe(4);
  });

  it('bounds the signals held, not only the batches: big batches evict the oldest, one too big is not kept', () => {
    const batch = (n: number) => ({ signals: Array.from({ length: n }, (_, i) => ({ id: `s${i}` })) });
    const h = new LocalHandoff({ maxEntries: 100, maxWeight: 1000, weigh: signalBatchWeight });
    h.put('a', batch(400));
    h.put('b', batch(400));
    expect(h.held).toBe(800);
    h.put('c', batch(300)); // 1100 > 1000: the oldest goes
    expect(h.take('a')).toBeUndefined();
    expect(h.held).toBe(700);
    expect((h.take('b') as { signals: unknown[] }).signals).toHaveLength(400);
    expect(h.held).toBe(300);
    h.put('huge', batch(5000)); // heavier than the bound on its own: everything older goes, and so does it
    expect(h.take('huge')).toBeUndefined();
    expect(h.size).toBe(0);
    expect(h.held).toBe(0);
    // a re-put of the same id does not count twice
    h.put('d', batch(10));
    h.put('d', batch(20));
    expect(h.held).toBe(20);
    expect(signalBatchWeight('not a batch')).toBe(1);
  });
});
