import { describe, expect, it } from 'vitest';
import type { Signal } from '../../core/schemas.js';
import { DetectionEngine } from './engine.js';
import { logTemplateId } from './templates.js';

const T0 = Date.UTC(2026, 2, 2);
let n = 0;
const line = (t: number, service: string, text: string, level?: string): Signal => ({
  id: `l${n++}`,
  orgId: 'o',
  source: 'test',
  kind: 'log',
  ts: new Date(t).toISOString(),
  key: service,
  value: null,
  text,
  labels: { service, ...(level ? { level } : {}) },
  meta: {},
});

describe('log template updates per batch', () => {
  it('counts lines per service and template with their levels, seen times, masked exemplars and novelty', () => {
    const e = new DetectionEngine({ org: 'o' });
    const batch = [
      line(T0 + 2000, 'cart', 'payment declined for order 1234 token=sk_live_abcdefghijklmnop1234', 'error'),
      line(T0, 'cart', 'payment declined for order 77 token=sk_live_zzzzzzzzzzzzzzzz9999', 'warn'),
      line(T0 + 1000, 'cart', 'payment declined for order 9 token=sk_live_qqqqqqqqqqqqqqqq0000', 'error'),
      line(T0 + 500, 'search', 'payment declined for order 5 token=sk_live_wwwwwwwwwwwwwwww1111', 'error'),
    ];
    const { templates } = e.processBatch(batch);
    const cart = templates.find((t) => t.service === 'cart')!;
    const search = templates.find((t) => t.service === 'search')!;
    expect(templates).toHaveLength(2);
    expect(cart).toMatchObject({ count: 3, firstSeen: new Date(T0).toISOString(), lastSeen: new Date(T0 + 2000).toISOString(), levels: { error: 2, warn: 1 }, novel: true });
    expect(search).toMatchObject({ count: 1, levels: { error: 1 } });
    expect(cart.id).not.toBe(search.id);
    expect(cart.exemplars.length).toBeGreaterThan(0);
    expect(cart.exemplars.length).toBeLessThanOrEqual(3);
    for (const t of templates) expect(JSON.stringify([t.template, t.exemplars])).not.toMatch(/sk_live_/);
    // the next batch adds only its own lines, and the template is no longer new
    const next = e.processBatch([line(T0 + 60_000, 'cart', 'payment declined for order 5 token=sk_live_eeeeeeeeeeeeeeee2222', 'error')]).templates;
    expect(next).toEqual([expect.objectContaining({ id: cart.id, count: 1, novel: false })]);
    // a batch without logs touches no template
    expect(e.processBatch([]).templates).toEqual([]);
  });

  it('keeps template ids across a checkpoint and restore of the engine', () => {
    const a = new DetectionEngine({ org: 'o' });
    a.processBatch([line(T0, 'api', 'GET /items/1 200 in 12 ms'), line(T0 + 1, 'api', 'db connection refused to 10.0.0.1:5432', 'error')]);
    const restored = DetectionEngine.fromJSON(JSON.parse(JSON.stringify(a.toJSON())), { org: 'o' });
    const more = [line(T0 + 60_000, 'api', 'db connection refused to 10.0.0.2:5432', 'error'), line(T0 + 60_001, 'api', 'GET /items/2 200 in 15 ms')];
    const fromA = a.processBatch(more).templates;
    const fromRestored = restored.processBatch(more).templates;
    expect(fromRestored).toEqual(fromA);
    expect(fromA.every((t) => !t.novel)).toBe(true);
    expect(new Set(fromA.map((t) => t.id)).size).toBe(2);
    expect(logTemplateId('o', 'api', 1)).not.toBe(logTemplateId('other', 'api', 1));
  });
});
