/**
 * The REST API: express, problem+json errors, request ids in every log line, bearer keys with
 * scopes, Idempotency-Key on POST, and an OpenAPI 3.1 document built from the same zod schemas
 * the handlers validate with.
 */
import { createHash } from 'node:crypto';
import express, { type NextFunction, type Request, type Response } from 'express';
import { pinoHttp } from 'pino-http';
import { ulid } from 'ulid';
import { AppError } from '../core/errors.js';
import type { IdempotencyRequest, OrgStore, Store, Subject } from '../core/ports/index.js';
import { Staged } from '../ingest/outbox-relay.js';
import { KeyCache, bearerToken, hashKey, requireScope, sameHash, type Principal } from './auth.js';
import type { AnyRoute, ApiDeps, Ctx, Reply, WriteCtx } from './context.js';
import { k8sApi } from './k8s.js';
import { buildOpenApi } from './openapi.js';
import { problemHandler, toIssues } from './problem.js';
import { ALL_ROUTES } from './routes/index.js';

declare module 'express-serve-static-core' {
  interface Request {
    rawBody?: Buffer;
    principal?: Principal;
  }
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

export function createApi(deps: ApiDeps, routes: AnyRoute[] = ALL_ROUTES): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use(
    pinoHttp({
      logger: deps.logger,
      genReqId: (req, res) => {
        const given = req.headers['x-request-id'];
        const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : ulid();
        res.setHeader('X-Request-ID', id);
        return id;
      },
      // Bound into req.log, so every line logged for this request carries its id.
      customProps: (req) => ({ request_id: req.id }),
      // Health probes and metrics scrapes would drown the log.
      autoLogging: { ignore: (req) => ['/healthz', '/readyz', '/metrics'].includes(req.url ?? '') },
      serializers: {
        req: (r: { method: string; url: string }) => ({ method: r.method, url: r.url }),
        res: (r: { statusCode: number }) => ({ statusCode: r.statusCode }),
      },
    }),
  );
  app.use((req, res, next) => {
    const end = deps.metrics.httpDuration.startTimer();
    res.on('finish', () => {
      const routePath = (req.route?.path as string | undefined) ?? 'unmatched';
      deps.metrics.httpRequests.inc({ method: req.method, route: routePath, status: res.statusCode });
      end({ method: req.method, route: routePath });
    });
    next();
  });

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (req, res) => {
    const store = deps.store();
    const bus = deps.bus();
    const checks: Record<string, string> = { store: store ? 'ok' : 'starting', bus: bus ? 'ok' : 'starting' };
    // a newcomer waits for /readyz and then injects a fault: the sandbox must be there by then
    if (deps.sandbox?.starting?.()) checks.sandbox = 'starting';
    // a sandbox that failed to start is reported, not waited for: the API itself is up (GET /v1/sim says why)
    const sandboxFailure = deps.sandbox?.failure?.();
    if (store) {
      try {
        await store.ping();
      } catch (err) {
        req.log.warn({ err }, 'store ping failed');
        checks.store = 'down';
      }
    }
    const ok = Object.values(checks).every((v) => v === 'ok');
    if (sandboxFailure) checks.sandbox = 'failed';
    res.status(ok ? 200 : 503).json({ status: ok ? 'ready' : 'not_ready', checks });
  });
  app.get('/metrics', async (_req, res) => {
    res.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
  });
  const openapi = buildOpenApi(routes);
  app.get('/v1/openapi.json', (_req, res) => {
    res.json(openapi);
  });

  app.use(
    '/v1',
    express.json({
      limit: deps.maxBodyBytes,
      type: () => true, // every body is read as JSON; a wrong content type is reported below
      verify: (req, _res, buf) => {
        (req as Request).rawBody = buf;
      },
    }),
  );

  // Key lookups are cached for 10 s: a key revoked through another process stops working within that.
  const keyCache = new KeyCache<Principal | null>(10_000);
  deps = { ...deps, forgetKeys: () => keyCache.clear() };
  const authenticate = async (req: Request, store: Store): Promise<Principal> => {
    const token = bearerToken(req.headers.authorization);
    if (!token) throw new AppError('unauthenticated', 'Send an API key as "Authorization: Bearer <key>".');
    const h = hashKey(token);
    const admin = deps.adminKeyHash();
    if (admin && sameHash(h, admin)) return { kind: 'platform' };
    const now = deps.clock.now().getTime();
    let p = keyCache.get(h, now);
    if (p === undefined) {
      const rec = await store.findApiKeyByHash(h);
      p = rec ? { kind: 'key', orgId: rec.orgId, userId: rec.userId, keyId: rec.id, scopes: rec.scopes } : null;
      keyCache.set(h, p, now);
    }
    if (!p) throw new AppError('unauthenticated', 'The API key is not valid.');
    return p;
  };

  // The sandbox's Kubernetes API (api/k8s.ts): Kubernetes clients, Kubernetes Status errors.
  const sandbox = deps.sandbox;
  if (sandbox?.cluster) {
    const cluster = sandbox.cluster.bind(sandbox);
    const authenticateK8s = async (req: Request): Promise<Principal> => {
      const store = deps.store();
      if (!store) throw new AppError('unavailable', 'Warroom is starting; try again in a few seconds.');
      return authenticate(req, store);
    };
    app.use('/k8s', k8sApi({ owner: sandbox.owner, cluster, maxBodyBytes: deps.maxBodyBytes, authenticate: authenticateK8s }));
  }

  for (const r of routes) {
    app[r.method](r.path, async (req: Request, res: Response, next: NextFunction) => {
      try {
        const reply = await run(r, req, deps, authenticate);
        if (reply.status === 204) res.status(204).end();
        else res.status(reply.status).json(reply.body);
      } catch (e) {
        next(e);
      }
    });
  }

  app.use('/v1', (req, _res, next) => next(new AppError('not_found', `No route ${req.method} ${req.originalUrl.split('?')[0]}.`)));
  app.use(problemHandler);
  return app;
}

async function run(
  r: AnyRoute,
  req: Request,
  deps: ApiDeps,
  authenticate: (req: Request, store: Store) => Promise<Principal>,
): Promise<Reply> {
  const store = deps.store();
  if (!store) throw new AppError('unavailable', 'Warroom is starting; try again in a few seconds.');
  const principal = r.scope === 'public' ? ({ kind: 'platform' } as Principal) : await authenticate(req, store);
  if (r.scope !== 'public') requireScope(principal, r.scope);

  // a DELETE names what it removes in its path: a body, if any, is ignored
  const hasBody = r.method !== 'get' && r.method !== 'delete';
  // No body at all is an empty object where every field is optional (POST …/analyze with no body).
  const noBody = hasBody && (req.rawBody === undefined || req.rawBody.length === 0);
  if (noBody && !r.body?.safeParse({}).success) throw new AppError('bad_request', 'This endpoint needs a JSON body.');
  if (hasBody && !noBody && !req.is('application/json') && !req.is('application/*+json')) {
    throw new AppError('unsupported_media_type', 'Send the body as application/json.');
  }
  let body: unknown = noBody ? {} : req.body;
  if (r.body) {
    const parsed = r.body.safeParse(body);
    if (!parsed.success) throw new AppError('invalid_input', 'The body does not match the schema.', { issues: toIssues(parsed.error) });
    body = parsed.data;
  }
  let query: unknown = req.query;
  if (r.query) {
    const parsed = r.query.safeParse(req.query);
    if (!parsed.success) throw new AppError('invalid_input', 'The query string does not match the schema.', { issues: toIssues(parsed.error) });
    query = parsed.data;
  }

  const params = req.params as Record<string, string>;
  const base = { req, principal, store, deps, body, query, params, log: req.log };
  const noEmit = () => Promise.reject(new AppError('internal', 'this route cannot emit bus messages'));
  const noCommit = () => Promise.reject(new AppError('internal', "commit() is for routes with transaction: 'manual'"));
  if (principal.kind !== 'key') {
    // Platform routes are not tenant-scoped; they manage their own transactions.
    return r.handler({ ...base, mode: 'platform', org: undefined as never, actor: 'platform', userId: 'platform', emit: noEmit, commit: noCommit } as Ctx);
  }
  const org = store.forOrg(principal.orgId);
  const who = { actor: `user:${principal.userId}`, userId: principal.userId };
  if (r.method === 'get') return r.handler({ ...base, mode: 'read', org, ...who, emit: noEmit, commit: noCommit } as Ctx);

  const key = req.headers['idempotency-key'];
  let idem: IdempotencyRequest | undefined;
  if (typeof key === 'string') {
    if (!IDEMPOTENCY_KEY.test(key)) throw new AppError('bad_request', 'Idempotency-Key must be 1-255 visible ASCII characters.');
    const requestHash = createHash('sha256').update(`${r.method}\n${req.originalUrl}\n`).update(req.rawBody ?? Buffer.alloc(0)).digest('hex');
    idem = { key, method: r.method.toUpperCase(), path: req.originalUrl, requestHash };
  }
  const replayed = () => req.res?.setHeader('Idempotent-Replayed', 'true');
  if (r.transaction === 'manual') {
    const noTxEmit = () => Promise.reject(new AppError('internal', "a route with transaction: 'manual' emits through commit()"));
    return runManual(r, { ...base, mode: 'manual', org, ...who, emit: noTxEmit } as Omit<Ctx, 'commit'>, org, deps, idem, replayed);
  }

  const staged = newStaged(deps);
  const handle = (tx: OrgStore) => r.handler({ ...base, mode: 'request', org: tx, ...who, emit: emitVia(staged, tx), commit: noCommit } as Ctx);
  let reply: Reply & { replayed?: boolean };
  if (idem) {
    reply = await org.idempotent(idem, handle);
    if (reply.replayed) replayed();
  } else {
    reply = await org.transaction(handle);
  }
  if (!reply.replayed) deps.publishCommitted(staged.messages);
  return { status: reply.status, body: reply.body };
}

const newStaged = (deps: ApiDeps) => new Staged(deps.newId, () => deps.clock.now().toISOString());
/** `emit` bound to a transaction: the message goes to its outbox and to `staged`, to publish after commit. */
const emitVia = (staged: Staged, tx: OrgStore) => (subject: Subject, payload: unknown, durable?: unknown) => staged.emit(tx, subject, payload, undefined, durable ?? payload);

/**
 * A route with `transaction: 'manual'`: the handler runs outside any transaction and writes
 * through `commit()`, one short transaction (see RouteDef.transaction). With an Idempotency-Key
 * the key is reserved first, in a transaction of its own: a stored reply is replayed, and a
 * duplicate that arrives while the first request still runs waits for its reply (at most
 * `deps.idempotency.waitMs`, then 409 with Retry-After) — so the handler runs once however many
 * retries race. The commit stores the reply with the writes; a reply returned without a commit is
 * stored in a transaction of its own; a handler that fails gives the reservation up.
 */
async function runManual(
  r: AnyRoute,
  ctx: Omit<Ctx, 'commit'>,
  org: OrgStore,
  deps: ApiDeps,
  idem: IdempotencyRequest | undefined,
  replayed: () => void,
): Promise<Reply> {
  if (idem) {
    const stored = await reserveOrWait(org, idem, deps);
    if (stored) {
      replayed();
      return stored;
    }
  }
  let done: { reply: Reply; replayed: boolean } | undefined;
  const commit = async (fn: (w: WriteCtx) => Promise<Reply>): Promise<Reply> => {
    if (done) throw new AppError('internal', `${r.method.toUpperCase()} ${r.path}: commit() already succeeded for this request`);
    const staged = newStaged(deps); // per attempt: a rolled-back attempt's messages are never published
    const write = (tx: OrgStore) => fn({ org: tx, emit: emitVia(staged, tx) });
    const out = idem ? await org.idempotent(idem, write, { reserved: true }) : { ...(await org.transaction(write)), replayed: false };
    if (!out.replayed) deps.publishCommitted(staged.messages);
    done = { reply: { status: out.status, body: out.body }, replayed: out.replayed };
    return done.reply;
  };
  let reply: Reply;
  try {
    reply = await r.handler({ ...ctx, commit } as Ctx);
  } catch (e) {
    if (idem && !done) await org.releaseIdempotencyKey(idem).catch(() => undefined);
    throw e;
  }
  if (done) {
    if (reply !== done.reply && reply.after !== done.reply) throw new AppError('internal', `${r.method.toUpperCase()} ${r.path}: a manual route must return the reply of its commit()`);
    if (done.replayed) replayed();
    return reply;
  }
  if (!idem) return reply;
  const out = await org.idempotent(idem, () => Promise.resolve({ status: reply.status, body: reply.body }), { reserved: true });
  if (out.replayed) replayed();
  return { status: out.status, body: out.body };
}

const sleep = (ms: number) => new Promise((res) => setTimeout(res, ms));

/** Reserves the key for this request (null), or the reply stored under it — waiting while another request holds it. */
async function reserveOrWait(org: OrgStore, idem: IdempotencyRequest, deps: ApiDeps): Promise<Reply | null> {
  const { waitMs = 60_000, pollMs = 200, staleMs = 10 * 60_000 } = deps.idempotency ?? {};
  const until = Date.now() + waitMs;
  for (;;) {
    const r = await org.reserveIdempotencyKey(idem, staleMs);
    if (r.state === 'reserved') return null;
    if (r.state === 'stored') return r.response;
    if (Date.now() >= until) {
      throw new AppError('conflict', `A request with this Idempotency-Key is still in progress after ${Math.round(waitMs / 1000)} s; retry later for its response.`, {
        extra: { key: idem.key, retry_after_seconds: 5 },
      });
    }
    await sleep(pollMs);
  }
}
