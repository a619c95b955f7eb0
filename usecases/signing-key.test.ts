import { describe, expect, it } from 'vitest';
import type { OrgStore } from '../core/ports/index.js';
import type { Scope } from '../core/schemas.js';
import type { SigningKeyInfo } from '../core/signing.js';
import type { Session, UseCaseDeps } from './session.js';
import { readSigningKey } from './signing-key.js';

const KEY: SigningKeyInfo = { keyId: 'kid', algorithm: 'ed25519', publicKeyPem: '-----BEGIN PUBLIC KEY-----\n…', createdAt: '2026-12-07T10:00:00.000Z' };

const session = (key: SigningKeyInfo | null, scopes: Scope[]): Session => ({
  principal: { orgId: 'acme', userId: 'u', scopes, via: 'api_key', ref: 'k' },
  org: { commandSigningKey: () => key } as unknown as OrgStore,
  deps: {} as UseCaseDeps,
  commit: () => Promise.reject(new Error('reads only')),
});

describe('readSigningKey', () => {
  it("returns the store's public key to any key with scope read", async () => {
    expect(await readSigningKey(session(KEY, ['read']))).toEqual(KEY);
  });

  it('refuses a key without scope read, and says so when this instance signs nothing', async () => {
    await expect(readSigningKey(session(KEY, ['ingest']))).rejects.toMatchObject({ code: 'forbidden' });
    await expect(readSigningKey(session(null, ['read']))).rejects.toMatchObject({ code: 'unavailable', message: expect.stringMatching(/signs no runner outputs/) });
  });
});
