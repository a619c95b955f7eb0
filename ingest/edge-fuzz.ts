/**
 * A property-based fuzz of the ingest edge over a real org store (issue 18 §1): mixed batches of
 * good items, items with one known flaw, and arbitrary values go through `ingestBatch` inside an
 * idempotent transaction, as the HTTP route runs it (the reply is stored with the writes). Then:
 * every good item is in the store, every flawed one is reported by its index, every arbitrary
 * one is one or the other, and nothing throws. Shared by `ingest/edge.fuzz.test.ts` (a few
 * hundred batches on every `npm test`) and the `ingest-fuzz` eval suite (10,000 in the full tier).
 */
import fc from 'fast-check';
import { MAX_SIGNAL_TEXT, SIGNAL_KINDS, type Signal } from '../core/schemas.js';
import { DEFAULT_SECRET_MASKS } from '../detectors/secrets.js';
import { ingestBatch, type EdgeSignalStore } from './edge.js';
import { MAX_JSON_CHARS, MAX_JSON_DEPTH, MAX_TS_MS, MIN_TS_MS, isWellFormed } from './storable.js';

type Role = 'good' | 'bad' | 'any';
/** One generated item: what it is meant to be, the flaw for a bad one, and the item itself. */
interface Case {
  role: Role;
  why: string;
  item: unknown;
}

const DAY = 86_400_000;

/** Text of whole code points (no unpaired surrogate) of at most `max` UTF-16 units, U+0000 replaced when `nul` is false. */
const wellFormed = (min: number, max: number, nul = true) =>
  fc
    .string({ unit: 'binary', minLength: min, maxLength: Math.max(min, Math.floor(max / 2)) })
    .map((s) => (nul ? s : s.replaceAll('\u0000', '0')))
    .filter((s) => s.length >= min && s.length <= max);

/** ISO-8601 with an offset of ±14 h that names the instant `ms`. */
const isoAt = ({ ms, offMin, frac }: { ms: number; offMin: number; frac: boolean }): string => {
  const local = new Date(ms + offMin * 60_000).toISOString().slice(0, frac ? 23 : 19);
  const a = Math.abs(offMin);
  return `${local}${offMin < 0 ? '-' : '+'}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
};

const goodTs = fc.oneof(
  fc.integer({ min: 0, max: MAX_TS_MS }),
  fc.constantFrom<number | string>(0, MAX_TS_MS, '0100-01-01T00:00:00Z', '9999-12-31T23:59:59.999Z', '0100-01-01T14:00:00+14:00', '9999-12-31T09:59:59.999-14:00'),
  fc.record({ ms: fc.integer({ min: MIN_TS_MS + DAY, max: MAX_TS_MS - DAY }), offMin: fc.integer({ min: -14 * 60, max: 14 * 60 }), frac: fc.boolean() }).map(isoAt),
);

/** Rebuilds a JSON value with U+0000 taken out of its keys (fast-check's keys may hold it; the store refuses it there). */
const noNulKeys = (v: unknown): unknown => {
  if (Array.isArray(v)) return v.map(noNulKeys);
  if (v === null || typeof v !== 'object') return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) Object.defineProperty(out, k.replaceAll('\u0000', '0'), { value: noNulKeys(x), enumerable: true, writable: true, configurable: true });
  return out;
};

/** {a: {a: … {token, note}}} with `levels` levels of objects, the secrets innermost. */
const nested = (levels: number): Record<string, unknown> => {
  let v: Record<string, unknown> = { token: 'abc', note: 'password=hunter2' };
  for (let i = 1; i < levels; i++) v = { a: v };
  return v;
};

const goodMeta = fc.oneof(
  { weight: 8, arbitrary: fc.dictionary(wellFormed(0, 40), fc.jsonValue({ maxDepth: 4, stringUnit: 'binary' })).map((m) => noNulKeys(m) as Record<string, unknown>) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: MAX_JSON_DEPTH }).map(nested) },
);

// Text past the limit, with the cut falling inside a surrogate pair.
const LONG_TEXT = `${'x'.repeat(MAX_SIGNAL_TEXT - 1)}😀 and password=hunter2`;

const goodSignal = fc
  .record(
    {
      kind: fc.constantFrom(...SIGNAL_KINDS),
      source: wellFormed(1, 200, false),
      ts: goodTs,
      key: wellFormed(1, 300, false),
      value: fc.option(fc.double({ noNaN: true, noDefaultInfinity: true })),
      text: fc.option(fc.oneof({ weight: 20, arbitrary: wellFormed(0, 300) }, { weight: 1, arbitrary: fc.constant(LONG_TEXT) })),
      labels: fc.dictionary(wellFormed(0, 40, false), wellFormed(0, 80), { maxKeys: 5 }),
      meta: goodMeta,
    },
    { requiredKeys: ['kind', 'source', 'ts', 'key'] },
  )
  .map((s) => (s.kind === 'metric' && typeof s.value !== 'number' ? { ...s, value: 1 } : s));

const LONE = ['\ud800', '\udbff', '\udc00', '\udfff'];
const TOO_BIG = 'x'.repeat(MAX_JSON_CHARS);

/** One flaw each: what the schema refuses, and what the store would (issue 18's list and its kin). */
const FLAWS: [string, (g: Record<string, unknown>, n: number) => unknown][] = [
  ['ts past year 9999', (g, n) => ({ ...g, ts: MAX_TS_MS + 1 + (n % 1_000_000_000_000) })],
  ['ts 3093527980800000', (g) => ({ ...g, ts: 3_093_527_980_800_000 })],
  ["ts past JavaScript's range", (g, n) => ({ ...g, ts: 8_640_000_000_000_001 + n })],
  ['ts year 0000', (g) => ({ ...g, ts: '0000-01-01T00:00:00Z' })],
  ['ts years 1-99', (g, n) => ({ ...g, ts: `00${String(1 + (n % 99)).padStart(2, '0')}-06-01T00:00:00Z` })],
  ['ts offset into year 0099', (g) => ({ ...g, ts: '0100-01-01T00:00:00+00:01' })],
  ['ts offset into year 10000', (g) => ({ ...g, ts: '9999-12-31T23:59:59-00:01' })],
  ['ts negative', (g, n) => ({ ...g, ts: -1 - n })],
  ['ts not a time', (g) => ({ ...g, ts: 'yesterday' })],
  ['ts fractional', (g) => ({ ...g, ts: 1.5 })],
  ['meta too deep', (g, n) => ({ ...g, meta: nested(MAX_JSON_DEPTH + 1 + (n % 2000)) })],
  ['meta too large', (g) => ({ ...g, meta: { s: TOO_BIG } })],
  ['lone surrogate in meta', (g, n) => ({ ...g, meta: { ...(g.meta as object), zz: { deep: [`a${LONE[n % 4]}b`] } } })],
  ['lone surrogate in a meta key', (g, n) => ({ ...g, meta: { [`k${LONE[n % 4]}`]: 1 } })],
  ['U+0000 in a meta key', (g) => ({ ...g, meta: { 'k\u0000': 1 } })],
  ['lone surrogate in text', (g, n) => ({ ...g, text: `${LONE[n % 4]}${String(g.text ?? '')}` })],
  ['lone surrogate in a label', (g, n) => ({ ...g, labels: { service: `s${LONE[n % 4]}` } })],
  ['lone surrogate in the key', (g, n) => ({ ...g, key: `k${LONE[n % 4]}` })],
  ['U+0000 in the id', (g) => ({ ...g, id: 'a\u0000b' })],
  ['a label that is not text', (g) => ({ ...g, labels: { service: 1 } })],
  ['unknown kind', (g) => ({ ...g, kind: 'trace' })],
  ['metric without value', (g) => ({ ...g, kind: 'metric', value: null })],
  ['value not finite', (g, n) => ({ ...g, value: [Number.NaN, Infinity, -Infinity][n % 3] })],
  ['value as text', (g) => ({ ...g, value: '1' })],
  ['id empty', (g) => ({ ...g, id: '' })],
  ['id too long', (g) => ({ ...g, id: 'i'.repeat(129) })],
  ['source empty', (g) => ({ ...g, source: '' })],
  ['key missing', ({ key: _k, ...g }) => g],
  ['meta a bigint', (g) => ({ ...g, meta: { n: 1n } })],
  ['meta a Date', (g) => ({ ...g, meta: { at: new Date(0) } })],
  ['not an object', (_g, n) => ['signal', 42, null, [], true][n % 5]],
];

/** A lone surrogate now and then among whole code points: for the arbitrary values. */
const anyUnit = fc.oneof({ weight: 15, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) }, { weight: 1, arbitrary: fc.constantFrom(...LONE) });
const anything = fc.anything({ maxDepth: 4, stringUnit: anyUnit, withBigInt: true, withDate: true, withMap: true, withNullPrototype: true, withBoxedValues: true, withSparseArray: true, withTypedArray: true });

/** An item of any shape: mostly signal-like records whose fields may be anything. */
const anyItem = fc.oneof(
  { weight: 1, arbitrary: anything },
  {
    weight: 4,
    arbitrary: fc.record(
      {
        kind: fc.oneof(fc.constantFrom(...SIGNAL_KINDS), anything),
        source: fc.oneof(wellFormed(0, 210), anything),
        ts: fc.oneof(goodTs, fc.integer({ min: -1, max: Number.MAX_SAFE_INTEGER }), anything),
        key: fc.oneof(wellFormed(0, 510), anything),
        value: fc.oneof(fc.double(), anything),
        text: fc.oneof(fc.string({ unit: anyUnit }), anything),
        labels: fc.oneof(fc.dictionary(fc.string({ unit: anyUnit }), fc.string({ unit: anyUnit })), anything),
        meta: fc.oneof(goodMeta, anything),
      },
      { requiredKeys: [] },
    ),
  },
);

const caseArb: fc.Arbitrary<Case> = fc.oneof(
  { weight: 5, arbitrary: goodSignal.map((item): Case => ({ role: 'good', why: 'good', item })) },
  {
    weight: 3,
    arbitrary: fc.record({ g: goodSignal, f: fc.integer({ min: 0, max: FLAWS.length - 1 }), n: fc.nat() }).map(({ g, f, n }): Case => ({ role: 'bad', why: FLAWS[f][0], item: FLAWS[f][1](g as Record<string, unknown>, n) })),
  },
  { weight: 2, arbitrary: anyItem.map((item): Case => ({ role: 'any', why: 'any', item })) },
);

type Reply = { status: number; body: unknown };
/** What the fuzz needs of an org store (an OrgStore is one): the edge's insert, reading back by id, and the idempotent transaction the route runs in. */
export interface FuzzOrg extends EdgeSignalStore {
  getSignals(ids: string[]): Promise<Signal[]>;
  idempotent(req: { key: string; method: string; path: string; requestHash: string }, fn: (tx: FuzzOrg) => Promise<Reply>): Promise<Reply & { replayed: boolean }>;
}

export interface FuzzFigures {
  batches: number;
  items: number;
  good: number;
  goodLost: number;
  bad: number;
  badUnreported: number;
  /** Arbitrary items that were neither stored nor reported. */
  anyLost: number;
  /** Batches where the edge or the store threw. */
  crashes: number;
  /** The first few failures, for a reader. */
  failures: string[];
}

/**
 * Runs `runs` generated batches (1–`maxBatch` items) through the edge on `org`, each in its own
 * idempotent transaction, and counts what the properties above forbid. Never throws for a
 * failed property: the caller asserts on the figures.
 */
export async function fuzzIngestEdge(org: FuzzOrg, o: { runs: number; seed?: number; maxBatch?: number }): Promise<FuzzFigures> {
  const f: FuzzFigures = { batches: 0, items: 0, good: 0, goodLost: 0, bad: 0, badUnreported: 0, anyLost: 0, crashes: 0, failures: [] };
  const fail = (s: string) => void (f.failures.length < 10 && f.failures.push(s));
  let seq = 0;
  const batches = fc.sample(fc.array(caseArb, { minLength: 1, maxLength: o.maxBatch ?? 12 }), { numRuns: o.runs, seed: o.seed ?? 42 });
  for (const cases of batches) {
    const b = ++seq;
    // Every object item gets an id of ours (the flaws above that are about the id keep theirs),
    // so the store can be asked what it holds; a few good ones get none and take a generated one.
    const generated: string[] = [];
    const items = cases.map((c, i) => {
      const own = `fz-${o.seed ?? 42}-${b}-${i}`;
      if (c.item === null || typeof c.item !== 'object' || Array.isArray(c.item)) return c.item;
      const it = c.item as Record<string, unknown>;
      if (c.role === 'bad' && 'id' in it) return it;
      if (c.role === 'good' && i % 5 === 4) return it;
      // A copy keeps the item's own prototype (a null-prototype record stays one).
      return Object.assign(Object.create(Object.getPrototypeOf(it) as object | null) as object, it, { id: own });
    });
    f.batches++;
    f.items += items.length;
    let rejected: Set<number>;
    try {
      const reply = await org.idempotent({ key: `fuzz-${o.seed ?? 42}-${b}`, method: 'POST', path: '/fuzz', requestHash: String(b) }, async (tx) => {
        const r = await ingestBatch(items, {
          org: tx,
          emit: () => Promise.resolve(),
          newId: () => {
            const id = `fz-gen-${o.seed ?? 42}-${b}-${generated.length}`;
            generated.push(id);
            return id;
          },
          clock: { now: () => new Date(0) },
          masks: DEFAULT_SECRET_MASKS,
          limits: { maxBatch: 10_000 },
        });
        return { status: 202, body: { accepted: r.accepted, duplicates: r.duplicates, rejected: r.rejected } };
      });
      const body = reply.body as { rejected: { index: number; errors: { path: string; message: string }[] }[] };
      rejected = new Set(body.rejected.map((x) => x.index));
      for (const x of body.rejected) if (!x.errors.length || !x.errors.every((e) => isWellFormed(e.path + e.message))) fail(`batch ${b}: item ${x.index} reported without a usable reason`);
    } catch (e) {
      f.crashes++;
      fail(`batch ${b}: threw ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)} (${cases.map((c) => c.why).join(', ')})`);
      continue;
    }
    const ownIds = items.map((it, i) => (it !== null && typeof it === 'object' && !Array.isArray(it) && String((it as { id?: unknown }).id) === `fz-${o.seed ?? 42}-${b}-${i}` ? `fz-${o.seed ?? 42}-${b}-${i}` : null));
    let stored: Set<string>;
    try {
      stored = new Set((await org.getSignals([...ownIds.filter((x): x is string => x !== null), ...generated])).map((s) => s.id));
    } catch (e) {
      // Stored but unreadable is lost all the same, and worse: it breaks every read of its neighbours.
      f.crashes++;
      fail(`batch ${b}: reading the batch back threw ${e instanceof Error ? e.message : String(e)}: ${items.map(preview).join(' | ').slice(0, 600)}`);
      continue;
    }
    const storedGenerated = generated.filter((id) => stored.has(id)).length;
    let goodWithoutId = 0;
    cases.forEach((c, i) => {
      const id = ownIds[i];
      if (c.role === 'good') {
        f.good++;
        if (id === null) goodWithoutId++;
        if (rejected.has(i) || (id !== null && !stored.has(id))) {
          f.goodLost++;
          fail(`batch ${b}: good item ${i} was ${rejected.has(i) ? 'rejected' : 'not stored'}: ${preview(items[i])}`);
        }
      } else if (c.role === 'bad') {
        f.bad++;
        if (!rejected.has(i)) {
          f.badUnreported++;
          fail(`batch ${b}: item ${i} (${c.why}) was not reported`);
        }
      } else if (!rejected.has(i) && !(id !== null && stored.has(id))) {
        f.anyLost++;
        fail(`batch ${b}: arbitrary item ${i} was neither stored nor reported: ${preview(items[i])}`);
      }
    });
    if (storedGenerated !== goodWithoutId) {
      f.goodLost += Math.max(0, goodWithoutId - storedGenerated);
      fail(`batch ${b}: ${goodWithoutId} good items without an id, ${storedGenerated} stored under a generated id`);
    }
  }
  return f;
}

const preview = (v: unknown): string => {
  try {
    return (JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? `${x}n` : x)) ?? String(v)).slice(0, 300);
  } catch {
    return String(v).slice(0, 300);
  }
};
