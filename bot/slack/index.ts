/**
 * The Slack bot: a real Bolt app in HTTP mode (an express router serving POST /slack/events,
 * every request's signature and timestamp verified by Bolt's ExpressReceiver) or Socket Mode
 * (when an app-level token is given), the listeners that hand commands and clicks to the
 * ChatBot, and the ChatSurface war rooms are posted on.
 *
 * The bot token is checked only by `checkToken()` (auth.test), which answers an error naming
 * SLACK_BOT_TOKEN rather than throwing: Bolt's own start-up check (deferInitialization, or a
 * `token` with verification) rejects outside any try/catch and can take the process down, so
 * Bolt gets an `authorize` function instead that never throws.
 */
import { App, ExpressReceiver, SocketModeReceiver, webApi, type Authorize } from '@slack/bolt';
import { Router, type Router as ExpressRouter } from 'express';
import type { Logger } from 'pino';
import { systemClock, type Clock } from '../../core/clock.js';
import type { ChatSurface } from '../chat/ports.js';
import type { ChatBot } from '../chat/types.js';
import { registerListeners } from './listeners.js';
import { slackSurface } from './surface.js';
import { slackUsers } from './users.js';
import { boltLogger, checkApiUrl, describeSlackError, slackClientOptions, slackErrorCode } from './web.js';

export { slackSurface, channelName } from './surface.js';
export { slackWebClient, checkApiUrl, SLACK_DEFAULT_API_URL } from './web.js';

export interface SlackOptions {
  bot: ChatBot;
  botToken: string;
  /** Required in HTTP mode (no appToken): every request to /slack/events is verified with it. */
  signingSecret?: string;
  /** An app-level token (xapp-…): Socket Mode instead of HTTP. */
  appToken?: string;
  /** The Web API base, ending in /api/ (default Slack's own). */
  apiUrl?: string;
  /** A channel id: war rooms are threads in it. */
  incidentChannel?: string;
  oncallUsers: string[];
  mask: (t: string) => string;
  logger: Logger;
  clock?: Clock;
  /** Web API retries after a failure or a 429 (default 3). */
  retries?: number;
}

export type TokenCheck = { ok: true; team: string; botUserId: string } | { ok: false; error: string };

export interface Slack {
  surface: ChatSurface;
  /**
   * POST /slack/events (commands, events, interactivity); mount it on the app's express server
   * before any unscoped body parser (the signature is checked on the raw body). Empty in Socket Mode.
   */
  router: ExpressRouter;
  /** Socket Mode: connects. HTTP mode: checks the token and logs the result. Never throws for a bad token. */
  start(): Promise<void>;
  /** Disconnects (Socket Mode) and waits (up to 5 s) for replies still being posted. */
  stop(): Promise<void>;
  checkToken(): Promise<TokenCheck>;
}

/** How long a failed auth.test is trusted before Bolt's next request tries again. */
const IDENTITY_RETRY_MS = 30_000;

export function createSlack(opts: SlackOptions): Slack {
  const clock = opts.clock ?? systemClock;
  const logger = opts.logger.child({ component: 'slack' });
  if (!opts.botToken) throw new Error('SLACK_BOT_TOKEN is empty: the Slack bot needs a bot token (xoxb-…)');
  if (!opts.appToken && !opts.signingSecret) throw new Error('SLACK_SIGNING_SECRET is required in HTTP mode (or set SLACK_APP_TOKEN for Socket Mode)');
  checkApiUrl(opts.apiUrl);
  const clientOptions = slackClientOptions({ apiUrl: opts.apiUrl, logger, retries: opts.retries });
  const web = new webApi.WebClient(opts.botToken, clientOptions);
  const users = slackUsers(web, { logger, clock });

  // Who the bot is (auth.test), remembered once known; a failure is retried after a pause, never thrown.
  let identity: { botUserId: string; botId?: string; teamId?: string; team: string } | undefined;
  let lastFailure: { at: number; error: string } | undefined;
  async function checkToken(): Promise<TokenCheck> {
    try {
      const r = await web.auth.test();
      identity = { botUserId: String(r.user_id ?? ''), botId: r.bot_id, teamId: r.team_id, team: String(r.team ?? r.team_id ?? '') };
      lastFailure = undefined;
      return { ok: true, team: identity.team, botUserId: identity.botUserId };
    } catch (e) {
      const code = slackErrorCode(e);
      const error = code
        ? `SLACK_BOT_TOKEN was refused by Slack (auth.test: ${code}); set a valid bot token (xoxb-…) for this workspace`
        : `SLACK_BOT_TOKEN could not be checked: auth.test at ${clientOptions.slackApiUrl} failed (${describeSlackError(e)})`;
      lastFailure = { at: clock.now().getTime(), error };
      return { ok: false, error };
    }
  }
  const authorize: Authorize<boolean> = async () => {
    if (!identity && (!lastFailure || clock.now().getTime() - lastFailure.at > IDENTITY_RETRY_MS)) {
      const r = await checkToken();
      if (!r.ok) logger.error(r.error);
    }
    return { botToken: opts.botToken, botUserId: identity?.botUserId, botId: identity?.botId, teamId: identity?.teamId };
  };

  const blog = boltLogger(logger);
  const receiver = opts.appToken
    ? new SocketModeReceiver({ appToken: opts.appToken, logger: blog, installerOptions: { clientOptions } })
    : new ExpressReceiver({ signingSecret: opts.signingSecret as string, endpoints: '/slack/events', logger: blog, processBeforeResponse: false });
  const app = new App({ receiver, authorize, clientOptions, logger: blog });

  const inFlight = new Set<Promise<void>>();
  const background = (work: () => Promise<void>) => {
    const p = work()
      .catch((e: unknown) => logger.error({ err: e }, 'slack: background work failed'))
      .finally(() => inFlight.delete(p));
    inFlight.add(p);
  };
  registerListeners(app, { bot: opts.bot, web, mask: opts.mask, logger, users, botUserId: () => identity?.botUserId, background });

  return {
    surface: slackSurface({ web, incidentChannel: opts.incidentChannel, oncallUsers: opts.oncallUsers, mask: opts.mask, logger, users }),
    router: receiver instanceof ExpressReceiver ? (receiver.router as ExpressRouter) : Router(),
    checkToken,
    async start() {
      const check = await checkToken();
      if (check.ok) logger.info({ team: check.team, botUserId: check.botUserId, mode: opts.appToken ? 'socket' : 'http' }, 'slack: connected');
      else logger.error(check.error);
      if (opts.appToken) {
        try {
          await app.start();
        } catch (e) {
          logger.error({ error: describeSlackError(e) }, 'slack: Socket Mode did not connect (check SLACK_APP_TOKEN)');
        }
      }
    },
    async stop() {
      if (opts.appToken) await app.stop().catch((e: unknown) => logger.warn({ error: describeSlackError(e) }, 'slack: stop failed'));
      const all = Promise.allSettled([...inFlight]);
      await Promise.race([all, new Promise((r) => setTimeout(r, 5_000).unref())]);
    },
  };
}
