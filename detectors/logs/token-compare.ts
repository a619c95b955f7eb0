/**
 * How two tokens at one position relate, for the template clusterer (cluster.ts): equal,
 * covered by a wildcard, differing only in variable parts (soft) or in constants (hard), and
 * the template token that covers both. Pure string functions over masked tokens.
 */
import { MASK_PATTERN, isGluedId } from './masking.js';

/** The wildcard the clusterer writes where a template generalises. */
export const WILDCARD = '<*>';

/** tokens[p, p+k) is one bracketed aside holding a variable: `(<:NUM:> KB)`, `[id=<*>]`. */
export function isFragment(tokens: readonly string[], p: number, k: number): boolean {
  const a = tokens[p];
  const z = tokens[p + k - 1];
  const open = a.charCodeAt(0);
  const close = z.charCodeAt(z.length - 1);
  if (!((open === 40 && close === 41) || (open === 91 && close === 93))) return false;
  let v = false;
  for (let i = p; i < p + k; i++) {
    const t = tokens[i];
    // One aside, not two asides or the end of one and the start of another.
    if (i > p && (t.charCodeAt(0) === 40 || t.charCodeAt(0) === 91)) return false;
    if (i < p + k - 1 && (t.endsWith(')') || t.endsWith(']'))) return false;
    v ||= hasVar(t);
  }
  return v;
}

/**
 * The tokens either side of the aside tokens[p, p+k) are values that the masker counts as one
 * run when nothing stands between them (numbers, hex, `-`, letters glued to a number, or the
 * same masked token twice: `<:PATH:> <:PATH:>`), or a template's wildcard, which may stand for
 * such a value.
 */
export function joinsRun(tokens: readonly string[], p: number, k: number): boolean {
  if (p === 0 || p + k >= tokens.length) return false;
  const a = tokens[p - 1];
  const b = tokens[p + k];
  return (runValue(a) && runValue(b)) || (a === b && a.includes('<:'));
}
const runValue = (t: string): boolean => t === NUM || t === HEX || t === '-' || t === WILDCARD || isGluedId(t) || isGluedId(t, WILDCARD);

/**
 * How template `t` fits line `tokens` once a fragment is cut at `p`: `tk` tokens from the
 * template, `lk` from the line (one of them 0). Undefined when a constant differs (or, `strict`,
 * a position is not covered) or no constant is left in common; else the [template, line]
 * positions to generalise.
 */
export function spliceFit(t: readonly string[], tokens: readonly string[], p: number, tk: number, lk: number, strict: boolean): [number, number][] | undefined {
  if (t.length - tk !== tokens.length - lk) return undefined;
  const soft: [number, number][] = [];
  let constant = false;
  for (let ti = 0, li = 0; ti < t.length; ti++, li++) {
    if (ti === p) {
      ti += tk;
      li += lk;
      if (ti >= t.length) break;
    }
    const d = compareToken(t[ti], tokens[li]);
    if (d === EQUAL) constant ||= !hasVar(t[ti]);
    else if (d === SOFT && !strict) soft.push([ti, li]);
    else if (d !== COVERED) return undefined;
  }
  return constant ? soft : undefined;
}

/**
 * How template `t` fits template `c` of the same length the way step 2 fits a line: the
 * positions where they differ only in variable parts (`-` / `<:HEX:>`, `<:NUM:>` / `<:HEX:>`),
 * to widen; undefined when a constant differs or, with a position to widen, none is in common.
 */
export function softFit(t: readonly string[], c: readonly string[]): number[] | undefined {
  if (t.length !== c.length) return undefined;
  const soft: number[] = [];
  let constant = false;
  for (let i = 0; i < t.length; i++) {
    const d = compareToken(t[i], c[i]);
    if (d === EQUAL) constant ||= !hasVar(t[i]);
    else if (d === SOFT) soft.push(i);
    else if (d !== COVERED) return undefined;
  }
  return soft.length === 0 || constant ? soft : undefined;
}

/**
 * Two values that differ in how they were written, not in what they are: an id read as a number
 * in one and as hex in the other (the hex rule needs a letter), or a value and the `-` that stands
 * for it when absent.
 */
export function sameValue(t: string, b: string): boolean {
  if (t === '-' || b === '-') return isPureVar(t === '-' ? b : t);
  return (t.includes(HEX) || b.includes(HEX)) && t.replaceAll(HEX, NUM) === b.replaceAll(HEX, NUM);
}
const NUM = '<:NUM:>';
const HEX = '<:HEX:>';

/** True when template `t` covers `tokens` (wildcards match anything). */
export function covers(t: readonly string[], tokens: readonly string[]): boolean {
  if (t.length !== tokens.length) return false;
  for (let i = 0; i < t.length; i++) if (compareToken(t[i], tokens[i]) > COVERED) return false;
  return true;
}

export const EQUAL = 0;
export const COVERED = 1;
export const SOFT = 2;
export const HARD = 3;
const VAR_RUN = /<:[A-Z0-9_]+:>|<\*>/g;
export const hasVar = (t: string): boolean => t.includes('<:') || t.includes(WILDCARD);
const isPureVar = (t: string): boolean => t === WILDCARD || (t.startsWith('<:') && t.endsWith(':>') && MASK_PATTERN.test(t) && t.indexOf(':>') === t.length - 2);

/**
 * How template token `t` relates to line token `b`: equal; covered by a wildcard (`<*>`, or
 * `rhost=<*>` matching `rhost=x`); a soft difference, where only variable parts differ
 * (`rhost=<:IP:>` / `rhost=<:HOST:>`, `<:HOST:>:<:NUM:>` / `bit.ly:<:NUM:>`, `(<:HOST:>)` / `()`,
 * or either side a bare mask); or a hard difference between constants (`startup` / `shutdown`,
 * `dcbf...<:NUM:>` / `icbi...<:NUM:>`).
 */
export function compareToken(t: string, b: string): number {
  if (t === b) return EQUAL;
  if (t === WILDCARD) return COVERED;
  const tv = hasVar(t);
  const bv = hasVar(b);
  if (tv && t.includes(WILDCARD) && globMatch(t, b)) return COVERED;
  if (!tv && !bv) return HARD;
  if (isPureVar(t) || isPureVar(b)) return SOFT;
  if (tv && bv) {
    const gt = toGlob(t);
    const gb = toGlob(b);
    return gt === gb || globMatch(gt, b) || globMatch(gb, t) || idGlob(gt) === idGlob(gb) || innerGlob(gt) === innerGlob(gb) ? SOFT : HARD;
  }
  // A variable may be empty: `()` against `(<:HOST:>)`.
  return (tv ? t : b).replace(VAR_RUN, '') === (tv ? b : t) ? SOFT : HARD;
}

/**
 * A glob with every run of letters glued to the front of a variable folded into it: `user<*>`,
 * `admin<*>` → `<*>`. Letters written flush against a number (`user123`, `admin7`, `node12`)
 * are the front of one identifier, not a word of the message; a separator (`blk_<*>`,
 * `dcbf....<*>`) keeps the word a constant.
 */
const idGlob = (g: string): string => g.replace(GLUED_ID, WILDCARD).replace(WILDCARD_RUN, WILDCARD);
const GLUED_ID = /[A-Za-z]+<\*>/g;
// Letters and values alternating with no separator (`nvme0n1p2`) are still one identifier.
const WILDCARD_RUN = /(?:<\*>){2,}/g;

/**
 * A glob with every run of letters that stands between two variables inside the token written
 * `#`: `job_<*>_m_<*>` / `job_<*>_r_<*>` → `job_<*>_#_<*>`. Letters enclosed by values in one
 * token (a task kind inside an attempt id) are part of that id, not a word of the message; the
 * letters before the first value (`job_`, `dcbf....`) stay the token's constant name.
 */
const innerGlob = (g: string): string => g.replace(INNER_LETTERS, '<*>$1#');
const INNER_LETTERS = /<\*>([^A-Za-z<]*)[A-Za-z]+(?=[^A-Za-z<]*<\*>)/g;

/**
 * `key=a` beside `key=b`: the same key with another value. When such a slot is found variable
 * (step 3), the key stays in the template: `user=<*>`, not `<*>`.
 */
function sameKey(t: string, b: string): boolean {
  const i = t.indexOf('=');
  return i > 0 && i < t.length - 1 && b.length > i + 1 && b.charCodeAt(i) === 61 && t.startsWith(b.slice(0, i)) && !t.includes('=', i + 1) && !b.includes('=', i + 1);
}

/** Masks and wildcards as `<*>`: `rhost=<:IP:>` → `rhost=<*>`. */
const toGlob = (t: string): string => (hasVar(t) ? t.replace(VAR_RUN, WILDCARD) : t);

/** The template token that covers both `t` and `b`. */
export function generalizeToken(t: string, b: string): string {
  if (isPureVar(t) || isPureVar(b)) return WILDCARD;
  if (sameKey(t, b)) return `${t.slice(0, t.indexOf('=') + 1)}${WILDCARD}`;
  const gt = toGlob(t);
  const gb = toGlob(b);
  if (gt === gb || globMatch(gt, b) || (gt !== t && gt.replaceAll(WILDCARD, '') === b)) return gt;
  if (globMatch(gb, t) || (gb !== b && gb.replaceAll(WILDCARD, '') === t)) return gb;
  return WILDCARD;
}

/** `<*>` inside a template token matches any run of characters (including none). */
function globMatch(t: string, b: string): boolean {
  const parts = t.split(WILDCARD);
  const first = parts[0];
  const last = parts[parts.length - 1];
  if (!b.startsWith(first) || b.length < first.length + last.length || !b.endsWith(last)) return false;
  let at = first.length;
  const end = b.length - last.length;
  for (let i = 1; i < parts.length - 1; i++) {
    const j = b.indexOf(parts[i], at);
    if (j < 0 || j + parts[i].length > end) return false;
    at = j + parts[i].length;
  }
  return true;
}
