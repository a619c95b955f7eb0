/**
 * The Teams bot: `createTeams(opts)` gives the war-room surface, an express router serving the
 * Bot Framework messaging endpoint (POST /api/messages, with its own JSON parser), and `stop()`,
 * which waits for answers still being posted. Every inbound activity is checked at the edge
 * (activity.ts) before the SDK runs it: a malformed one is a 400 problem+json, not a crash.
 * The composition root (app/) mounts the router and hands the surface to the bot core.
 */
import express, { type NextFunction, type Request, type Response } from 'express';
import type { ConversationReference, TurnContext } from 'botbuilder';
import type { Logger } from 'pino';
import type { MaskText } from '../cards/index.js';
import type { ChatSurface } from '../chat/ports.js';
import type { ChatBot } from '../chat/types.js';
import { checkActivity } from './activity.js';
import { createAdapter, type TeamsCloud } from './adapter.js';
import { developerModeRefusal } from './guard.js';
import { WarroomTeamsHandler } from './handler.js';
import { EmailBook } from './members.js';
import { TeamsSurface } from './surface.js';

export interface TeamsOptions {
  bot: ChatBot;
  /** MicrosoftAppId; unset = developer mode (no inbound authentication). */
  appId?: string;
  appPassword?: string;
  tenantId?: string;
  /** A cloud other than the public one (WARROOM_TEAMS_OPENID_METADATA_URL, …_TOKEN_ISSUER, …_LOGIN_URL). */
  cloud?: TeamsCloud;
  /** TEAMS_SERVICE_URL: where war rooms are opened. */
  serviceUrl?: string;
  /** TEAMS_INCIDENT_CHANNEL: the channel each war room is a reply chain in. */
  incidentChannel?: string;
  mask: MaskText;
  logger: Logger;
  /** How long a command may run before the turn answers "working on it" (default 10 s; Teams waits ~15 s). */
  replyBudgetMs?: number;
}

export interface TeamsBot {
  surface: ChatSurface;
  router: express.Router;
  /** Waits (at most `timeoutMs`) for answers still being posted after their turn. */
  stop(timeoutMs?: number): Promise<void>;
}

const problem = (res: Response, status: number, title: string, detail: string) =>
  res.status(status).type('application/problem+json').send(JSON.stringify({ type: 'about:blank', title, status, detail }));

export function createTeams(opts: TeamsOptions): TeamsBot {
  const logger = opts.logger.child({ surface: 'teams' });
  const appId = opts.appId ?? '';
  const adapter = createAdapter({ appId: opts.appId, appPassword: opts.appPassword, tenantId: opts.tenantId, cloud: opts.cloud }, logger);
  const emails = new EmailBook();
  const pending = new Set<Promise<void>>();

  const later = (ref: Partial<ConversationReference>, work: (context: TurnContext) => Promise<void>) => {
    const p = adapter
      .continueConversationAsync(appId, ref, work)
      .catch((err: unknown) => logger.error({ err, conversation: ref.conversation?.id }, 'teams: a late answer could not be posted'))
      .finally(() => pending.delete(p));
    pending.add(p);
  };
  const handler = new WarroomTeamsHandler({ bot: opts.bot, mask: opts.mask, logger, emails, replyBudgetMs: opts.replyBudgetMs ?? 10_000, later });
  const surface = new TeamsSurface({ adapter, appId, tenantId: opts.tenantId, serviceUrl: opts.serviceUrl, incidentChannel: opts.incidentChannel, mask: opts.mask, logger, emails });

  const router = express.Router();
  router.post('/api/messages', express.json({ limit: '256kb' }), async (req: Request, res: Response) => {
    const checked = checkActivity(req.body);
    if (!checked.ok) {
      logger.warn({ error: checked.error }, 'teams: refused a malformed activity');
      problem(res, 400, 'Bad activity', checked.error);
      return;
    }
    const refusal = appId ? null : developerModeRefusal(req.socket.remoteAddress, checked.activity.serviceUrl, opts.serviceUrl);
    if (refusal) {
      logger.warn({ remote: req.socket.remoteAddress, serviceUrl: checked.activity.serviceUrl }, `teams: refused: ${refusal}`);
      problem(res, 403, 'Forbidden', refusal);
      return;
    }
    try {
      await adapter.process(req, res, (context) => handler.run(context));
    } catch (err) {
      logger.error({ err }, 'teams: the adapter failed on an activity');
      if (!res.headersSent) problem(res, 500, 'Internal error', 'The activity could not be processed; it has been logged.');
    }
  });
  // The JSON parser's errors (bad JSON, too large) come here: a clear 4xx, never an HTML page.
  router.use('/api/messages', (err: { status?: number; type?: string; message?: string }, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(err);
    const status = typeof err.status === 'number' && err.status >= 400 && err.status < 500 ? err.status : 500;
    if (status === 500) logger.error({ err }, 'teams: request failed');
    problem(res, status, status === 500 ? 'Internal error' : 'Bad request', status === 500 ? 'The request could not be processed.' : (err.message ?? 'bad request'));
  });

  return {
    surface,
    router,
    async stop(timeoutMs = 10_000) {
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
      });
      await Promise.race([Promise.allSettled([...pending]), deadline]);
      clearTimeout(timer);
    },
  };
}

export type { TeamsCloud } from './adapter.js';
export { TeamsSurface } from './surface.js';
export { WarroomTeamsHandler } from './handler.js';
