/**
 * `warroom audit verify`: checks every org's audit hash chain against its head and its latest
 * checkpoint (the command signatures: usecases/audit-signatures.ts).
 */
import { type AuditProblem, type ChainSummary, reportChain } from '../core/audit-chain.js';
import type { AdminStore, AuditAnchor } from '../core/ports/index.js';

export interface OrgAuditReport {
  orgId: string;
  /** Rows in the chain. */
  entries: number;
  head: { seq: number; hash: string } | null;
  /** The checkpoint checked against (null: none recorded, or no anchor/key given). */
  checkpoint: { seq: number; at: string } | null;
  summary: ChainSummary;
  /** Empty when the chain is intact. */
  problems: AuditProblem[];
}

export interface AuditVerifyOptions {
  /** The audit key: signed entries are checked with it. */
  key?: Uint8Array | null;
  /** Where checkpoints are kept (needs the key to check their signatures). */
  anchor?: AuditAnchor | null;
}

/** One report per org (all orgs, or the given ones), in org id order. */
export async function verifyAudit(admin: AdminStore, orgIds?: string[], opts: AuditVerifyOptions = {}): Promise<OrgAuditReport[]> {
  const ids = orgIds ?? (await admin.listOrgIds());
  const key = opts.key ?? null;
  const out: OrgAuditReport[] = [];
  for (const orgId of ids) {
    const [entries, head] = await Promise.all([admin.auditEntries(orgId), admin.auditHead(orgId)]);
    const anchored = key && opts.anchor ? await opts.anchor.latest(orgId, key) : undefined;
    out.push({ orgId, entries: entries.length, head, ...reportChain(entries, head, key, anchored) });
  }
  return out;
}
