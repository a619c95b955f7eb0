/** GET /v1/signing-key: the public key every runner output (command) is signed with. */
import { z } from 'zod';
import { readSigningKey } from '../../usecases/signing-key.js';
import { route } from '../context.js';
import { runUseCase } from '../session.js';

const SigningKeyView = z.object({
  key_id: z.string().describe("RFC 7638 JWK thumbprint (SHA-256, base64url) of the public key; each command's signature names it"),
  algorithm: z.literal('ed25519'),
  public_key_pem: z.string().describe('SubjectPublicKeyInfo, PEM'),
  created_at: z.string(),
});

export const signingKeyRoute = route({
  method: 'get',
  path: '/v1/signing-key',
  summary: 'The public key runner outputs are signed with (Ed25519)',
  tag: 'audit',
  scope: 'read',
  response: {
    status: 200,
    schema: SigningKeyView,
    description:
      'A command verifies when its signature (hex) is a valid Ed25519 signature, under this key, of the canonical JSON described in core/signing.ts; `warroom audit verify` checks every command',
  },
  handler: (ctx) =>
    runUseCase(ctx, (s) => readSigningKey(s), (k) => ({ status: 200, body: { key_id: k.keyId, algorithm: k.algorithm, public_key_pem: k.publicKeyPem, created_at: k.createdAt } })),
});
