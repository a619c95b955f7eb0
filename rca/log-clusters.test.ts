import { describe, expect, it } from 'vitest';
import { clusterLogRows, lineShape, shapeHash, type LogRow } from './log-clusters.js';

const tpl = (rows: LogRow[], split = 150_000, to = 200_000) => clusterLogRows(rows, split, to).map((c) => [c.template, c.level, c.countsBefore, c.countsDuring]);

describe('log templates for analysis (the miner of detectors/logs)', () => {
  it('groups lines that differ only in numbers and hex ids, and nothing else', () => {
    expect(lineShape('GET /cart/c0ffee12 200 in 35ms req=9f86d081884c7d65')).toBe(lineShape('GET /cart/deadbe99 200 in 7ms req=0000000000000001'));
    expect(lineShape('retry x1')).not.toBe(lineShape('retry x'));
    // a short mix of letters and digits is not a hex word: its letters stay
    expect(lineShape('cart_3e8x')).not.toBe(lineShape('cart_40dx'));
    expect(lineShape('cart_3e8x')).toBe(lineShape('cart_7e1x'));
    expect(lineShape('cache face hit')).not.toBe(lineShape('cache fade hit'));
    // the hash walk groups as the shapes do (same service and shape ⇔ same hash, on these lines)
    const lines = ['GET /cart/c0ffee12 200 in 35ms', 'GET /cart/deadbe99 200 in 7ms', 'GET /cart/x 200 in 7ms', 'retry x1', 'retry x', 'cache face hit', 'cache fade hit', 'a-1.2.3.4:80 up', 'a-10.0.0.1:8080 up', 'cart_3e8x', 'cart_40dx', 'cart_7e1x', 'id 9f86d08188 ok', 'id 9f86d08188x ok', 'id 1234567890 ok', 'ABCDEF123456'];
    for (const a of lines)
      for (const b of lines) {
        expect(shapeHash('svc', a) === shapeHash('svc', b)).toBe(lineShape(a) === lineShape(b));
        expect(shapeHash('svc', a) === shapeHash('other', b)).toBe(false);
      }
  });

  it('hashes exactly the shape: random lines of hex letters, digits and separators', () => {
    let seed = 12345;
    const rnd = (n: number) => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) % n);
    const alphabet = 'aF0917x_-. z';
    const lines: string[] = [];
    for (let i = 0; i < 400; i++) lines.push(Array.from({ length: 1 + rnd(14) }, () => alphabet[rnd(alphabet.length)]).join(''));
    const byShape = new Map<string, Set<number>>();
    for (const l of lines) {
      const k = lineShape(l);
      if (!byShape.has(k)) byShape.set(k, new Set());
      byShape.get(k)!.add(shapeHash('s', l));
    }
    // one hash per shape, and distinct shapes have distinct hashes
    expect([...byShape.values()].every((h) => h.size === 1)).toBe(true);
    expect(new Set([...byShape.values()].map((h) => [...h][0])).size).toBe(byShape.size);
    expect(byShape.size).toBeLessThan(lines.length); // some lines did share a shape
  });

  it('masks variables into templates and counts lines before and during the split', () => {
    const rows: LogRow[] = [];
    for (let i = 0; i < 40; i++) rows.push({ ts: 100 + i * 2, service: 'cart', message: `GET /v1/carts/${1000 + i * 37} 200 ${i % 7}ms from 10.0.${i}.7 req=${(0x9f86d081 + i * 7919).toString(16)}ab` });
    rows.push({ ts: 170, service: 'cart', message: 'ERROR redis timeout after 500ms on 10.0.0.9:6379' }, { ts: 175, service: 'cart', message: 'ERROR redis timeout after 512ms on 10.0.0.9:6379' });
    const cl = clusterLogRows(rows, 150_000, 200_000);
    expect(cl.map((c) => [c.template, c.level, c.countsBefore, c.countsDuring, c.novel])).toEqual(
      expect.arrayContaining([
        ['GET /v<:NUM:>/carts/<:NUM:> <:NUM:> <:DURATION:> from <:IP:> req=<:HEX:>', null, 25, 15, false],
        ['ERROR redis timeout after <:DURATION:> on <:IP:>', 'error', 0, 2, true],
      ]),
    );
    expect(cl).toHaveLength(2);
    expect(cl.every((c) => c.secondsBefore === 50 && c.secondsDuring === 28)).toBe(true);
  });

  it('clusters the message of JSON and logfmt lines, with the level of their field; levels stay apart', () => {
    const rows: LogRow[] = [
      { ts: 100, service: 'pay', message: '{"time":"2026-01-01T00:00:00Z","level":"error","msg":"charge failed for order 12","trace_id":"abcd1234"}' },
      { ts: 160, service: 'pay', message: '{"time":"2026-01-01T00:01:00Z","level":"info","msg":"charge failed for order 13","trace_id":"abcd1299"}' },
      { ts: 161, service: 'pay', message: 'time=2026-01-01T00:01:01Z level=error msg="charge failed for order 14" trace_id=ffee0011' },
    ];
    expect(tpl(rows)).toEqual(
      expect.arrayContaining([
        ['charge failed for order <:NUM:>', 'error', 1, 1],
        ['charge failed for order <:NUM:>', 'info', 0, 1],
      ]),
    );
    expect(tpl(rows)).toHaveLength(2);
  });

  it('learns every line, so a word that holds nearly all lines stays a constant (an error is not folded into the usual line)', () => {
    const rows: LogRow[] = [];
    for (let i = 0; i < 60; i++) rows.push({ ts: 100 + i, service: 'pay', message: `payment ok id=${1000 + i * 7} in ${i % 9}ms` });
    rows.push({ ts: 170, service: 'pay', message: 'payment failed id=1077 in 5ms' }, { ts: 171, service: 'pay', message: 'payment declined id=1078 in 5ms' }, { ts: 172, service: 'pay', message: 'payment refunded id=1079 in 5ms' });
    expect(tpl(rows).map((x) => x[0]).sort()).toEqual([
      'payment declined id=<:NUM:> in <:DURATION:>',
      'payment failed id=<:NUM:> in <:DURATION:>',
      'payment ok id=<:NUM:> in <:DURATION:>',
      'payment refunded id=<:NUM:> in <:DURATION:>',
    ]);
    // with no dominant word the slot is a variable: one template
    const even: LogRow[] = [];
    for (let i = 0; i < 3; i++) for (const w of ['ok', 'failed', 'declined']) even.push({ ts: 100 + i * 30, service: 'pay', message: `payment ${w} id=${i}` });
    expect(tpl(even)).toEqual([['payment <*> id=<:NUM:>', null, 6, 3]]);
  });

  it('keeps secrets out of templates and exemplars', () => {
    const rows: LogRow[] = [
      { ts: 100, service: 'auth', message: 'login ok password=hunter2 user=bob' },
      { ts: 160, service: 'auth', message: 'login ok password=hunter3 user=bob' },
    ];
    const text = JSON.stringify(clusterLogRows(rows, 150_000, 200_000));
    expect(text).not.toMatch(/hunter/);
    expect(text).toContain('<:SECRET:>');
  });

  it('gives the same templates whatever the order of the lines', () => {
    const rows: LogRow[] = [];
    for (let i = 0; i < 30; i++) {
      rows.push({ ts: 100 + i * 3, service: 'a', message: `served ${i} ads for category=${['toys', 'garden', 'books', 'tools'][i % 4]} in ${i}ms` });
      rows.push({ ts: 101 + i * 3, service: 'b', message: i % 5 ? `GET /item/${i} 200` : `GET /item/${i} 503 upstream unavailable` });
    }
    const ref = clusterLogRows(rows, 150_000, 200_000);
    const shuffled = rows.map((r, i) => [(i * 7919) % 61, r] as const).sort((x, y) => x[0] - y[0]).map(([, r]) => r);
    expect(clusterLogRows(shuffled, 150_000, 200_000)).toEqual(ref);
    expect(clusterLogRows([...rows].reverse(), 150_000, 200_000)).toEqual(ref);
  });

  it('needs lines on both sides of the split', () => {
    expect(clusterLogRows([{ ts: 160, service: 'a', message: 'x 1' }], 150_000, 200_000)).toEqual([]);
  });
});
