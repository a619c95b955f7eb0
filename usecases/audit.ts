/** The org's audit chain and its commands' signatures: read it, and verify them end to end (scope `admin`). */
import { type AuditProblem, type ChainSummary, reportChain } from '../core/audit-chain.js';
import type { OrgStore } from '../core/ports/index.js';
import type { AuditEntry } from '../core/schemas.js';
import { type CommandSignatureSource, type CommandsReport, commandsIntact, verifyCommandSignatures } from './audit-signatures.js';
import { requireScope } from './principal.js';
import type { Session } from './session.js';

const PAGE = 1000;

/** Entries after `afterSeq`, oldest first. */
export async function readAudit(s: Session, q: { afterSeq: number; limit: number }): Promise<AuditEntry[]> {
  requireScope(s.principal, 'admin');
  return s.org.listAudit(q);
}

export interface AuditVerification {
  /** The chain intact and every command's signature verifies under a key the audit key vouches for. */
  ok: boolean;
  entries: number;
  checkpoint: { seq: number; at: string } | null;
  summary: ChainSummary;
  /** The chain's problems. */
  problems: AuditProblem[];
  /** The org's commands checked as `warroom audit verify` checks them (usecases/audit-signatures.ts). */
  commands: CommandsReport;
}

/**
 * One org's commands and the key this instance signs with (the one it loaded from the database,
 * with the HMAC stored beside it): the org's view of what the owner's AdminStore gives the CLI.
 */
export function orgCommandSource(org: OrgStore): CommandSignatureSource {
  return { signingKey: async () => org.commandSigningKey(), commands: () => org.listOrgCommands() };
}

/**
 * Walks the whole chain with the process's audit key and the org's latest checkpoint, and checks
 * every command's signature; `ok` is false when any row was edited, forged, inserted or deleted,
 * the chain was rewound, or a command is unsigned, signed with another key or changed since.
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
  const commands = await verifyCommandSignatures(orgCommandSource(s.org), [s.principal.orgId], { auditKey: key });
  return { ok: report.problems.length === 0 && commandsIntact(commands), entries: all.length, ...report, commands };
}
