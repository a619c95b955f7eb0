/**
 * The guard: every causal or factual sentence of an answer must cite a stored row that exists for
 * the org. Models cite with `[rowId]` markers naming a citation a tool returned; the guard keeps
 * markers that resolve, removes a causal sentence without one, marks a factual sentence without
 * one as unsupported, and renumbers the kept markers `[1]`, `[2]`… in the order of the citation list.
 */
import type { Citation } from '../tools/types.js';

export interface GuardResult {
  text: string;
  citations: Citation[];
  /** Causal sentences removed for want of a citation. */
  removed: string[];
  /** Factual sentences kept but marked unsupported. */
  unsupported: string[];
}

const MARKER = /\[([A-Za-z0-9][A-Za-z0-9_.:#/-]{0,127})\]/g;

/** "because", "caused by", "root cause", "led to"…: a sentence that explains why. */
export const CAUSAL = /\b(because|caus(?:e|ed|es|ing)|due to|root[- ]cause|led to|leads? to|result(?:ed|s|ing)? (?:of|from|in)|triggered|owing to|as a result|responsible for|culprit|broke|introduced|explains?)\b/i;

/** Numbers, times and the words of an incident's facts: a sentence that states what is. */
export const FACTUAL =
  /\d|\b(down|failing|failed|fails|degraded|spik\w*|increas\w*|decreas\w*|drop\w*|errors?|latency|deploy\w*|rolled|rollback|timeouts?|saturat\w*|crash\w*|restart\w*|outage|anomal\w*|confidence|severity|sev[0-9]|mitigated|resolved|is open|changed?|evidence|hypothes\w+|runbook|postmortem|says?|recommends?)\b/i;

/** Sentences that claim nothing: questions, absence, what the assistant can or cannot do. */
const NOT_A_CLAIM = /^(?:[-*]\s*)?(?:(?:no|none|nothing|not enough)\b|there (?:is|are) no\b|i (?:found|see|have|could|can|cannot|can't|don't|do not|am|'m)\b|i'm\b|you (?:can|could|may)\b|try\b|ask\b|which\b|(?:answered|note)\b)/i;

/** Splits a line into sentences, keeping each one's trailing markers with it. */
function sentences(line: string): string[] {
  return line.split(/(?<=[.!?](?:\s*\[[^\]]+\])*)\s+(?=[A-Z0-9"'(*_`-])/).filter((s) => s.trim() !== '');
}

/** Classifies a sentence with its markers removed. */
export function claimKind(sentence: string): 'causal' | 'factual' | 'none' {
  const s = sentence.replace(MARKER, '').trim();
  if (s === '' || s.endsWith('?') || s.endsWith(':') || NOT_A_CLAIM.test(s)) return 'none';
  if (CAUSAL.test(s)) return 'causal';
  if (FACTUAL.test(s)) return 'factual';
  return 'none';
}

export const UNSUPPORTED = '(unsupported: no stored evidence cited)';

/**
 * Checks `text` against `known` (citations the tools returned, by id) and `resolved` (ids that
 * exist for this org now). Pure: the resolution is done by the caller.
 */
export function guardAnswer(text: string, known: ReadonlyMap<string, Citation>, resolved: ReadonlySet<string>): GuardResult {
  const order: Citation[] = [];
  const number = new Map<string, number>();
  const removed: string[] = [];
  const unsupported: string[] = [];
  const cite = (id: string): string => {
    if (!number.has(id)) {
      order.push(known.get(id)!);
      number.set(id, order.length);
    }
    return `[${number.get(id)}]`;
  };
  const valid = (id: string) => known.has(id) && resolved.has(id);

  const lines = text.split('\n').map((whole) => {
    // A list marker ("1.", "-") belongs to the line, not to its first sentence.
    const [, lead, line] = /^(\s*(?:\d{1,3}\.|[-*])\s+|\s*)([\s\S]*)$/.exec(whole)!;
    const kept: string[] = [];
    for (const sentence of sentences(line)) {
      const ids = [...sentence.matchAll(MARKER)].map((m) => m[1]).filter(valid);
      const kind = claimKind(sentence);
      if (ids.length === 0 && kind === 'causal') {
        removed.push(sentence.replace(MARKER, '').trim());
        continue;
      }
      // Markers that do not resolve are dropped; the sentence is then judged on what is left.
      let out = sentence.replace(MARKER, (whole, id: string) => (valid(id) ? cite(id) : known.has(id) || /\d|_/.test(id) ? '' : whole)).replace(/\s+([.,;!?])/g, '$1').trimEnd();
      if (ids.length === 0 && kind === 'factual') {
        unsupported.push(out.trim());
        out = `${out} ${UNSUPPORTED}`;
      }
      kept.push(out);
    }
    return kept.length ? lead + kept.join(' ') : '';
  });
  let out = lines.join('\n').replace(/\n{3,}/g, '\n\n').trim();
  if (removed.length) out = [out, `(${removed.length} statement${removed.length === 1 ? '' : 's'} about causes removed: no stored evidence was cited for ${removed.length === 1 ? 'it' : 'them'}.)`].filter(Boolean).join('\n\n');
  return { text: out, citations: order, removed, unsupported };
}
