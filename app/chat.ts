/**
 * The chat composition: one ChatBot for the chat org (WARROOM_CHAT_ORG) with the store-backed
 * directory and room registry, and the surfaces it speaks on — today the local web war room
 * (WARROOM_CHAT_LOCAL, on by default: the page at `/`), Slack when SLACK_BOT_TOKEN is set (HTTP on
 * /slack/events, or Socket Mode), Teams on /api/messages (WARROOM_CHAT_TEAMS). Each surface
 * gets its war rooms (startWarRooms: incident.updated → open the room, post and update the cards).
 * Built by app/runtime.ts once the store, bus and agent are up; until then the chat paths answer
 * 503 "starting" (chatGate).
 */
import express, { type Router } from 'express';
import type { Logger } from 'pino';
import type { Agent } from '../agent/index.js';
import { createLocalChat, type LocalChat } from '../bot/local/chat.js';
import { createSlack } from '../bot/slack/index.js';
import { createTeams } from '../bot/teams/index.js';
import { createChatBot } from '../bot/chat/service.js';
import { memoryRoomRegistry } from '../bot/chat/memory.js';
import type { RoomRegistry, SurfaceName } from '../bot/chat/ports.js';
import { roomName, startWarRooms, type WarRooms } from '../bot/chat/warroom.js';
import { hashKey } from '../core/api-keys.js';
import { STRATEGIES } from '../remediate/choose.js';
import type { AuditCheckpoint } from '../core/audit-chain.js';
import type { Bus, OutboxMessage, Store } from '../core/ports/index.js';
import { directoryOf, roomRegistryOf } from '../usecases/chat.js';
import { getIncident } from '../usecases/incidents.js';
import { directSession, type UseCaseDeps } from '../usecases/session.js';
import { DEFAULT_ORG, type Config } from './config.js';

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
  /** Posts a signed audit checkpoint to the audit channel (SLACK_AUDIT_CHANNEL), when one is configured. */
  announceAuditCheckpoint(c: AuditCheckpoint): void;
  /** The local web war room, when it is on (tests drive it). */
  local?: LocalChat;
  stop(): Promise<void>;
}

/** Paths the chat serves: the local page and its API (Slack's /slack/events and Teams' /api/messages join here). */
export const CHAT_PATHS: readonly RegExp[] = [/^\/$/, /^\/chat(\/|$)/, /^\/slack\/events$/, /^\/api\/messages$/];

export async function startChat(d: ChatDeps): Promise<Chat> {
  const { cfg } = d;
  const orgId = cfg.WARROOM_CHAT_ORG;
  const org = d.store.forOrg(orgId);
  // The local web chat keeps its rooms in this process's memory, so its registry does too (a
  // stored one would name rooms a restarted process no longer has); other surfaces' are stored.
  const rooms = bySurface(roomRegistryOf(org), { local: memoryRoomRegistry() });
  const directory = directoryOf(org);
  const baseUrl = cfg.WARROOM_PUBLIC_URL ?? d.url;
  const logger = d.logger.child({ component: 'chat' });
  // With the sandbox on, a plan drafted in chat acts on it (namespace shop): an approval heals the
  // simulated service instead of only recording what would have run.
  const planDefaults = cfg.WARROOM_SANDBOX === 'on' && orgId === DEFAULT_ORG ? { env: 'prod' as const, runner: 'sandbox', namespace: 'shop' } : undefined;
  const bot = createChatBot({ orgId, org: () => org, useCaseDeps: d.useCaseDeps, publishCommitted: d.publishCommitted, agent: d.agent, directory, rooms, baseUrl, mask: d.mask, logger, planStrategies: STRATEGIES, ...(planDefaults ? { planDefaults } : {}) });
  const router = express.Router();
  const stops: (() => Promise<void>)[] = [];
  let auditChannel: ((text: string) => Promise<unknown>) | undefined;

  const warRoomsOf = (surface: Parameters<typeof startWarRooms>[0]['surface']): Promise<WarRooms> =>
    startWarRooms({ bus: d.bus, surface, rooms, orgId, org: () => org, useCaseDeps: d.useCaseDeps, baseUrl, minSeverity: cfg.WARROOM_CHAT_MIN_SEVERITY, logger });

  let local: LocalChat | undefined;
  if (cfg.WARROOM_CHAT_LOCAL === 'on') {
    // set just below: the war rooms need the surface the local chat makes
    const started: { rooms?: WarRooms } = {};
    local = createLocalChat({
      bot,
      mask: d.mask,
      now: () => d.useCaseDeps.clock.now(),
      orgId,
      baseUrl,
      logger,
      // The page and `warroom chat` sign in with an API key of the chat org; its user is the person.
      async authenticate(key) {
        const rec = await d.store.findApiKeyByHash(hashKey(key));
        return rec ? { userId: rec.userId, orgId: rec.orgId } : null;
      },
      // Someone looking at an incident in the page gets its room, whatever its severity: a
      // local room is only a view, and the cards then arrive as they do in any war room.
      async ensureRoom(incidentId) {
        const surface = local!.surface;
        const reader = directSession({ orgId, userId: 'chat-local', scopes: ['read'], via: 'system' }, org, d.useCaseDeps, () => undefined);
        const inc = await getIncident(reader, incidentId);
        const now = d.useCaseDeps.clock.now();
        if (!(await rooms.room(inc.id, 'local'))?.room && (await rooms.claimRoom(inc.id, 'local', now, 30_000))) {
          const room = await surface.openRoom({ incident: inc, name: roomName(inc), topic: `${inc.severity.toUpperCase()} · ${inc.service} · ${inc.title}` });
          await rooms.saveRoom(inc.id, room, now);
        }
        await started.rooms?.sync(inc.id);
      },
    });
    router.use(local.router);
    const l = local;
    const wr = await warRoomsOf(l.surface);
    started.rooms = wr;
    stops.push(async () => {
      await wr.stop();
      l.close();
    });
    logger.info(`chat: the local web war room at ${baseUrl}/ (sign in with an API key of org ${orgId})`);
  }

  if (cfg.SLACK_BOT_TOKEN) {
    const slack = await createSlack({
      bot,
      botToken: cfg.SLACK_BOT_TOKEN,
      signingSecret: cfg.SLACK_SIGNING_SECRET,
      appToken: cfg.SLACK_APP_TOKEN,
      apiUrl: cfg.SLACK_API_URL,
      incidentChannel: cfg.SLACK_INCIDENT_CHANNEL,
      oncallUsers: (cfg.SLACK_ONCALL_USERS ?? '').split(',').map((u) => u.trim()).filter(Boolean),
      mask: d.mask,
      logger: logger.child({ surface: 'slack' }),
      clock: d.useCaseDeps.clock,
    });
    router.use(slack.router);
    const auditRoom = cfg.SLACK_AUDIT_CHANNEL;
    if (auditRoom) auditChannel = (text) => slack.surface.say({ surface: 'slack', channel: auditRoom }, text);
    // checks the token (auth.test) and, in Socket Mode, connects; a bad token is logged naming
    // SLACK_BOT_TOKEN, never thrown. Not awaited: an unreachable Slack (4 tries × 10 s) must not
    // hold the rest of Warroom's readiness back.
    void slack.start().catch((err: unknown) => logger.error({ err }, 'chat: Slack did not start'));
    const wr = await warRoomsOf(slack.surface);
    stops.push(async () => {
      await wr.stop();
      await slack.stop();
    });
    logger.info(`chat: Slack ${cfg.SLACK_APP_TOKEN ? 'over Socket Mode' : `on ${baseUrl}/slack/events`}, war rooms ${cfg.SLACK_INCIDENT_CHANNEL ? `as threads in ${cfg.SLACK_INCIDENT_CHANNEL}` : 'as new channels'}`);
  }

  const teamsOn = cfg.WARROOM_CHAT_TEAMS === 'on' || (cfg.WARROOM_CHAT_TEAMS === 'auto' && cfg.MicrosoftAppId !== undefined);
  if (teamsOn) {
    const teams = createTeams({
      bot,
      appId: cfg.MicrosoftAppId,
      appPassword: cfg.MicrosoftAppPassword,
      tenantId: cfg.MicrosoftAppTenantId,
      cloud: { openIdMetadataUrl: cfg.WARROOM_TEAMS_OPENID_METADATA_URL, tokenIssuer: cfg.WARROOM_TEAMS_TOKEN_ISSUER, loginUrl: cfg.WARROOM_TEAMS_LOGIN_URL },
      serviceUrl: cfg.TEAMS_SERVICE_URL,
      incidentChannel: cfg.TEAMS_INCIDENT_CHANNEL,
      mask: d.mask,
      logger: logger.child({ surface: 'teams' }),
    });
    router.use(teams.router);
    // war rooms need a channel to open reply chains in; without one the bot still answers commands
    const wr = cfg.TEAMS_SERVICE_URL && cfg.TEAMS_INCIDENT_CHANNEL ? await warRoomsOf(teams.surface) : undefined;
    stops.push(async () => {
      await wr?.stop();
      await teams.stop();
    });
    logger.info(`chat: Teams on ${baseUrl}/api/messages${cfg.MicrosoftAppId ? '' : ' (developer mode: no app id, requests from this machine only)'}, war rooms ${wr ? `as reply chains in ${cfg.TEAMS_INCIDENT_CHANNEL}` : 'off (set TEAMS_SERVICE_URL and TEAMS_INCIDENT_CHANNEL)'}`);
  }

  return {
    router,
    local,
    announceAuditCheckpoint(c) {
      if (!auditChannel) return;
      const text = `Audit checkpoint · org ${c.orgId} · entry ${c.seq} · head ${c.hash} · ${c.at} · HMAC ${c.sig}`;
      auditChannel(text).catch((err: unknown) => logger.warn({ err, orgId: c.orgId, seq: c.seq }, 'chat: could not post the audit checkpoint to the audit channel (it is in the checkpoint directory)'));
    },
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

/** One registry over several: each call goes to the surface's own (`local` in memory), else to `fallback`. */
export function bySurface(fallback: RoomRegistry, own: Partial<Record<SurfaceName, RoomRegistry>>): RoomRegistry {
  const of = (s: SurfaceName) => own[s] ?? fallback;
  return {
    room: (incidentId, surface) => of(surface).room(incidentId, surface),
    claimRoom: (incidentId, surface, now, staleMs) => of(surface).claimRoom(incidentId, surface, now, staleMs),
    saveRoom: (incidentId, room, now) => of(room.surface).saveRoom(incidentId, room, now),
    roomAt: (where) => of(where.surface).roomAt(where),
    card: (cardId, surface) => of(surface).card(cardId, surface),
    claimCard: (incidentId, cardId, surface, now, staleMs) => of(surface).claimCard(incidentId, cardId, surface, now, staleMs),
    saveCard: (cardId, surface, message, digest, now) => of(surface).saveCard(cardId, surface, message, digest, now),
  };
}
