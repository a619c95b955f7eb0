/**
 * What the signal store takes, checked on one item before it joins a batch: an item the store
 * would refuse must be refused here, by itself, with a reason, because the whole batch is one
 * insert statement and one bad row would fail it (issue 18). The checks mirror the store:
 * Postgres `timestamptz` parses ISO text of years 1 to 9999 only (and the embedded driver reads
 * back years from 100 on), `text`/`jsonb` refuse lone
 * UTF-16 surrogates, `jsonb` refuses U+0000 in keys, and `JSON.stringify` overflows the stack on
 * deep nesting. Everything is iterative, so no input can exhaust the stack here either.
 */
import type { FieldIssue } from '../core/errors.js';

/**
 * Earliest instant stored. Postgres itself takes year 1 (it has no year 0, and `toISOString` writes
 * earlier years as -00000N), but the embedded store's driver reads years 1 to 99 back as 19xx/20xx
 * or as an invalid date (two-digit-year parsing), which would break every read of such a row.
 */
export const MIN_TS_MS = Date.parse('0100-01-01T00:00:00.000Z');
/** Latest instant stored: from year 10000 on, `toISOString` writes +0YYYYY, which Postgres reads as a bad zone. */
export const MAX_TS_MS = Date.parse('9999-12-31T23:59:59.999Z');
/**
 * Deepest nesting of objects and arrays in `labels` or `meta` (the value itself is level 1).
 * Attributes from OTLP, Kubernetes or a webhook rarely pass 10; 32 leaves room and keeps every
 * recursive reader downstream (JSON.stringify, jsonb, masking) far from its stack limit.
 */
export const MAX_JSON_DEPTH = 32;
/** Largest `labels` or `meta`, in JSON characters (about): text is cut at 64 KiB, attributes get four times that. */
export const MAX_JSON_CHARS = 256 * 1024;
/** Issues reported per item at most: one broken field is enough to act on, a thousand are noise. */
const MAX_ISSUES = 5;

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Whether `s` is valid UTF-16 (no unpaired surrogate), which is what Postgres text can hold. */
export const isWellFormed = (s: string): boolean => !LONE_SURROGATE.test(s);

/**
 * `s` with every unpaired surrogate and U+0000 replaced by U+FFFD: for text the edge itself
 * writes from input (an issue's path names the caller's key), which a reply stored under an
 * Idempotency-Key must be able to hold.
 */
export const toStorableText = (s: string): string => s.replace(new RegExp(`${LONE_SURROGATE.source}|\\u0000`, 'g'), '\ufffd');

/**
 * The reasons the store would refuse this item, by field; empty when it would store it. Checks
 * only fields of the right type (a wrong type is the schema's to report), so a caller runs both.
 */
export function storableIssues(item: unknown): FieldIssue[] {
  if (item === null || typeof item !== 'object' || Array.isArray(item)) return [];
  const it = item as Record<string, unknown>;
  const out: FieldIssue[] = [];
  const ts = tsIssue(it.ts);
  if (ts) out.push({ path: 'ts', message: ts });
  for (const f of ['id', 'source', 'key'] as const) {
    const v = it[f];
    if (typeof v !== 'string') continue;
    if (!isWellFormed(v)) out.push({ path: f, message: 'contains an unpaired UTF-16 surrogate (not valid Unicode)' });
    else if (v.includes('\u0000')) out.push({ path: f, message: 'contains U+0000, which the store cannot keep in an identifier' });
  }
  if (typeof it.text === 'string' && !isWellFormed(it.text)) out.push({ path: 'text', message: 'contains an unpaired UTF-16 surrogate (not valid Unicode)' });
  for (const f of ['labels', 'meta'] as const) {
    if (it[f] !== null && typeof it[f] === 'object') jsonIssues(it[f], f, out);
  }
  return out.slice(0, MAX_ISSUES);
}

/** Why a timestamp the schema accepts (ISO text or epoch ms) cannot be stored, or null. */
export function tsIssue(ts: unknown): string | null {
  let ms: number;
  if (typeof ts === 'number') {
    if (!Number.isInteger(ts)) return null; // the schema's to report
    ms = ts;
  } else if (typeof ts === 'string') {
    ms = Date.parse(ts);
    if (Number.isNaN(ms)) return null; // not a time at all: the schema says so
  } else return null;
  if (ms < MIN_TS_MS) return 'is before 0100-01-01T00:00:00Z, the earliest time the store keeps';
  if (ms > MAX_TS_MS) return 'is after 9999-12-31T23:59:59.999Z, the latest time the store keeps';
  return null;
}

/**
 * Walks a JSON value without recursion and adds what the store would refuse: nesting deeper than
 * MAX_JSON_DEPTH, more than MAX_JSON_CHARS, a value that is not JSON (a function, a bigint, NaN,
 * a Date or other class instance: a non-HTTP caller can hand those in), an unpaired surrogate in
 * a string or key, U+0000 in a key. The size is counted before children are queued, so a huge
 * array or shared references cost at most the budget.
 */
function jsonIssues(root: unknown, rootPath: string, out: FieldIssue[]): void {
  // A node's path is built only when it has an issue: most values never need one.
  type Node = { v: unknown; parent: Node | null; key: string | number; depth: number };
  const pathOf = (n: Node): string => {
    const parts: (string | number)[] = [];
    for (let x: Node | null = n; x; x = x.parent) parts.push(x.key);
    return parts.reverse().join('.');
  };
  const stack: Node[] = [{ v: root, parent: null, key: rootPath, depth: 1 }];
  let chars = 0;
  const over = (): boolean => {
    if (chars <= MAX_JSON_CHARS) return false;
    out.push({ path: rootPath, message: `is larger than ${MAX_JSON_CHARS} characters of JSON` });
    return true;
  };
  while (stack.length > 0 && out.length < MAX_ISSUES) {
    const n = stack.pop()!;
    const v = n.v;
    if (typeof v === 'string') {
      chars += v.length + 2;
      if (!isWellFormed(v)) out.push({ path: pathOf(n), message: 'contains an unpaired UTF-16 surrogate (not valid Unicode)' });
    } else if (typeof v === 'number') {
      chars += 8;
      if (!Number.isFinite(v)) out.push({ path: pathOf(n), message: `${v} is not a JSON number` });
    } else if (typeof v === 'boolean' || v === null) {
      chars += 5;
    } else if (typeof v === 'object') {
      const proto = Object.getPrototypeOf(v);
      if (!Array.isArray(v) && proto !== Object.prototype && proto !== null) {
        out.push({ path: pathOf(n), message: 'is not a JSON value (an instance of a class)' });
        continue;
      }
      if (n.depth > MAX_JSON_DEPTH) {
        out.push({ path: rootPath, message: `nests deeper than ${MAX_JSON_DEPTH} levels of objects and arrays` });
        return;
      }
      if (Array.isArray(v)) {
        chars += 2 + v.length;
        if (over()) return;
        for (let i = v.length - 1; i >= 0; i--) stack.push({ v: v[i], parent: n, key: i, depth: n.depth + 1 });
      } else {
        const keys = Object.keys(v);
        chars += 2;
        for (const k of keys) chars += k.length + 4;
        if (over()) return;
        // Pushed last to first, so they are looked at (and their issues listed) in order.
        for (const k of keys.reverse()) {
          const child: Node = { v: (v as Record<string, unknown>)[k], parent: n, key: k, depth: n.depth + 1 };
          if (!isWellFormed(k)) out.push({ path: pathOf(child), message: 'the key contains an unpaired UTF-16 surrogate (not valid Unicode)' });
          else if (k.includes('\u0000')) out.push({ path: pathOf(child), message: 'the key contains U+0000, which the store cannot keep' });
          stack.push(child);
        }
      }
    } else if (v !== undefined) {
      out.push({ path: pathOf(n), message: `is not a JSON value (a ${typeof v})` });
    }
    if (over()) return;
  }
}
