/**
 * Bearer API keys. Keys are random, shown once, and stored only as sha256 hashes. An org key
 * carries scopes; the platform admin key can only create orgs.
 */
import { timingSafeEqual } from 'node:crypto';
import { AppError } from '../core/errors.js';
import type { Scope } from '../core/schemas.js';

export type Principal =
  | { kind: 'platform' }
  | { kind: 'key'; orgId: string; userId: string; keyId: string; scopes: Scope[] };

export { hashKey, newApiKey } from '../core/api-keys.js';

export function bearerToken(header: string | undefined): string | null {
  if (!header) return null;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return m ? m[1] : null;
}

export function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && timingSafeEqual(x, y);
}

export function requireScope(p: Principal, scope: Scope | 'platform'): void {
  if (scope === 'platform') {
    if (p.kind !== 'platform') throw new AppError('forbidden', 'This needs the platform admin key.');
    return;
  }
  if (p.kind !== 'key') throw new AppError('forbidden', 'The platform admin key only creates orgs; use an org key.');
  if (!p.scopes.includes(scope) && !p.scopes.includes('admin')) {
    throw new AppError('forbidden', `This key lacks the "${scope}" scope.`, { extra: { required_scope: scope } });
  }
}

/** A small time-bounded cache so hot endpoints (ingest) do not look the key up on every request. */
export class KeyCache<V> {
  private readonly entries = new Map<string, { v: V; until: number }>();
  constructor(private readonly ttlMs: number, private readonly max = 10_000) {}
  get(k: string, now: number): V | undefined {
    const e = this.entries.get(k);
    if (!e) return undefined;
    if (e.until < now) {
      this.entries.delete(k);
      return undefined;
    }
    return e.v;
  }
  clear(): void {
    this.entries.clear();
  }
  set(k: string, v: V, now: number): void {
    if (this.entries.size >= this.max) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(k, { v, until: now + this.ttlMs });
  }
}
