/**
 * Secret masking for the log clusterer's hot path, with the same result as detectors/secrets.ts
 * `maskSecrets` but a cheaper test for "no secret here", which is nearly every log line.
 *
 * Why: `maskSecrets` first runs the union of all secret patterns over the text. Several patterns
 * can start at any letter (`\b([a-z][a-z0-9+.-]*://…`, lookbehinds), so the regular-expression
 * engine tries every position of every line; that one scan was the largest single cost of
 * `warroom logs cluster` (a sixth of its time on HDFS). Here each rule's pattern is read once for
 * the literal words that any match must contain (`eyJ`, `://`, `password|…|auth`), and one scan
 * for those words — a literal alternation, which the engine skips through quickly — decides which
 * rules to try at all. A rule is tried exactly as `maskSecrets` tries it (same order, same
 * replacement), and after a replacement the words are looked up again, so the output is the same
 * string. When a pattern cannot be read (a construct the small reader below does not know), the
 * masker falls back to `maskSecrets` itself: unknown never means unmasked.
 */
import { maskSecrets, type CompiledMask } from '../secrets.js';
import { trigramSlot } from './tokenize.js';

/** One of these words must occur in every match (null: unknown, no prefilter possible). */
type Need = string[] | null;

const SYNTAX = new Set([...'^$\\.*+?()[]{}|/']);
const escapeLiteral = (s: string): string => [...s].map((c) => (SYNTAX.has(c) ? `\\${c}` : c)).join('');

/** The better of two needs: the one whose shortest word is longest (fewer false alarms). */
function better(a: Need, b: Need): Need {
  if (a === null) return b;
  if (b === null) return a;
  const shortest = (n: string[]) => Math.min(...n.map((w) => w.length));
  return shortest(b) > shortest(a) ? b : a;
}

/**
 * Reads a JavaScript pattern source and returns words of which every match holds at least one,
 * or null. Deliberately small: literal characters, escapes, classes, groups, lookarounds,
 * alternation and quantifiers; anything else gives null.
 */
export function literalsRequiredBy(source: string): Need {
  let i = 0;
  const fail = (): never => {
    throw new Error('unreadable');
  };
  // Returns the length of a quantifier at i (0 when none) and its minimum.
  const quantifier = (): { len: number; min: number } => {
    const c = source[i];
    let len = 0;
    let min = 1;
    if (c === '*' || c === '?') {
      len = 1;
      min = 0;
    } else if (c === '+') len = 1;
    else if (c === '{') {
      const m = /^\{(\d+)(,\d*)?\}/.exec(source.slice(i));
      if (m) {
        len = m[0].length;
        min = Number(m[1]);
      }
    }
    if (len > 0 && source[i + len] === '?') len++;
    return { len, min };
  };
  // Skips a class; returns its characters when it is a short plain list (`[pousr]`), else null.
  const skipClass = (): string[] | null => {
    const from = ++i; // after [
    if (source[i] === '^') i++;
    // In JavaScript a `]` right after `[` or `[^` closes the class (`[^]` is any character).
    while (i < source.length && source[i] !== ']') i += source[i] === '\\' ? 2 : 1;
    if (i >= source.length) fail();
    const body = source.slice(from, i++);
    return /^[A-Za-z0-9_]{1,8}$/.test(body) ? [...new Set(body)] : null;
  };
  // Alternation up to `)` or the end.
  const disjunction = (): Need => {
    const alts: Need[] = [alternative()];
    while (source[i] === '|') {
      i++;
      alts.push(alternative());
    }
    if (alts.some((a) => a === null)) return null;
    return [...new Set(alts.flat() as string[])];
  };
  const alternative = (): Need => {
    let need: Need = null;
    // The literal text just read, as its few possible spellings (`wr[a]?_` is wr_ or wra_).
    let run: string[] = [''];
    const endRun = () => {
      if (!run.includes('')) need = better(need, [...new Set(run)]);
      run = [''];
    };
    const extend = (chars: string[]) => {
      run = run.flatMap((r) => chars.map((c) => r + c));
      if (run.length > 16) endRun();
    };
    while (i < source.length && source[i] !== '|' && source[i] !== ')') {
      const c = source[i];
      let atom: { literal?: string; chars?: string[]; need?: Need; assertion?: boolean } = {};
      if (c === '(') {
        i++;
        let look = false;
        if (source[i] === '?') {
          const m = /^\?(?::|=|!|<=|<!|<[A-Za-z_$][\w$]*>)/.exec(source.slice(i));
          if (!m) fail();
          look = ['?=', '?!', '?<=', '?<!'].includes(m![0]);
          i += m![0].length;
        }
        const inner = disjunction();
        if (source[i] !== ')') fail();
        i++;
        atom = look ? { assertion: true } : { need: inner };
      } else if (c === '[') {
        const chars = skipClass();
        atom = chars ? { chars } : {};
      } else if (c === '\\') {
        const e = source[i + 1];
        if (e === undefined) fail();
        if (e === 'b' || e === 'B') {
          atom = { assertion: true };
          i += 2;
        } else if ('dDwWsSnrtvf'.includes(e) || (e === '0' && !/\d/.test(source[i + 2] ?? ''))) i += 2;
        else if ('xucpPk'.includes(e)) {
          // Only the well-formed shapes; in a pattern without the u flag a stray `\x` or `\k` is
          // a literal letter, and reading it as an escape would misplace everything after it.
          // (`\0` followed by a digit is an octal escape there: unreadable below.)
          const m = /^\\(?:x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|u\{[0-9a-fA-F]+\}|c[A-Za-z]|[pP]\{[\w=]+\}|k<[A-Za-z_$][\w$]*>)/.exec(source.slice(i));
          if (!m) fail();
          i += m![0].length;
        } else if (e === '0') fail();
        else if (/[1-9]/.test(e)) {
          i += 2;
          while (/\d/.test(source[i] ?? '')) i++;
        } else if (/[A-Za-z]/.test(e)) fail();
        else {
          atom = { literal: e };
          i += 2;
        }
      } else if (c === '^' || c === '$') {
        atom = { assertion: true };
        i++;
      } else if (c === '.' || c === '*' || c === '+' || c === '?' || c === '{' || c === '}' || c === ']') {
        if (c !== '.') fail(); // a stray quantifier or bracket: leave it to the real engine
        i++;
      } else {
        atom = { literal: c };
        i++;
      }
      if (atom.assertion) {
        const q = quantifier();
        if (q.len > 0) fail();
        continue; // zero-width: the run of literal characters goes on across it
      }
      const q = quantifier();
      i += q.len;
      const chars = atom.literal !== undefined ? [atom.literal] : atom.chars;
      if (chars !== undefined && q.len === 0) {
        extend(chars);
        continue;
      }
      // Optional once (`[a]?`): both spellings go on.
      if (chars !== undefined && q.len === 1 && source[i - 1] === '?') {
        extend(['', ...chars]);
        continue;
      }
      if (chars !== undefined && q.min >= 1) extend(chars); // required once, then the run breaks
      endRun();
      if (atom.need !== undefined && q.min >= 1) need = better(need, atom.need);
    }
    endRun();
    return need;
  };
  try {
    const need = disjunction();
    if (i !== source.length) return null;
    return need;
  } catch {
    return null;
  }
}

/** What a secret masker needs: the rules, one scan for all their words, and the rules each word arms. */
interface Plan {
  masks: CompiledMask[];
  words: RegExp;
  rulesOf: Map<string, number>;
  all: number;
}

function planOf(masks: CompiledMask[]): Plan | null {
  // Bits in an int; the `v` flag allows nested classes, which the reader does not follow.
  if (masks.length === 0 || masks.length > 30 || masks.some((m) => m.re.flags.includes('v'))) return null;
  const needs = masks.map((m) => literalsRequiredBy(m.re.source));
  if (needs.some((n) => n === null || n.length === 0 || n.some((w) => w === '' || /[^\x20-\x7e]/.test(w)))) return null;
  const own = new Map<string, number>();
  needs.forEach((n, r) => {
    for (const w of n!) own.set(w.toLowerCase(), (own.get(w.toLowerCase()) ?? 0) | (1 << r));
  });
  // The scan reports the longest word at a position; every word that is a prefix of it is there too.
  const rulesOf = new Map<string, number>();
  for (const w of own.keys()) {
    let bits = 0;
    for (const [p, b] of own) if (w.startsWith(p)) bits |= b;
    rulesOf.set(w, bits);
  }
  // Case-insensitive even for case-sensitive rules: a looser test is still a safe one. With `u`,
  // `/i` folds a few non-ASCII characters onto ASCII (ſ onto s), so the scan folds them too.
  const unicode = masks.some((m) => m.re.unicode);
  const sorted = [...own.keys()].sort((a, b) => b.length - a.length);
  return { masks, words: new RegExp(sorted.map(escapeLiteral).join('|'), unicode ? 'giu' : 'gi'), rulesOf, all: (1 << masks.length) - 1 };
}

/** The rules (bits) whose words occur in `text`. */
function armed(p: Plan, text: string): number {
  let bits = 0;
  const re = p.words;
  re.lastIndex = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    // Lower case of an ASCII word is exact; a Unicode case fold (ſ for s) misses the map and arms every rule.
    bits |= p.rulesOf.get(m[0].toLowerCase()) ?? p.all;
    if (bits === p.all) break;
    // Overlapping: a word may start inside the one just found.
    re.lastIndex = m.index + 1;
  }
  return bits;
}

/**
 * A trigram table for TokenScratch: every word's first three characters (lower case) are marked,
 * so a text with no marked trigram inside a token holds no word and no secret. Null when that
 * cannot be promised: a rule without words (the masker falls back to maskSecrets), a word shorter
 * than three characters or with whitespace in its opening, or the `u` flag (non-ASCII folds).
 */
export function secretTrigramGate(masks: CompiledMask[]): Uint8Array | null {
  const plan = planOf(masks);
  if (plan === null || plan.words.unicode) return null;
  const words = [...plan.rulesOf.keys()];
  if (words.some((w) => w.length < 3 || [...w.slice(0, 3)].some((c) => c.charCodeAt(0) <= 32))) return null;
  const gate = new Uint8Array(1 << 15);
  for (const w of words) gate[trigramSlot(w.charCodeAt(0), w.charCodeAt(1), w.charCodeAt(2))] = 1;
  return gate;
}

/** A function with the result of `maskSecrets(text, masks)`, faster on text with no secret. */
export function createSecretMasker(masks: CompiledMask[]): (text: string) => string {
  const plan = planOf(masks);
  if (plan === null) return (text) => maskSecrets(text, masks);
  return (text) => {
    let bits = armed(plan, text);
    if (bits === 0) return text;
    let out = text;
    for (let r = 0; r < plan.masks.length; r++) {
      if ((bits & (1 << r)) === 0) continue;
      const m = plan.masks[r];
      m.re.lastIndex = 0;
      if (m.re.test(out)) {
        m.re.lastIndex = 0;
        const next = out.replace(m.re, m.replacement);
        // A replacement can bring in words (`<:SECRET:>`) that arm a later rule: look again.
        if (next !== out) {
          out = next;
          bits = armed(plan, out);
        }
      }
    }
    return out;
  };
}
