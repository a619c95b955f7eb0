/**
 * The knowledge base: upload a document, index a registered folder, list and read documents,
 * search with citations. The knowledge base itself (its embedder) and the extraction limits are
 * passed in: one per process, built by the composition root.
 */
import { AppError } from '../core/errors.js';
import type { KbDocument } from '../core/ports/index.js';
import { maskSecrets } from '../detectors/secrets.js';
import { type ExtractLimits, extractDocument } from '../kb/extract.js';
import { type FolderSyncResult, syncFolder } from '../kb/io/folder.js';
import type { IndexResult, KnowledgeBase, SearchResult } from '../kb/service.js';
import { actorOf, requireScope } from './principal.js';
import type { Session } from './session.js';

export interface Knowledge {
  kb: KnowledgeBase;
  limits: ExtractLimits;
}

export interface UploadRequest {
  /** Default: the document's own title, else the file name. */
  title?: string;
  bytes: Buffer;
  mime?: string;
  /** The document's identity: uploading the same path again replaces it. */
  path?: string;
}

/**
 * Extracts, chunks and embeds a document with no transaction open (embedding may be a network
 * call), then stores it with its audit entry in the session's commit (scope `ingest`).
 */
export async function uploadDocument(s: Session, k: Knowledge, input: UploadRequest): Promise<IndexResult> {
  requireScope(s.principal, 'ingest');
  const ex = await extractDocument({ bytes: input.bytes, mime: input.mime, path: input.path }, k.limits);
  const prepared = await k.kb.prepare(s.org, {
    title: input.title ?? ex.title,
    text: ex.text,
    layout: ex.layout,
    mime: ex.mime,
    uri: input.path ?? null,
    source: 'upload',
    bytes: input.bytes.length,
    pageLines: ex.pageLines,
  });
  return s.commit(async ({ org }) => {
    const r = 'unchanged' in prepared ? prepared.unchanged : await k.kb.store(org, prepared);
    if (r.status !== 'unchanged') {
      await org.appendAudit({
        actor: actorOf(s.principal),
        action: 'kb.document.indexed',
        target: `doc:${r.document.id}`,
        payload: { title: r.document.title, path: r.document.uri, status: r.status, chunks: r.chunks, secrets_masked: r.masked },
      });
    }
    return r;
  });
}

/**
 * Indexes a registered folder connector (scope `admin`). Each document is written in its own
 * short transaction as it is ready (a re-run skips what is unchanged), the summary audit entry in
 * the session's commit; a sync that fails part-way is audited as such.
 */
export async function syncFolderConnector(s: Session, k: Knowledge, connectorId: string): Promise<FolderSyncResult & { connectorId: string }> {
  requireScope(s.principal, 'admin');
  const actor = actorOf(s.principal);
  const c = (await s.org.listConnectors()).find((x) => x.id === connectorId);
  if (!c) throw new AppError('not_found', `No connector ${connectorId}.`);
  const path = c.config.path;
  if (c.kind !== 'folder' || typeof path !== 'string' || path.length === 0) {
    throw new AppError('invalid_input', 'The connector must be of kind "folder" with a config.path.', { issues: [{ path: 'connector_id', message: 'not a folder connector' }] });
  }
  let r: FolderSyncResult;
  try {
    r = await syncFolder(k.kb, s.org, path, { name: c.id, limits: k.limits });
  } catch (e) {
    if (e instanceof Error && /not a directory/.test(e.message)) throw new AppError('invalid_input', `The connector's folder cannot be read: ${path}`);
    await s.org.appendAudit({ actor, action: 'kb.folder.sync_failed', target: `connector:${c.id}`, payload: { error: maskSecrets(e instanceof Error ? e.message : String(e), s.deps.masks) } });
    throw e;
  }
  return s.commit(async ({ org }) => {
    await org.appendAudit({ actor, action: 'kb.folder.synced', target: `connector:${c.id}`, payload: { files: r.files, created: r.created, replaced: r.replaced, removed: r.removed, failed: r.failed.length } });
    return { ...r, connectorId: c.id };
  });
}

/** Documents by id (scope `read`). */
export async function listDocuments(s: Session, q: { source?: string; limit?: number }): Promise<KbDocument[]> {
  requireScope(s.principal, 'read');
  return s.org.kbListDocuments(q);
}

/** One document, or not_found (scope `read`). */
export async function getDocument(s: Session, id: string): Promise<KbDocument> {
  requireScope(s.principal, 'read');
  const d = await s.org.kbGetDocument(id);
  if (!d) throw new AppError('not_found', `No document ${id}.`);
  return d;
}

/** Hybrid retrieval for a question, an incident (its context becomes the query), or both (scope `read`). */
export async function searchKnowledge(s: Session, kb: KnowledgeBase, q: { q?: string; incidentId?: string; k?: number }): Promise<SearchResult> {
  requireScope(s.principal, 'read');
  return kb.search(s.org, q);
}
