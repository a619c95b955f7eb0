import { describe, expect, it } from 'vitest';
import type { KbChunkHit } from '../core/ports/index.js';
import { collapseToDocs, fuse } from './fusion.js';

const hit = (docId: string, ord = 0, score = 1): KbChunkHit => ({
  chunkId: `${docId}#${ord}`, docId, title: docId, uri: null, ord, text: '', headingPath: [], lineStart: 1, lineEnd: 1, score,
});

describe('fusion', () => {
  it('collapses a chunk ranking to documents, keeping the best chunk', () => {
    expect(collapseToDocs([hit('a', 2), hit('b'), hit('a', 0), hit('c')]).map((h) => h.chunkId)).toEqual(['a#2', 'b#0', 'c#0']);
  });

  it('reciprocal rank fusion: agreement wins, ties break by id, scores scale to (0, 1]', () => {
    const out = fuse({ lexical: [hit('a'), hit('b'), hit('c')], vector: [hit('b'), hit('a'), hit('d')] }, { k: 60, weights: { lexical: 1, vector: 1 } });
    expect(out.map((d) => d.docId)).toEqual(['a', 'b', 'c', 'd']);
    expect(out[0].score).toBeCloseTo((1 / 61 + 1 / 62) / (2 / 61), 10);
    expect(out[0].ranks).toEqual({ lexical: 1, vector: 2 });
    expect(out[3].ranks).toEqual({ vector: 3 });
    const top = fuse({ lexical: [hit('x')], vector: [hit('x')] });
    expect(top[0].score).toBeCloseTo(1, 12);
  });

  it('cites the chunk from the list where the document ranks best', () => {
    const out = fuse({ lexical: [hit('z'), hit('a', 3)], vector: [hit('a', 5)] });
    expect(out.find((d) => d.docId === 'a')!.chunk.chunkId).toBe('a#5');
  });

  it('weights lists, and copes with empty ones', () => {
    const out = fuse({ lexical: [hit('a')], vector: [hit('b')] }, { k: 60, weights: { lexical: 1, vector: 2 } });
    expect(out.map((d) => d.docId)).toEqual(['b', 'a']);
    expect(fuse({ lexical: [], vector: [] })).toEqual([]);
    expect(fuse({ lexical: [hit('a')], vector: [] })[0].score).toBeCloseTo(1, 12);
  });
});
