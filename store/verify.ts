/**
 * `warroom audit verify`: checks every org's audit hash chain against its head and its latest
 * checkpoint, and every command a runner executed against its Ed25519 signature.
 */
import { createPublicKey } from 'node:crypto';
import { type AuditProblem, type ChainSummary, reportChain } from '../core/audit-chain.js';
import type { AdminStore, AuditAnchor } from '../core/ports/index.js';
import { type CommandSignatureProblem, type SigningKeyInfo, checkCommandSignature, signingKeyVouched } from '../core/signing.js';

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

/** One org's commands checked against the command signing key (core/signing.ts). */
export interface OrgCommandReport {
  orgId: string;
  /** Commands recorded. */
  commands: number;
  /** Commands whose signature verifies. */
  verified: number;
  /** One per command whose signature is missing or does not verify. */
  problems: { id: string; planId: string; problem: CommandSignatureProblem; detail: string }[];
}

/** The command signatures of every org, and whether the key they were checked with is the installation's own. */
export interface CommandsReport {
  key: SigningKeyInfo | null;
  /** Set when the audit key does not vouch for the key in the database (swapped in, or made under another audit key). */
  keyProblem: string | null;
  orgs: OrgCommandReport[];
}

/**
 * Checks every command of every org (or the given ones) against the public key in the database,
 * and, given the audit key, that key against the HMAC the installation stored with it. No key at
 * all: nothing was ever signed, so every command is unsigned.
 */
export async function verifyCommands(admin: AdminStore, orgIds?: string[], opts: { auditKey?: Uint8Array | null } = {}): Promise<CommandsReport> {
  const ids = orgIds ?? (await admin.listOrgIds());
  const stored = await admin.signingKey();
  const key: SigningKeyInfo | null = stored && { keyId: stored.keyId, algorithm: stored.algorithm, publicKeyPem: stored.publicKeyPem, createdAt: stored.createdAt };
  const keyProblem =
    stored && opts.auditKey && !signingKeyVouched(stored, stored.mac, opts.auditKey)
      ? stored.mac
        ? "the audit key's HMAC of the signing key does not verify: the key was replaced in the database, or made under another audit key"
        : 'the signing key carries no HMAC under the audit key: it cannot be told from a key swapped into the database'
      : null;
  const publicKey = key ? { keyId: key.keyId, publicKey: createPublicKey(key.publicKeyPem) } : null;
  const orgs: OrgCommandReport[] = [];
  for (const orgId of ids) {
    const commands = await admin.commands(orgId);
    const problems: OrgCommandReport['problems'] = [];
    for (const c of commands) {
      const signature = c.signature ?? null;
      const bad = publicKey
        ? checkCommandSignature(c, signature, publicKey)
        : { problem: signature ? ('unknown_key' as const) : ('unsigned' as const), detail: signature ? `signed with key ${signature.keyId}, but the database holds no signing key` : 'the command carries no signature' };
      if (bad) problems.push({ id: c.id, planId: c.planId, ...bad });
    }
    orgs.push({ orgId, commands: commands.length, verified: commands.length - problems.length, problems });
  }
  return { key, keyProblem, orgs };
}
