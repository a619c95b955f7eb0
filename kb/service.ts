/**
 * The knowledge base as the API, the CLI and the agent use it: index a document (mask secrets,
 * chunk along headings, de-duplicate, embed, store atomically) and search (full-text and vector
 * candidates from the store, fused by reciprocal rank, one hit per document with its citation).
 * It reaches the database only through the OrgStore port; the embedder is passed in.
 */
import { AppError } from '../core/errors.js';
import type { Embedder, KbChunkInput, KbDocument, KbEmbedding, KbIncidentContext, OrgStore } from '../core/ports/index.js';
import { type ChunkOptions, chunkDocument, contentHash } from './chunk.js';
import { DEFAULT_FUSION, type FusionOptions, fuse } from './fusion.js';
import { analysisContext } from './incident-context.js';
import { buildQuery, snippet } from './query.js';
import { identifierWords, splitIdentifiers } from './text.js';

export interface IndexInput {
  /** Stable identity: re-indexing the same id replaces the document. Default: derived from uri, else title, else content. */
  id?: string;
  /** Falls back to the document's own title (front matter, first H1), then the uri's file name. */
  title?: string | null;
  text: string;
  layout: 'markdown' | 'text';
  mime: string;
  uri?: string | null;
  source: string;
  bytes?: number;
  meta?: Record<string, unknown>;
  /** PDFs: the first line of each page, to name the page in the heading path. */
  pageLines?: number[] | null;
}

/** A document masked, chunked and embedded, not yet written (see `prepare`). */
export interface PreparedDocument {
  document: Parameters<OrgStore['kbPutDocument']>[0];
  rows: KbChunkInput[];
  duplicateChunks: number;
  embedded: number;
  masked: boolean;
}

export interface IndexResult {
  document: KbDocument;
  status: 'created' | 'replaced' | 'unchanged';
  chunks: number;
  /** Chunks dropped because the document repeats them verbatim. */
  duplicateChunks: number;
  /** Vectors computed by the embedder (the rest were reused from identical chunks). */
  embedded: number;
  reused: number;
  /** Whether masking changed the text (a secret was found). */
  masked: boolean;
}

export interface Citation {
  docId: string;
  title: string;
  uri: string | null;
  chunkId: string;
  headingPath: string[];
  lineStart: number;
  lineEnd: number;
  snippet: string;
  /** Fused score in (0, 1]. */
  score: number;
  /** Where the document ranked in each candidate list (absent: not in that list). */
  ranks: { lexical?: number; vector?: number };
}

export interface SearchResult {
  query: string;
  terms: string[];
  model: string;
  /** true when vectors were compared exhaustively (no pgvector on this server). */
  exact: boolean;
  incident: { id: string; service: string; alerts: string[]; templates: string[] } | null;
  hits: Citation[];
}

export interface KnowledgeBaseOptions {
  embedder: Embedder;
  /** Secret masking applied to the text before anything is chunked or stored. */
  mask?: (text: string) => string;
  chunking?: Partial<ChunkOptions>;
  fusion?: FusionOptions;
  /** Candidates fetched per list (at least 5 × k). */
  candidates?: number;
  /** Most chunks one document may have. */
  maxChunks?: number;
}

const sha = (s: string): string => contentHash(s);

/** A document id from its identity (uri, else title): the same path re-uploaded replaces the old version. */
export function docIdFor(identity: string): string {
  return `doc_${sha(identity).slice(0, 24)}`;
}

/** What the embedder sees for a chunk: the title and heading path give a short section its context. */
export function embeddingInput(title: string, headingPath: string[], text: string): string {
  const path = headingPath.filter((h) => h !== title);
  return `${title}${path.length ? `\n${path.join(' > ')}` : ''}\n\n${text}`;
}

/** Full-text inputs of the title (weight A) and the headings below it (weight B). */
export function lexicalFields(title: string, headingPath: string[]): { lexicalTitle: string; lexicalHeadings: string } {
  return { lexicalTitle: identifierWords(title), lexicalHeadings: splitIdentifiers(headingPath.filter((h) => h !== title).join('\n')) };
}

const basename = (p: string): string => p.split(/[\\/]/).pop()!.replace(/\.[A-Za-z0-9]+$/, '');

export class KnowledgeBase {
  readonly embedder: Embedder;
  private readonly mask: (t: string) => string;
  private readonly fusion: FusionOptions;

  constructor(private readonly opts: KnowledgeBaseOptions) {
    this.embedder = opts.embedder;
    this.mask = opts.mask ?? ((t) => t);
    this.fusion = opts.fusion ?? DEFAULT_FUSION;
  }

  /** Embeds texts in batches of the embedder's size; each vector labelled with model and dimension. */
  async embedAll(texts: string[]): Promise<KbEmbedding[]> {
    const out: KbEmbedding[] = [];
    const e = this.embedder;
    for (let i = 0; i < texts.length; i += e.maxBatch) {
      const vs = await e.embed(texts.slice(i, i + e.maxBatch));
      for (const v of vs) {
        if (v.length !== e.dim) throw new Error(`embedder ${e.model} returned ${v.length} dimensions, expected ${e.dim}`);
        out.push({ model: e.model, dim: e.dim, vector: v });
      }
    }
    return out;
  }

  /** Indexes one document (see the module comment). Identical content already indexed with this model is left alone. */
  async index(org: OrgStore, input: IndexInput): Promise<IndexResult> {
    const p = await this.prepare(org, input);
    return 'unchanged' in p ? p.unchanged : this.store(org, p);
  }

  /**
   * The slow half of `index`, with no writes: masking, chunking and embedding (a remote embedder
   * is a network call; keep it out of any transaction). `store` writes the result in one call.
   */
  async prepare(org: OrgStore, input: IndexInput): Promise<PreparedDocument | { unchanged: IndexResult }> {
    const normalized = input.text.replace(/\r\n?/g, '\n');
    const masked = this.mask(normalized);
    const wasMasked = masked !== normalized;
    const parsed = chunkDocument(masked, input.layout, this.opts.chunking);
    const named = input.title?.trim() || parsed.title || (input.uri ? basename(input.uri) : '');
    const title = (named || 'Untitled').slice(0, 500);
    const hash = sha(`${title}\n${masked}`);
    // Identity: the path, else the title; a document with neither is identified by its content.
    const id = input.id ?? docIdFor(input.uri ?? (named || `content:${hash}`));
    const model = this.embedder.model;
    const existing = await org.kbGetDocument(id);
    if (existing && existing.contentHash === hash && existing.meta.embed_model === model) {
      return { unchanged: { document: existing, status: 'unchanged', chunks: existing.chunkCount, duplicateChunks: 0, embedded: 0, reused: 0, masked: wasMasked } };
    }
    const seen = new Set<string>();
    const chunks = parsed.chunks.filter((c) => !seen.has(c.contentHash) && (seen.add(c.contentHash), true));
    const max = this.opts.maxChunks ?? 5000;
    if (chunks.length > max) {
      throw new AppError('payload_too_large', `The document makes ${chunks.length} chunks; the limit is ${max}.`, { extra: { limit_chunks: max } });
    }
    const pageOf = (line: number): string | null => {
      const pages = input.pageLines;
      if (!pages || pages.length === 0) return null;
      let p = 0;
      while (p + 1 < pages.length && pages[p + 1] <= line) p++;
      return `page ${p + 1}`;
    };
    const paths = chunks.map((c) => {
      const page = pageOf(c.lineStart);
      return page ? [...c.headingPath, page] : c.headingPath;
    });
    const reuse = await org.kbEmbeddingsByHash(model, chunks.map((c) => c.contentHash));
    const todo = chunks.map((c, i) => ({ c, i })).filter(({ c }) => !reuse.has(c.contentHash));
    const fresh = await this.embedAll(todo.map(({ c, i }) => embeddingInput(title, paths[i], c.text)));
    const vec = new Map<number, KbEmbedding>();
    todo.forEach(({ i }, j) => vec.set(i, fresh[j]));
    const rows: KbChunkInput[] = chunks.map((c, i) => ({
      id: `${id}#${i}`,
      ord: i,
      text: c.text,
      headingPath: paths[i],
      lineStart: c.lineStart,
      lineEnd: c.lineEnd,
      contentHash: c.contentHash,
      ...lexicalFields(title, paths[i]),
      lexicalBody: splitIdentifiers(c.text),
      embedding: vec.get(i) ?? reuse.get(c.contentHash) ?? null,
    }));
    return {
      document: {
        id,
        title,
        source: input.source,
        uri: input.uri ?? null,
        mime: input.mime,
        contentHash: hash,
        bytes: input.bytes ?? Buffer.byteLength(input.text),
        meta: { ...(input.meta ?? {}), embed_model: model, embed_dim: this.embedder.dim, ...(wasMasked ? { masked: true } : {}) },
      },
      rows,
      duplicateChunks: parsed.chunks.length - chunks.length,
      embedded: fresh.length,
      masked: wasMasked,
    };
  }

  /** Writes a prepared document and its chunks (one store call: atomic). */
  async store(org: OrgStore, p: PreparedDocument): Promise<IndexResult> {
    const { document, status } = await org.kbPutDocument(p.document, p.rows);
    return { document, status, chunks: p.rows.length, duplicateChunks: p.duplicateChunks, embedded: p.embedded, reused: p.rows.length - p.embedded, masked: p.masked };
  }

  /** Embeds chunks stored under another model (or none) with the active one; returns how many. */
  async reembed(org: OrgStore, batch = 256): Promise<number> {
    let total = 0;
    for (;;) {
      const todo = await org.kbChunksToEmbed(this.embedder.model, batch);
      if (todo.length === 0) return total;
      const vs = await this.embedAll(todo.map((c) => embeddingInput(c.docTitle, c.headingPath, c.text)));
      const n = await org.kbSetEmbeddings(todo.map((c, i) => ({ id: c.id, embedding: vs[i] })));
      if (n === 0) return total; // rows vanished under us; do not spin
      total += n;
    }
  }

  /**
   * Hybrid search: the best `k` documents for `q`, or for an incident (what its confident
   * analysis found about the cause, else its title, service, alert names and error templates;
   * `q` then narrows it). One citation per document.
   */
  async search(org: OrgStore, opts: { q?: string; incidentId?: string; k?: number }): Promise<SearchResult> {
    const k = Math.min(Math.max(Math.trunc(opts.k ?? 8), 1), 100);
    let ctx: KbIncidentContext | null = null;
    if (opts.incidentId) {
      ctx = await org.kbIncidentContext(opts.incidentId);
      if (!ctx) throw new AppError('not_found', `No incident ${opts.incidentId}.`);
      ctx = { ...ctx, analysis: analysisContext(ctx.analysisResult) };
    }
    const built = buildQuery(opts.q ? this.mask(opts.q) : undefined, ctx);
    if (built.text.trim() === '') throw new AppError('invalid_input', 'Give a query (q) or an incident_id.', { issues: [{ path: 'q', message: 'required without incident_id' }] });
    const [qv] = await this.embedAll([built.text]);
    const limit = Math.max(this.opts.candidates ?? 50, 5 * k);
    const cand = await org.kbSearch({ terms: built.terms, vector: qv, limit });
    const fused = fuse({ lexical: cand.lexical, vector: cand.vector }, this.fusion).slice(0, k);
    return {
      query: built.text,
      terms: built.terms,
      model: this.embedder.model,
      exact: cand.exact,
      incident: ctx ? { id: ctx.incident.id, service: ctx.incident.service, alerts: ctx.alerts, templates: ctx.templates } : null,
      hits: fused.map((d) => ({
        docId: d.docId,
        title: d.chunk.title,
        uri: d.chunk.uri,
        chunkId: d.chunk.chunkId,
        headingPath: d.chunk.headingPath,
        lineStart: d.chunk.lineStart,
        lineEnd: d.chunk.lineEnd,
        snippet: snippet(d.chunk.text, built.text),
        score: Number(d.score.toFixed(6)),
        ranks: d.ranks,
      })),
    };
  }
}
