/** `warroom audit verify`: checks every org's audit hash chain against its head. */
import { type AuditProblem, verifyChain } from '../core/audit-chain.js';
import type { AdminStore } from '../core/ports/index.js';

export interface OrgAuditReport {
  orgId: string;
  /** Rows in the chain. */
  entries: number;
  head: { seq: number; hash: string } | null;
  /** Empty when the chain is intact. */
  problems: AuditProblem[];
}

/** One report per org (all orgs, or the given ones), in org id order. */
export async function verifyAudit(admin: AdminStore, orgIds?: string[]): Promise<OrgAuditReport[]> {
  const ids = orgIds ?? (await admin.listOrgIds());
  const out: OrgAuditReport[] = [];
  for (const orgId of ids) {
    const [entries, head] = await Promise.all([admin.auditEntries(orgId), admin.auditHead(orgId)]);
    const problems = verifyChain(entries, head);
    // A head with no rows at all (every row deleted) is a deleted tail too.
    if (!head && entries.length > 0) {
      problems.push({ seq: entries[entries.length - 1].seq, problem: 'deleted_tail', detail: 'the chain has rows but no head' });
    }
    out.push({ orgId, entries: entries.length, head, problems });
  }
  return out;
}
