/**
 * The org tokens row-level security checks (store/migrations/tenancy.sql): "<hex org>.<expiry,
 * epoch seconds>.<HMAC-SHA256 hex>" signed with the database's tenant key, which the server reads
 * as the owner at start-up and the application role cannot read. Each tenant transaction sets
 * its org's token in `app.org_token`; the database function `warroom_current_org()` checks it.
 */
import { createHmac } from 'node:crypto';

/** How long a token stays valid: longer than any transaction, short next to a credential's life. */
export const ORG_TOKEN_TTL_SECONDS = 3600;

/** What is signed: a fixed prefix (a token is good for nothing else), the org in hex and the expiry. */
const signedText = (orgHex: string, expiresAtSec: number) => `warroom-org:${orgHex}.${expiresAtSec}`;

/** A token for `orgId` valid until `expiresAtSec` (checked against the transaction's start). */
export function mintOrgToken(key: Buffer, orgId: string, expiresAtSec: number): string {
  const orgHex = Buffer.from(orgId, 'utf8').toString('hex');
  const sig = createHmac('sha256', key).update(signedText(orgHex, expiresAtSec)).digest('hex');
  return `${orgHex}.${expiresAtSec}.${sig}`;
}

/** One token per org, minted again once less than half its life is left. */
export class OrgTokens {
  private readonly cache = new Map<string, { token: string; renewAtMs: number }>();

  constructor(
    private readonly key: Buffer,
    private readonly now: () => number = Date.now,
    private readonly ttlSec = ORG_TOKEN_TTL_SECONDS,
  ) {}

  for(orgId: string): string {
    const nowMs = this.now();
    const hit = this.cache.get(orgId);
    if (hit && nowMs < hit.renewAtMs) return hit.token;
    const expiresAtSec = Math.floor(nowMs / 1000) + this.ttlSec;
    const token = mintOrgToken(this.key, orgId, expiresAtSec);
    this.cache.set(orgId, { token, renewAtMs: nowMs + (this.ttlSec * 1000) / 2 });
    return token;
  }
}

/** The token of a tenant transaction; a store used before its migrations ran is a bug, said so. */
export function orgToken(tokens: OrgTokens | null, orgId: string): string {
  if (!tokens) throw new Error('store: the tenant key is not loaded yet (migrations have not run)');
  return tokens.for(orgId);
}
