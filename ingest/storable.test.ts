/** What the signal store can hold, checked per item on plain data (the store itself: api/routes/signals.test.ts and ingest/edge.fuzz.test.ts). */
import { describe, expect, it } from 'vitest';
import { DEFAULT_SECRET_MASKS } from '../detectors/secrets.js';
import { prepareBatch, truncateText } from './edge.js';
import { isWellFormed, MAX_JSON_CHARS, MAX_JSON_DEPTH, MAX_TS_MS, MIN_TS_MS, storableIssues, toStorableText } from './storable.js';

/** A value with `levels` levels of objects ({} is one level), built without recursion. */
function nested(levels: number): Record<string, unknown> {
  let v: Record<string, unknown> = {};
  for (let i = 1; i < levels; i++) v = { a: v };
  return v;
}

const item = (extra: Record<string, unknown>) => ({ source: 's', kind: 'log', ts: 0, key: 'k', ...extra });
const paths = (x: Record<string, unknown>) => storableIssues(item(x)).map((i) => i.path);

describe('storableIssues', () => {
  it.each<[string, Record<string, unknown>, string[]]>([
    ['a plain good item', { text: 'ok 😀', labels: { service: 'cart' }, meta: { a: [1, 'x', null, true, { b: 2 }] } }, []],
    ['the earliest time kept', { ts: '0100-01-01T00:00:00Z' }, []],
    ['year 99, which the embedded driver reads back as 1999', { ts: '0099-12-31T23:59:59.999Z' }, ['ts']],
    ['the latest time kept, as epoch ms', { ts: MAX_TS_MS }, []],
    ['one ms past the latest', { ts: MAX_TS_MS + 1 }, ['ts']],
    ['past JavaScript’s date range', { ts: 8_640_000_000_000_001 }, ['ts']],
    ['year 0000', { ts: '0000-12-31T23:59:59.999Z' }, ['ts']],
    ['year 10000 reached through an offset', { ts: '9999-12-31T23:30:00-01:00' }, ['ts']],
    ['a lone high surrogate in text', { text: 'a\ud800' }, ['text']],
    ['a lone low surrogate in an id', { id: '\udc00x' }, ['id']],
    ['U+0000 in a key (the identifier)', { key: 'a\u0000b' }, ['key']],
    ['a lone surrogate deep in meta', { meta: { a: [{ b: 'x\udbff' }] } }, ['meta.a.0.b']],
    ['U+0000 in a meta key', { meta: { 'k\u0000': 1 } }, ['meta.k\u0000']],
    ['a lone surrogate in a label key', { labels: { '\ud800': 'v' } }, ['labels.\ud800']],
    [`meta at ${MAX_JSON_DEPTH} levels`, { meta: nested(MAX_JSON_DEPTH) }, []],
    [`meta at ${MAX_JSON_DEPTH + 1} levels`, { meta: nested(MAX_JSON_DEPTH + 1) }, ['meta']],
    ['meta nested 100,000 deep (no stack used)', { meta: nested(100_000) }, ['meta']],
    ['a meta just under the size limit', { meta: { s: 'x'.repeat(MAX_JSON_CHARS - 100) } }, []],
    ['a meta over the size limit', { meta: { s: 'x'.repeat(MAX_JSON_CHARS) } }, ['meta']],
    ['a huge array in meta', { meta: { a: new Array(MAX_JSON_CHARS).fill(0) } }, ['meta']],
    ['values that are not JSON (from a non-HTTP caller)', { meta: { n: Number.NaN, b: 1n, d: new Date(0), f: () => 1 } }, ['meta.n', 'meta.b', 'meta.d', 'meta.f']],
    ['fields of the wrong type (the schema’s to report)', { ts: 'not a time', text: 3, meta: 'x' }, []],
  ])('%s', (_name, extra, want) => {
    expect(paths(extra)).toEqual(want);
  });

  it('walks shared references within the size budget, and a cycle ends at the depth limit', () => {
    let shared: unknown[] = ['leaf'];
    for (let i = 0; i < 30; i++) shared = [shared, shared]; // 2^30 paths, 31 objects
    expect(paths({ meta: { shared } })).toEqual(['meta']);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(storableIssues(item({ meta: cyclic }))[0]).toMatchObject({ path: 'meta', message: expect.stringMatching(/deeper than/) });
  });

  it('keeps the time bounds where Postgres and toISOString agree', () => {
    expect(new Date(MIN_TS_MS).toISOString()).toBe('0100-01-01T00:00:00.000Z');
    expect(new Date(MAX_TS_MS).toISOString()).toBe('9999-12-31T23:59:59.999Z');
    expect(new Date(MAX_TS_MS + 1).toISOString()).toBe('+010000-01-01T00:00:00.000Z');
  });
});

describe('storable text', () => {
  it('tells and mends unpaired surrogates and U+0000, leaving pairs alone', () => {
    expect(isWellFormed('😀 ok')).toBe(true);
    expect(isWellFormed('\ud83d')).toBe(false);
    expect(toStorableText('a\ud800b\u0000c😀\udc00')).toBe('a\ufffdb\ufffdc😀\ufffd');
  });

  it('truncates long text without splitting a surrogate pair', () => {
    const text = `${'x'.repeat(9)}😀${'y'.repeat(10)}`; // the pair sits at 9 and 10
    const cut = truncateText(text, 10);
    expect(isWellFormed(cut)).toBe(true);
    expect(cut).toBe(`${'x'.repeat(9)} …[truncated 12 chars]`);
  });

  it('reports an item’s issues with storable paths, so a reply kept under an Idempotency-Key can hold them', () => {
    const r = prepareBatch([item({ meta: { '\ud800': 'x\udc00' } })], 'o', { newId: () => 'id', masks: DEFAULT_SECRET_MASKS });
    expect(r.rejected[0].errors.map((e) => e.path)).toEqual(['meta.\ufffd', 'meta.\ufffd']); // the key, then its value
    expect(r.rejected[0].errors.every((e) => isWellFormed(e.path) && isWellFormed(e.message))).toBe(true);
  });

  it('costs only the item when reading it throws', () => {
    const hostile = item({});
    Object.defineProperty(hostile, 'meta', { enumerable: true, get: () => { throw new Error('boom'); } });
    const r = prepareBatch([item({ id: 'ok' }), hostile], 'o', { newId: () => 'id', masks: DEFAULT_SECRET_MASKS });
    expect(r.good.map((s) => s.id)).toEqual(['ok']);
    expect(r.rejected).toEqual([{ index: 1, errors: [{ path: '(item)', message: 'could not be read: boom' }] }]);
  });
});
