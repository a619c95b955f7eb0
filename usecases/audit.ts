/** The org's audit chain: read it, and verify it end to end (scope `admin`). */
import { type AuditProblem, type ChainSummary, reportChain } from '../core/audit-chain.js';
import type { AuditEntry } from '../core/schemas.js';
import { requireScope } from './principal.js';
import type { Session } from './session.js';

const PAGE = 1000;

/** Entries after `afterSeq`, oldest first. */
export async function readAudit(s: Session, q: { afterSeq: number; limit: number }): Promise<AuditEntry[]> {
  requireScope(s.principal, 'admin');
  return s.org.listAudit(q);
}

export interface AuditVerification {
  ok: boolean;
  entries: number;
  checkpoint: { seq: number; at: string } | null;
  summary: ChainSummary;
  problems: AuditProblem[];
}

/**
 * Walks the whole chain with the process's audit key and the org's latest checkpoint; `ok` is
 * false when any row was edited, forged, inserted or deleted, or the chain was rewound.
 */
export async function verifyAudit(s: Session): Promise<AuditVerification> {
  requireScope(s.principal, 'admin');
  const all: AuditEntry[] = [];
  for (;;) {
    const page = await s.org.listAudit({ afterSeq: all.length ? all[all.length - 1].seq : 0, limit: PAGE });
    all.push(...page);
    if (page.length < PAGE) break;
  }
  const key = s.deps.audit?.key ?? null;
  const anchored = key && s.deps.audit?.anchor ? await s.deps.audit.anchor.latest(s.principal.orgId, key) : undefined;
  const report = reportChain(all, await s.org.auditHead(), key, anchored);
  return { ok: report.problems.length === 0, entries: all.length, ...report };
}
