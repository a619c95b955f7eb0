import { describe, expect, it } from 'vitest';
import { DetectorRegistry, seriesId } from './registry.js';

const key = (org: string, service: string, metric = 'latency_p95') => ({ org, service, metric });
const T0 = Date.UTC(2026, 0, 1);

describe('DetectorRegistry', () => {
  it('keeps one detector per (org, service, metric)', () => {
    const r = new DetectorRegistry();
    r.update(key('a', 'cart'), T0, 1);
    r.update(key('b', 'cart'), T0, 1);
    r.update(key('a', 'cart', 'rps'), T0, 1);
    r.update(key('a', 'cart'), T0 + 60_000, 2);
    expect(r.size).toBe(3);
    expect(r.get(key('a', 'cart'))!.count).toBe(2);
    expect(seriesId(key('a', 'b'))).not.toBe(seriesId(key('a\u0000b', '')));
  });

  it('caps the number of series and evicts one not updated since the clock hand passed', () => {
    const r = new DetectorRegistry({ maxSeries: 3 });
    for (const s of ['s1', 's2', 's3']) r.update(key('o', s), T0, 1);
    r.update(key('o', 's1'), T0 + 1, 1); // s1 is in use again
    const d = r.update(key('o', 's4'), T0 + 2, 1);
    expect(d.evicted).toEqual(key('o', 's2'));
    expect(r.size).toBe(3);
    expect(r.get(key('o', 's2'))).toBeUndefined();
    expect(r.get(key('o', 's1'))).toBeDefined();
    expect(d.key).toEqual(key('o', 's4'));
  });

  it('restarts an evicted series in warm-up', () => {
    const r = new DetectorRegistry({ maxSeries: 1 });
    for (let i = 0; i < 300; i++) r.update(key('o', 'a'), T0 + i * 60_000, 1);
    r.update(key('o', 'b'), T0, 1);
    expect(r.update(key('o', 'a'), T0 + 301 * 60_000, 1).status).toBe('warmup');
  });

  it('round-trips through JSON, continuing each series identically', () => {
    const a = new DetectorRegistry({ maxSeries: 10 });
    const feed = (r: DetectorRegistry, from: number, to: number) => {
      const out: number[] = [];
      for (let i = from; i < to; i++) for (const s of ['x', 'y']) out.push(r.update(key('o', s), T0 + i * 60_000, 10 + Math.sin(i / 7) + (i === 900 ? 50 : 0)).score);
      return out;
    };
    feed(a, 0, 800);
    const b = DetectorRegistry.fromJSON(JSON.parse(JSON.stringify(a.toJSON())), { maxSeries: 10 });
    expect(feed(b, 800, 1000)).toEqual(feed(a, 800, 1000));
    expect(b.keys()).toEqual(a.keys());
  });
});
