/**
 * Token-position helpers of the clusterer (detectors/logs/cluster.ts): which pairs of tokens step 3
 * may judge as a slot by their values, the head index's key, and the MinHash features. Pure.
 */
import { COVERED, WILDCARD, compareToken, generalizeToken, hasVar } from './token-compare.js';

/** Neither token at `i` holds a variable: two plain words. */
export const plainPair = (t: readonly string[], tokens: readonly string[], i: number): boolean => !hasVar(t[i]) && !hasVar(tokens[i]);

/** `[…]` on both sides: a bracketed tag (a thread, a worker, a component), whatever it holds. */
export const isTag = (t: string): boolean => t.length > 2 && ((t.charCodeAt(0) === 91 && t.charCodeAt(t.length - 1) === 93) || (t.charCodeAt(0) === 123 && t.charCodeAt(t.length - 1) === 125));
export const tagPair = (t: readonly string[], tokens: readonly string[], i: number): boolean => isTag(t[i]) && isTag(tokens[i]);
/**
 * Two tokens that each hold a variable and are written alike but for their words: the same
 * punctuation around the same variables (`sepe-<:NUM:>:<:NUM:>` / `heda-<:NUM:>:<:NUM:>`, a host
 * and port; `job_<:NUM:>_m` / `job_<:NUM:>_r`). Such a token is one value with a name in it, so
 * whether it varies is decided by its values, as for a plain word, not by its letters alone.
 */
export const shapePair = (t: readonly string[], tokens: readonly string[], i: number): boolean => {
  const a = t[i];
  const b = tokens[i];
  return hasVar(a) && hasVar(b) && a !== WILDCARD && b !== WILDCARD && skeleton(a) === skeleton(b);
};
/** A token with every variable written `*` and every run of letters `a`: its punctuation and where its values sit. */
const skeleton = (t: string): string => t.replace(VARS, '*').replace(LETTERS, 'a');
const VARS = /<:[A-Z0-9_]+:>|<\*>/g;
const LETTERS = /[A-Za-z]+/g;

/**
 * A slot step 3 may judge by its values: two plain words, two bracketed tags, or two tokens of one
 * shape holding variables; `key=value` words only under the same key (`size=3` / `count=3` are
 * two fields, however their values vary).
 */
export const slotPair = (t: readonly string[], tokens: readonly string[], i: number): boolean => (plainPair(t, tokens, i) || tagPair(t, tokens, i) || shapePair(t, tokens, i)) && keyOf(t[i]) === keyOf(tokens[i]);
/** The `key=` that opens a token, or '' when none does. */
export const keyOf = (t: string): string => {
  const i = t.indexOf('=');
  return i > 0 && KEY.test(t.slice(0, i)) ? t.slice(0, i) : '';
};
// A key is a name: `{a=1, b=2}` and `[x=3]` open with a bracket, not a key.
const KEY = /^[A-Za-z0-9_.-]+$/;

export const headKey = (len: number, first: string | undefined, raw: boolean): string => `${raw ? 'r' : ''}${len}\u0001${first ?? ''}`;

/** MinHash features: each token tagged with its position (templates compare position by position), plus the length. */
export function features(tokens: readonly string[], raw: boolean): string[] {
  const f: string[] = [raw ? `#raw${tokens.length}` : `#${tokens.length}`];
  for (let i = 0; i < tokens.length; i++) if (tokens[i] !== WILDCARD) f.push(`${i}\u0001${tokens[i]}`);
  return f;
}

/** The template that covers the members' tokens (oldest first) and the line's: what a family merges into. */
export function widened(members: readonly { id: number; tokens: string[] }[], tokens: readonly string[]): string[] {
  const sorted = [...members].sort((a, b) => a.id - b.id);
  const out = [...(sorted[0]?.tokens ?? tokens)];
  for (const m of [...sorted.slice(1).map((c) => c.tokens), tokens]) {
    for (let i = 0; i < out.length; i++) if (compareToken(out[i], m[i]) > COVERED) out[i] = generalizeToken(out[i], m[i]);
  }
  return out;
}

/** Some token is a constant (or the template is one token): a template of wildcards only would take any line of its length. */
export const hasConstant = (t: readonly string[]): boolean => t.length < 2 || t.some((x) => !hasVar(x));
