import { describe, expect, it } from 'vitest';
import { formatBands, reliabilityBands } from './reliability.js';

describe('confidence reliability bands', () => {
  it('groups confident verdicts by confidence and counts the right ones; empty bands are left out', () => {
    const v = [
      { confidence: 0.45, right: false },
      { confidence: 0.49, right: true },
      { confidence: 0.5, right: true },
      { confidence: 0.59, right: false },
      { confidence: 0.81, right: true },
      { confidence: 0.97, right: true },
    ];
    expect(reliabilityBands(v)).toEqual([
      { from: 0, to: 0.5, right: 1, n: 2 },
      { from: 0.5, to: 0.6, right: 1, n: 2 },
      { from: 0.8, to: Infinity, right: 2, n: 2 },
    ]);
    expect(formatBands(reliabilityBands(v))).toBe('< 0.5: 1 of 2 right · 0.5–0.6: 1 of 2 right · ≥ 0.8: 2 of 2 right');
    expect(formatBands([])).toBe('no confident verdicts');
  });
});
