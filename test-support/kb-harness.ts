/**
 * A throw-away API server with the knowledge-base routes, for tests and the KB eval/bench:
 * the same createApi() and deps shape as app/runtime.ts, on PGlite (in memory) or a fresh
 * Postgres database, with fixed keys. (Once KB_ROUTES is in the route table, startEmbedded()
 * serves them too.)
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { freshPostgresDb, httpClient, type HttpClient, POSTGRES_URL } from '../app/embedded.js';
import { createInprocBus } from '../bus/index.js';
import { SCOPES, type Scope } from '../core/schemas.js';
import type { Embedder } from '../core/ports/index.js';
import type { ExtractLimits } from '../kb/extract.js';
import { openPgliteStore, openPostgresStore, type OpenedStore } from '../store/index.js';
import type { ApiDeps } from '../api/context.js';
import { testApiDeps } from './api-deps.js';
import { createApi } from '../api/server.js';
import { ALL_ROUTES } from '../api/routes/index.js';
import { KB_ROUTES, type KbDeps } from '../api/routes/kb.js';
import { issueKey } from '../usecases/keys.js';

export interface KbApi {
  url: string;
  opened: OpenedStore;
  adminKey: string;
  /** Admin key of org "default". */
  apiKey: string;
  deps: ApiDeps & KbDeps;
  client(key?: string): HttpClient;
  /** A key of org "default" with only these scopes. */
  keyWith(scopes: Scope[]): Promise<string>;
  stop(): Promise<void>;
}

export async function startKbApi(
  engine: 'pglite' | 'postgres',
  opts: { embedder?: Embedder; kbLimits?: ExtractLimits; maxBodyBytes?: number; ownerUrl?: string } = {},
): Promise<KbApi> {
  const pgdb = engine === 'postgres' ? await freshPostgresDb(opts.ownerUrl ?? POSTGRES_URL) : undefined;
  const opened = pgdb ? await openPostgresStore({ url: pgdb.url }) : await openPgliteStore();
  const bus = createInprocBus();
  const adminKey = `wra_test_${randomBytes(16).toString('hex')}`;
  const apiKey = `wr_test_${randomBytes(16).toString('hex')}`;
  await opened.store.createOrg({ id: 'default', name: 'Default' });
  const org = opened.store.forOrg('default');
  await org.transaction((tx) => issueKey(tx, { keyId: 'k_admin', keyName: 'test', user: { id: 'admin', name: 'Admin', role: 'admin' }, scopes: [...SCOPES] }, 'platform', apiKey));
  const deps: ApiDeps & KbDeps = {
    ...testApiDeps({ store: () => opened.store, bus: () => bus, adminKey, maxBodyBytes: opts.maxBodyBytes ?? 8 * 1024 * 1024 }),
    embedder: opts.embedder,
    kbLimits: opts.kbLimits,
  };
  const server: Server = createServer(createApi(deps, [...ALL_ROUTES, ...KB_ROUTES]));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    opened,
    adminKey,
    apiKey,
    deps,
    client: (key = apiKey) => httpClient(url, key),
    async keyWith(scopes: Scope[]) {
      const key = `wr_test_${randomBytes(16).toString('hex')}`;
      const id = `k_${randomBytes(4).toString('hex')}`;
      await org.transaction((tx) => issueKey(tx, { keyId: id, keyName: id, user: { id, name: id, role: 'viewer' }, scopes }, 'platform', key));
      return key;
    },
    async stop() {
      await new Promise<void>((r) => server.close(() => r()));
      server.closeAllConnections();
      await bus.close();
      await opened.store.close();
      await opened.admin.close();
      await pgdb?.drop();
    },
  };
}
