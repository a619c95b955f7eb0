/**
 * Folder connector: indexes every Markdown, text, HTML and PDF file under a directory (hidden
 * entries and node_modules skipped), one document per file identified by its path relative to
 * the folder, and removes documents of that folder whose files are gone. Unchanged files are
 * left alone (content hash), so a re-run is cheap. An adapter: it reads the file system.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { isAppError } from '../../core/errors.js';
import type { OrgStore } from '../../core/ports/index.js';
import { DEFAULT_EXTRACT_LIMITS, type ExtractLimits, extractDocument, isIndexablePath } from '../extract.js';
import { type KnowledgeBase, docIdFor } from '../service.js';

export interface FolderSyncOptions {
  /** Documents are tagged `folder:<name>`; a later sync only prunes its own. Default: the directory path. */
  name?: string;
  /** Remove documents of this folder whose file is gone (default true). */
  prune?: boolean;
  limits?: ExtractLimits;
  /** Called after each file. */
  onFile?: (path: string, outcome: FileOutcome) => void;
}

export type FileOutcome =
  | { status: 'created' | 'replaced' | 'unchanged'; chunks: number; embedded: number }
  | { status: 'failed'; error: string };

export interface FolderSyncResult {
  files: number;
  created: number;
  replaced: number;
  unchanged: number;
  removed: number;
  failed: { path: string; error: string }[];
  /** Chunks written by this sync (created + replaced documents). */
  chunks: number;
  seconds: number;
}

/** Indexable files under `dir`, relative paths with "/" separators, sorted. */
export function listIndexableFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.name.startsWith('.') || e.name === 'node_modules') continue;
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && isIndexablePath(e.name)) out.push(relative(dir, p).split(sep).join('/'));
    }
  };
  walk(dir);
  return out.sort();
}

/** Syncs a folder into the org's knowledge base (see the module comment). */
export async function syncFolder(kb: KnowledgeBase, org: OrgStore, dir: string, opts: FolderSyncOptions = {}): Promise<FolderSyncResult> {
  const t0 = performance.now();
  if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory()) throw new Error(`not a directory: ${dir}`);
  const source = `folder:${opts.name ?? dir}`;
  const files = listIndexableFiles(dir);
  const res: FolderSyncResult = { files: files.length, created: 0, replaced: 0, unchanged: 0, removed: 0, failed: [], chunks: 0, seconds: 0 };
  const keep = new Set<string>();
  for (const rel of files) {
    const id = docIdFor(`${source}:${rel}`);
    keep.add(id);
    try {
      const bytes = readFileSync(join(dir, rel));
      const ex = await extractDocument({ bytes, path: rel }, opts.limits ?? DEFAULT_EXTRACT_LIMITS);
      const r = await kb.index(org, { id, title: ex.title, text: ex.text, layout: ex.layout, mime: ex.mime, uri: rel, source, bytes: bytes.length, pageLines: ex.pageLines });
      res[r.status]++;
      if (r.status !== 'unchanged') res.chunks += r.chunks;
      opts.onFile?.(rel, { status: r.status, chunks: r.chunks, embedded: r.embedded });
    } catch (e) {
      if (!isAppError(e) && !(e instanceof Error && /ENOENT|EACCES|EISDIR/.test(e.message))) throw e;
      const error = e.message;
      res.failed.push({ path: rel, error });
      opts.onFile?.(rel, { status: 'failed', error });
    }
  }
  if (opts.prune ?? true) {
    for (const d of await org.kbListDocuments({ source, limit: 100_000 })) {
      if (!keep.has(d.id) && (await org.kbDeleteDocument(d.id))) res.removed++;
    }
  }
  res.seconds = (performance.now() - t0) / 1000;
  return res;
}
