/**
 * The bot's outbound credentials when WARROOM_TEAMS_LOGIN_URL names the token service: an OAuth2
 * client_credentials grant (app id + password) at `{loginUrl}/oauth2/v2.0/token`, the token cached
 * until a minute before it expires. Why not botbuilder's own: it hands a custom login URL to MSAL,
 * which accepts only https authorities it can look up at login.microsoftonline.com (instance
 * discovery) — a private cloud's or a test's token service is neither. The public cloud (the
 * default, no login URL set) still goes through botbuilder and MSAL unchanged.
 */
import type { ConfigurationBotFrameworkAuthentication } from 'botbuilder';

/** botframework-connector's ServiceClientCredentialsFactory, as ConfigurationBotFrameworkAuthentication takes it. */
export type CredentialsFactory = NonNullable<ConstructorParameters<typeof ConfigurationBotFrameworkAuthentication>[1]>;
type Credentials = Awaited<ReturnType<CredentialsFactory['createCredentials']>>;
type WebResource = Parameters<Credentials['signRequest']>[0];

export interface ClientCredentialsOptions {
  appId: string;
  appPassword: string;
  /** e.g. https://login.example.cloud/botframework.com (the tenant is the last path segment). */
  loginUrl: string;
  fetch?: typeof fetch;
  now?: () => number;
}

const SCOPE_SUFFIX = '/.default';

/** A credentials factory whose tokens come from the login URL's token endpoint. */
export function clientCredentialsFactory(opts: ClientCredentialsOptions): CredentialsFactory {
  const doFetch = opts.fetch ?? fetch;
  const now = opts.now ?? Date.now;
  const cache = new Map<string, { token: string; until: number }>();
  const tokenUrl = `${opts.loginUrl.replace(/\/+$/, '')}/oauth2/v2.0/token`;

  const token = async (audience: string): Promise<string> => {
    const hit = cache.get(audience);
    if (hit && hit.until > now()) return hit.token;
    const scope = audience.endsWith(SCOPE_SUFFIX) ? audience : `${audience}${SCOPE_SUFFIX}`;
    const body = new URLSearchParams({ grant_type: 'client_credentials', client_id: opts.appId, client_secret: opts.appPassword, scope });
    const res = await doFetch(tokenUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
    const json = (await res.json().catch(() => ({}))) as { access_token?: unknown; expires_in?: unknown; error?: unknown };
    if (!res.ok || typeof json.access_token !== 'string') {
      // the error code only (invalid_client…): never the request, which holds the password
      throw new Error(`teams: the token service at ${tokenUrl} refused the bot (${res.status}${typeof json.error === 'string' ? ` ${json.error}` : ''}); check MicrosoftAppId and MicrosoftAppPassword`);
    }
    const seconds = typeof json.expires_in === 'number' ? json.expires_in : Number(json.expires_in ?? 0);
    cache.set(audience, { token: json.access_token, until: now() + Math.max(0, seconds - 60) * 1000 });
    return json.access_token;
  };

  return {
    isValidAppId: async (appId: string) => appId === opts.appId,
    isAuthenticationDisabled: async () => false,
    async createCredentials(appId: string, audience: string | undefined) {
      if (appId !== opts.appId) throw new Error('Invalid appId.');
      const aud = audience ?? 'https://api.botframework.com';
      return {
        async signRequest(resource: WebResource) {
          resource.headers.set('Authorization', `Bearer ${await token(aud)}`);
          return resource;
        },
      };
    },
  };
}
