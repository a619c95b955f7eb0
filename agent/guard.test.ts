/** The guard: cited claims stay (renumbered), uncited causes go, uncited facts are marked. */
import { describe, expect, it } from 'vitest';
import type { Citation } from '../tools/types.js';
import { claimKind, guardAnswer, UNSUPPORTED } from './guard.js';

const c = (id: string, kind: Citation['kind'] = 'evidence'): Citation => ({ id, kind, title: id, ref: `/r/${id}` });
const known = new Map([c('ev_1'), c('ev_2'), c('h_1', 'hypothesis'), c('doc_a#2', 'knowledge'), c('ev_gone')].map((x) => [x.id, x]));
const resolved = new Set(['ev_1', 'ev_2', 'h_1', 'doc_a#2']);

describe('claimKind', () => {
  it.each([
    ['The deploy caused the errors.', 'causal'],
    ['Errors rose because of the cache.', 'causal'],
    ['The 5xx rate is 12%.', 'factual'],
    ['checkout is failing.', 'factual'],
    ['Which incident do you mean?', 'none'],
    ['I found no runbook about that.', 'none'],
    ['No open incident matches "billing".', 'none'],
    ['Hello there.', 'none'],
    ['Runbooks about disk full:', 'none'],
  ])('%s → %s', (s, kind) => expect(claimKind(s)).toBe(kind));
});

describe('guardAnswer', () => {
  it.each([
    ['keeps cited claims and renumbers by first use', 'Errors rose 12% [ev_2]. The deploy caused it [h_1][ev_2].', 'Errors rose 12% [1]. The deploy caused it [2][1].', ['ev_2', 'h_1'], 0, 0],
    ['removes an uncited cause and says so', 'The deploy caused it [h_1]. A cosmic ray caused it.', 'The deploy caused it [1].\n\n(1 statement about causes removed: no stored evidence was cited for it.)', ['h_1'], 1, 0],
    ['marks an uncited fact', 'Latency is 900 ms.', `Latency is 900 ms. ${UNSUPPORTED}`, [], 0, 1],
    ['drops a citation that no longer resolves, then judges the sentence without it', 'The deploy caused it [ev_gone].', '(1 statement about causes removed: no stored evidence was cited for it.)', [], 1, 0],
    ['drops an id no tool returned (a forged citation)', 'The error rate spiked [01JFORGED000000000000000000].', `The error rate spiked. ${UNSUPPORTED}`, [], 0, 1],
    ['keeps list markers and knowledge chunk ids', '1. Rotate the logs, the runbook says [doc_a#2].\n- Which one?', '1. Rotate the logs, the runbook says [1].\n- Which one?', ['doc_a#2'], 0, 0],
    ['leaves bracketed words that are not ids', 'Nothing found for [WARN] lines.', 'Nothing found for [WARN] lines.', [], 0, 0],
  ])('%s', (_n, text, out, ids, removed, unsupported) => {
    const g = guardAnswer(text, known, resolved);
    expect(g.text).toBe(out);
    expect(g.citations.map((x) => x.id)).toEqual(ids);
    expect(g.removed).toHaveLength(removed);
    expect(g.unsupported).toHaveLength(unsupported);
  });
});
