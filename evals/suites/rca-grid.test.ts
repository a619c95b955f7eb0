import { describe, expect, it } from 'vitest';
import { LOG_WEIGHTS } from '../../rca/logs.js';
import { DELTA_WEIGHTS, RANKING_WEIGHTS } from '../../rca/weights.js';
import { acAt, summarizeGrid, type GridRow } from './rca-grid-summary.js';
import { SETTINGS, withPatch } from './rca-grid.js';

describe('rca grid', () => {
  it('patches the weights for one call only, and restores them when the call throws', () => {
    const before = { ...RANKING_WEIGHTS, ...DELTA_WEIGHTS, ...LOG_WEIGHTS };
    const seen = withPatch({ ranking: { skippedSteps: 9 }, delta: { materialHalf: 0.5 }, logs: { warning: 0.1 } }, () => [RANKING_WEIGHTS.skippedSteps, DELTA_WEIGHTS.materialHalf, LOG_WEIGHTS.warning]);
    expect(seen).toEqual([9, 0.5, 0.1]);
    expect(() => withPatch({ ranking: { slowCalls: 7 } }, () => { throw new Error('boom'); })).toThrow('boom');
    expect({ ...RANKING_WEIGHTS, ...DELTA_WEIGHTS, ...LOG_WEIGHTS }).toEqual(before);
  });

  it('starts from the defaults and names every setting once', () => {
    expect(SETTINGS[0]).toEqual({ name: 'base', patch: {} });
    expect(new Set(SETTINGS.map((s) => s.name)).size).toBe(SETTINGS.length);
  });

  it('folds rows into AC@1/AC@3 per group, calm scenarios apart', () => {
    const row = (group: string, setting: string, rank: number | null, calm = false, confident = false): GridRow => ({ set: group, group, id: `${group}${rank}`, setting, rank, calm, confident, herring: false });
    const rows = [row('a', 'base', 1), row('a', 'base', 3), row('a', 'base', null), row('a', 'base', null, true, true), row('a', 'x', 2)];
    expect(acAt(rows.filter((r) => r.setting === 'base'), 1)).toBeCloseTo(1 / 3, 9);
    expect(acAt(rows.filter((r) => r.setting === 'base'), 3)).toBeCloseTo(2 / 3, 9);
    const t = summarizeGrid(rows);
    expect(t.map((x) => x.setting)).toEqual(['base', 'x']);
    expect(t[0].cells).toMatchObject({ a: '0.333/0.67', calm_confident: '1', herrings: '0' });
    expect(t[1].cells.a).toBe('0.000/1.00');
  });
});
