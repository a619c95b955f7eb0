/** search_knowledge: runbooks and postmortems, ranked, each hit a cited snippet. */
import { z } from 'zod';
import { searchKnowledge } from '../usecases/knowledge.js';
import { type AgentTool, type Citation, noData, ok, refs, toolError } from './types.js';

const schema = z.object({
  query: z.string().min(1).max(500).optional().describe('What to look for, in words (e.g. "disk full", "rollback checkout"). Give query, incidentId or both.'),
  incidentId: z.string().min(1).max(128).optional().describe("An incident whose service, alerts and log templates become the query: finds its runbooks and similar past postmortems."),
  k: z.number().int().min(1).max(10).default(5).describe('How many documents to return (1–10, default 5).'),
});

export const searchKnowledgeTool: AgentTool<typeof schema> = {
  name: 'search_knowledge',
  description:
    'Search the knowledge base (runbooks, postmortems, wiki pages) and return the best documents with a cited snippet each (title, heading, line range). Use it for runbook and "how do I fix" questions, and with incidentId for similar past incidents. Quote only what the snippets say.',
  schema,
  async handler(ctx, { query, incidentId, k }) {
    if (!query && !incidentId) return toolError('Give query (words to search for), incidentId, or both.');
    if (!ctx.kb) return toolError('The knowledge base is not available in this process.');
    const r = await searchKnowledge(ctx.session, ctx.kb, { q: query, incidentId, k });
    const hits = r.hits.map((h) => ({
      docId: h.docId,
      chunkId: h.chunkId,
      title: h.title,
      heading: h.headingPath.join(' > '),
      lines: `${h.lineStart}-${h.lineEnd}`,
      uri: h.uri,
      snippet: h.snippet,
      score: Number(h.score.toFixed(3)),
    }));
    const citations: Citation[] = r.hits.map((h) => ({
      id: h.chunkId,
      kind: 'knowledge',
      title: `${h.title}${h.headingPath.length ? ` › ${h.headingPath[h.headingPath.length - 1]}` : ''} (lines ${h.lineStart}–${h.lineEnd})`,
      ref: refs.knowledge(h.docId, h.chunkId),
    }));
    const data = { query: r.query, hits };
    return hits.length ? ok(data, citations) : noData(data);
  },
};
