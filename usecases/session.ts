/**
 * What a use case runs with: the principal, the org's store, the process's collaborators, and how
 * its writes commit. The HTTP API builds a session per request (api/session.ts); the agent's tools
 * and the bots build theirs with `directSession`.
 */
import type { Clock, IdSource } from '../core/clock.js';
import type { AuditAnchor, ExternalPolicy, OrgStore, OutboxMessage, Runner, Subject } from '../core/ports/index.js';
import type { CompiledMask } from '../detectors/secrets.js';
import { Staged } from '../ingest/outbox-relay.js';
import type { PolicyBundle } from '../policies/evaluate.js';
import type { LiveService } from '../core/ports/live-state.js';
import type { GitHost } from '../core/ports/git-host.js';
import type { AnalysisCache } from './analysis-cache.js';
import type { Principal } from './principal.js';

/** The process's collaborators a use case may need. */
export interface UseCaseDeps {
  clock: Clock;
  newId: IdSource;
  /** Secret-masking rules applied to free text people write (titles, notes, reasons). */
  masks: CompiledMask[];
  /** Fix-plan runners by name. */
  runners: Record<string, Runner>;
  /** Analyses kept for re-runs on unchanged data. */
  analysisCache: AnalysisCache;
  /** How often an executing plan's heartbeat is renewed (remediate/leases.ts). */
  fixHeartbeatMs?: number;
  /**
   * What the cluster says about a service now (replicas, limits, flags…) for the fix catalog's
   * numbers; absent or null: entries that need a live value are not built (remediate/catalog.ts).
   */
  liveState?(orgId: string, service: string): Promise<LiveService | null> | LiveService | null;
  /**
   * The preflight's Cedar policies (usecases/policy-loader.ts: the defaults plus
   * WARROOM_POLICY_DIR, validated at start-up); absent: the default policies. Each org's own
   * stored sets are compiled onto them per org (usecases/org-policies.ts).
   */
  policies?: PolicyBundle;
  /** An external policy engine asked after the Cedar policies (OPA_URL, app/opa.ts); absent: Cedar alone. */
  externalPolicy?: ExternalPolicy;
  /** A plan not approved within this long of its drafting expires (WARROOM_PLAN_TTL_MINUTES); absent: plans never expire. */
  planTtlMs?: number;
  /**
   * The canary judge's windows and rounds (WARROOM_VERIFY_WINDOW_SECONDS, WARROOM_VERIFY_SETTLE_SECONDS,
   * WARROOM_VERIFY_ROUNDS); absent: 300 s, 60 s and 3 rounds.
   */
  verify?: { windowMs: number; settleMs: number; rounds?: number };
  /** The audit key and where checkpoints are kept: what `verifyAudit` checks the chain with. */
  audit?: { key: Uint8Array; anchor: AuditAnchor | null };
  /** GitHub for the GitOps pull requests (usecases/gitops.ts; set with GITHUB_TOKEN); absent: 503. */
  gitops?: GitOpsDeps;
}

/** What the GitOps path needs from the process. */
export interface GitOpsDeps {
  host: GitHost;
  /** Where people reach this instance, for the pull request's links (WARROOM_PUBLIC_URL or the listen address; undefined: no links). */
  baseUrl(): string | undefined;
}

/** What a use case's final write sees. */
export interface WriteScope {
  /** Bound to the write transaction. */
  org: OrgStore;
  /** Queues a bus message with the writes; it is published once they commit. */
  emit(subject: Subject, payload: unknown): Promise<void>;
}

export interface Session {
  principal: Principal;
  /** The org's store for reads (and for intermediate writes of long use cases, each its own transaction). */
  org: OrgStore;
  deps: UseCaseDeps;
  /**
   * The use case's final write: `fn` runs in one transaction, at most once per call (over HTTP
   * with an Idempotency-Key it is the idempotent transaction, whose reply is stored with the
   * writes). The use case returns what `fn` returned.
   */
  commit<T>(fn: (w: WriteScope) => Promise<T>): Promise<T>;
}

/**
 * A session outside HTTP (agent tools, bots, the runtime): each commit is a transaction of the org
 * store whose queued messages go to the outbox and, once committed, to `publishCommitted`.
 */
export function directSession(principal: Principal, org: OrgStore, deps: UseCaseDeps, publishCommitted: (msgs: OutboxMessage[]) => void): Session {
  return {
    principal,
    org,
    deps,
    async commit(fn) {
      const staged = new Staged(deps.newId, () => deps.clock.now().toISOString());
      const out = await org.transaction((tx) => fn({ org: tx, emit: (subject, payload) => staged.emit(tx, subject, payload, undefined, payload) }));
      publishCommitted(staged.messages);
      return out;
    },
  };
}
