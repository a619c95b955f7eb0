/** What every route handler receives, and what the API needs from the process that hosts it. */
import type { Request } from 'express';
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { Clock, IdSource } from '../core/clock.js';
import type { Bus, OrgStore, OutboxMessage, Store, Subject } from '../core/ports.js';
import type { Scope } from '../core/schemas.js';
import type { CompiledMask } from '../detectors/secrets.js';
import type { Runner } from '../remediate/runners/runner.js';
import type { Principal } from './auth.js';
import type { Embedder } from '../kb/embed.js';
import type { ExtractLimits } from '../kb/extract.js';
import type { ApiMetrics } from './metrics.js';

export interface ApiDeps {
  /** The store and bus open after the HTTP server, so /healthz answers while PGlite boots. */
  store(): Store | undefined;
  bus(): Bus | undefined;
  adminKeyHash(): string | undefined;
  maxBodyBytes: number;
  maxBatch: number;
  masks: CompiledMask[];
  newId: IdSource;
  clock: Clock;
  logger: Logger;
  metrics: ApiMetrics;
  runners: Record<string, Runner>;
  /** The embedder for knowledge-base indexing and search (default: the local one). */
  embedder?: Embedder;
  kbLimits?: ExtractLimits;
  /** Hands the messages a committed transaction queued to the outbox relay, to publish at once. */
  publishCommitted(msgs: OutboxMessage[]): void;
}

export interface Ctx<B = unknown, Q = Record<string, string>> {
  req: Request;
  principal: Principal;
  /** Set for org principals: bound to the request's transaction for writes. */
  org: OrgStore;
  store: Store;
  deps: ApiDeps;
  body: B;
  query: Q;
  params: Record<string, string>;
  log: Logger;
  /** Who acts, for the audit log and four-eyes checks: `user:<id>` or `platform`. */
  actor: string;
  userId: string;
  /** Queues a bus message in the request's transaction; it is published once the transaction commits. */
  emit(subject: Subject, payload: unknown, durable?: unknown): Promise<void>;
}

export interface Reply {
  status: number;
  body: unknown;
}

export interface RouteDef<B = unknown, Q = Record<string, string>> {
  method: 'get' | 'post' | 'put';
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
  handler(ctx: Ctx<B, Q>): Promise<Reply>;
}

/** Helper that keeps the body/query types of a route tied to its schemas. */
export const route = <B, Q = Record<string, string>>(r: RouteDef<B, Q>): RouteDef<B, Q> => r;

export type AnyRoute = RouteDef<any, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
