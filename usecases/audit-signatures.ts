/**
 * The command signatures an audit checks (issue 17 §5): every command a runner executed against
 * its Ed25519 signature and the signing key, and that key against the HMAC the audit key made of
 * it. One check for both ways in: `warroom audit verify` (every org, as the database owner) and
 * `GET /v1/audit/verify` (one org, on the running instance: usecases/audit.ts).
 */
import { createPublicKey } from 'node:crypto';
import type { CommandRecord } from '../core/schemas.js';
import { type CommandSignatureProblem, type SigningKeyInfo, checkCommandSignature, signingKeyVouched } from '../core/signing.js';

/** Where the commands and the key come from: the owner's `AdminStore`, or one org's store (`orgCommandSource`). */
export interface CommandSignatureSource {
  /** The public half of the signing key and the audit key's HMAC of it; null when no key was ever made. */
  signingKey(): Promise<(SigningKeyInfo & { mac: string | null }) | null>;
  /** Every command of the org with its signature. */
  commands(orgId: string): Promise<CommandRecord[]>;
}

/** One org's commands checked against the command signing key. */
export interface OrgCommandReport {
  orgId: string;
  /** Commands recorded. */
  commands: number;
  /** Commands whose signature verifies. */
  verified: number;
  /** One per command whose signature is missing or does not verify. */
  problems: { id: string; planId: string; problem: CommandSignatureProblem; detail: string }[];
}

/** The command signatures of the orgs checked, and whether the key they were checked with is the installation's own. */
export interface CommandsReport {
  key: SigningKeyInfo | null;
  /** Set when the audit key does not vouch for the key (swapped in, or made under another audit key). */
  keyProblem: string | null;
  orgs: OrgCommandReport[];
}

/** Whether a report finds nothing wrong. */
export const commandsIntact = (r: CommandsReport): boolean => r.keyProblem === null && r.orgs.every((o) => o.problems.length === 0);

/**
 * Checks every command of the given orgs against the key, and, given the audit key, that key
 * against the HMAC stored with it. No key at all: nothing was ever signed, so every command is unsigned.
 */
export async function verifyCommandSignatures(source: CommandSignatureSource, orgIds: string[], opts: { auditKey?: Uint8Array | null } = {}): Promise<CommandsReport> {
  const stored = await source.signingKey();
  const key: SigningKeyInfo | null = stored && { keyId: stored.keyId, algorithm: stored.algorithm, publicKeyPem: stored.publicKeyPem, createdAt: stored.createdAt };
  const keyProblem =
    stored && opts.auditKey && !signingKeyVouched(stored, stored.mac, opts.auditKey)
      ? stored.mac
        ? "the audit key's HMAC of the signing key does not verify: the key was replaced in the database, or made under another audit key"
        : 'the signing key carries no HMAC under the audit key: it cannot be told from a key swapped into the database'
      : null;
  const publicKey = key ? { keyId: key.keyId, publicKey: createPublicKey(key.publicKeyPem) } : null;
  const orgs: OrgCommandReport[] = [];
  for (const orgId of orgIds) {
    const commands = await source.commands(orgId);
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
