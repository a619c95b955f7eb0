/** What every route handler receives, and what the API needs from the process that hosts it. */
import type { Request } from 'express';
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { Bus, Embedder, OrgStore, OutboxMessage, Store, Subject } from '../core/ports/index.js';
import type { Scope } from '../core/schemas.js';
import type { ClusterSource } from '../sim/k8s/cluster.js';
import type { SandboxControl } from '../sim/sandbox.js';
import type { Session, UseCaseDeps } from '../usecases/session.js';
import type { KnowledgeBase } from '../kb/service.js';
import type { Principal } from './auth.js';
import type { ExtractLimits } from '../kb/extract.js';
import type { ApiMetrics } from './metrics.js';

export interface ApiDeps extends UseCaseDeps {
  /** The store and bus open after the HTTP server, so /healthz answers while PGlite boots. */
  store(): Store | undefined;
  bus(): Bus | undefined;
  adminKeyHash(): string | undefined;
  maxBodyBytes: number;
  maxBatch: number;
  logger: Logger;
  metrics: ApiMetrics;
  /** The live sandbox and the one org it belongs to (absent: no org has one; api/routes/sandbox.ts). */
  sandbox?: {
    owner: string;
    running(): SandboxControl | undefined;
    /** True while a configured sandbox is still starting: readiness waits for it (absent: never). */
    starting?(): boolean;
    /** Why a configured sandbox is not running when it failed to start (absent or undefined: it did not fail). */
    failure?(): string | undefined;
    /** The running sandbox as a Kubernetes cluster (served at /k8s, api/k8s.ts; absent: no /k8s). */
    cluster?(): ClusterSource | undefined;
  };
  /** The embedder for knowledge-base indexing and search (default: the local one). */
  embedder?: Embedder;
  kbLimits?: ExtractLimits;
  /** Hands the messages a committed transaction queued to the outbox relay, to publish at once. */
  publishCommitted(msgs: OutboxMessage[]): void;
  /** The process's one knowledge base (the composition root builds it; absent: built lazily per deps, api/routes/kb.ts kbOf). */
  kb?: KnowledgeBase;
  /** The agent, once its checkpointer is open (absent or undefined: POST /v1/agent/ask answers 503). */
  agent?(): AgentAsker | undefined;
  /** Set by createApi: forgets this process's cached key lookups (after a revocation). */
  forgetKeys?(): void;
  /**
   * Manual routes under an Idempotency-Key: how long a duplicate waits for the first request's
   * response (default 60 s, then 409 with Retry-After), and after how long a reservation with no
   * response is taken over (its holder died; default 10 minutes).
   */
  idempotency?: { waitMs?: number; pollMs?: number; staleMs?: number };
}

/**
 * The agent as the API sees it: app/ builds it from agent/ (which the API may not import), so the
 * shape is restated here; agent/ask.ts's `Agent` satisfies it.
 */
export interface AgentAsker {
  ask(session: Session, input: { question: string; incidentId?: string; threadId?: string }): Promise<AgentAnswer>;
}

export interface AgentAnswer {
  threadId: string;
  answer: string;
  citations: { id: string; kind: string; title: string; ref: string }[];
  toolCalls: { tool: string; input: unknown; status: string; ms: number }[];
  model: string;
  fallback?: string;
}

export interface Ctx<B = unknown, Q = Record<string, string>> {
  req: Request;
  principal: Principal;
  /** Set for org principals: bound to the request's transaction for writes. */
  org: OrgStore;
  store: Store;
  deps: ApiDeps;
  /**
   * How this handler runs: 'read' (GET, no writes), 'request' (inside the request's transaction:
   * `org` and `emit` are bound to it), 'manual' (writes through `commit()`), 'platform' (the admin key).
   */
  mode: 'read' | 'request' | 'manual' | 'platform';
  body: B;
  query: Q;
  params: Record<string, string>;
  log: Logger;
  /** Who acts, for the audit log and four-eyes checks: `user:<id>` or `platform`. */
  actor: string;
  userId: string;
  /**
   * Queues a bus message in the request's transaction; it is published once the transaction
   * commits. Routes with `transaction: 'manual'` emit through `commit()` instead.
   */
  emit(subject: Subject, payload: unknown, durable?: unknown): Promise<void>;
  /**
   * Routes with `transaction: 'manual'` only (elsewhere it rejects): runs `fn` in one short
   * transaction of this org and returns fn's reply, which the handler must return as it is.
   * `w.emit` queues bus messages in that transaction; they are published once it commits. With
   * an Idempotency-Key this is the idempotent transaction: the reply is stored with the writes,
   * and a concurrent request with the same key that got here second gets the stored reply
   * instead of running fn. At most one commit succeeds per request (a failed one may be retried).
   */
  commit(fn: (w: WriteCtx) => Promise<Reply>): Promise<Reply>;
}

/** What `commit()` hands its callback. */
export interface WriteCtx {
  /** Bound to the write transaction. */
  org: OrgStore;
  /** Queues a bus message in the write transaction; published once it commits. */
  emit(subject: Subject, payload: unknown, durable?: unknown): Promise<void>;
}

export interface Reply {
  status: number;
  body: unknown;
  /**
   * A manual route's reply that says more than its commit's, learnt after it (the outcome
   * `Prefer: wait` waited for) names the commit's reply here; that one stays what an
   * Idempotency-Key stores and replays.
   */
  after?: Reply;
}

export interface RouteDef<B = unknown, Q = Record<string, string>> {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** Express path, e.g. /v1/incidents/:id */
  path: string;
  summary: string;
  tag: string;
  scope: Scope | 'platform' | 'public';
  body?: z.ZodType<B>;
  query?: z.ZodType<Q>;
  /** Shown in the OpenAPI document instead of `body` when the handler validates items itself. */
  docBody?: z.ZodType;
  response: { status: number; schema: z.ZodType; description: string };
  /** Extra documented error statuses beyond the common ones. */
  errors?: number[];
  /**
   * Where a non-GET handler of an org key runs. 'request' (the default): inside one transaction
   * the server opens around the whole handler (the idempotent one with an Idempotency-Key), with
   * `org` and `emit` bound to it. 'manual': outside any transaction, for handlers that read or
   * compute for long (on PGlite a transaction holds the whole database): `org` is the org store
   * itself (each call its own transaction; `org.transaction()` groups reads), and the writes go
   * through `ctx.commit()`, one short transaction. With an Idempotency-Key the server first
   * replays a stored reply (the handler does not run), else the commit is the idempotent
   * transaction; a handler that returns without committing has its reply stored on its own.
   */
  transaction?: 'request' | 'manual';
  handler(ctx: Ctx<B, Q>): Promise<Reply>;
}

/** Helper that keeps the body/query types of a route tied to its schemas. */
export const route = <B, Q = Record<string, string>>(r: RouteDef<B, Q>): RouteDef<B, Q> => r;

export type AnyRoute = RouteDef<any, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
