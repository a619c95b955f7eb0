/**
 * The Bot Framework CloudAdapter for Teams, built from the bot's app registration (id, password,
 * tenant). Without an app id it runs in the SDK's developer mode: inbound requests are not
 * authenticated and outbound calls carry no token — fine against the Bot Framework Emulator or a
 * local connector, never on a reachable address, and the log says so. A turn that throws is
 * logged and answered briefly; it never takes the process down.
 */
import { ActivityTypes, CloudAdapter, ConfigurationBotFrameworkAuthentication, type TurnContext } from 'botbuilder';
import type { Logger } from 'pino';

export interface TeamsCredentials {
  appId?: string;
  appPassword?: string;
  tenantId?: string;
}

/** The audience of outbound calls to the Bot Framework channel service (public cloud). */
export const CHANNEL_AUDIENCE = 'https://api.botframework.com';

export function createAdapter(creds: TeamsCredentials, logger: Logger): CloudAdapter {
  const developerMode = !creds.appId;
  if (developerMode) {
    logger.warn('teams: MicrosoftAppId is not set — developer mode: requests to POST /api/messages are not authenticated and replies carry no token, so only requests from this machine are taken (Bot Framework Emulator, tests); set MicrosoftAppId and MicrosoftAppPassword to serve Teams');
  }
  const auth = new ConfigurationBotFrameworkAuthentication({
    ...(creds.appId ? { MicrosoftAppId: creds.appId } : {}),
    ...(creds.appPassword ? { MicrosoftAppPassword: creds.appPassword } : {}),
    ...(creds.tenantId ? { MicrosoftAppTenantId: creds.tenantId, MicrosoftAppType: 'SingleTenant' } : creds.appId ? { MicrosoftAppType: 'MultiTenant' } : {}),
  });
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
