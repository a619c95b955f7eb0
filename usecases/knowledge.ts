/** Knowledge-base search: runbooks and postmortems with cited snippets (scope `read`). */
import type { KnowledgeBase, SearchResult } from '../kb/service.js';
import { requireScope } from './principal.js';
import type { Session } from './session.js';

/**
 * Hybrid retrieval for a question, an incident (its context becomes the query), or both. The
 * knowledge base is passed in: one per process, built by the composition root with its embedder.
 */
export async function searchKnowledge(s: Session, kb: KnowledgeBase, q: { q?: string; incidentId?: string; k?: number }): Promise<SearchResult> {
  requireScope(s.principal, 'read');
  return kb.search(s.org, q);
}
