/**
 * A local Bot Framework connector (the Teams side of the Bot Connector REST API) for tests: an
 * http server on 127.0.0.1, port 0. It creates conversations (a channel conversation with a root
 * activity becomes a reply chain `…;messageid=<root>`), takes replies and proactive messages,
 * updates activities, and answers roster lookups. Every activity is checked the way Teams would
 * refuse it (type, text or attachments, the Adaptive Card's shape, `Action.Execute` verbs, the
 * ~28 KB message cap): a bad one gets a 400 and is recorded in `rejected`, so a test can assert
 * there were none. What it holds is read back with `held()` / `rooms()` (the contract suite).
 * Given `acceptsToken`, it checks each call's bearer token as the Bot Connector does for a bot with
 * credentials: a call without one, or with one it does not accept, gets a 401 (in `unauthorized`).
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HeldMessage } from '../bot/chat/surface.contract.js';
import type { RoomRef } from '../bot/chat/ports.js';

/** Teams refuses a message over about 28 KB. */
export const TEAMS_MESSAGE_BYTES = 28 * 1024;
const ACTION_TYPES = new Set(['Action.Execute', 'Action.Submit', 'Action.OpenUrl', 'Action.ShowCard', 'Action.ToggleVisibility']);

/* eslint-disable @typescript-eslint/no-explicit-any -- activities are open JSON; validate() checks what matters */
export interface ConnectorCall {
  method: string;
  path: string;
  /** The Authorization header as sent (developer mode: none). */
  authorization?: string;
  body: any;
}

export interface StoredMessage {
  conversationId: string;
  channel: string;
  thread?: string;
  id: string;
  replyToId?: string;
  activity: any;
}

export interface Member {
  id: string;
  aadObjectId?: string;
  name?: string;
  email?: string;
  userPrincipalName?: string;
}

export interface FakeTeamsConnectorOptions {
  /** Set: every call needs `Authorization: Bearer <token>` with a token this accepts. Unset: developer mode, none checked. */
  acceptsToken?: (token: string) => boolean;
}

export interface FakeTeamsConnector {
  /** Base URL with a trailing slash, as Bot Framework serviceUrls are given. */
  url: string;
  calls: ConnectorCall[];
  rejected: { path: string; reason: string }[];
  /** Calls refused for their bearer token (only with `acceptsToken`). */
  unauthorized: { path: string; authorization?: string }[];
  messages: StoredMessage[];
  /** The roster (members answered by GET …/members/{id}, matched by id or AAD object id). */
  members: Member[];
  held(): Promise<HeldMessage[]>;
  rooms(): Promise<RoomRef[]>;
  /** Resolves when at least `n` messages are held (polls; rejects after `timeoutMs`). */
  waitForMessages(n: number, timeoutMs?: number): Promise<StoredMessage[]>;
  close(): Promise<void>;
}

const split = (id: string): { channel: string; thread?: string } => {
  const at = id.indexOf(';messageid=');
  return at < 0 ? { channel: id } : { channel: id.slice(0, at), thread: id.slice(at + ';messageid='.length) };
};

/** Why Teams would refuse this activity, or null when it is fine. */
export function validateActivity(a: any): string | null {
  if (!a || typeof a !== 'object') return 'activity is not an object';
  if (a.type !== 'message' && a.type !== 'typing') return `activity type ${JSON.stringify(a.type)} cannot be sent`;
  const bytes = Buffer.byteLength(JSON.stringify(a));
  if (bytes > TEAMS_MESSAGE_BYTES) return `activity is ${bytes} bytes, over Teams' ${TEAMS_MESSAGE_BYTES}`;
  if (a.type === 'typing') return null;
  const attachments = a.attachments ?? [];
  if (!Array.isArray(attachments)) return 'attachments is not an array';
  if (!(typeof a.text === 'string' && a.text.length > 0) && attachments.length === 0) return 'a message needs text or attachments';
  for (const [i, att] of attachments.entries()) {
    if (att?.contentType !== 'application/vnd.microsoft.card.adaptive') return `attachments[${i}]: unsupported contentType ${att?.contentType}`;
    const why = validateCard(att.content);
    if (why) return `attachments[${i}]: ${why}`;
  }
  return null;
}

/** The Adaptive Card checks Teams applies before it shows a card. */
export function validateCard(c: any): string | null {
  if (!c || c.type !== 'AdaptiveCard') return 'content.type is not AdaptiveCard';
  if (typeof c.version !== 'string' || !/^1\.[0-6]$/.test(c.version)) return `unsupported card version ${c.version}`;
  if (!Array.isArray(c.body)) return 'card body is not an array';
  const actions = [...(c.actions ?? []), ...(c.refresh?.action ? [c.refresh.action] : [])];
  for (const a of actions) {
    if (!ACTION_TYPES.has(a?.type)) return `unknown action type ${a?.type}`;
    if (a.type === 'Action.Execute' && !(typeof a.verb === 'string' && a.verb)) return 'Action.Execute without a verb';
  }
  for (const el of walk(c.body)) if (typeof el?.type !== 'string') return 'a body element without a type';
  return null;
}

function* walk(els: any[]): Generator<any> {
  for (const el of els ?? []) {
    yield el;
    if (Array.isArray(el?.items)) yield* walk(el.items);
    if (Array.isArray(el?.columns)) yield* walk(el.columns);
    if (Array.isArray(el?.inlines)) yield* walk(el.inlines);
  }
}

/** Everything a message shows, as one string: its text and its cards' texts, facts and action titles. */
export function flatText(a: any): string {
  const parts: string[] = [];
  if (typeof a?.text === 'string') parts.push(a.text);
  for (const att of a?.attachments ?? []) {
    const card = att?.content ?? {};
    for (const el of walk(card.body ?? [])) {
      if (typeof el.text === 'string') parts.push(el.text);
      for (const f of el.facts ?? []) parts.push(`${f.title}: ${f.value}`);
      if (typeof el.label === 'string') parts.push(el.label);
    }
    for (const act of card.actions ?? []) if (typeof act.title === 'string') parts.push(act.title);
  }
  return parts.join('\n');
}

async function readJson(req: IncomingMessage): Promise<any> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const raw = Buffer.concat(chunks).toString('utf8');
  return raw ? JSON.parse(raw) : undefined;
}

export async function startFakeTeamsConnector(opts: FakeTeamsConnectorOptions = {}): Promise<FakeTeamsConnector> {
  const calls: ConnectorCall[] = [];
  const unauthorized: FakeTeamsConnector['unauthorized'] = [];
  const rejected: FakeTeamsConnector['rejected'] = [];
  const messages: StoredMessage[] = [];
  const rooms: RoomRef[] = [];
  const members: Member[] = [];
  let seq = 0;
  const nextId = () => `1765${String(++seq).padStart(9, '0')}`;

  const send = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  };
  const refuse = (res: ServerResponse, path: string, reason: string) => {
    rejected.push({ path, reason });
    send(res, 400, { error: { code: 'BadArgument', message: reason } });
  };

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    let body: any;
    try {
      body = await readJson(req);
    } catch {
      return refuse(res, url.pathname, 'body is not JSON');
    }
    calls.push({ method: req.method ?? '', path: url.pathname, authorization: req.headers.authorization, body });
    if (opts.acceptsToken) {
      const [scheme, token] = (req.headers.authorization ?? '').split(' ');
      if (scheme !== 'Bearer' || !token || !opts.acceptsToken(token)) {
        unauthorized.push({ path: url.pathname, authorization: req.headers.authorization });
        return send(res, 401, { error: { code: 'Unauthorized', message: 'Authorization has been denied for this request.' } });
      }
    }
    if (parts[0] !== 'v3' || parts[1] !== 'conversations') return send(res, 404, { error: { code: 'NotFound', message: url.pathname } });
    const [, , conversationId, what, itemId] = parts;

    // POST /v3/conversations: a new conversation; in a channel with a root activity, a reply chain.
    if (req.method === 'POST' && parts.length === 2) {
      const channel = body?.channelData?.channel?.id;
      if (body?.activity) {
        const why = validateActivity(body.activity);
        if (why) return refuse(res, url.pathname, why);
      }
      if (typeof channel === 'string' && channel) {
        if (!body.activity) return refuse(res, url.pathname, 'a channel conversation needs a root activity');
        const root = nextId();
        const id = `${channel};messageid=${root}`;
        rooms.push({ surface: 'teams', channel, thread: root });
        messages.push({ conversationId: id, channel, thread: root, id: root, activity: body.activity });
        return send(res, 201, { id, activityId: root });
      }
      const id = `a:conv-${nextId()}`;
      rooms.push({ surface: 'teams', channel: id });
      return send(res, 201, { id });
    }
    if (!conversationId) return send(res, 404, { error: { code: 'NotFound', message: 'no conversation' } });
    const where = split(conversationId);

    // POST /v3/conversations/{id}/activities[/{replyToId}]: a reply or a proactive message.
    if (req.method === 'POST' && what === 'activities') {
      const why = validateActivity(body);
      if (why) return refuse(res, url.pathname, why);
      const id = nextId();
      if (body.type === 'message') messages.push({ conversationId, ...where, id, ...(itemId ? { replyToId: itemId } : {}), activity: body });
      return send(res, 200, { id });
    }
    // PUT /v3/conversations/{id}/activities/{activityId}: update in place.
    if (req.method === 'PUT' && what === 'activities' && itemId) {
      const held = messages.find((m) => m.id === itemId && m.channel === where.channel);
      if (!held) return send(res, 404, { error: { code: 'ActivityNotFoundInConversation', message: `no activity ${itemId} in ${conversationId}` } });
      const why = validateActivity(body);
      if (why) return refuse(res, url.pathname, why);
      held.activity = body;
      return send(res, 200, { id: itemId });
    }
    // GET /v3/conversations/{id}/members/{memberId}: the roster.
    if (req.method === 'GET' && what === 'members' && itemId) {
      const m = members.find((x) => x.id === itemId || x.aadObjectId === itemId);
      return m ? send(res, 200, m) : send(res, 404, { error: { code: 'MemberNotFoundInConversation', message: itemId } });
    }
    send(res, 404, { error: { code: 'NotFound', message: `${req.method} ${url.pathname}` } });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;

  const fake: FakeTeamsConnector = {
    url: `http://127.0.0.1:${port}/`,
    calls,
    rejected,
    unauthorized,
    messages,
    members,
    async held() {
      return messages.map((m) => ({ channel: m.channel, ...(m.thread ? { thread: m.thread } : {}), id: m.id, text: flatText(m.activity) }));
    },
    async rooms() {
      return rooms.map((r) => ({ ...r }));
    },
    async waitForMessages(n, timeoutMs = 5000) {
      const until = Date.now() + timeoutMs;
      while (messages.length < n) {
        if (Date.now() > until) throw new Error(`expected ${n} messages, the connector holds ${messages.length}`);
        await new Promise((r) => setTimeout(r, 10));
      }
      return messages;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return fake;
}
