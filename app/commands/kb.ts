/**
 * `warroom kb index DIR` and `warroom kb search "QUERY" [--k 10] [--json]`, with the embedder
 * the server uses (app/embedder.ts).
 */
import { resolve } from 'node:path';
import { searchView } from '../../api/views.js';
import { maskSecrets } from '../../detectors/secrets.js';
import { syncFolder } from '../../kb/io/folder.js';
import { KnowledgeBase } from '../../kb/service.js';
import { DataDirLockedError, openStore, type OpenedStore } from '../../store/index.js';
import { DEFAULT_ORG, loadMasks, storeConfig, type Config } from '../config.js';
import { createEmbedder } from '../embedder.js';
import { refuseHeld, routeDbCommand, type RemoteOptions } from './db-owner.js';
import { folderTag, remoteKbIndex, remoteKbSearch } from './kb-remote.js';

async function open(cfg: Config): Promise<OpenedStore> {
  return openStore(storeConfig(cfg));
}

async function withKb(cfg: Config, what: string, org: string, fn: (kb: KnowledgeBase, opened: OpenedStore) => Promise<number>): Promise<number> {
  const masks = loadMasks(cfg);
  const embedder = await createEmbedder(cfg);
  let opened: OpenedStore;
  try {
    opened = await open(cfg);
  } catch (e) {
    if (e instanceof DataDirLockedError) return refuseHeld(what, e, true);
    throw e;
  }
  try {
    if (!(await opened.store.getOrg(org))) {
      if (org !== DEFAULT_ORG) throw new Error(`no org "${org}"`);
      await opened.store.createOrg({ id: DEFAULT_ORG, name: 'Default' });
    }
    return await fn(new KnowledgeBase({ embedder, mask: (t) => maskSecrets(t, masks) }), opened);
  } finally {
    await opened.store.close();
    await opened.admin.close();
  }
}

export interface KbIndexOptions extends RemoteOptions {
  org?: string;
  /** Name the folder's documents are tagged with (default: the absolute path). */
  name?: string;
  prune?: boolean;
  json?: boolean;
}

/**
 * Indexes a folder; exit code 1 when some files failed. When a running instance holds the embedded
 * database, through its API (see db-owner.ts); exit code 3 when it cannot.
 */
export async function runKbIndex(cfg: Config, dir: string, o: KbIndexOptions = {}): Promise<number> {
  const abs = resolve(dir);
  const route = routeDbCommand(cfg, 'kb index', o, true);
  if (route.kind === 'refused') return route.code;
  if (route.kind === 'remote') return remoteKbIndex(route, abs, o);
  return withKb(cfg, 'kb index', o.org ?? DEFAULT_ORG, async (kb, { store, admin }) => {
    const org = store.forOrg(o.org ?? DEFAULT_ORG);
    // A folder indexed through the server carries its connector's tag; keep it, or re-indexing here would copy it.
    const name = o.name ?? folderTag(await org.listConnectors(), abs) ?? abs;
    const r = await syncFolder(kb, org, abs, { name, prune: o.prune ?? true });
    const restale = await kb.reembed(org);
    // Fresh planner statistics after a bulk load (PGlite has no autovacuum).
    await admin.exec('ANALYZE docs, chunks, kb_terms').catch(() => undefined);
    const summary = { dir: abs, model: kb.embedder.model, ...r, reembedded: restale, chunks_per_s: r.seconds > 0 ? Math.round(r.chunks / r.seconds) : 0 };
    if (o.json) process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    else {
      process.stdout.write(
        `indexed ${abs}: ${r.files} files — ${r.created} new, ${r.replaced} replaced, ${r.unchanged} unchanged, ${r.removed} removed, ${r.failed.length} failed; ` +
          `${r.chunks} chunks in ${r.seconds.toFixed(1)} s (${summary.chunks_per_s}/s), model ${kb.embedder.model}${restale ? `, ${restale} chunks re-embedded` : ''}\n`,
      );
      for (const f of r.failed) process.stdout.write(`  failed: ${f.path}: ${f.error}\n`);
    }
    return r.failed.length === 0 ? 0 : 1;
  });
}

export interface KbSearchOptions extends RemoteOptions {
  k?: number | string;
  json?: boolean;
  org?: string;
  incident?: string;
}

/** Searches and prints ranked documents with their citations. */
export async function runKbSearch(cfg: Config, query: string, o: KbSearchOptions = {}): Promise<number> {
  const k = Number(o.k ?? 10);
  if (!Number.isInteger(k) || k < 1 || k > 100) {
    process.stderr.write('warroom kb search: --k must be an integer from 1 to 100\n');
    return 2;
  }
  const route = routeDbCommand(cfg, 'kb search', o, true);
  if (route.kind === 'refused') return route.code;
  if (route.kind === 'remote') {
    const r = await remoteKbSearch<SearchView>(route, query, k, o.incident);
    return 'code' in r ? r.code : printSearch(r.view, o.json);
  }
  return withKb(cfg, 'kb search', o.org ?? DEFAULT_ORG, async (kb, { store }) => {
    const r = await kb.search(store.forOrg(o.org ?? DEFAULT_ORG), { q: query, incidentId: o.incident, k });
    return printSearch(searchView(r, k), o.json);
  });
}

type SearchView = ReturnType<typeof searchView>;

function printSearch(view: SearchView, json?: boolean): number {
  if (json) {
    process.stdout.write(`${JSON.stringify(view, null, 2)}\n`);
    return 0;
  }
  if (view.hits.length === 0) process.stdout.write('no matching documents\n');
  for (const c of view.hits) {
    process.stdout.write(`${c.rank}. ${c.title}  (score ${c.score.toFixed(3)})\n   ${c.path ?? c.doc_id}:${c.line_start}-${c.line_end}${c.heading ? `  § ${c.heading}` : ''}\n   ${c.snippet}\n`);
  }
  return 0;
}
