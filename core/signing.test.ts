import { createPrivateKey, createPublicKey, generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  checkCommandSignature,
  commandSigner,
  commandSigningText,
  type SignedCommandFields,
  signingKeyId,
  type SigningKeyInfo,
  signingKeyMac,
  signingKeyVouched,
} from './signing.js';

// RFC 8032 §7.1 test 1 key, which RFC 8037 Appendix A uses as its JWK example.
const RFC_KEY = createPrivateKey({
  key: { kty: 'OKP', crv: 'Ed25519', d: 'nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A', x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo' },
  format: 'jwk',
});

function keyPair(): { info: SigningKeyInfo; privateKey: ReturnType<typeof createPrivateKey> } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  return { info: { keyId: signingKeyId(publicKey), algorithm: 'ed25519', publicKeyPem, createdAt: '2026-12-07T10:00:00.000Z' }, privateKey };
}

const cmd: SignedCommandFields = {
  orgId: 'acme',
  id: 'cmd_1',
  planId: 'plan_1',
  step: 0,
  runner: 'sandbox',
  command: 'kubectl -n shop rollout undo deployment/payments',
  output: 'deployment.apps/payments rolled back',
  exitCode: 0,
  status: 'succeeded',
  startedAt: '2026-12-07T10:05:00.000Z',
  finishedAt: '2026-12-07T10:05:01.250Z',
};

describe('command signing', () => {
  it('key ids are RFC 7638 thumbprints (the RFC 8037 example key)', () => {
    expect(signingKeyId(createPublicKey(RFC_KEY))).toBe('kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k');
    // from the private key or the PEM of the public one: the same id
    expect(signingKeyId(RFC_KEY)).toBe('kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k');
    expect(signingKeyId(createPublicKey(RFC_KEY).export({ type: 'spki', format: 'pem' }).toString())).toBe('kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k');
    expect(() => signingKeyId(generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey)).toThrow(/not an ed25519 key/);
  });

  it('node signs RFC 8032 test 1 as published (the primitive underneath)', () => {
    expect(sign(null, Buffer.alloc(0), RFC_KEY).toString('hex')).toBe(
      'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
    );
  });

  it('round trip: a signed command verifies with the public key alone, deterministically', () => {
    const { info, privateKey } = keyPair();
    const signer = commandSigner(info, privateKey);
    const s = signer.sign(cmd);
    expect(s.keyId).toBe(info.keyId);
    expect(s.sig).toMatch(/^[0-9a-f]{128}$/);
    expect(signer.sign({ ...cmd })).toEqual(s);
    expect(checkCommandSignature(cmd, s, { keyId: info.keyId, publicKey: info.publicKeyPem })).toBeNull();
  });

  it('any field changed fails', () => {
    const { info, privateKey } = keyPair();
    const s = commandSigner(info, privateKey).sign(cmd);
    const changes: Partial<SignedCommandFields>[] = [
      { orgId: 'evil' },
      { id: 'cmd_2' },
      { planId: 'plan_2' },
      { step: 1 },
      { runner: 'dryrun' },
      { command: 'kubectl -n shop rollout restart deployment/payments' },
      { output: 'deployment.apps/payments rolled back ' },
      { exitCode: 1 },
      { status: 'failed' },
      { startedAt: '2026-12-07T10:05:00.001Z' },
      { finishedAt: '2026-12-07T10:05:01.251Z' },
    ];
    expect(changes).toHaveLength(Object.keys(cmd).length);
    for (const change of changes) {
      expect(checkCommandSignature({ ...cmd, ...change }, s, { keyId: info.keyId, publicKey: info.publicKeyPem }), JSON.stringify(change)).toMatchObject({ problem: 'bad_signature' });
    }
    // the signature itself altered, truncated or not hex
    const flipped = `${s.sig.slice(0, -1)}${s.sig.endsWith('0') ? '1' : '0'}`;
    for (const sig of [flipped, s.sig.slice(2), 'zz'.repeat(64)]) {
      expect(checkCommandSignature(cmd, { ...s, sig }, { keyId: info.keyId, publicKey: info.publicKeyPem })).toMatchObject({ problem: 'bad_signature' });
    }
  });

  it('the wrong key fails, whatever key id the row claims', () => {
    const a = keyPair();
    const b = keyPair();
    const s = commandSigner(a.info, a.privateKey).sign(cmd);
    expect(checkCommandSignature(cmd, s, { keyId: b.info.keyId, publicKey: b.info.publicKeyPem })).toMatchObject({ problem: 'unknown_key' });
    // a row relabelled with the verifier's key id still fails: the key id is signed too
    expect(checkCommandSignature(cmd, { ...s, keyId: b.info.keyId }, { keyId: b.info.keyId, publicKey: b.info.publicKeyPem })).toMatchObject({ problem: 'bad_signature' });
    // a signer refuses a private key that is not the one described
    expect(() => commandSigner(a.info, b.privateKey)).toThrow(/does not match/);
  });

  it("the audit key's HMAC vouches for one key's public half only", () => {
    const a = keyPair();
    const b = keyPair();
    const auditKey = Buffer.alloc(32, 1);
    const mac = signingKeyMac(a.info, auditKey);
    expect(signingKeyVouched(a.info, mac, auditKey)).toBe(true);
    expect(signingKeyVouched(b.info, mac, auditKey)).toBe(false);
    expect(signingKeyVouched({ ...a.info, createdAt: '2027-01-01T00:00:00.000Z' }, mac, auditKey)).toBe(false);
    expect(signingKeyVouched(a.info, mac, Buffer.alloc(32, 2))).toBe(false);
    expect(signingKeyVouched(a.info, null, auditKey)).toBe(false);
    expect(signingKeyVouched(a.info, 'not hex', auditKey)).toBe(false);
  });

  it('a missing signature is reported as unsigned', () => {
    const { info } = keyPair();
    expect(checkCommandSignature(cmd, null, { keyId: info.keyId, publicKey: info.publicKeyPem })).toMatchObject({ problem: 'unsigned' });
  });

  it('the signed text is canonical: field order does not matter, the output is covered by its SHA-256', () => {
    const reordered = Object.fromEntries(Object.entries(cmd).reverse()) as unknown as SignedCommandFields;
    expect(commandSigningText(reordered, 'k')).toBe(commandSigningText(cmd, 'k'));
    const text = commandSigningText(cmd, 'k');
    expect(text).not.toContain(cmd.output);
    expect(JSON.parse(text)).toMatchObject({ context: 'warroom.command.v1', keyId: 'k', outputSha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
  });
});
