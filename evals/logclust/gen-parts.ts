/**
 * What the log generators of the held-out checks (shapes.ts, ops.ts) build with: made-up words
 * from syllables, numbers of 1–6 digits (most small), hex, and the slot/part types of a template.
 * Pure: every value comes from the Rng passed in, so a seed gives the same system everywhere.
 */
import type { Rng } from '../../core/rng.js';

/** One generated system: lines (content only) and the event of each. */
export interface GeneratedSystem {
  name: string;
  lines: string[];
  events: string[];
  templates: number;
}

export type Slot = (r: Rng) => string;
/** A constant word, a key whose value varies (`key: value` or `key=value`), or a variable of one or more tokens. */
export type Part = string | { key: string; value: Slot } | Slot;

const CONSONANTS = 'bcdfghklmnprstvz';
const VOWELS = 'aeiou';
export const pick = <T>(r: Rng, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
export const int = (r: Rng, lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));

export function word(r: Rng, syllables = int(r, 1, 3)): string {
  let w = '';
  for (let i = 0; i < syllables; i++) w += CONSONANTS[Math.floor(r() * CONSONANTS.length)] + VOWELS[Math.floor(r() * VOWELS.length)];
  return r() < 0.3 ? w + CONSONANTS[Math.floor(r() * CONSONANTS.length)] : w;
}

/** 1 to 6 digits, most values small. */
export const num = (r: Rng): string => String(Math.floor(Math.exp(r() * 13)));
export const hex = (r: Rng, n: number): string => {
  let s = '';
  for (let i = 0; i < n; i++) s += '0123456789abcdef'[Math.floor(r() * 16)];
  return s;
};

/** `count` templates from `make`, a quarter of them followed by a near-twin (another event), so over-merging costs. */
export function withTwins<T>(r: Rng, count: number, make: () => T, twin: (t: T) => T | undefined): T[] {
  const templates: T[] = [];
  while (templates.length < count) {
    const t = make();
    templates.push(t);
    if (r() < 0.25) {
      const tw = twin(t);
      if (tw) templates.push(tw);
    }
  }
  return templates;
}

/** A near-twin's parts: one constant word (not the first), or one key, swapped for another; undefined when there is none. */
export function twinParts(r: Rng, parts: readonly Part[]): Part[] | undefined {
  const at = parts.map((p, i) => (i > 0 && (typeof p === 'string' || (typeof p === 'object' && 'key' in p)) ? i : -1)).filter((i) => i > 0);
  if (at.length === 0) return undefined;
  const i = pick(r, at);
  const out = [...parts];
  const p = out[i];
  out[i] = typeof p === 'string' ? word(r, 2) + 'x' : { key: word(r, 2) + 'x', value: (p as { value: Slot }).value };
  return out;
}

/** Shuffles the lines and their events together (Fisher–Yates), so the order of generation says nothing. */
export function shuffleTogether(r: Rng, lines: string[], events: string[]): void {
  for (let i = lines.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [lines[i], lines[j]] = [lines[j], lines[i]];
    [events[i], events[j]] = [events[j], events[i]];
  }
}
