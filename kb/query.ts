/**
 * Query building and snippets. A search query is a sentence (an alert's summary, a question, a
 * log line), so the full-text side takes its content words as an OR (an AND of all words
 * matches almost nothing). With an incident, its service, alert names and error log templates
 * join the query. Pure.
 */
import type { KbIncidentContext } from '../core/ports/index.js';
import { STOPWORDS, isNoiseToken, terms as contentTerms, words } from './text.js';

/** Most terms sent to full-text search. */
export const MAX_TERMS = 48;

/**
 * Content words of a query for full-text search, in order of first appearance: compound
 * identifiers are kept whole and split; stop words, single characters, bare numbers (sample
 * values such as "15 minutes" or "55.8%") and hash-like ids (`7d9f8b6c5`) are dropped. Stemming is left to the database, which
 * stems the indexed text the same way.
 */
export function lexicalTerms(text: string, max = MAX_TERMS): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const w of words(text)) {
    if (w.length < 2 || STOPWORDS.has(w) || /^\d+$/.test(w) || isNoiseToken(w) || seen.has(w)) continue;
    seen.add(w);
    out.push(w);
    if (out.length >= max) break;
  }
  return out;
}

/** Placeholders that log-template miners put in place of variables (`<*>`, `<:NUM:>`, `{}`…). */
const PLACEHOLDER = /<[^<>\s]{0,20}>|\{\}|%[sdvf]/g;

export interface BuiltQuery {
  /** What is embedded, and shown back as the query. */
  text: string;
  /** Full-text terms. */
  terms: string[];
}

const plainTemplate = (t: string) => t.replace(PLACEHOLDER, ' ').replace(/\s+/g, ' ').trim();

/**
 * The search query for `q`, informed by an incident when one is given (the user's own words
 * first, so they survive the term cap). With a confident stored analysis, what it found makes
 * the query: the blamed service, how its metrics moved, the error lines about it and the
 * correlated change kind. The incident's own title, service, alerts and templates are left out:
 * an incident is opened where customers notice (the entry service), so they describe the symptom
 * every cause shares ("customers see errors and slow pages"), and their generic words (errors,
 * slow) pulled whichever runbook mentions them most above the one about the cause. Without a
 * confident analysis: the title, the service, alert names and error templates.
 */
export function buildQuery(q: string | undefined, ctx?: KbIncidentContext | null): BuiltQuery {
  const parts: string[] = [];
  if (q && q.trim()) parts.push(q.trim());
  const a = ctx?.analysis;
  if (ctx && a) {
    parts.push(a.service, ...a.metrics, ...a.changes, ...a.templates.map(plainTemplate).filter((t) => t.length > 0));
  } else if (ctx) {
    parts.push(ctx.incident.title, ctx.incident.service);
    parts.push(...ctx.alerts);
    parts.push(...ctx.templates.map(plainTemplate).filter((t) => t.length > 0));
  }
  const text = parts.join('\n');
  return { text, terms: lexicalTerms(text) };
}

/**
 * The most telling lines of a chunk, at most `maxChars`: the window of consecutive lines with
 * the most distinct query terms (stemmed), earliest on ties. Keeps the heading line out unless
 * the chunk has nothing else.
 */
export function snippet(text: string, queryText: string, maxChars = 320): string {
  const want = new Set(contentTerms(queryText));
  const lines = text.split('\n');
  const body = lines.length > 1 && /^\s{0,3}#{1,6}\s/.test(lines[0]) ? lines.slice(1) : lines;
  const score = (ls: string[]) => {
    const got = new Set<string>();
    for (const l of ls) for (const t of contentTerms(l)) if (want.has(t)) got.add(t);
    return got.size;
  };
  let best = { from: 0, to: 0, s: -1 };
  for (let i = 0; i < body.length; i++) {
    if (body[i].trim() === '') continue;
    let j = i;
    let size = 0;
    while (j < body.length && size + body[j].length + 1 <= maxChars) size += body[j++].length + 1;
    if (j === i) j = i + 1;
    const s = score(body.slice(i, j));
    if (s > best.s) best = { from: i, to: j, s };
  }
  const out = body
    .slice(best.from, best.to)
    .map((l) => l.trim())
    .filter((l) => l.length > 0)
    .join(' ')
    .replace(/\s+/g, ' ');
  return out.length > maxChars ? `${out.slice(0, maxChars - 1)}…` : out;
}
