/**
 * The pieces behind the credentialed Teams path that need no server: which Bot Framework
 * endpoints the adapter is given (none of ours when no cloud is set: botbuilder's public cloud,
 * unchanged), the client_credentials token source (cached per audience, its errors never carrying
 * the password), and which inbound errors become a 401.
 */
import { describe, expect, it } from 'vitest';
import { cloudSettings } from './adapter.js';
import { clientCredentialsFactory } from './client-credentials.js';
import { asRefusal } from './token-refusal.js';

describe('cloudSettings', () => {
  it.each([
    ['no cloud', undefined],
    ['an empty cloud', {}],
    ['a cloud of unset fields', { openIdMetadataUrl: undefined, tokenIssuer: undefined, loginUrl: undefined }],
  ])('gives nothing for %s, so botbuilder keeps the public cloud', (_name, cloud) => {
    expect(cloudSettings(cloud)).toEqual({});
  });

  it('fills every endpoint botbuilder needs, the unset ones from the public cloud', () => {
    const s = cloudSettings({ openIdMetadataUrl: 'http://127.0.0.1:1/v1/.well-known/openidconfiguration' });
    expect(s).toEqual({
      ToBotFromChannelOpenIdMetadataUrl: 'http://127.0.0.1:1/v1/.well-known/openidconfiguration',
      ToBotFromChannelTokenIssuer: 'https://api.botframework.com',
      ToChannelFromBotLoginUrl: 'https://login.microsoftonline.com/botframework.com',
      ToChannelFromBotOAuthScope: 'https://api.botframework.com',
      OAuthUrl: 'https://api.botframework.com',
      ToBotFromEmulatorOpenIdMetadataUrl: 'https://login.microsoftonline.com/common/v2.0/.well-known/openid-configuration',
      CallerId: 'urn:botframework:azure',
    });
    expect(cloudSettings({ tokenIssuer: 'https://issuer.example', loginUrl: 'https://login.example/t' })).toMatchObject({ ToBotFromChannelTokenIssuer: 'https://issuer.example', ToChannelFromBotLoginUrl: 'https://login.example/t' });
  });
});

describe('clientCredentialsFactory', () => {
  /** A token endpoint in a function: records each form, answers with `answer`. */
  function endpoint(answer: (n: number) => { status: number; body: unknown }) {
    const forms: { url: string; form: Record<string, string> }[] = [];
    const fetchStub = (async (url: string | URL | Request, init?: RequestInit) => {
      forms.push({ url: String(url), form: Object.fromEntries(new URLSearchParams(String(init?.body))) });
      const a = answer(forms.length);
      return new Response(JSON.stringify(a.body), { status: a.status, headers: { 'content-type': 'application/json' } });
    }) as typeof fetch;
    return { forms, fetchStub };
  }
  const headersOf = () => {
    const h = new Map<string, string>();
    return { headers: { set: (k: string, v: string) => void h.set(k, v) }, h };
  };
  const sign = async (f: ReturnType<typeof clientCredentialsFactory>, audience?: string) => {
    const creds = await f.createCredentials('app-1', audience, 'ignored', true);
    const { headers, h } = headersOf();
    await creds.signRequest({ headers } as unknown as Parameters<typeof creds.signRequest>[0]);
    return h.get('Authorization');
  };

  it('asks {loginUrl}/oauth2/v2.0/token with the app id, password and the audience\'s .default scope, and caches the token until a minute before it expires', async () => {
    let clock = 1_000_000;
    const { forms, fetchStub } = endpoint((n) => ({ status: 200, body: { token_type: 'Bearer', access_token: `tok-${n}`, expires_in: 3600 } }));
    const f = clientCredentialsFactory({ appId: 'app-1', appPassword: 'pw', loginUrl: 'http://login.test/botframework.com/', fetch: fetchStub, now: () => clock });
    expect(await sign(f)).toBe('Bearer tok-1');
    expect(forms).toEqual([{ url: 'http://login.test/botframework.com/oauth2/v2.0/token', form: { grant_type: 'client_credentials', client_id: 'app-1', client_secret: 'pw', scope: 'https://api.botframework.com/.default' } }]);
    clock += 3_500_000; // 58 min 20 s: still cached
    expect(await sign(f)).toBe('Bearer tok-1');
    clock += 50_000; // within the last minute: fetched again
    expect(await sign(f)).toBe('Bearer tok-2');
    expect(await sign(f, 'https://other.example/.default')).toBe('Bearer tok-3');
    expect(forms[2].form.scope).toBe('https://other.example/.default');
  });

  it('refuses another app id, and says which service refused the bot without the password', async () => {
    const { fetchStub } = endpoint(() => ({ status: 401, body: { error: 'invalid_client', error_description: 'client_secret pw-secret-value is wrong' } }));
    const f = clientCredentialsFactory({ appId: 'app-1', appPassword: 'pw-secret-value', loginUrl: 'http://login.test/t', fetch: fetchStub });
    await expect(f.createCredentials('app-2', undefined, '', true)).rejects.toThrow('Invalid appId.');
    const err = await sign(f).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toBe('teams: the token service at http://login.test/t/oauth2/v2.0/token refused the bot (401 invalid_client); check MicrosoftAppId and MicrosoftAppPassword');
    expect((err as Error).message).not.toContain('pw-secret-value');
    expect(await f.isValidAppId('app-1')).toBe(true);
    expect(await f.isValidAppId('app-2')).toBe(false);
    expect(await f.isAuthenticationDisabled()).toBe(false);
  });

  it('takes a 200 without an access token as a refusal', async () => {
    const { fetchStub } = endpoint(() => ({ status: 200, body: { token_type: 'Bearer' } }));
    const f = clientCredentialsFactory({ appId: 'app-1', appPassword: 'pw', loginUrl: 'http://login.test/t', fetch: fetchStub });
    await expect(sign(f)).rejects.toThrow(/refused the bot \(200\)/);
  });
});

describe('asRefusal', () => {
  const named = (name: string) => Object.assign(new Error('bad'), { name });
  it.each(['JsonWebTokenError', 'NotBeforeError', 'TokenExpiredError'])('turns %s into a 401', (name) => {
    expect(asRefusal(named(name))).toMatchObject({ statusCode: 401, message: 'Unauthorized. bad' });
  });
  it('leaves any other error as it is (the server\'s fault stays a 500)', () => {
    const e = named('TypeError');
    expect(asRefusal(e)).toBe(e);
    expect(asRefusal('not an error')).toBe('not an error');
  });
});
