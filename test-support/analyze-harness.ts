/**
 * A throw-away API server for the transaction-boundary tests of the analyze route and of
 * `transaction: 'manual'` routes (api/routes/analyze.tx.contract.ts, api/server.test.ts): the
 * same createApi() and deps shape as app/runtime.ts, without the detection pipeline but with the
 * fix.execute worker on an in-process bus, over a store
 * whose org stores record every transaction they open (`spy`), with the published messages kept
 * (`published`), and with the analysis of the analyze route replaceable (a slow or gated one).
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { freshPostgresDb, httpClient, type HttpClient, POSTGRES_URL } from '../app/embedded.js';
import type { OrgStore, OutboxMessage, Store } from '../core/ports/index.js';
import { SCOPES } from '../core/schemas.js';
import { openPgliteStore, openPostgresStore, type OpenedStore } from '../store/index.js';
import type { AnyRoute, ApiDeps } from '../api/context.js';
import { testApiDeps } from './api-deps.js';
import { createApi } from '../api/server.js';
import { analyzeIncidentRoute, analyzeRoute, type AnalyzeRouteOptions } from '../api/routes/analyze.js';
import { ALL_ROUTES } from '../api/routes/index.js';
import { issueKey } from '../usecases/keys.js';
import { subscribeFixWorker } from '../usecases/fix-run.js';
import { createInprocBus } from '../bus/index.js';

export const TEST_ORG = 'default';

/** One transaction opened on an org store (`transaction()`, `idempotent()`, the one-statement `storedResponse()` look-up, or an Idempotency-Key reservation). */
export interface SpiedTx {
  kind: 'transaction' | 'idempotent' | 'storedResponse' | 'reserveIdempotencyKey' | 'releaseIdempotencyKey';
  /** Position in `TxSpy.events` of its start and end. */
  start: number;
  end?: number;
  ok?: boolean;
}

export interface TxSpy {
  /** Transactions open right now. */
  open: number;
  txs: SpiedTx[];
  /** What happened, in order: `tx+` / `tx-` (a transaction started / ended), `publish` (of some messages), and whatever a test notes. */
  events: string[];
  note(event: string): number;
  reset(): void;
}

export function createTxSpy(): TxSpy {
  const spy: TxSpy = {
    open: 0,
    txs: [],
    events: [],
    note(event) {
      spy.events.push(event);
      return spy.events.length - 1;
    },
    reset() {
      spy.txs = [];
      spy.events = [];
    },
  };
  return spy;
}

/** An org store that reports every transaction it opens to `spy` (calls inside one are not seen). */
function spiedOrg(org: OrgStore, spy: TxSpy): OrgStore {
  return new Proxy(org, {
    get(target, prop) {
      if (prop === 'transaction' || prop === 'idempotent' || prop === 'storedResponse' || prop === 'reserveIdempotencyKey' || prop === 'releaseIdempotencyKey') {
        return async (...args: unknown[]) => {
          const tx: SpiedTx = { kind: prop, start: spy.note(`tx+ ${prop}`) };
          spy.txs.push(tx);
          spy.open++;
          try {
            const out: unknown = await (target[prop] as (...a: unknown[]) => Promise<unknown>)(...args);
            tx.ok = true;
            return out;
          } catch (e) {
            tx.ok = false;
            throw e;
          } finally {
            spy.open--;
            tx.end = spy.note(`tx- ${prop}`);
          }
        };
      }
      const v: unknown = Reflect.get(target, prop, target);
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}

export interface TestApi {
  url: string;
  opened: OpenedStore;
  /** Admin key of org "default" (every scope). */
  apiKey: string;
  deps: ApiDeps;
  spy: TxSpy;
  /** Messages handed to `publishCommitted`, in order. */
  published: OutboxMessage[];
  /** The org store of org "default", not spied. */
  org: OrgStore;
  client(key?: string): HttpClient;
  stop(): Promise<void>;
}

export async function startTestApi(
  engine: 'pglite' | 'postgres',
  opts: { analyze?: AnalyzeRouteOptions['analyze']; routes?: AnyRoute[]; ownerUrl?: string; runners?: ApiDeps['runners']; fixHeartbeatMs?: number } = {},
): Promise<TestApi> {
  const pgdb = engine === 'postgres' ? await freshPostgresDb(opts.ownerUrl ?? POSTGRES_URL) : undefined;
  const opened = pgdb ? await openPostgresStore({ url: pgdb.url }) : await openPgliteStore();
  const apiKey = `wr_test_${randomBytes(16).toString('hex')}`;
  await opened.store.createOrg({ id: TEST_ORG, name: 'Default' });
  const org = opened.store.forOrg(TEST_ORG);
  await org.transaction((tx) => issueKey(tx, { keyId: 'k_admin', keyName: 'test', user: { id: 'admin', name: 'Admin', role: 'admin' }, scopes: [...SCOPES] }, 'platform', apiKey));
  const spy = createTxSpy();
  const spied: Store = { ...opened.store, forOrg: (id: string) => spiedOrg(opened.store.forOrg(id), spy) };
  const published: OutboxMessage[] = [];
  // the fix.execute worker, as app/runtime.ts runs it, on an in-process bus
  const bus = createInprocBus();
  const deps = testApiDeps({
    store: () => spied,
    ...(opts.runners ? { runners: opts.runners } : {}),
    ...(opts.fixHeartbeatMs ? { fixHeartbeatMs: opts.fixHeartbeatMs } : {}),
    publishCommitted: (msgs) => {
      if (msgs.length) spy.note(`publish ${msgs.map((m) => m.subject).join(',')}`);
      published.push(...msgs);
      for (const m of msgs) void bus.publish(m.subject, { id: m.id, orgId: m.orgId, payload: m.payload });
    },
  });
  const stopping = new AbortController();
  const worker = await subscribeFixWorker(bus, { store: spied, useCaseDeps: deps, publishCommitted: deps.publishCommitted, stopping: stopping.signal });
  const analyzeRouteHere = opts.analyze ? analyzeRoute({ analyze: opts.analyze }) : analyzeIncidentRoute;
  const routes = [...ALL_ROUTES.map((r) => (r === analyzeIncidentRoute ? analyzeRouteHere : r)), ...(opts.routes ?? [])] as AnyRoute[];
  const server: Server = createServer(createApi(deps, routes));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    opened,
    apiKey,
    deps,
    spy,
    published,
    org,
    client: (key = apiKey) => httpClient(url, key),
    async stop() {
      stopping.abort();
      await worker.unsubscribe();
      await bus.close();
      await new Promise<void>((r) => server.close(() => r()));
      server.closeAllConnections();
      await opened.store.close();
      await opened.admin.close();
      await pgdb?.drop();
    },
  };
}

/** A gate a test opens by hand: `wait()` resolves once `open()` was called. */
export function gate(): { wait(): Promise<void>; open(): void } {
  let release!: () => void;
  const p = new Promise<void>((r) => (release = r));
  return { wait: () => p, open: () => release() };
}
