/**
 * Whitespace tokenizer with a character-class summary per token. The summary (a bit set: any
 * digit, any letter, and one bit per punctuation mark) lets the masker skip every rule whose
 * required characters a token lacks, without running a regular expression.
 */

/** Appended where a huge line or token list was cut; shaped like a mask so it never reads as a constant word. */
export const TRUNCATION_MARK = '<:TRUNCATED:>';

const DIGIT = 1 << 0;
const LETTER = 1 << 1;
const NON_ASCII = 1 << 26;

/** Every class bit set: a rule with no prefilter. */
export const ALL_CLASSES = (1 << 27) - 1;

// One bit per punctuation mark that a rule may require; rarely useful marks share a bit.
const PUNCT: Record<string, number> = {
  '.': 2, ':': 3, '/': 4, '@': 5, '-': 6, '\\': 7, _: 8, '=': 9, '%': 10, '#': 11, '+': 12, ',': 13,
  '(': 14, ')': 14, '[': 14, ']': 14, '{': 14, '}': 14, "'": 15, '"': 15, '~': 16, $: 17, '&': 18, '*': 19,
  '!': 20, '?': 21, ';': 22, '|': 23, '<': 24, '>': 24, '^': 25, '`': 25,
};

const CLASS = new Int32Array(128);
for (let c = 48; c <= 57; c++) CLASS[c] = DIGIT;
for (let c = 65; c <= 90; c++) CLASS[c] = LETTER;
for (let c = 97; c <= 122; c++) CLASS[c] = LETTER;
for (const [ch, bit] of Object.entries(PUNCT)) CLASS[ch.charCodeAt(0)] = 1 << bit;

/** The class bits of the characters in `chars` ("0" stands for any digit, "a" for any letter). */
export function classBitsOf(chars: string): number {
  return charClassBits(chars, 0, chars.length);
}

/** The class bits of text[start, end). */
export function charClassBits(text: string, start: number, end: number): number {
  let bits = 0;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    bits |= c < 128 ? CLASS[c] : NON_ASCII;
  }
  return bits;
}

/**
 * Calls `each(token, classBits, start)` for every run of non-whitespace in `text`. Whitespace is
 * ASCII space and control characters, which also turns stray NULs and tabs into separators.
 */
export function splitTokens(text: string, each: (token: string, bits: number, start: number) => void): void {
  const n = text.length;
  let i = 0;
  while (i < n) {
    while (i < n && text.charCodeAt(i) <= 32) i++;
    if (i >= n) return;
    const start = i;
    let bits = 0;
    for (; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c <= 32) break;
      bits |= c < 128 ? CLASS[c] : NON_ASCII;
    }
    each(text.slice(start, i), bits, start);
  }
}

/** The whitespace-separated tokens of `text` (no masking). */
export function tokenize(text: string): string[] {
  const out: string[] = [];
  splitTokens(text, (t) => out.push(t));
  return out;
}

/**
 * The slot of three characters in a trigram gate (a 32 Ki-entry table): the low five bits of
 * each, which are the same for a letter in either case, so the gate is case-insensitive for free.
 * Other characters share slots with letters; that only costs a false alarm. TokenScratch.scan
 * computes the same inline, rolling.
 */
export const trigramSlot = (a: number, b: number, c: number): number => ((a & 31) << 10) | ((b & 31) << 5) | (c & 31);

/**
 * Token boundaries and class bits of one text, in reusable typed arrays: the masker's hot path
 * allocates no per-line arrays. (It lives here, next to the class table, because a table read
 * through an import binding is several times slower in a tight loop.)
 *
 * With a `gate` (a trigram table, see secret-scan.ts) the same pass also tells whether any of
 * the table's three-character openings occurs inside a token (`gateHit`): the secret rules then
 * need not scan a line that holds none, which is nearly every line, at a few operations per
 * character instead of a second pass.
 */
export class TokenScratch {
  starts = new Int32Array(256);
  ends = new Int32Array(256);
  classes = new Int32Array(256);
  count = 0;
  gateHit = false;

  constructor(private readonly gate: Uint8Array | null = null) {}

  /** Splits `t` on whitespace into the arrays; returns the class bits of the whole text. */
  scan(t: string): number {
    let count = 0;
    let all = 0;
    const n = t.length;
    const g = this.gate;
    let hit = 0;
    let i = 0;
    while (i < n) {
      while (i < n && t.charCodeAt(i) <= 32) i++;
      if (i >= n) break;
      const start = i;
      let bits = 0;
      // The slot of the last three characters (trigramSlot, rolled), restarted in each token:
      // no trigram spans whitespace. The first two of a token look up partial slots: false alarms only.
      let slot = 0;
      for (; i < n; i++) {
        const c = t.charCodeAt(i);
        if (c <= 32) break;
        bits |= c < 128 ? CLASS[c] : NON_ASCII;
        if (g !== null) {
          slot = ((slot << 5) | (c & 31)) & 0x7fff;
          hit |= g[slot];
        }
      }
      if (count === this.starts.length) this.grow();
      this.starts[count] = start;
      this.ends[count] = i;
      this.classes[count++] = bits;
      all |= bits;
    }
    this.count = count;
    this.gateHit = hit !== 0;
    return all;
  }

  private grow(): void {
    const g = (a: Int32Array) => {
      const b = new Int32Array(a.length * 2);
      b.set(a);
      return b;
    };
    this.starts = g(this.starts);
    this.ends = g(this.ends);
    this.classes = g(this.classes);
  }
}
