/**
 * Signed runner outputs (issue 17 §5). Every command a runner executed is stored with an Ed25519
 * signature over a canonical serialisation of what ran, for which plan, when and with what
 * result, and the id of the signing key. Anyone holding only the public key (GET
 * /v1/signing-key) can then tell an edited row (output, exit code, status, times…) from the one
 * the runner reported, offline and without the database's help. Unlike the audit log's HMAC, the
 * verifier needs no secret.
 *
 * Ed25519 signatures are deterministic (RFC 8032): same key, same text, same signature.
 */
import { createHash, createHmac, createPublicKey, sign, timingSafeEqual, verify, type KeyObject } from 'node:crypto';
import { canonicalJson } from './hash.js';

export const SIGNING_ALGORITHM = 'ed25519' as const;

/** Domain separation: a signature over a command can never pass for one over anything else. */
const COMMAND_CONTEXT = 'warroom.command.v1';

/** What a command's signature covers: every stored field but the signature itself. */
export interface SignedCommandFields {
  orgId: string;
  /** The command row's id: a copy of a signed row under another id does not verify. */
  id: string;
  planId: string;
  step: number;
  runner: string;
  command: string;
  /** Signed through its SHA-256, so a verifier can check a digest without the whole output. */
  output: string;
  exitCode: number;
  status: string;
  startedAt: string;
  finishedAt: string;
}

/** A command's signature: the key that made it and the signature (hex, 64 bytes). */
export interface CommandSignature {
  keyId: string;
  sig: string;
}

/** The public half of a signing key, as GET /v1/signing-key shows it. */
export interface SigningKeyInfo {
  keyId: string;
  algorithm: typeof SIGNING_ALGORITHM;
  publicKeyPem: string;
  createdAt: string;
}

/** Signs commands with one private key (built by the store adapter that keeps the key). */
export interface CommandSigner {
  readonly key: SigningKeyInfo;
  /** The audit key's HMAC of `key` as stored with it (`signingKeyMac`), when the store that loaded the key keeps one. */
  readonly mac?: string | null;
  sign(c: SignedCommandFields): CommandSignature;
}

export const sha256Hex = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

/** The exact text that is signed: canonical JSON (sorted keys) of the fields, the output by its SHA-256, and the key id. */
export function commandSigningText(c: SignedCommandFields, keyId: string): string {
  return canonicalJson({
    context: COMMAND_CONTEXT,
    keyId,
    orgId: c.orgId,
    id: c.id,
    planId: c.planId,
    step: c.step,
    runner: c.runner,
    command: c.command,
    outputSha256: sha256Hex(c.output),
    exitCode: c.exitCode,
    status: c.status,
    startedAt: c.startedAt,
    finishedAt: c.finishedAt,
  });
}

const publicKeyOf = (k: KeyObject | string): KeyObject => (typeof k === 'string' ? createPublicKey(k) : k.type === 'private' ? createPublicKey(k) : k);

/**
 * The key id: the RFC 7638 JWK thumbprint of the public key (SHA-256, base64url), which any JOSE
 * library recomputes from the PEM, e.g. `kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k` for the
 * RFC 8037 example key.
 */
export function signingKeyId(publicKey: KeyObject | string): string {
  const key = publicKeyOf(publicKey);
  if (key.asymmetricKeyType !== SIGNING_ALGORITHM) throw new TypeError(`not an ${SIGNING_ALGORITHM} key: ${key.asymmetricKeyType ?? 'unknown'}`);
  const jwk = key.export({ format: 'jwk' });
  // RFC 7638 §3: the required members only, in lexicographic order, no whitespace
  return createHash('sha256').update(JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x }), 'utf8').digest('base64url');
}

/** A signer over a private key; `info` describes its public half (its keyId must match the key). */
export function commandSigner(info: SigningKeyInfo, privateKey: KeyObject): CommandSigner {
  if (signingKeyId(privateKey) !== info.keyId) throw new Error(`the private key does not match the public key ${info.keyId}`);
  return {
    key: info,
    sign: (c) => ({ keyId: info.keyId, sig: sign(null, Buffer.from(commandSigningText(c, info.keyId), 'utf8'), privateKey).toString('hex') }),
  };
}

/**
 * The audit key's HMAC-SHA256 (hex) of a signing key's public half. The verifier reads the public
 * key from the database it checks; without this, an owner could swap in a key pair of their own
 * and re-sign every row. Only the holder of the audit key can vouch for a key.
 */
export function signingKeyMac(info: SigningKeyInfo, auditKey: Uint8Array): string {
  const body = canonicalJson({ context: 'warroom.signing-key.v1', keyId: info.keyId, algorithm: info.algorithm, publicKeyPem: info.publicKeyPem, createdAt: info.createdAt });
  return createHmac('sha256', auditKey).update(body, 'utf8').digest('hex');
}

/** Whether `mac` vouches for the key under the audit key. */
export function signingKeyVouched(info: SigningKeyInfo, mac: string | null, auditKey: Uint8Array): boolean {
  if (typeof mac !== 'string' || !/^[0-9a-f]{64}$/.test(mac)) return false;
  return timingSafeEqual(Buffer.from(mac), Buffer.from(signingKeyMac(info, auditKey)));
}

const SIG_RE = /^[0-9a-f]{128}$/;

export type CommandSignatureProblem = 'unsigned' | 'unknown_key' | 'bad_signature';

/**
 * Checks a stored command against its signature and the public key: null when it holds, else
 * what is wrong. `unsigned`: no signature (recorded before signing began, or stripped);
 * `unknown_key`: signed with a key other than this one; `bad_signature`: the row changed since
 * it was signed (or the signature was forged).
 */
export function checkCommandSignature(
  c: SignedCommandFields,
  signature: CommandSignature | null,
  key: { keyId: string; publicKey: KeyObject | string },
): { problem: CommandSignatureProblem; detail: string } | null {
  if (!signature) return { problem: 'unsigned', detail: 'the command carries no signature' };
  if (signature.keyId !== key.keyId) return { problem: 'unknown_key', detail: `signed with key ${signature.keyId}, not with the store's key ${key.keyId}` };
  const ok = SIG_RE.test(signature.sig) && verify(null, Buffer.from(commandSigningText(c, key.keyId), 'utf8'), publicKeyOf(key.publicKey), Buffer.from(signature.sig, 'hex'));
  return ok ? null : { problem: 'bad_signature', detail: 'the signature does not match the row: its output, result or times were changed after it was signed' };
}
