/**
 * `warroom kb index|search` through a running instance's API, for when that instance owns the
 * embedded database (app/commands/db-owner.ts). Indexing goes through a folder connector on the
 * folder's absolute path (the server reads the same files), found or registered once, so a re-run
 * replaces what changed instead of adding a copy; the offline `kb index` uses that connector's
 * document tag too.
 */
import { httpClient, type HttpClient, type HttpResult } from '../http-client.js';
import { HELD_EXIT } from './db-owner.js';

export interface Remote {
  url: string;
  key: string;
}

/** A folder connector as GET /v1/connectors lists it. */
interface FolderConnector {
  id: string;
  kind: string;
  config: { path?: unknown };
}

/** Thrown for an answer the command cannot use; the message is for the person at the terminal. */
class RemoteError extends Error {}

async function call<T>(what: string, p: Promise<HttpResult<T>>, url: string): Promise<T> {
  let r: HttpResult<T>;
  try {
    r = await p;
  } catch (e) {
    throw new RemoteError(`cannot reach ${url}: ${(e as Error).message}`);
  }
  if (r.status >= 300) {
    const b = r.body as { detail?: string; title?: string } | string | undefined;
    const detail = typeof b === 'object' ? (b.detail ?? b.title) : b;
    throw new RemoteError(`${what} at ${url} answered ${r.status}${detail ? `: ${detail}` : ''}`);
  }
  return r.body;
}

async function findFolderConnector(c: HttpClient, url: string, abs: string): Promise<FolderConnector | undefined> {
  const { connectors } = await call<{ connectors: FolderConnector[] }>('GET /v1/connectors', c.get('/v1/connectors'), url);
  return connectors.find((x) => x.kind === 'folder' && x.config.path === abs);
}

export interface RemoteIndexOptions {
  name?: string;
  prune?: boolean;
  json?: boolean;
}

/** Indexes `abs` (an absolute folder path) through the API; exit code as the local command. */
export async function remoteKbIndex(remote: Remote, abs: string, o: RemoteIndexOptions): Promise<number> {
  if (o.prune === false) {
    process.stderr.write('warroom kb index: --no-prune is not available through the API (a folder connector sync removes documents whose files are gone)\n');
    return 2;
  }
  const c = httpClient(remote.url, remote.key);
  try {
    let conn = await findFolderConnector(c, remote.url, abs);
    if (!conn) {
      // Documents an offline `kb index` tagged with the path would stay beside the connector's copy.
      const source = `folder:${o.name ?? abs}`;
      const { documents } = await call<{ documents: unknown[] }>('GET /v1/docs', c.get(`/v1/docs?source=${encodeURIComponent(source)}&limit=1`), remote.url);
      if (documents.length > 0) {
        process.stderr.write(`warroom kb index: ${abs} was indexed without the server (documents tagged ${source}); indexing it through the server would add a second copy: stop the server and run warroom kb index again\n`);
        return HELD_EXIT;
      }
      conn = await call<FolderConnector>('POST /v1/connectors', c.post('/v1/connectors', { kind: 'folder', name: o.name ?? abs, config: { path: abs } }), remote.url);
    }
    const r = await call<{ files: number; created: number; replaced: number; unchanged: number; removed: number; chunks: number; failed: { path: string; error: string }[] }>(
      'POST /v1/docs/sync',
      c.post('/v1/docs/sync', { connector_id: conn.id }),
      remote.url,
    );
    if (o.json) process.stdout.write(`${JSON.stringify({ dir: abs, via: remote.url, connector_id: conn.id, ...r }, null, 2)}\n`);
    else {
      process.stdout.write(
        `indexed ${abs} through ${remote.url} (connector ${conn.id}): ${r.files} files — ${r.created} new, ${r.replaced} replaced, ${r.unchanged} unchanged, ${r.removed} removed, ${r.failed.length} failed; ${r.chunks} chunks\n`,
      );
      for (const f of r.failed) process.stdout.write(`  failed: ${f.path}: ${f.error}\n`);
    }
    return r.failed.length === 0 ? 0 : 1;
  } catch (e) {
    if (!(e instanceof RemoteError)) throw e;
    process.stderr.write(`warroom kb index: ${e.message}\n`);
    return 1;
  }
}

/** GET /v1/search: the SearchView body, or an exit code after printing why not. */
export async function remoteKbSearch<V>(remote: Remote, query: string, k: number, incident?: string): Promise<{ view: V } | { code: number }> {
  const qs = new URLSearchParams({ q: query, k: String(k), ...(incident ? { incident_id: incident } : {}) });
  try {
    return { view: await call<V>('GET /v1/search', httpClient(remote.url, remote.key).get(`/v1/search?${qs}`), remote.url) };
  } catch (e) {
    if (!(e instanceof RemoteError)) throw e;
    process.stderr.write(`warroom kb search: ${e.message}\n`);
    return { code: 1 };
  }
}

/** The offline `kb index` tags a folder's documents as its registered connector does, if it has one. */
export function folderTag(connectors: { id: string; kind: string; config: Record<string, unknown> }[], abs: string): string | undefined {
  return connectors.find((x) => x.kind === 'folder' && x.config.path === abs)?.id;
}
