/**
 * The store: `Store` (the platform: orgs, key lookup, the outbox relay, settings, roles) and
 * `OrgStore`, everything one tenant does, composed of the small ports beside this file. A caller
 * that needs one concern asks for that port (`SignalStore`, `FixPlanStore`…); `OrgStore` is what
 * `Store.forOrg` hands out, with transactions and idempotency on top.
 */
import type { ApiKeyRecord, AuditEntry, CommandRecord, Org } from '../schemas.js';
import type { SigningKeyInfo } from '../signing.js';
import type { AnalysisStore } from './analysis.js';
import type { StoredAnalysisStore } from './analyses.js';
import type { AnomalyStore } from './anomalies.js';
import type { AuditStore } from './audit.js';
import type { ChatStore } from './chat-store.js';
import type { ConnectorStore } from './connectors.js';
import type { DetectorStateStore } from './detector-state.js';
import type { EvidenceStore } from './evidence.js';
import type { FixPlanStore } from './fixplans.js';
import type { IncidentStore } from './incidents.js';
import type { KbStore } from './kb.js';
import type { LogTemplateStore } from './log-templates.js';
import type { OutboxMessage, OutboxStore } from './outbox.js';
import type { PolicyStore } from './policies.js';
import type { SignalStore } from './signals.js';
import type { TenancyStore } from './tenancy.js';
import type { TopologyStore } from './topology.js';

export interface StoredResponse {
  status: number;
  body: unknown;
}

export interface IdempotencyRequest {
  key: string;
  method: string;
  path: string;
  /** sha256 of method, path and the raw body: a retry must send the same bytes. */
  requestHash: string;
}

/**
 * Everything a tenant does. Every call runs with row-level security set to this org; a call
 * on the object handed to `transaction` joins that transaction, any other call is its own.
 */
export interface OrgStore
  extends TenancyStore,
    ChatStore,
    ConnectorStore,
    SignalStore,
    TopologyStore,
    IncidentStore,
    AnomalyStore,
    EvidenceStore,
    AnalysisStore,
    StoredAnalysisStore,
    FixPlanStore,
    AuditStore,
    KbStore,
    LogTemplateStore,
    DetectorStateStore,
    PolicyStore,
    OutboxStore {
  readonly orgId: string;
  transaction<T>(fn: (tx: OrgStore) => Promise<T>): Promise<T>;
  /**
   * Runs `fn` once per idempotency key: the first call stores fn's response in the same
   * transaction as its effects; a retry with the same request hash gets the stored response
   * (replayed: true); a retry with another hash fails with AppError('idempotency_mismatch').
   * Concurrent calls with one key are serialised by the database.
   */
  idempotent(req: IdempotencyRequest, fn: (tx: OrgStore) => Promise<StoredResponse>, opts?: { reserved?: boolean }): Promise<StoredResponse & { replayed: boolean }>;
  /** The response stored under an idempotency key, without claiming it (null when none is); another request under the key is an error. */
  storedResponse(req: IdempotencyRequest): Promise<StoredResponse | null>;
  /**
   * For requests that commit more than once (long runs): reserves the key in a transaction of its
   * own. `reserved`: this caller runs, and its final `idempotent(req, fn, {reserved: true})`
   * stores the response; `stored`: replay it; `in_progress`: another caller holds the key (wait
   * for its response). A reservation older than `staleMs` with no response (its holder died) is
   * taken over. Another request under the key is an error.
   */
  reserveIdempotencyKey(req: IdempotencyRequest, staleMs: number): Promise<{ state: 'reserved' } | { state: 'in_progress' } | { state: 'stored'; response: StoredResponse }>;
  /** Gives a reservation up (the run failed before storing a response): the next caller takes it over at once. */
  releaseIdempotencyKey(req: IdempotencyRequest): Promise<void>;
}

export interface Store {
  readonly engine: 'pglite' | 'postgres';
  /** Whether pgvector is installed (HNSW search) or chunks fall back to exact search. */
  readonly hasVector: boolean;
  /** Creates an org; runs under that org's row-level security like any tenant write. */
  createOrg(o: { id: string; name: string }): Promise<Org>;
  getOrg(id: string): Promise<Org | null>;
  /** Resolves a key hash across orgs through a narrow security-definer function. */
  findApiKeyByHash(hash: string): Promise<ApiKeyRecord | null>;
  forOrg(orgId: string): OrgStore;
  /**
   * Unpublished outbox rows across orgs, oldest first (security-definer function); rows younger
   * than minAgeMs (default 0) are left to the process that is publishing them.
   */
  pendingOutbox(limit: number, minAgeMs?: number): Promise<OutboxMessage[]>;
  /**
   * Executing fix plans of any org whose heartbeat (`updatedAt`) is older than `staleMs`: the
   * process running them is gone (security-definer function). Oldest first, at most `limit`.
   */
  orphanedFixPlans(staleMs: number, limit?: number): Promise<{ id: string; orgId: string; heartbeatAt: string }[]>;
  /**
   * Executed fix plans of any org without a verification whose change landed (their last command
   * finished) before `before`: their post window has closed (security-definer function). Oldest first.
   */
  unverifiedFixPlans(before: string, limit?: number): Promise<{ id: string; orgId: string; executedAt: string }[]>;
  /**
   * Plans of any org whose latest verification round calls for another one due by `now` (a fix
   * improving but not healed yet, or too few samples to judge) (security-definer function). Longest waiting first.
   */
  verificationsDue(now: string, limit?: number): Promise<{ planId: string; orgId: string; round: number; dueAt: string }[]>;
  markOutboxPublished(ids: string[]): Promise<void>;
  /**
   * Platform settings (not tenant data), e.g. the hash of a generated admin key. Stores `value`
   * unless the setting exists; returns the stored value either way, so concurrent starts agree.
   */
  claimSetting(name: string, value: string): Promise<string>;
  /**
   * Takes an exclusive role among the processes sharing this database (e.g. `detect`: the
   * detection engines hold per-series state, so one process must see all of an org's signals), or
   * null when another holder has it. Held until released, the process dies, or its database
   * connection drops (`lost` settles then).
   */
  lead(role: string): Promise<Lead | null>;
  /** Throws when the database cannot answer. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** An exclusive role held among the processes that share one database (`Store.lead`). */
export interface Lead {
  readonly role: string;
  /** Settles once the role is no longer held: released, or lost (the connection holding it dropped). */
  readonly lost: Promise<void>;
  /** Gives the role up; idempotent. */
  release(): Promise<void>;
}

/**
 * Owner-level operations for the CLI and tests only (never reachable from the API): they
 * bypass row-level security.
 */
export interface AdminStore {
  listOrgIds(): Promise<string[]>;
  auditEntries(orgId: string): Promise<AuditEntry[]>;
  auditHead(orgId: string): Promise<{ seq: number; hash: string } | null>;
  /** Every command of one org with its signature, oldest first. */
  commands(orgId: string): Promise<CommandRecord[]>;
  /** The public half of the command signing key and the audit key's HMAC of it (null: none); null when no key was ever generated. */
  signingKey(): Promise<(SigningKeyInfo & { mac: string | null }) | null>;
  /** Raw SQL as the owner, e.g. to tamper with rows in tests. */
  exec(sql: string, params?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
  close(): Promise<void>;
}
