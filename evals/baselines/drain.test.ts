import { describe, expect, it } from 'vitest';
import { DRAIN_DEFAULTS, Drain, drainGroups } from './drain.js';

describe('Drain (the reference parser of the held-out comparison)', () => {
  it('groups lines of one event whose variable parts are numbers, and widens the template where they differ', () => {
    const d = new Drain();
    const ids = ['Received block blk_1 of size 67108864 from 10.0.0.1', 'Received block blk_2 of size 512 from 10.0.0.7:50010', 'Received block blk_3 of size 9 from 10.0.0.9'].map((l) => d.add(l));
    expect(new Set(ids).size).toBe(1);
    expect(d.templates()[ids[0]]).toBe('Received block blk_<*> of size <*> from <*>');
  });

  it('keeps events of another length, another leading token or too few shared tokens apart', () => {
    const groups = drainGroups([
      'Connection closed by peer',
      'Connection closed by peer after 3 retries',
      'Session opened for user alice',
      'Session opened for user bob', // 4 of 5 tokens shared: joins
      'Session failed for host db', // 2 of 5 shared (below 0.5): a group of its own
    ]);
    expect(groups[0]).not.toBe(groups[1]);
    expect(groups[2]).toBe(groups[3]);
    expect(groups[4]).not.toBe(groups[2]);
  });

  it('sends a leading token with a digit down the wildcard branch, so lines differing only there still meet', () => {
    const groups = drainGroups(['worker7 started job', 'worker12 started job']);
    expect(groups[0]).toBe(groups[1]);
  });

  it('shares the wildcard child once a node is full', () => {
    const lines = Array.from({ length: 5 }, (_, i) => `alpha${'abcde'[i]} beta gamma`);
    const groups = drainGroups(lines, { ...DRAIN_DEFAULTS, maxChildren: 3 });
    // two named children, then everything else under <*>, where those lines join one group
    expect(new Set(groups).size).toBe(3);
    expect(groups[2]).toBe(groups[4]);
  });
});
