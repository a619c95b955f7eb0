/**
 * Reciprocal rank fusion of ranked candidate lists at document level (Cormack, Clarke &
 * Büttcher, "Reciprocal Rank Fusion outperforms Condorcet and individual Rank Learning
 * Methods", SIGIR 2009): score(d) = Σ_lists w / (k + rank_d), rank 1-based. Each list is first
 * collapsed to documents (a document's rank is that of its best chunk), so a document with many
 * matching chunks is not counted many times. Pure.
 */
import type { KbChunkHit } from '../core/ports/index.js';

export interface FusionOptions {
  /** RRF constant; 60 in the paper. Smaller values trust the top of each list more. */
  k: number;
  /** Weight per list, by name. */
  weights: Record<string, number>;
}

export const DEFAULT_FUSION: FusionOptions = { k: 60, weights: { lexical: 1, vector: 1 } };

export interface FusedDoc {
  docId: string;
  /** Fused score scaled to (0, 1]: 1 = first in every list. */
  score: number;
  /** The chunk to cite: the best-ranked one across lists (ties go to the earlier list). */
  chunk: KbChunkHit;
  /** 1-based rank of the document in each list where it appears. */
  ranks: Record<string, number>;
  /** The list's own score of the document's best chunk (BM25, cosine). */
  listScores: Record<string, number>;
}

/** Collapses a chunk ranking to a document ranking, keeping each document's best chunk. */
export function collapseToDocs(list: KbChunkHit[]): KbChunkHit[] {
  const seen = new Set<string>();
  const out: KbChunkHit[] = [];
  for (const h of list) {
    if (seen.has(h.docId)) continue;
    seen.add(h.docId);
    out.push(h);
  }
  return out;
}

/** Fuses named chunk rankings into a document ranking, best first (ties: document id). */
export function fuse(lists: Record<string, KbChunkHit[]>, opts: FusionOptions = DEFAULT_FUSION): FusedDoc[] {
  const byDoc = new Map<string, FusedDoc & { raw: number; bestRank: number }>();
  let maxRaw = 0;
  for (const [name, list] of Object.entries(lists)) {
    const w = opts.weights[name] ?? 1;
    if (list.length > 0) maxRaw += w / (opts.k + 1);
    collapseToDocs(list).forEach((h, i) => {
      const rank = i + 1;
      let d = byDoc.get(h.docId);
      if (!d) {
        d = { docId: h.docId, score: 0, chunk: h, ranks: {}, listScores: {}, raw: 0, bestRank: rank };
        byDoc.set(h.docId, d);
      } else if (rank < d.bestRank) {
        d.chunk = h;
        d.bestRank = rank;
      }
      d.ranks[name] = rank;
      d.listScores[name] = h.score;
      d.raw += w / (opts.k + rank);
    });
  }
  return [...byDoc.values()]
    .sort((a, b) => b.raw - a.raw || (a.docId < b.docId ? -1 : a.docId > b.docId ? 1 : 0))
    .map(({ raw, bestRank: _b, ...d }) => ({ ...d, score: maxRaw > 0 ? raw / maxRaw : 0 }));
}
