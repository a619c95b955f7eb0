import { describe, expect, it } from 'vitest';
import { LocalHandoff } from './handoff.js';

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
});
