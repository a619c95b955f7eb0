/**
 * MinHash signatures and LSH banding (Broder 1997; Leskovec, Rajaraman & Ullman, "Mining of
 * Massive Datasets", ch. 3): sets with Jaccard similarity J share at least one band with
 * probability 1 - (1 - J^r)^b, so candidates come from a few map lookups instead of a scan.
 */

/** 32-bit FNV-1a of a string, finished with the murmur3 avalanche so nearby strings spread. */
export function hashString(s: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return fmix32(h);
}

/** murmur3's 32-bit finaliser. */
export function fmix32(x: number): number {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Computes MinHash signatures with `hashes` seeded permutations (deterministic: no Rng needed). */
export class MinHasher {
  readonly hashes: number;
  private readonly seeds: Uint32Array;

  constructor(hashes = 32) {
    this.hashes = hashes;
    this.seeds = new Uint32Array(hashes);
    // Fixed seeds from a simple counter through the finaliser: signatures are stable across
    // processes and versions, which snapshots rely on.
    for (let i = 0; i < hashes; i++) this.seeds[i] = fmix32(0x9e3779b9 + i * 0x7f4a7c15);
  }

  /** The signature of a set of features (duplicates do not matter). */
  signature(features: readonly string[]): Uint32Array {
    const sig = new Uint32Array(this.hashes).fill(0xffffffff);
    for (const f of features) {
      const base = hashString(f);
      for (let i = 0; i < this.hashes; i++) {
        const v = fmix32(base ^ this.seeds[i]);
        if (v < sig[i]) sig[i] = v;
      }
    }
    return sig;
  }
}

/** Banded LSH index from signatures to item ids; `bands * rows` must equal the signature length. */
export class LshIndex {
  readonly bands: number;
  readonly rows: number;
  private readonly buckets: Map<number, number[]>[];

  constructor(bands: number, rows: number) {
    if (!Number.isInteger(bands) || !Number.isInteger(rows) || bands < 1 || rows < 1) throw new Error(`LSH needs positive integer bands and rows, got ${bands}×${rows}`);
    this.bands = bands;
    this.rows = rows;
    this.buckets = Array.from({ length: bands }, () => new Map());
  }

  /** One bucket key per band. */
  bandKeys(sig: Uint32Array): number[] {
    const keys = new Array<number>(this.bands);
    for (let b = 0; b < this.bands; b++) {
      let h = 0x9747b28c ^ b;
      for (let r = 0; r < this.rows; r++) h = fmix32(h ^ sig[b * this.rows + r]);
      keys[b] = h;
    }
    return keys;
  }

  /** Adds `id` under the given band keys. */
  insert(id: number, keys: readonly number[]): void {
    for (let b = 0; b < this.bands; b++) {
      const m = this.buckets[b];
      const list = m.get(keys[b]);
      if (list) list.push(id);
      else m.set(keys[b], [id]);
    }
  }

  /** Removes `id` from the buckets it was inserted under. */
  remove(id: number, keys: readonly number[]): void {
    for (let b = 0; b < this.bands; b++) {
      const m = this.buckets[b];
      const list = m.get(keys[b]);
      if (!list) continue;
      const i = list.indexOf(id);
      if (i >= 0) list.splice(i, 1);
      if (list.length === 0) m.delete(keys[b]);
    }
  }

  /** Ids sharing at least one band with `keys`, each once, in insertion order per band. */
  query(keys: readonly number[]): number[] {
    const seen = new Set<number>();
    for (let b = 0; b < this.bands; b++) {
      const list = this.buckets[b].get(keys[b]);
      if (list) for (const id of list) seen.add(id);
    }
    return [...seen];
  }
}
