/**
 * The local deterministic embedder and vector helpers. The `Embedder` port and the stored
 * dimension are in core/ports/embedder.ts.
 */
import { type Embedder, STORED_DIM } from '../core/ports/index.js';
import { isNoiseToken, terms, words } from './text.js';

/** Scales to unit length (a zero vector stays zero). */
export function normalize(v: number[]): number[] {
  let s = 0;
  for (const x of v) s += x * x;
  if (s === 0) return v;
  const k = 1 / Math.sqrt(s);
  return v.map((x) => x * k);
}

/** Zero-pads a native vector to the stored dimension. */
export function padVector(v: number[], to = STORED_DIM): number[] {
  if (v.length > to) throw new RangeError(`embedding has ${v.length} dimensions; at most ${to} can be stored`);
  if (v.length === to) return v;
  const out = v.slice();
  while (out.length < to) out.push(0);
  return out;
}

/** Cosine similarity of two vectors of equal length. */
export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}

/** 32-bit FNV-1a. */
function fnv1a(s: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

export interface LocalEmbedderOptions {
  dim?: number;
  /** Weight of a word bigram relative to a word. */
  bigramWeight?: number;
  /** Total weight of one word's character n-grams relative to the word itself. */
  charWeight?: number;
  /** Character n-gram sizes. */
  charN?: number[];
}

/**
 * The local default: feature hashing of stemmed words, word bigrams and character n-grams
 * (which catch inflections, compounds and typos that the stemmer misses), with sublinear term
 * frequency and a random sign per feature so that collisions cancel out on average
 * (Weinberger et al., "Feature Hashing for Large Scale Multitask Learning", ICML 2009).
 * Deterministic, no model download, about 20 µs per short text.
 */
export function localEmbedder(opts: LocalEmbedderOptions = {}): Embedder {
  const dim = opts.dim ?? STORED_DIM;
  const bigramWeight = opts.bigramWeight ?? 0.5;
  const charWeight = opts.charWeight ?? 0.6;
  const charN = opts.charN ?? [3, 4, 5];
  const model = `local-hash-v1-d${dim}`;
  const one = (text: string): number[] => {
    const feats = new Map<string, number>();
    const add = (f: string, w: number) => feats.set(f, (feats.get(f) ?? 0) + w);
    const ts = terms(text);
    for (let i = 0; i < ts.length; i++) {
      add(`w:${ts[i]}`, 1);
      if (i + 1 < ts.length) add(`b:${ts[i]} ${ts[i + 1]}`, bigramWeight);
    }
    for (const w of words(text)) {
      if (w.length < 4 || /^\d+$/.test(w) || isNoiseToken(w)) continue;
      const padded = `<${w}>`;
      const grams: string[] = [];
      for (const n of charN) for (let i = 0; i + n <= padded.length; i++) grams.push(padded.slice(i, i + n));
      const each = charWeight / grams.length;
      for (const g of grams) add(`c:${g}`, each);
    }
    const v = new Array<number>(dim).fill(0);
    for (const [f, tf] of feats) {
      const h = fnv1a(f);
      const sign = fnv1a(f, 0x9747b28c) & 1 ? 1 : -1;
      v[h % dim] += sign * (tf <= 1 ? tf : 1 + Math.log(tf)); // sublinear term frequency
    }
    return normalize(v);
  };
  return {
    model,
    dim,
    maxBatch: 1024,
    embed: (texts: string[]) => Promise.resolve(texts.map(one)),
  };
}
