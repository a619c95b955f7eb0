/** The command signing key kept in the database: generated once, agreed on, encrypted under the audit key when one is configured. */
import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkCommandSignature, signingKeyId } from '../core/signing.js';
import { openPgliteStore } from './pglite.js';
import { loadCommandSigner, readSigningKey, SIGNING_KEY_SETTING } from './signing-key.js';
import type { OpenedStore } from './store.js';
import { verifyCommandSignatures } from '../usecases/audit-signatures.js';

const AUDIT_KEY = Buffer.alloc(32, 3);
const OTHER_KEY = Buffer.alloc(32, 4);
const cmd = {
  orgId: 'acme',
  id: 'c1',
  planId: 'p1',
  step: 0,
  runner: 'sandbox',
  command: 'kubectl -n shop rollout restart deployment/cart',
  output: 'restarted',
  exitCode: 0,
  status: 'succeeded',
  startedAt: '2026-12-07T10:00:00.000Z',
  finishedAt: '2026-12-07T10:00:02.000Z',
};

describe('command signing key in the store', () => {
  let encrypted: OpenedStore;
  let clear: OpenedStore;
  beforeAll(async () => {
    [encrypted, clear] = await Promise.all([openPgliteStore(), openPgliteStore()]);
  });
  afterAll(async () => {
    for (const o of [encrypted, clear]) await o?.store.close();
  });

  const storedValue = async (o: OpenedStore) => JSON.parse(String((await o.admin.exec('SELECT value FROM settings WHERE name = $1', [SIGNING_KEY_SETTING])).rows[0].value)) as Record<string, unknown>;

  it('is generated on the first load and the same key comes back on every later one (first writer wins)', async () => {
    expect(await encrypted.db.owner((s) => readSigningKey(s))).toBeNull();
    const [a, b] = await Promise.all([loadCommandSigner(encrypted.db, { passphrase: AUDIT_KEY }, AUDIT_KEY), loadCommandSigner(encrypted.db, { passphrase: AUDIT_KEY }, AUDIT_KEY)]);
    expect(b.key).toEqual(a.key);
    const again = await loadCommandSigner(encrypted.db, { passphrase: AUDIT_KEY }, AUDIT_KEY);
    expect(again.key).toEqual(a.key);
    expect(await encrypted.db.owner((s) => readSigningKey(s))).toEqual({ ...a.key, mac: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(await verifyCommandSignatures(encrypted.admin, [], { auditKey: AUDIT_KEY })).toEqual({ key: a.key, keyProblem: null, orgs: [] });
    // any instance's signer makes signatures the one public key verifies
    expect(checkCommandSignature(cmd, b.sign(cmd), { keyId: a.key.keyId, publicKey: a.key.publicKeyPem })).toBeNull();
  });

  it('keeps the private key encrypted under a configured audit key; without it, or with another, the start is refused', async () => {
    const v = await storedValue(encrypted);
    expect(v).toMatchObject({ encrypted: true, algorithm: 'ed25519' });
    expect(v.privateKeyPem).toMatch(/BEGIN ENCRYPTED PRIVATE KEY/);
    await expect(loadCommandSigner(encrypted.db, { passphrase: null }, null)).rejects.toThrow(/encrypted with WARROOM_AUDIT_KEY, which is not set/);
    await expect(loadCommandSigner(encrypted.db, { passphrase: OTHER_KEY }, OTHER_KEY)).rejects.toThrow(/cannot be decrypted with this WARROOM_AUDIT_KEY/);
  });

  it('a key pair the owner swaps into the database (to re-sign edited rows) is not vouched for by the audit key', async () => {
    const before = await storedValue(encrypted);
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    const swapped = {
      ...before,
      keyId: signingKeyId(publicKey),
      publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      encrypted: false,
    };
    await encrypted.admin.exec('UPDATE settings SET value = $2 WHERE name = $1', [SIGNING_KEY_SETTING, JSON.stringify(swapped)]);
    try {
      const report = await verifyCommandSignatures(encrypted.admin, [], { auditKey: AUDIT_KEY });
      expect(report.key?.keyId).toBe(swapped.keyId);
      expect(report.keyProblem).toMatch(/HMAC of the signing key does not verify/);
      // without the audit key the verifier cannot tell
      expect((await verifyCommandSignatures(encrypted.admin, [])).keyProblem).toBeNull();
    } finally {
      await encrypted.admin.exec('UPDATE settings SET value = $2 WHERE name = $1', [SIGNING_KEY_SETTING, JSON.stringify(before)]);
    }
    expect((await verifyCommandSignatures(encrypted.admin, [], { auditKey: AUDIT_KEY })).keyProblem).toBeNull();
    expect((await verifyCommandSignatures(encrypted.admin, [], { auditKey: OTHER_KEY })).keyProblem).toMatch(/another audit key/);
  });

  it('without a configured audit key the private key is plain PKCS#8, and a key configured later still reads it', async () => {
    const first = await loadCommandSigner(clear.db, { passphrase: null }, null);
    const v = await storedValue(clear);
    expect(v).toMatchObject({ encrypted: false, mac: null });
    expect(v.privateKeyPem).toMatch(/BEGIN PRIVATE KEY/);
    expect((await loadCommandSigner(clear.db, { passphrase: AUDIT_KEY }, AUDIT_KEY)).key).toEqual(first.key);
    // made with no audit key at all: a verifier holding one cannot vouch for it
    expect((await verifyCommandSignatures(clear.admin, [], { auditKey: AUDIT_KEY })).keyProblem).toMatch(/carries no HMAC/);
  });

  it('the application role cannot read the key: only the claim function and the owner can', async () => {
    await expect(clear.db.tenant(null, (s) => s.query('SELECT value FROM settings'))).rejects.toMatchObject({ code: '42501' });
  });
});
