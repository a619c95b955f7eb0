/** The org's audit chain: read it, and verify it end to end (scope `admin`). */
import { type AuditProblem, verifyChain } from '../core/audit-chain.js';
import type { AuditEntry } from '../core/schemas.js';
import { requireScope } from './principal.js';
import type { Session } from './session.js';

const PAGE = 1000;

/** Entries after `afterSeq`, oldest first. */
export async function readAudit(s: Session, q: { afterSeq: number; limit: number }): Promise<AuditEntry[]> {
  requireScope(s.principal, 'admin');
  return s.org.listAudit(q);
}

/** Walks the whole chain; `ok` is false when any row was edited, inserted or deleted. */
export async function verifyAudit(s: Session): Promise<{ ok: boolean; entries: number; problems: AuditProblem[] }> {
  requireScope(s.principal, 'admin');
  const all: AuditEntry[] = [];
  for (;;) {
    const page = await s.org.listAudit({ afterSeq: all.length ? all[all.length - 1].seq : 0, limit: PAGE });
    all.push(...page);
    if (page.length < PAGE) break;
  }
  const problems = verifyChain(all, await s.org.auditHead());
  return { ok: problems.length === 0, entries: all.length, problems };
}
