/** The command signing key kept in the database: generated once, agreed on, encrypted under the audit key when one is configured. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkCommandSignature } from '../core/signing.js';
import { openPgliteStore } from './pglite.js';
import { loadCommandSigner, readSigningKey, SIGNING_KEY_SETTING } from './signing-key.js';
import type { OpenedStore } from './store.js';

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
    const [a, b] = await Promise.all([loadCommandSigner(encrypted.db, { passphrase: AUDIT_KEY }), loadCommandSigner(encrypted.db, { passphrase: AUDIT_KEY })]);
    expect(b.key).toEqual(a.key);
    const again = await loadCommandSigner(encrypted.db, { passphrase: AUDIT_KEY });
    expect(again.key).toEqual(a.key);
    expect(await encrypted.db.owner((s) => readSigningKey(s))).toEqual(a.key);
    // any instance's signer makes signatures the one public key verifies
    expect(checkCommandSignature(cmd, b.sign(cmd), { keyId: a.key.keyId, publicKey: a.key.publicKeyPem })).toBeNull();
  });

  it('keeps the private key encrypted under a configured audit key; without it, or with another, the start is refused', async () => {
    const v = await storedValue(encrypted);
    expect(v).toMatchObject({ encrypted: true, algorithm: 'ed25519' });
    expect(v.privateKeyPem).toMatch(/BEGIN ENCRYPTED PRIVATE KEY/);
    await expect(loadCommandSigner(encrypted.db, { passphrase: null })).rejects.toThrow(/encrypted with WARROOM_AUDIT_KEY, which is not set/);
    await expect(loadCommandSigner(encrypted.db, { passphrase: OTHER_KEY })).rejects.toThrow(/cannot be decrypted with this WARROOM_AUDIT_KEY/);
  });

  it('without a configured audit key the private key is plain PKCS#8, and a key configured later still reads it', async () => {
    const first = await loadCommandSigner(clear.db, { passphrase: null });
    const v = await storedValue(clear);
    expect(v).toMatchObject({ encrypted: false });
    expect(v.privateKeyPem).toMatch(/BEGIN PRIVATE KEY/);
    expect((await loadCommandSigner(clear.db, { passphrase: AUDIT_KEY })).key).toEqual(first.key);
  });

  it('the application role cannot read the key: only the claim function and the owner can', async () => {
    await expect(clear.db.tenant(null, (s) => s.query('SELECT value FROM settings'))).rejects.toMatchObject({ code: '42501' });
  });
});
