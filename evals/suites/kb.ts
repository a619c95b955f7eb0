/**
 * Runbook retrieval (full tier): the 380 runbooks of ../shared/data/runbooks indexed into an
 * embedded store through the knowledge base, the 54 development queries searched with `query`
 * only (alert summary + description; the alert name is never in it), scored as the data's
 * README does: a hit is any relevant runbook at or above the cut-off; Recall@1, Recall@5 and
 * MRR@10. Rows: the hybrid search the product runs, its two halves alone, the BM25 reference
 * from the README, and the same with an OpenAI-compatible embedder when one is configured.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { createEmbedder } from '../../app/embedder.js';
import { loadConfig } from '../../app/config.js';
import type { Embedder, OrgStore } from '../../core/ports/index.js';
import { DEFAULT_SECRET_MASKS, maskSecrets } from '../../detectors/secrets.js';
import { localEmbedder } from '../../kb/embed.js';
import { DEFAULT_FUSION } from '../../kb/fusion.js';
import { KnowledgeBase } from '../../kb/service.js';
import { openPgliteStore } from '../../store/index.js';
import type { Suite, SuiteResult } from '../harness.js';
import { REPO_ROOT } from '../repo-root.js';

const REPO = REPO_ROOT;
export const DEFAULT_RUNBOOKS_DIR = path.resolve(REPO, '../shared/data/runbooks');

/** The README's BM25 reference (k1 1.2, b 0.75, camelCase splitting), development queries. */
export const BM25_REFERENCE = { recall_at_1: 0.778, recall_at_5: 0.963, mrr_at_10: 0.867 };

/** The runbooks folder: `dataDir` (or its `runbooks/` child), else ../shared/data/runbooks next to the repo. */
export function resolveRunbooksDir(dataDir: string | undefined): string {
  const candidates = dataDir ? [path.resolve(dataDir), path.resolve(dataDir, 'runbooks')] : [DEFAULT_RUNBOOKS_DIR];
  const found = candidates.find((d) => existsSync(path.join(d, 'queries.jsonl')) && existsSync(path.join(d, 'corpus')));
  if (!found) throw new Error(`kb eval: no runbook data in ${candidates.join(' or ')}; pass --data DIR, where DIR holds corpus/<docid>.md and queries.jsonl (e.g. ../shared/data/runbooks)`);
  return found;
}

export interface RunbookQuery {
  id: string;
  query: string;
  relevant: string[];
}

export function loadRunbooks(dir: string): { docs: { docid: string; text: string }[]; queries: RunbookQuery[] } {
  const docs = readdirSync(path.join(dir, 'corpus'))
    .filter((f) => f.endsWith('.md'))
    .sort()
    .map((f) => ({ docid: f.slice(0, -3), text: readFileSync(path.join(dir, 'corpus', f), 'utf8') }));
  const queries = readFileSync(path.join(dir, 'queries.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as RunbookQuery);
  return { docs, queries };
}

export interface RetrievalScores {
  recall_at_1: number;
  recall_at_5: number;
  mrr_at_10: number;
  /** Query ids whose first relevant runbook is not at rank 1, with that rank (0: not in the top 10). */
  misses: { id: string; rank: number }[];
}

/** Scores ranked document lists against the relevance judgements. */
export function scoreRankings(queries: RunbookQuery[], ranked: Map<string, string[]>): RetrievalScores {
  let r1 = 0;
  let r5 = 0;
  let mrr = 0;
  const misses: { id: string; rank: number }[] = [];
  for (const q of queries) {
    const ids = (ranked.get(q.id) ?? []).slice(0, 10);
    const rank = ids.findIndex((d) => q.relevant.includes(d)) + 1;
    if (rank === 1) r1++;
    if (rank >= 1 && rank <= 5) r5++;
    if (rank >= 1) mrr += 1 / rank;
    if (rank !== 1) misses.push({ id: q.id, rank });
  }
  const n = Math.max(queries.length, 1);
  return { recall_at_1: r1 / n, recall_at_5: r5 / n, mrr_at_10: mrr / n, misses };
}

const round = (x: number) => Number(x.toFixed(3));

/** Indexes the corpus with one embedder and scores hybrid, full-text-only and vector-only search. */
async function runWith(embedder: Embedder, docs: { docid: string; text: string }[], queries: RunbookQuery[]) {
  const { store, admin } = await openPgliteStore();
  try {
    await store.createOrg({ id: 'eval', name: 'eval' });
    const org: OrgStore = store.forOrg('eval');
    const kb = new KnowledgeBase({ embedder, mask: (t) => maskSecrets(t, DEFAULT_SECRET_MASKS) });
    const t0 = performance.now();
    let chunks = 0;
    for (const d of docs) {
      const r = await kb.index(org, { text: d.text, layout: 'markdown', mime: 'text/markdown', uri: `${d.docid}.md`, source: 'eval' });
      chunks += r.chunks;
    }
    const indexSeconds = (performance.now() - t0) / 1000;
    await admin.exec('ANALYZE docs, chunks, kb_terms');
    const variants: Record<string, KnowledgeBase> = {
      hybrid: kb,
      'full-text only': new KnowledgeBase({ embedder, fusion: { ...DEFAULT_FUSION, weights: { lexical: 1, vector: 0 } } }),
      'vector only': new KnowledgeBase({ embedder, fusion: { ...DEFAULT_FUSION, weights: { lexical: 0, vector: 1 } } }),
    };
    const out: Record<string, RetrievalScores> = {};
    const latencies: number[] = [];
    for (const [name, v] of Object.entries(variants)) {
      const ranked = new Map<string, string[]>();
      for (const q of queries) {
        const t = performance.now();
        const r = await v.search(org, { q: q.query, k: 10 });
        if (name === 'hybrid') latencies.push(performance.now() - t);
        ranked.set(q.id, r.hits.map((h) => (h.uri ?? '').replace(/\.md$/, '')));
      }
      out[name] = scoreRankings(queries, ranked);
    }
    latencies.sort((a, b) => a - b);
    return { scores: out, chunks, indexSeconds, p50: latencies[Math.floor(latencies.length / 2)] ?? 0 };
  } finally {
    await store.close();
    await admin.close();
  }
}

export const kbSuite: Suite = {
  name: 'kb',
  description: 'runbook retrieval on ../shared/data/runbooks (380 runbooks, 54 alert queries): Recall@1/@5, MRR@10 of hybrid search vs BM25',
  tier: 'full',
  thresholds: [
    { metric: 'recall_at_1', op: '>=', value: 0.85 },
    { metric: 'mrr_at_10', op: '>=', value: 0.9 },
    { metric: 'recall_at_5', op: '>=', value: 0.95 },
  ],
  async run(ctx): Promise<SuiteResult> {
    const dir = resolveRunbooksDir(ctx.dataDir);
    const { docs, queries } = loadRunbooks(dir);
    const rows: SuiteResult['rows'] = [{ system: 'BM25 reference (README)', embedder: '-', R_at_1: BM25_REFERENCE.recall_at_1, R_at_5: BM25_REFERENCE.recall_at_5, MRR_at_10: BM25_REFERENCE.mrr_at_10 }];
    const notes: string[] = [];
    const embedders: Embedder[] = [localEmbedder()];
    let configured: Embedder | null = null;
    try {
      configured = await createEmbedder(loadConfig());
    } catch (e) {
      notes.push(`the configured embedder could not be created: ${(e as Error).message}`);
    }
    if (configured && configured.model !== embedders[0].model) embedders.push(configured);
    else notes.push('no OpenAI-compatible embedder configured (OPENAI_API_KEY / OPENAI_BASE_URL): local embedder only');
    const metrics: Record<string, number> = {};
    for (const e of embedders) {
      const r = await runWith(e, docs, queries);
      for (const [system, s] of Object.entries(r.scores)) {
        rows.push({ system, embedder: e.model, R_at_1: round(s.recall_at_1), R_at_5: round(s.recall_at_5), MRR_at_10: round(s.mrr_at_10) });
      }
      const h = r.scores.hybrid;
      if (e === embedders[0]) {
        Object.assign(metrics, { recall_at_1: round(h.recall_at_1), recall_at_5: round(h.recall_at_5), mrr_at_10: round(h.mrr_at_10), chunks: r.chunks, index_seconds: round(r.indexSeconds), search_p50_ms: round(r.p50) });
      } else {
        Object.assign(metrics, { openai_recall_at_1: round(h.recall_at_1), openai_recall_at_5: round(h.recall_at_5), openai_mrr_at_10: round(h.mrr_at_10) });
      }
      notes.push(`${e.model}: ${docs.length} runbooks → ${r.chunks} chunks in ${r.indexSeconds.toFixed(1)} s; hybrid search p50 ${r.p50.toFixed(1)} ms (PGlite)`);
      notes.push(`${e.model}: hybrid misses at rank 1: ${h.misses.map((m) => `${m.id}@${m.rank || '>10'}`).join(', ') || 'none'}`);
    }
    return { metrics, rows, notes };
  },
};
