/**
 * The clusterer's plain-data contracts (detectors/logs/cluster.ts): its settings, what it returns
 * to readers and to `add`'s caller, and its snapshot.
 */
import { z } from 'zod';
import { NoveltyOptions, type ClusterStats } from './stats.js';

/** Clusterer settings (plain data; defaults hold for any log). */
export const ClusterOptions = z.object({
  /** Memory bound: templates kept; the least recently seen are evicted beyond it. */
  maxClusters: z.number().int().min(1).default(10_000),
  /** Exact-key cache entries (keys are a cache: dropping one only costs an LSH lookup). */
  maxKeys: z.number().int().min(1).default(100_000),
  /** MinHash signature length; must equal bands × rows. */
  hashes: z.number().int().min(1).default(32),
  /** LSH bands; 16 bands of 2 rows share a band with probability ≥ 0.98 at Jaccard 0.5. */
  bands: z.number().int().min(1).default(16),
  /** Distinct words needed in one slot before it becomes a variable (see step 3 above). */
  siblingValues: z.number().int().min(2).default(3),
  /**
   * …unless one word holds more than this share of the family's lines: a slot that is nearly
   * always the same word is a constant with rare alternatives (Brain's frequency intuition).
   */
  siblingDominance: z.number().min(0).max(1).default(0.8),
  /** Exemplars kept per template. */
  maxExemplars: z.number().int().min(0).default(3),
  /** Longest exemplar kept, in characters. */
  maxExemplarLength: z.number().int().min(16).default(2_000),
  novelty: NoveltyOptions.default(NoveltyOptions.parse({})),
});
export type ClusterOptions = z.output<typeof ClusterOptions>;

/** A template and its statistics, as returned to readers and stored in snapshots. */
export interface LogCluster extends ClusterStats {
  id: number;
  /** Template tokens: constants, masks such as `<:IP:>`, and `<*>` where lines differed. */
  tokens: string[];
  /** True for lines that could not be parsed: they cluster only with each other. */
  raw: boolean;
}

/** What one `add` did. */
export interface AddResult {
  clusterId: number;
  change: 'created' | 'changed' | 'none';
  /** Ids folded into `clusterId` by this add (they now resolve to it). */
  merged?: number[];
  /** Templates evicted by this add to keep the memory bound. */
  evicted?: LogCluster[];
}

/** Per-line facts for `add`. */
export interface AddMeta {
  /** Event time (ms in the product); defaults to the line's sequence number. Rates (novelty surges) need it. */
  ts?: number;
  level?: string;
  /** Masked text to keep as an exemplar; defaults to the tokens joined by spaces. */
  exemplar?: string;
  /** An unparsable line: clustered only with other unparsable lines. */
  raw?: boolean;
}

/** Plain-data snapshot of a clusterer (JSON-safe). */
export const ClustererSnapshot = z.object({
  version: z.literal(1),
  options: ClusterOptions,
  seq: z.number().int().nonnegative(),
  nextId: z.number().int().positive(),
  clusters: z.array(
    z.object({
      id: z.number().int().positive(),
      tokens: z.array(z.string()),
      raw: z.boolean(),
      count: z.number().int().nonnegative(),
      firstSeen: z.number(),
      lastSeen: z.number(),
      exemplars: z.array(z.string()),
      levels: z.record(z.string(), z.number()),
      createdSeq: z.number().int().nonnegative(),
      lastSeq: z.number().int().nonnegative(),
      rate: z.object({ fast: z.number(), slow: z.number(), at: z.number() }),
    }),
  ),
  aliases: z.array(z.tuple([z.number().int().positive(), z.number().int().positive()])),
});
export type ClustererSnapshot = z.output<typeof ClustererSnapshot>;
