/**
 * The chat composition: one ChatBot for the chat org (WARROOM_CHAT_ORG) with the store-backed
 * directory and room registry, and the surfaces it speaks on — today the local web war room
 * (WARROOM_CHAT_LOCAL, on by default: the page at `/`); Slack and Teams join below. Each surface
 * gets its war rooms (startWarRooms: incident.updated → open the room, post and update the cards).
 * Built by app/runtime.ts once the store, bus and agent are up; until then the chat paths answer
 * 503 "starting" (chatGate).
 */
import express, { type Router } from 'express';
import type { Logger } from 'pino';
import type { Agent } from '../agent/index.js';
import { createLocalChat, type LocalChat } from '../bot/local/chat.js';
import { createChatBot } from '../bot/chat/service.js';
import { hashKey } from '../core/api-keys.js';
import type { Bus, OutboxMessage, Store } from '../core/ports/index.js';
import { directoryOf, roomRegistryOf } from '../usecases/chat.js';
import type { UseCaseDeps } from '../usecases/session.js';
import type { Config } from './config.js';

export interface ChatDeps {
  cfg: Config;
  store: Store;
  bus: Bus;
  useCaseDeps: UseCaseDeps;
  publishCommitted: (msgs: OutboxMessage[]) => void;
  agent: () => Agent | undefined;
  /** Masks secrets in every text that reaches a chat. */
  mask: (t: string) => string;
  logger: Logger;
  /** The address this instance listens on (links in cards when WARROOM_PUBLIC_URL is unset). */
  url: string;
}

export interface Chat {
  router: Router;
  /** The local web war room, when it is on (tests drive it). */
  local?: LocalChat;
  stop(): Promise<void>;
}

/** Paths the chat serves: the local page and its API (Slack's /slack/events and Teams' /api/messages join here). */
export const CHAT_PATHS: readonly RegExp[] = [/^\/$/, /^\/chat(\/|$)/];

export async function startChat(d: ChatDeps): Promise<Chat> {
  const { cfg } = d;
  const orgId = cfg.WARROOM_CHAT_ORG;
  const org = d.store.forOrg(orgId);
  const rooms = roomRegistryOf(org);
  const directory = directoryOf(org);
  const baseUrl = cfg.WARROOM_PUBLIC_URL ?? d.url;
  const logger = d.logger.child({ component: 'chat' });
  const bot = createChatBot({ orgId, org: () => org, useCaseDeps: d.useCaseDeps, publishCommitted: d.publishCommitted, agent: d.agent, directory, rooms, baseUrl, mask: d.mask, logger });
  const router = express.Router();
  const stops: (() => Promise<void>)[] = [];

  let local: LocalChat | undefined;
  if (cfg.WARROOM_CHAT_LOCAL === 'on') {
    local = createLocalChat({
      bot,
      mask: d.mask,
      orgId,
      baseUrl,
      logger,
      // The page and `warroom chat` sign in with an API key of the chat org; its user is the person.
      async authenticate(key) {
        const rec = await d.store.findApiKeyByHash(hashKey(key));
        return rec ? { userId: rec.userId, orgId: rec.orgId } : null;
      },
    });
    router.use(local.router);
    const l = local;
    stops.push(async () => l.close());
    logger.info(`chat: the local web war room at ${baseUrl}/ (sign in with an API key of org ${orgId})`);
  }

  // Slack (bot/slack) and Teams (bot/teams) are added here: each mounts its router on `router`,
  // and gets its war rooms like the local surface above.

  return {
    router,
    local,
    async stop() {
      for (const s of stops.reverse()) await s().catch((err: unknown) => logger.warn({ err }, 'chat: stopping a surface failed'));
    },
  };
}

/**
 * The chat's place in the HTTP server before it is built: a chat path answers 503 "starting"
 * (the store and the agent boot in seconds), anything else goes on to the API.
 */
export function chatGate(chat: () => Chat | undefined): express.RequestHandler {
  return (req, res, next) => {
    const c = chat();
    if (c) return c.router(req, res, next);
    if (!CHAT_PATHS.some((p) => p.test(req.path))) return next();
    res.status(503).setHeader('retry-after', '2');
    if (req.path === '/') res.type('text/plain').send('Warroom is starting; reload in a few seconds.\n');
    else res.type('application/problem+json').json({ type: 'about:blank', title: 'Starting', status: 503, detail: 'Warroom is starting; retry in a few seconds.' });
  };
}
