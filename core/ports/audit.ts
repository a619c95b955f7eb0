/** Audit: the org's append-only, hash-chained log of who did what. */
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
