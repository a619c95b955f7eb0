/**
 * The command signing key (Ed25519, core/signing.ts): generated on the first start and kept in
 * the `settings` table through warroom_claim_setting, where the first writer wins, so instances
 * sharing one database agree on one key. The private key is PKCS#8 PEM; with a passphrase (the
 * configured WARROOM_AUDIT_KEY) it is encrypted (PKCS#8 PBES2, AES-256-CBC), so a copy of the
 * database alone cannot sign. Without one it is stored in the clear: whoever reads the settings
 * table as the database owner can then forge signatures (README, "Signed runner outputs"). The
 * audit key's HMAC of the public half is kept beside it, so a key pair swapped in by the owner is
 * told apart (store/verify.ts).
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, hkdfSync } from 'node:crypto';
import { z } from 'zod';
import { type CommandSigner, type SigningKeyInfo, SIGNING_ALGORITHM, commandSigner, signingKeyId, signingKeyMac } from '../core/signing.js';
import type { Db, SqlSession } from './sql.js';

export const SIGNING_KEY_SETTING = 'command_signing_key';

const StoredKey = z.object({
  keyId: z.string().min(1),
  algorithm: z.literal(SIGNING_ALGORITHM),
  publicKeyPem: z.string().min(1),
  privateKeyPem: z.string().min(1),
  encrypted: z.boolean(),
  createdAt: z.string().min(1),
  /** The audit key's HMAC of the public half (core/signing.ts signingKeyMac); null when generated without an audit key. */
  mac: z.string().nullable().default(null),
});
type StoredKey = z.infer<typeof StoredKey>;

/** How the store signs commands: `passphrase` (the audit key) encrypts the private key at rest; null keeps it in the clear. */
export interface CommandSigningOptions {
  passphrase: Uint8Array | null;
}

/** The PEM passphrase: derived from the audit key (HKDF), never the HMAC key itself. */
const pemPassphrase = (key: Uint8Array): Buffer => Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), 'warroom command signing key', 32));

function newKey(passphrase: Uint8Array | null, auditKey: Uint8Array | null, now: Date): StoredKey {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const privateKeyPem = privateKey
    .export(passphrase ? { type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: pemPassphrase(passphrase) } : { type: 'pkcs8', format: 'pem' })
    .toString();
  const info: SigningKeyInfo = { keyId: signingKeyId(publicKey), algorithm: SIGNING_ALGORITHM, publicKeyPem, createdAt: now.toISOString() };
  return { ...info, privateKeyPem, encrypted: passphrase !== null, mac: auditKey ? signingKeyMac(info, auditKey) : null };
}

function parseStored(value: string): StoredKey {
  let json: unknown = null;
  try {
    json = JSON.parse(value);
  } catch {
    // reported below, as any other malformed value
  }
  const parsed = StoredKey.safeParse(json);
  if (!parsed.success) throw new Error(`the setting ${SIGNING_KEY_SETTING} is not a signing key: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data;
}

const infoOf = (k: StoredKey): SigningKeyInfo => ({ keyId: k.keyId, algorithm: k.algorithm, publicKeyPem: k.publicKeyPem, createdAt: k.createdAt });

/**
 * The signer over the database's key, generating and claiming one if there is none. Throws with
 * the reason when the stored key cannot be used (encrypted and no or another passphrase, or its
 * halves disagree): better no start than commands recorded unsigned.
 */
export async function loadCommandSigner(db: Db, opts: CommandSigningOptions, auditKey: Uint8Array | null, now = new Date()): Promise<CommandSigner> {
  const candidate = JSON.stringify(newKey(opts.passphrase, auditKey, now));
  const [row] = await db.tenant(null, (s) => s.query<{ v: string }>('SELECT warroom_claim_setting($1, $2) AS v', [SIGNING_KEY_SETTING, candidate]));
  const stored = parseStored(String(row.v));
  if (signingKeyId(stored.publicKeyPem) !== stored.keyId) throw new Error(`the stored signing key's id ${stored.keyId} is not its public key's thumbprint`);
  if (stored.encrypted && !opts.passphrase) {
    throw new Error('the command signing key in the database is encrypted with WARROOM_AUDIT_KEY, which is not set: set it to the key the instance that created it used');
  }
  let privateKey;
  try {
    privateKey = createPrivateKey(stored.encrypted ? { key: stored.privateKeyPem, format: 'pem', passphrase: pemPassphrase(opts.passphrase!) } : { key: stored.privateKeyPem, format: 'pem' });
  } catch (e) {
    throw new Error(`the command signing key in the database cannot be decrypted with this WARROOM_AUDIT_KEY (another instance created it with another key): ${e instanceof Error ? e.message : String(e)}`, {
      cause: e,
    });
  }
  if (createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }).toString() !== stored.publicKeyPem) throw new Error('the stored signing key pair does not match');
  return { ...commandSigner(infoOf(stored), privateKey), mac: stored.mac };
}

/**
 * The public half of the database's key with the audit key's HMAC of it, or null when none was
 * ever generated (read as the owner: the role cannot read settings).
 */
export async function readSigningKey(s: SqlSession): Promise<(SigningKeyInfo & { mac: string | null }) | null> {
  const [row] = await s.query<{ value: string }>('SELECT value FROM settings WHERE name = $1', [SIGNING_KEY_SETTING]);
  if (!row) return null;
  const stored = parseStored(String(row.value));
  return { ...infoOf(stored), mac: stored.mac };
}
