/**
 * The local web war room over HTTP: the page at `/`, and a JSON API under /chat/api that the
 * page and `warroom chat` use. Every API call carries a Warroom API key
 * (`Authorization: Bearer …`); the signed-in key's user is the chat user (`{surface: 'local',
 * id: userId}`), so the bot acts as that person with their role, by the same rules as Slack and
 * Teams. Server-sent events tell the page about rooms and messages; they are read with fetch,
 * which (unlike EventSource) can send the Authorization header.
 */
import { readFileSync } from 'node:fs';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import { parseAction, renderHtml, renderPlain, type Card } from '../cards/index.js';
import type { MaskText } from '../cards/model.js';
import type { ChatUser, RoomRef } from '../chat/ports.js';
import type { ChatBot, ChatReply, ClickResult } from '../chat/types.js';
import { CLICK_PATH, createLocalSurface, type LocalEvent, type LocalMessage, type LocalSurface } from './surface.js';

export interface ChatLogger {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface LocalChatOptions {
  bot: ChatBot;
  mask: MaskText;
  /** The user and org of an API key, or null when the key is not valid. */
  authenticate(bearerKey: string): Promise<{ userId: string; orgId: string } | null>;
  logger: ChatLogger;
  /** The server's own URL (links in cards). */
  baseUrl: string;
  /** The org the chat acts in: a key of another org is refused with a clear reply. */
  orgId?: string;
  now?: () => Date;
  /**
   * Opens the incident's room when someone joins it (POST /chat/api/rooms/:id/join) or types in it
   * before it has one; throws an AppError('not_found') for an unknown incident. Without it, only
   * war rooms exist.
   */
  ensureRoom?(incidentId: string): Promise<void>;
  /** Milliseconds between keep-alive comments on an event stream (default 15 s). */
  heartbeatMs?: number;
}

export interface LocalChat {
  surface: LocalSurface;
  router: Router;
  /** Ends the event streams. */
  close(): void;
}

/** Ids the bot makes (incident ULIDs, prefixed ids). */
const IncidentId = z.string().regex(/^[A-Za-z0-9._:@+-]{1,128}$/, 'an incident id');
const CommandBody = z.object({ text: z.string().trim().min(1, 'type a command, e.g. "help"').max(4000), incident_id: IncidentId.optional() }).strict();
const ClickBody = z
  .object({
    value: z.union([z.string().max(2000), z.record(z.string(), z.unknown())]),
    inputs: z.record(z.string().max(64), z.string().max(2000)).optional(),
    incident_id: IncidentId.optional(),
  })
  .strict();

const STATIC_DIR = new URL('./static/', import.meta.url);
const JS = 'text/javascript; charset=utf-8';
const STATIC_FILES: Record<string, string> = { 'chat.mjs': JS, 'side.mjs': JS, 'stream.mjs': JS, 'view.mjs': JS, 'chat.css': 'text/css; charset=utf-8' };

type Authed = Request & { chatUser?: ChatUser; chatOrg?: string };

/** The command text without a leading `warroom`, `/warroom` or `@warroom`. */
export const stripPrefix = (text: string): string => text.replace(/^\s*[/@]?warroom\b[:,]?\s*/i, '');

/** A browser's navigation: text/html is asked for by name (an API client sends JSON or * / *). */
export const wantsHtml = (accept: string | undefined): boolean => /(^|,)\s*text\/html\b/i.test(accept ?? '');

export function createLocalChat(opts: LocalChatOptions): LocalChat {
  const surface = createLocalSurface({ mask: opts.mask, now: opts.now, onListenerError: (err) => opts.logger.warn({ err }, 'local chat: an event listener failed') });
  const streams = new Set<Response>();
  const router = express.Router();
  const page = readFileSync(new URL('index.html', STATIC_DIR), 'utf8');
  const render = (card: Card) => ({ card_id: card.id, kind: card.kind, html: renderHtml(card, opts.mask, { actionPath: CLICK_PATH }), text: renderPlain(card, opts.mask) });

  router.get('/', (_req, res) => {
    res.setHeader('content-security-policy', "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'");
    res.setHeader('x-content-type-options', 'nosniff');
    res.type('html').send(page);
  });
  // Cards link to the REST read routes (bot/cards/links.ts), which one key-holding client reads
  // as JSON; a person who clicks one in Slack or Teams opens it in a browser with no key (401).
  // A browser navigation (no Authorization, HTML wanted) goes to this page's view instead.
  router.get(['/v1/incidents/:id', '/v1/incidents/:id/evidence', '/v1/fix/plans/:id'], (req, res, next) => {
    if (req.headers.authorization || !wantsHtml(req.headers.accept)) return next();
    const which = req.path.startsWith('/v1/fix/plans/') ? 'plan' : 'incident';
    res.redirect(303, `/#${which}=${encodeURIComponent(req.params.id as string)}`);
  });
  router.get('/chat/static/:file', (req, res, next) => {
    if (!Object.hasOwn(STATIC_FILES, req.params.file)) return next();
    const type = STATIC_FILES[req.params.file];
    res.setHeader('x-content-type-options', 'nosniff');
    res.type(type).send(readFileSync(new URL(req.params.file, STATIC_DIR), 'utf8'));
  });

  const api = express.Router();
  api.use(async (req: Authed, res, next) => {
    try {
      const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
      if (!m) return problem(res, 401, 'Sign in: send a Warroom API key as "Authorization: Bearer <key>".');
      const who = await opts.authenticate(m[1]);
      if (!who) return problem(res, 401, 'The API key is not valid.');
      if (opts.orgId && who.orgId !== opts.orgId) return problem(res, 403, `This key belongs to org "${who.orgId}"; the chat acts in org "${opts.orgId}" (WARROOM_CHAT_ORG).`);
      req.chatUser = { surface: 'local', id: who.userId };
      req.chatOrg = who.orgId;
      next();
    } catch (err) {
      next(err);
    }
  });

  api.use(express.json({ limit: '64kb', type: () => true }));
  api.get('/me', (req: Authed, res) => {
    res.json({ user_id: req.chatUser!.id, org_id: req.chatOrg ?? null });
  });
  api.get('/rooms', (_req, res) => {
    res.json({ rooms: surface.rooms().map((r) => ({ incident_id: r.incidentId, name: r.name, topic: r.topic, opened_at: r.openedAt, messages: surface.messages(r.incidentId)?.length ?? 0 })) });
  });
  api.get('/rooms/:incidentId', (req, res) => {
    const room = surface.room(req.params.incidentId);
    if (!room) return problem(res, 404, `No war room for incident ${req.params.incidentId} in this process (yet).`);
    res.json({ room: { incident_id: room.incidentId, name: room.name, topic: room.topic, opened_at: room.openedAt }, messages: surface.messages(room.incidentId)!.map(messageView) });
  });

  api.post('/rooms/:incidentId/join', async (req, res, next) => {
    const id = IncidentId.safeParse(req.params.incidentId);
    if (!id.success) return problem(res, 400, issues(id.error));
    if (!surface.room(id.data)) {
      if (!opts.ensureRoom) return problem(res, 404, `No war room for incident ${id.data}; this instance opens rooms only for incidents at or above WARROOM_CHAT_MIN_SEVERITY.`);
      try {
        await opts.ensureRoom(id.data);
      } catch (err) {
        if ((err as { code?: string }).code === 'not_found') return problem(res, 404, `No incident ${id.data}.`);
        return next(err);
      }
    }
    const room = surface.room(id.data);
    if (!room) return problem(res, 404, `No war room for incident ${id.data}.`);
    res.json({ room: { incident_id: room.incidentId, name: room.name, topic: room.topic, opened_at: room.openedAt }, messages: surface.messages(room.incidentId)!.map(messageView) });
  });

  api.get('/events', (req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    const send = (event: string, data: unknown) => res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    send('ready', { rooms: surface.rooms().map((r) => r.incidentId) });
    const off = surface.subscribe((e: LocalEvent) => send(e.type, e.type === 'room' ? { incident_id: e.room.incidentId, name: e.room.name, topic: e.room.topic, opened_at: e.room.openedAt } : messageView(e.message)));
    const beat = setInterval(() => res.write(': keep-alive\n\n'), opts.heartbeatMs ?? 15_000);
    beat.unref();
    streams.add(res);
    req.on('close', () => {
      clearInterval(beat);
      off();
      streams.delete(res);
    });
  });

  api.post('/command', async (req: Authed, res) => {
    const body = CommandBody.safeParse(req.body);
    if (!body.success) return problem(res, 400, issues(body.error));
    const text = stripPrefix(body.data.text);
    const where: RoomRef | undefined = body.data.incident_id ? { surface: 'local', channel: body.data.incident_id } : undefined;
    if (where && !surface.room(where.channel) && opts.ensureRoom) {
      // typing in an incident's room opens it (an unknown incident is the bot's to answer)
      await opts.ensureRoom(where.channel).catch((err: unknown) => opts.logger.warn({ err, incidentId: where.channel }, 'local chat: could not open the room'));
    }
    // In a room, a plain sentence is a question for the agent (as a mention is on Slack and Teams).
    const parsed = opts.bot.parse(text, { mention: where !== undefined });
    const stream = (req.headers.accept ?? '').includes('application/x-ndjson');
    const ack = parsed.ok ? { ok: true, command: parsed.command.name } : { ok: false, reply: opts.mask(parsed.reply) };
    if (!parsed.ok) return stream ? ndjson(res, [{ type: 'ack', ...ack }]) : res.json({ ack, reply: null });
    if (stream) {
      // The acknowledgement goes out at once; the answer (an analysis, the agent) follows on the same response.
      res.writeHead(200, { 'content-type': 'application/x-ndjson; charset=utf-8', 'cache-control': 'no-store' });
      res.write(`${JSON.stringify({ type: 'ack', ...ack })}\n`);
    }
    let reply: ReturnType<typeof replyView>;
    try {
      reply = replyView(await opts.bot.run({ user: req.chatUser!, where, text, mention: where !== undefined }));
    } catch (err) {
      opts.logger.error({ err, command: parsed.command.name }, 'local chat: a command failed');
      reply = { text: `The ${parsed.command.name} command failed; the server log has the details.`, cards: [], private: true, failed: true };
    }
    if (stream) {
      res.end(`${JSON.stringify({ type: 'reply', command: parsed.command.name, ...reply })}\n`);
      return;
    }
    res.json({ ack, reply: { command: parsed.command.name, ...reply } });
  });

  api.post('/click', async (req: Authed, res) => {
    const body = ClickBody.safeParse(req.body);
    if (!body.success) return problem(res, 400, issues(body.error));
    const where: RoomRef | undefined = body.data.incident_id ? { surface: 'local', channel: body.data.incident_id } : undefined;
    let result: ClickResult;
    try {
      result = await opts.bot.click({ user: req.chatUser!, value: body.data.value, inputs: body.data.inputs, where });
    } catch (err) {
      opts.logger.error({ err }, 'local chat: a click failed');
      return res.status(500).json({ ok: false, text: 'The click could not be handled; the server log has the details.', card: null, posts: [] });
    }
    // The clicked card is replaced in its room, and what the click produced is posted there, for everyone in the room.
    const room = roomFor(body.data.value, where);
    if (room) {
      try {
        if (result.card) await surface.post(room, result.card);
        for (const p of result.posts) await surface.post(room, p);
      } catch (err) {
        opts.logger.warn({ err }, 'local chat: could not update the room after a click');
      }
    }
    res.json({ ok: result.ok, text: opts.mask(result.text), card: result.card ? render(result.card) : null, posts: result.posts.map(render) });
  });

  api.use((req, res) => problem(res, 404, `No chat route ${req.method} ${req.originalUrl.split('?')[0]}.`));
  api.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const e = err as { type?: string; status?: number; message?: string };
    if (e.type === 'entity.parse.failed') return problem(res, 400, `The body is not valid JSON: ${e.message ?? 'parse error'}.`);
    if (e.type === 'entity.too.large') return problem(res, 413, 'The body is larger than 64 KB.');
    opts.logger.error({ err }, 'local chat: request failed');
    if (!res.headersSent) problem(res, 500, 'The chat request failed; the server log has the details.');
  });
  router.use('/chat/api', api);

  /** The room a click acts in: the room it was made in, else the clicked card's incident's room. */
  function roomFor(value: unknown, where: RoomRef | undefined): RoomRef | undefined {
    if (where && surface.room(where.channel)) return where;
    const a = parseAction(value);
    return a.ok && surface.room(a.action.incidentId) ? { surface: 'local', channel: a.action.incidentId } : undefined;
  }

  function replyView(r: ChatReply) {
    return { text: opts.mask(r.text), cards: r.cards.map(render), private: r.private ?? false, failed: false };
  }

  return {
    surface,
    router,
    close() {
      for (const s of streams) s.end();
      streams.clear();
    },
  };
}

function messageView(m: LocalMessage) {
  return { id: m.id, incident_id: m.incidentId, kind: m.kind, card_id: m.cardId ?? null, card_kind: m.cardKind ?? null, html: m.html, text: m.text, posted_at: m.postedAt, updated_at: m.updatedAt };
}

function problem(res: Response, status: number, detail: string): void {
  const title = { 400: 'Bad request', 401: 'Unauthenticated', 403: 'Forbidden', 404: 'Not found', 413: 'Payload too large', 500: 'Internal error', 503: 'Starting' }[status] ?? 'Error';
  res.status(status).type('application/problem+json').json({ type: 'about:blank', title, status, detail });
}

function ndjson(res: Response, lines: unknown[]): void {
  res.status(200).type('application/x-ndjson').send(lines.map((l) => `${JSON.stringify(l)}\n`).join(''));
}

const issues = (e: z.ZodError): string => e.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ');
