/**
 * Size bounds for what a model reads: a tool never hands a model megabytes of logs. Long strings
 * are cut, then the largest arrays are halved until the JSON fits; every cut is named so the model
 * (and the person reading the transcript) knows the list is partial.
 */

export const MAX_RESULT_BYTES = 16_000;
export const MAX_STRING_CHARS = 2_000;

const bytes = (v: unknown): number => Buffer.byteLength(JSON.stringify(v) ?? '', 'utf8');

function cutStrings(v: unknown, max: number): unknown {
  if (typeof v === 'string') return v.length > max ? `${v.slice(0, max)}… (${v.length - max} more characters)` : v;
  if (Array.isArray(v)) return v.map((x) => cutStrings(x, max));
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, cutStrings(x, max)]));
  return v;
}

/** The largest array in `v` (by JSON size) with its path, or null. */
function largestArray(v: unknown, path: string[] = []): { path: string[]; arr: unknown[]; size: number } | null {
  let best: { path: string[]; arr: unknown[]; size: number } | null = null;
  const consider = (c: { path: string[]; arr: unknown[]; size: number } | null) => {
    if (c && c.arr.length > 1 && (!best || c.size > best.size)) best = c;
  };
  if (Array.isArray(v)) {
    consider({ path, arr: v, size: bytes(v) });
    v.forEach((x, i) => consider(largestArray(x, [...path, String(i)])));
  } else if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) consider(largestArray(x, [...path, k]));
  }
  return best;
}

/**
 * Cuts `value` to at most `maxBytes` of JSON. Returns the bounded copy and one note per cut
 * ("evidence: kept 12 of 400"). Falls back to a string prefix when no array is left to halve.
 */
export function boundJson(value: unknown, maxBytes = MAX_RESULT_BYTES, maxString = MAX_STRING_CHARS): { value: unknown; notes: string[] } {
  const out = cutStrings(value, maxString);
  const notes: string[] = [];
  const originals = new Map<string, number>();
  while (bytes(out) > maxBytes) {
    const big = largestArray(out);
    if (!big) {
      const text = JSON.stringify(out);
      notes.push(`result: cut to ${maxBytes} bytes of ${text.length}`);
      return { value: text.slice(0, Math.max(0, maxBytes - 200)), notes };
    }
    const key = big.path.join('.') || '(root)';
    if (!originals.has(key)) originals.set(key, big.arr.length);
    big.arr.splice(Math.ceil(big.arr.length / 2));
  }
  for (const [key, n] of originals) notes.push(`${key}: kept ${(pathGet(out, key) as unknown[]).length} of ${n}`);
  return { value: out, notes };
}

function pathGet(v: unknown, key: string): unknown {
  if (key === '(root)') return v;
  return key.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], v);
}
