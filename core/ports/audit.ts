/** Audit: the org's append-only, hash-chained log of who did what. */
import type { AuditCheckpoint } from '../audit-chain.js';
import type { AuditEntry, AuditInput } from '../schemas.js';

export interface AuditStore {
  /** Appends to this org's hash chain (serialised per org). `ts` defaults to now. */
  appendAudit(e: AuditInput & { ts?: string }): Promise<AuditEntry>;
  /** By seq, oldest first, after `afterSeq`. */
  listAudit(q?: { afterSeq?: number; limit?: number }): Promise<AuditEntry[]>;
  /** The entries that target one thing (`incident:<id>`, `plan:<id>`…), oldest first, at most `limit` (default 1000). */
  listAuditFor(target: string, q?: { limit?: number }): Promise<AuditEntry[]>;
  auditHead(): Promise<{ seq: number; hash: string } | null>;
}

/**
 * Where signed checkpoints of the audit chains are kept, outside the database (a file, an object
 * store, a chat channel): what `audit verify` checks a chain against, so that a database owner who
 * deletes the newest entries and moves the head back is caught.
 */
export interface AuditAnchor {
  /** Records a checkpoint (appends; earlier ones stay). */
  record(c: AuditCheckpoint): Promise<void>;
  /** The newest checkpoint of the org that verifies under the key, and how many recorded ones do not. */
  latest(orgId: string, key: Uint8Array): Promise<{ checkpoint: AuditCheckpoint | null; invalid: number }>;
}
