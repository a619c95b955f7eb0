/**
 * Knowledge-base routes (the rules live in usecases/knowledge.ts): POST /v1/docs/upload, GET /v1/docs, GET /v1/docs/:id, POST /v1/docs/sync
 * (a registered folder connector) and GET /v1/search (hybrid retrieval with citations).
 */
import { z } from 'zod';
import type { Embedder } from '../../core/ports/index.js';
import { maskSecrets } from '../../detectors/secrets.js';
import { localEmbedder } from '../../kb/embed.js';
import { DEFAULT_EXTRACT_LIMITS, type ExtractLimits } from '../../kb/extract.js';
import { type IndexResult, KnowledgeBase } from '../../kb/service.js';
import { type Knowledge, getDocument, listDocuments, searchKnowledge, syncFolderConnector, uploadDocument } from '../../usecases/knowledge.js';
import { type ApiDeps, route } from '../context.js';
import { runUseCase } from '../session.js';
import { DocumentView, SearchView, documentView, searchView } from '../views.js';

/**
 * What the knowledge-base routes need beyond ApiDeps: the active embedder (default: the local
 * one) and the document limits. The composition root sets them on the deps object.
 */
export interface KbDeps {
  embedder?: Embedder;
  kbLimits?: ExtractLimits;
}

const services = new WeakMap<ApiDeps, KnowledgeBase>();

/**
 * The knowledge-base service of this API instance: the process's one (`deps.kb`, which the agent's
 * tools share), else one built once per deps object (test servers that bring no kb).
 */
export function kbOf(deps: ApiDeps): KnowledgeBase {
  if (deps.kb) return deps.kb;
  let kb = services.get(deps);
  if (!kb) {
    const extra = deps as ApiDeps & KbDeps;
    kb = new KnowledgeBase({ embedder: extra.embedder ?? localEmbedder(), mask: (t) => maskSecrets(t, deps.masks) });
    services.set(deps, kb);
  }
  return kb;
}

const limitsOf = (deps: ApiDeps): ExtractLimits => (deps as ApiDeps & KbDeps).kbLimits ?? DEFAULT_EXTRACT_LIMITS;
const knowledgeOf = (deps: ApiDeps): Knowledge => ({ kb: kbOf(deps), limits: limitsOf(deps) });

export const UploadResult = z.object({
  doc_id: z.string(),
  title: z.string(),
  path: z.string().nullable(),
  mime: z.string(),
  status: z.enum(['created', 'replaced', 'unchanged']).describe('unchanged: the same content was already indexed with the active model'),
  chunks: z.number().int(),
  duplicate_chunks: z.number().int().describe('Chunks dropped because the document repeats them verbatim'),
  embedded: z.number().int().describe('Vectors computed now; the rest were reused from identical chunks'),
  reused: z.number().int(),
  secrets_masked: z.boolean(),
  model: z.string(),
});
const uploadView = (r: IndexResult, model: string): z.infer<typeof UploadResult> => ({
  doc_id: r.document.id,
  title: r.document.title,
  path: r.document.uri,
  mime: r.document.mime,
  status: r.status,
  chunks: r.chunks,
  duplicate_chunks: r.duplicateChunks,
  embedded: r.embedded,
  reused: r.reused,
  secrets_masked: r.masked,
  model,
});

// ---- routes -------------------------------------------------------------------------------

export const UploadInput = z
  .object({
    title: z.string().min(1).max(500).optional().describe('Default: the document\'s own title (front matter, first heading, HTML <title>, PDF metadata), else the file name'),
    content: z.string().optional().describe('The document as text (Markdown, plain text or HTML)'),
    content_base64: z.string().optional().describe('The document as base64 (any supported type, e.g. PDF)'),
    mime: z.string().max(100).optional().describe('text/markdown, text/plain, text/html or application/pdf; default: from path, else sniffed'),
    path: z.string().min(1).max(1000).optional().describe('Where it lives (path or URL); the identity of the document: uploading the same path again replaces it'),
  })
  .superRefine((b, ctx) => {
    if ((b.content === undefined) === (b.content_base64 === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['content'], message: 'send exactly one of content and content_base64' });
    }
    if (b.content_base64 !== undefined && !/^[A-Za-z0-9+/\s]*={0,2}\s*$/.test(b.content_base64)) {
      ctx.addIssue({ code: 'custom', path: ['content_base64'], message: 'not valid base64' });
    }
  });

export const uploadDocRoute = route({
  method: 'post',
  path: '/v1/docs/upload',
  summary: 'Upload a document (Markdown, text, HTML or PDF) to the knowledge base',
  tag: 'knowledge',
  scope: 'ingest',
  body: UploadInput,
  response: { status: 201, schema: UploadResult, description: 'Indexed (201 when new, 200 when it replaced or matched an earlier upload of the same path or title)' },
  errors: [413],
  // Manual: embedding (a network call with a remote embedder) runs with no transaction open; the
  // document, its chunks and the audit row are written in one short transaction after it.
  transaction: 'manual',
  handler: (ctx) =>
    runUseCase(
      ctx,
      (s) => {
        const { body } = ctx;
        const bytes = body.content !== undefined ? Buffer.from(body.content, 'utf8') : Buffer.from(body.content_base64!, 'base64');
        return uploadDocument(s, knowledgeOf(ctx.deps), { bytes, ...(body.title !== undefined ? { title: body.title } : {}), ...(body.mime !== undefined ? { mime: body.mime } : {}), ...(body.path !== undefined ? { path: body.path } : {}) });
      },
      (r) => ({ status: r.status === 'created' ? 201 : 200, body: uploadView(r, kbOf(ctx.deps).embedder.model) }),
    ),
});

export const listDocsRoute = route({
  method: 'get',
  path: '/v1/docs',
  summary: 'List knowledge-base documents',
  tag: 'knowledge',
  scope: 'read',
  query: z.object({ source: z.string().optional(), limit: z.coerce.number().int().min(1).max(10_000).default(1000) }),
  response: { status: 200, schema: z.object({ documents: z.array(DocumentView) }), description: 'Documents by id' },
  handler: (ctx) => runUseCase(ctx, (s) => listDocuments(s, ctx.query), (docs) => ({ status: 200, body: { documents: docs.map(documentView) } })),
});

export const getDocRoute = route({
  method: 'get',
  path: '/v1/docs/:id',
  summary: 'One knowledge-base document',
  tag: 'knowledge',
  scope: 'read',
  response: { status: 200, schema: DocumentView, description: 'The document' },
  errors: [404],
  handler: (ctx) => runUseCase(ctx, (s) => getDocument(s, ctx.params.id), (d) => ({ status: 200, body: documentView(d) })),
});

export const SyncResult = z.object({
  connector_id: z.string(),
  files: z.number().int(),
  created: z.number().int(),
  replaced: z.number().int(),
  unchanged: z.number().int(),
  removed: z.number().int(),
  chunks: z.number().int(),
  failed: z.array(z.object({ path: z.string(), error: z.string() })),
});

export const syncFolderRoute = route({
  method: 'post',
  path: '/v1/docs/sync',
  summary: 'Index a registered folder connector (kind "folder", config.path on the server)',
  tag: 'knowledge',
  scope: 'admin',
  body: z.object({ connector_id: z.string().min(1) }),
  response: { status: 200, schema: SyncResult, description: 'What changed; unreadable files are listed and the rest indexed' },
  errors: [404],
  // Manual: a sync reads files and embeds for as long as the folder takes; each document is
  // written in its own short transaction as it is ready (a re-run skips what is unchanged), and
  // the summary audit row after them. A sync that fails part-way is audited as such.
  transaction: 'manual',
  handler: (ctx) =>
    runUseCase(ctx, (s) => syncFolderConnector(s, knowledgeOf(ctx.deps), ctx.body.connector_id), (r) => ({
      status: 200,
      body: { connector_id: r.connectorId, files: r.files, created: r.created, replaced: r.replaced, unchanged: r.unchanged, removed: r.removed, chunks: r.chunks, failed: r.failed },
    })),
});

export const SearchQuery = z
  .object({
    q: z.string().max(4000).optional().describe('What to look for: an alert, a question, a log line'),
    incident_id: z.string().optional().describe("Adds the incident's title, service, alert names and error log templates to the query"),
    k: z.coerce.number().int().min(1).max(50).default(8),
  })
  .refine((x) => (x.q !== undefined && x.q.trim() !== '') || x.incident_id !== undefined, { message: 'give q or incident_id', path: ['q'] });

export const searchRoute = route({
  method: 'get',
  path: '/v1/search',
  summary: 'Search the knowledge base (hybrid full-text + vector, one cited hit per document)',
  tag: 'knowledge',
  scope: 'read',
  query: SearchQuery,
  response: { status: 200, schema: SearchView, description: 'Ranked documents, each with its best chunk as a citation' },
  errors: [404],
  handler: (ctx) =>
    runUseCase(ctx, (s) => searchKnowledge(s, kbOf(ctx.deps), { q: ctx.query.q, incidentId: ctx.query.incident_id, k: ctx.query.k }), (r) => ({ status: 200, body: searchView(r, ctx.query.k) })),
});

/** Every knowledge-base route, for the route table (api/routes/index.ts). */
export const KB_ROUTES = [uploadDocRoute, listDocsRoute, getDocRoute, syncFolderRoute, searchRoute];
