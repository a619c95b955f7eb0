/**
 * A local Bot Framework token service for tests: an http server on 127.0.0.1, port 0, playing
 * both sides of Bot Framework authentication so the real CloudAdapter can run with credentials
 * and no internet.
 *
 * - Channel → bot: an OpenID metadata document (`openIdMetadataUrl`) whose `jwks_uri` lists one
 *   RSA key made here (node:crypto), with the `endorsements` Bot Framework checks against the
 *   activity's channelId. `channelToken()` signs a token the way the Bot Connector does: iss = the
 *   issuer, aud = the bot's app id, serviceUrl = where replies go, nbf/exp around now; every claim
 *   and the signing key can be overridden to forge a bad one.
 * - Bot → channel: an OAuth2 client_credentials token endpoint under `loginUrl`
 *   (`{loginUrl}/oauth2/v2.0/token`) that issues a token only for the right app id and password;
 *   `issued` holds what it gave out, so the connector can accept exactly those.
 */
import { generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeBotFrameworkAuthOptions {
  appId: string;
  appPassword: string;
  /** The key's endorsements (channel ids it may sign for); Teams' keys carry "msteams". */
  endorsements?: string[];
}

export interface TokenRequest {
  clientId?: string;
  scope?: string;
  grantType?: string;
  /** 200 when a token was issued, else the refusal's status. */
  status: number;
}

export interface SignOptions {
  /** Claims to set or override (undefined removes one). */
  claims?: Record<string, unknown>;
  /** Sign with this key instead of the published one (a forgery). */
  key?: KeyObject;
  /** The header's key id (default: the published key's). */
  kid?: string;
}

export interface FakeBotFrameworkAuth {
  /** Base URL, no trailing slash. */
  url: string;
  /** For ToBotFromChannelOpenIdMetadataUrl (WARROOM_TEAMS_OPENID_METADATA_URL). */
  openIdMetadataUrl: string;
  /** For ToBotFromChannelTokenIssuer (WARROOM_TEAMS_TOKEN_ISSUER): the iss of channel tokens. */
  issuer: string;
  /** For ToChannelFromBotLoginUrl (WARROOM_TEAMS_LOGIN_URL). */
  loginUrl: string;
  kid: string;
  /** A channel → bot token for an activity whose replies go to `serviceUrl`. */
  channelToken(serviceUrl: string, opts?: SignOptions): string;
  /** Access tokens the token endpoint issued to the bot. */
  issued: string[];
  tokenRequests: TokenRequest[];
  close(): Promise<void>;
}

const b64url = (data: Buffer | string) => Buffer.from(data).toString('base64url');

/** A compact RS256 JWT signed with `key`. */
export function signJwt(header: Record<string, unknown>, payload: Record<string, unknown>, key: KeyObject): string {
  const input = `${b64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', ...header }))}.${b64url(JSON.stringify(payload))}`;
  return `${input}.${b64url(sign('sha256', Buffer.from(input), key))}`;
}

/** A fresh RSA key pair (2048 bits, what Bot Framework publishes). */
export const rsaKeyPair = () => generateKeyPairSync('rsa', { modulusLength: 2048 });

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function startFakeBotFrameworkAuth(opts: FakeBotFrameworkAuthOptions): Promise<FakeBotFrameworkAuth> {
  const { privateKey, publicKey } = rsaKeyPair();
  const kid = `test-key-${randomBytes(4).toString('hex')}`;
  const jwk = publicKey.export({ format: 'jwk' });
  const issued: string[] = [];
  const tokenRequests: TokenRequest[] = [];
  const tenantPath = '/botframework.com';

  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  };

  const server = createServer(async (req, res) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    if (req.method === 'GET' && path === '/v1/.well-known/openidconfiguration') {
      return json(res, 200, { issuer: fake.issuer, jwks_uri: `${fake.url}/v1/.well-known/keys`, id_token_signing_alg_values_supported: ['RS256'], token_endpoint_auth_methods_supported: ['private_key_jwt'] });
    }
    if (req.method === 'GET' && path === '/v1/.well-known/keys') {
      return json(res, 200, { keys: [{ kty: 'RSA', use: 'sig', kid, n: jwk.n, e: jwk.e, endorsements: opts.endorsements ?? ['msteams'] }] });
    }
    if (req.method === 'POST' && path === `${tenantPath}/oauth2/v2.0/token`) {
      const form = new URLSearchParams(await readBody(req));
      const request = { clientId: form.get('client_id') ?? undefined, scope: form.get('scope') ?? undefined, grantType: form.get('grant_type') ?? undefined };
      if (request.grantType !== 'client_credentials') {
        tokenRequests.push({ ...request, status: 400 });
        return json(res, 400, { error: 'unsupported_grant_type' });
      }
      if (request.clientId !== opts.appId || form.get('client_secret') !== opts.appPassword) {
        tokenRequests.push({ ...request, status: 401 });
        return json(res, 401, { error: 'invalid_client', error_description: 'wrong client id or secret' });
      }
      tokenRequests.push({ ...request, status: 200 });
      const token = `bot-${randomBytes(16).toString('hex')}`;
      issued.push(token);
      return json(res, 200, { token_type: 'Bearer', expires_in: 3600, ext_expires_in: 3600, access_token: token });
    }
    json(res, 404, { error: 'not_found', path });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const fake: FakeBotFrameworkAuth = {
    url,
    openIdMetadataUrl: `${url}/v1/.well-known/openidconfiguration`,
    issuer: `${url}/issuer`,
    loginUrl: `${url}${tenantPath}`,
    kid,
    channelToken(serviceUrl, o = {}) {
      const now = Math.floor(Date.now() / 1000);
      const payload: Record<string, unknown> = { iss: fake.issuer, aud: opts.appId, serviceurl: serviceUrl, nbf: now - 60, iat: now - 60, exp: now + 3600, ...o.claims };
      for (const k of Object.keys(payload)) if (payload[k] === undefined) delete payload[k];
      return signJwt({ kid: o.kid ?? kid }, payload, o.key ?? privateKey);
    },
    issued,
    tokenRequests,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return fake;
}
