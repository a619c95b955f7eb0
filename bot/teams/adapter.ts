/**
 * The Bot Framework CloudAdapter for Teams, built from the bot's app registration (id, password,
 * tenant). Without an app id it runs in the SDK's developer mode: inbound requests are not
 * authenticated and outbound calls carry no token — fine against the Bot Framework Emulator or a
 * local connector, never on a reachable address, and the log says so. A turn that throws is
 * logged and answered briefly; it never takes the process down.
 */
import { ActivityTypes, CloudAdapter, type TurnContext } from 'botbuilder';
import type { Logger } from 'pino';
import { clientCredentialsFactory } from './client-credentials.js';
import { RefusingForgedTokens } from './token-refusal.js';

export interface TeamsCredentials {
  appId?: string;
  appPassword?: string;
  tenantId?: string;
  /** Where tokens come from and are checked; unset = the public Azure cloud (botbuilder's defaults). */
  cloud?: TeamsCloud;
}

/**
 * The Bot Framework endpoints of a cloud other than the public one (a sovereign or private cloud,
 * or a local token service in tests). Any field set switches botbuilder to its parameterized
 * configuration, which needs every endpoint: the unset ones keep the public cloud's values.
 */
export interface TeamsCloud {
  /** OpenID metadata listing the keys channel tokens are signed with (WARROOM_TEAMS_OPENID_METADATA_URL). */
  openIdMetadataUrl?: string;
  /** The iss of channel tokens (WARROOM_TEAMS_TOKEN_ISSUER). */
  tokenIssuer?: string;
  /** The token service the bot gets its outbound tokens from (WARROOM_TEAMS_LOGIN_URL). */
  loginUrl?: string;
}

/** The audience of outbound calls to the Bot Framework channel service (public cloud). */
export const CHANNEL_AUDIENCE = 'https://api.botframework.com';

/** botbuilder's public-cloud endpoints (botframework-connector AuthenticationConstants), spelled out for the parameterized form. */
const PUBLIC_CLOUD = {
  ToChannelFromBotLoginUrl: 'https://login.microsoftonline.com/botframework.com',
  ToChannelFromBotOAuthScope: CHANNEL_AUDIENCE,
  ToBotFromChannelTokenIssuer: 'https://api.botframework.com',
  OAuthUrl: 'https://api.botframework.com',
  ToBotFromChannelOpenIdMetadataUrl: 'https://login.botframework.com/v1/.well-known/openidconfiguration',
  ToBotFromEmulatorOpenIdMetadataUrl: 'https://login.microsoftonline.com/common/v2.0/.well-known/openid-configuration',
  CallerId: 'urn:botframework:azure',
};

/** The parameterized settings for `cloud`, or none when it names nothing (botbuilder then picks the public cloud itself). */
export function cloudSettings(cloud: TeamsCloud | undefined): Record<string, string> {
  if (!cloud?.openIdMetadataUrl && !cloud?.tokenIssuer && !cloud?.loginUrl) return {};
  return {
    ...PUBLIC_CLOUD,
    ...(cloud.openIdMetadataUrl ? { ToBotFromChannelOpenIdMetadataUrl: cloud.openIdMetadataUrl } : {}),
    ...(cloud.tokenIssuer ? { ToBotFromChannelTokenIssuer: cloud.tokenIssuer } : {}),
    ...(cloud.loginUrl ? { ToChannelFromBotLoginUrl: cloud.loginUrl } : {}),
  };
}

export function createAdapter(creds: TeamsCredentials, logger: Logger): CloudAdapter {
  const developerMode = !creds.appId;
  if (developerMode) {
    logger.warn('teams: MicrosoftAppId is not set — developer mode: requests to POST /api/messages are not authenticated and replies carry no token, so only requests from this machine are taken (Bot Framework Emulator, tests); set MicrosoftAppId and MicrosoftAppPassword to serve Teams');
  }
  const loginUrl = creds.cloud?.loginUrl;
  const auth = new RefusingForgedTokens(
    {
      ...(creds.appId ? { MicrosoftAppId: creds.appId } : {}),
      ...(creds.appPassword ? { MicrosoftAppPassword: creds.appPassword } : {}),
      ...(creds.tenantId ? { MicrosoftAppTenantId: creds.tenantId, MicrosoftAppType: 'SingleTenant' } : creds.appId ? { MicrosoftAppType: 'MultiTenant' } : {}),
      ...cloudSettings(creds.cloud),
    },
    creds.appId && creds.appPassword && loginUrl ? clientCredentialsFactory({ appId: creds.appId, appPassword: creds.appPassword, loginUrl }) : undefined,
  );
  const adapter = new CloudAdapter(auth);
  adapter.onTurnError = async (context: TurnContext, error: Error) => {
    const a = context.activity;
    logger.error({ err: error, activity: { type: a.type, name: a.name, id: a.id, conversation: a.conversation?.id } }, 'teams: a turn failed');
    try {
      if (a.type === ActivityTypes.Invoke) {
        await context.sendActivity({ type: ActivityTypes.InvokeResponse, value: { status: 500, body: { message: 'Warroom could not handle this action; it has been logged.' } } });
      } else if (a.type === ActivityTypes.Message) {
        await context.sendActivity('Sorry, something went wrong on my side; it has been logged. Try again in a moment.');
      }
    } catch (err) {
      logger.warn({ err }, 'teams: could not tell the user about the failed turn');
    }
  };
  return adapter;
}
