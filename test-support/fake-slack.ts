/**
 * A local Slack Web API for tests and benches: an http server on 127.0.0.1 (port 0) answering
 * `POST /api/<method>` (form- or JSON-encoded, like @slack/web-api sends) the way Slack does —
 * it checks the bearer token, that the method is known, that the channel exists, and the
 * blocks' shape and limits (slack-blocks-check.ts) — and holds what was posted, so a test reads
 * the platform's side, never the adapter's memory. It answers `name_taken`, 429 with
 * Retry-After or any error on demand, and records response_url posts (`/respond/<id>`).
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { blockProblems, flattenBlocks, viewProblems } from './slack-blocks-check.js';

export { signedRequest, slashCommandBody, interactionBody, eventBody } from './slack-requests.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- Web API arguments as they arrive over the wire */
type Args = Record<string, any>;

export interface FakeCall {
  method: string;
  args: Args;
  /** What the server answered (ok or the error), so a test sees refused calls too. */
  ok: boolean;
  error?: string;
  status: number;
}

export interface FakeMessage {
  channel: string;
  ts: string;
  thread_ts?: string;
  text: string;
  blocks?: unknown[];
  user: string;
  /** Ephemeral (chat.postEphemeral): only `to` sees it. */
  ephemeralTo?: string;
}

export interface FakeChannel {
  id: string;
  name: string;
  topic?: string;
  members: string[];
}

export interface FakeSlackUser {
  id: string;
  name: string;
  email?: string;
}

const KNOWN = new Set([
  'auth.test',
  'conversations.create',
  'conversations.setTopic',
  'conversations.invite',
  'conversations.info',
  'chat.postMessage',
  'chat.update',
  'chat.postEphemeral',
  'users.info',
  'views.open',
  'apps.connections.open',
]);

export interface FakeSlack {
  /** The Web API base, ending in /api/ (what SLACK_API_URL takes). */
  apiUrl: string;
  /** The server's origin, e.g. for response_url: `${origin}/respond/1`. */
  origin: string;
  token: string;
  botUserId: string;
  calls: FakeCall[];
  channels: Map<string, FakeChannel>;
  messages: FakeMessage[];
  /** Posts to response_url paths, in order. */
  responses: { path: string; body: Args }[];
  /** The next call of `method` is answered with HTTP 429 and `Retry-After: seconds`. */
  rateLimitNext(method: string, seconds: number): void;
  /** The next call of `method` fails with `{ ok: false, error }`. */
  failNext(method: string, error: string): void;
  /** Waits until `n` calls of `method` (or response_url posts, method 'respond') have been seen. */
  waitFor(method: string, n?: number, timeoutMs?: number): Promise<void>;
  /** Messages that everyone in a channel sees (no ephemerals), oldest first, their text flattened. */
  held(): { channel: string; thread?: string; id: string; text: string }[];
  close(): Promise<void>;
}

export async function startFakeSlack(
  o: { token?: string; channels?: string[]; users?: FakeSlackUser[]; team?: string; appToken?: string; socketUrl?: string } = {},
): Promise<FakeSlack> {
  const token = o.token ?? 'xoxb-test-token';
  const botUserId = 'UBOT0001';
  const channels = new Map<string, FakeChannel>((o.channels ?? []).map((id) => [id, { id, name: id.toLowerCase(), members: [botUserId] }]));
  const users = new Map((o.users ?? []).map((u) => [u.id, u]));
  const messages: FakeMessage[] = [];
  const calls: FakeCall[] = [];
  const responses: { path: string; body: Args }[] = [];
  const rateLimits = new Map<string, number>();
  const failures = new Map<string, string>();
  const waiters: (() => void)[] = [];
  let seq = 0;
  const nextTs = () => `${1765100000 + ++seq}.${String(seq).padStart(6, '0')}`;
  const count = (method: string) => (method === 'respond' ? responses.length : calls.filter((c) => c.method === method && c.ok).length);

  const handle = (method: string, args: Args): Args => {
    const channel = (id: unknown) => (typeof id === 'string' ? channels.get(id) : undefined);
    const needChannel = () => {
      const c = channel(args.channel);
      if (!c) throw new ApiError('channel_not_found');
      return c;
    };
    const checkBlocks = () => {
      if (args.blocks === undefined) {
        if (typeof args.text !== 'string' || args.text.length === 0) throw new ApiError('no_text');
        return;
      }
      const problems = blockProblems(args.blocks);
      if (problems.length) throw new ApiError('invalid_blocks', { errors: problems });
    };
    switch (method) {
      case 'auth.test':
        return { url: 'https://fake.slack.test/', team: 'Fake Team', user: 'warroom', team_id: o.team ?? 'T0001', user_id: botUserId, bot_id: 'B0001' };
      case 'conversations.create': {
        const name = String(args.name ?? '');
        if (!/^[a-z0-9_-]+$/.test(name)) throw new ApiError('invalid_name_specials');
        if (name.length > 80) throw new ApiError('invalid_name_maxlength');
        if ([...channels.values()].some((c) => c.name === name)) throw new ApiError('name_taken');
        const id = `C${String(channels.size + 1).padStart(8, '0')}`;
        const c = { id, name, members: [botUserId] };
        channels.set(id, c);
        return { channel: { id, name, is_channel: true } };
      }
      case 'conversations.setTopic': {
        const c = needChannel();
        if (String(args.topic ?? '').length > 250) throw new ApiError('too_long');
        c.topic = String(args.topic ?? '');
        return { channel: { id: c.id, topic: { value: c.topic } } };
      }
      case 'conversations.invite': {
        const c = needChannel();
        const ids = String(args.users ?? '').split(',').filter(Boolean);
        if (ids.length === 0) throw new ApiError('no_user');
        if (ids.some((u) => c.members.includes(u))) throw new ApiError('already_in_channel');
        c.members.push(...ids);
        return { channel: { id: c.id } };
      }
      case 'conversations.info':
        return { channel: { id: needChannel().id } };
      case 'chat.postMessage': {
        const c = needChannel();
        checkBlocks();
        const thread = args.thread_ts === undefined || args.thread_ts === '' ? undefined : String(args.thread_ts);
        if (thread && !messages.some((m) => m.channel === c.id && m.ts === thread && !m.ephemeralTo)) throw new ApiError('thread_not_found');
        const ts = nextTs();
        messages.push({ channel: c.id, ts, thread_ts: thread, text: String(args.text ?? ''), blocks: args.blocks, user: botUserId });
        return { channel: c.id, ts, message: { ts, text: args.text } };
      }
      case 'chat.update': {
        const c = needChannel();
        const m = messages.find((x) => x.channel === c.id && x.ts === args.ts && !x.ephemeralTo);
        if (!m) throw new ApiError('message_not_found');
        checkBlocks();
        m.text = String(args.text ?? '');
        m.blocks = args.blocks;
        return { channel: c.id, ts: m.ts, text: m.text };
      }
      case 'chat.postEphemeral': {
        const c = needChannel();
        if (typeof args.user !== 'string' || !args.user) throw new ApiError('user_not_found');
        checkBlocks();
        const ts = nextTs();
        messages.push({ channel: c.id, ts, text: String(args.text ?? ''), blocks: args.blocks, user: botUserId, ephemeralTo: args.user });
        return { message_ts: ts };
      }
      case 'users.info': {
        const u = users.get(String(args.user));
        if (!u) throw new ApiError('user_not_found');
        return { user: { id: u.id, name: u.name, real_name: u.name, profile: { real_name: u.name, display_name: u.name, email: u.email } } };
      }
      case 'apps.connections.open':
        if (!o.socketUrl) throw new ApiError('not_allowed_token_type');
        return { url: o.socketUrl };
      case 'views.open': {
        if (typeof args.trigger_id !== 'string' || !args.trigger_id) throw new ApiError('invalid_trigger_id');
        const view = typeof args.view === 'string' ? JSON.parse(args.view) : args.view;
        const problems = viewProblems(view);
        if (problems.length) throw new ApiError('invalid_arguments', { response_metadata: { messages: problems } });
        return { view: { id: `V${++seq}`, ...view } };
      }
      default:
        throw new ApiError('unknown_method');
    }
  };

  const server: Server = createServer((req, res) => {
    void readBody(req).then((raw) => {
      const url = new URL(req.url ?? '/', 'http://x');
      const reply = (status: number, body: Args, headers: Record<string, string> = {}) => {
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(JSON.stringify(body));
        for (const w of waiters.splice(0)) w();
      };
      if (url.pathname.startsWith('/respond/')) {
        responses.push({ path: url.pathname, body: parseArgs(req, raw) });
        return reply(200, { ok: true });
      }
      const method = url.pathname.replace(/^\/api\//, '');
      const args = parseArgs(req, raw);
      const record = (status: number, ok: boolean, error?: string) => calls.push({ method, args, ok, error, status });
      const wait = rateLimits.get(method);
      if (wait !== undefined) {
        rateLimits.delete(method);
        record(429, false, 'ratelimited');
        return reply(429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(wait) });
      }
      const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? args.token;
      const fail = (error: string, extra: Args = {}) => {
        record(200, false, error);
        reply(200, { ok: false, error, ...extra });
      };
      if (!KNOWN.has(method)) return fail('unknown_method');
      if (!bearer) return fail('not_authed');
      // Socket Mode's connection call takes the app-level token; every other method the bot token.
      const expected = method === 'apps.connections.open' ? o.appToken : token;
      if (!expected || bearer !== expected) return fail('invalid_auth');
      const injected = failures.get(method);
      if (injected) {
        failures.delete(method);
        return fail(injected);
      }
      try {
        const out = handle(method, args);
        record(200, true);
        reply(200, { ok: true, ...out });
      } catch (e) {
        if (e instanceof ApiError) fail(e.message, e.extra);
        else fail('internal_error', { detail: String(e) });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    apiUrl: `${origin}/api/`,
    origin,
    token,
    botUserId,
    calls,
    channels,
    messages,
    responses,
    rateLimitNext: (method, seconds) => void rateLimits.set(method, seconds),
    failNext: (method, error) => void failures.set(method, error),
    async waitFor(method, n = 1, timeoutMs = 10_000) {
      const until = Date.now() + timeoutMs;
      while (count(method) < n) {
        if (Date.now() > until) throw new Error(`fake Slack: ${method} seen ${count(method)} times, expected ${n} (calls: ${calls.map((c) => c.method).join(', ')})`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 50);
        });
      }
    },
    held: () =>
      messages
        .filter((m) => !m.ephemeralTo)
        .map((m) => ({ channel: m.channel, thread: m.thread_ts, id: m.ts, text: [m.text, flattenBlocks(m.blocks ?? [])].filter(Boolean).join('\n') })),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

class ApiError extends Error {
  constructor(
    code: string,
    readonly extra: Args = {},
  ) {
    super(code);
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', () => resolve(''));
  });
}

/** Form bodies carry nested values (blocks, view) as JSON strings, as @slack/web-api sends them. */
function parseArgs(req: IncomingMessage, raw: string): Args {
  if ((req.headers['content-type'] ?? '').includes('application/json')) {
    try {
      return JSON.parse(raw || '{}') as Args;
    } catch {
      return {};
    }
  }
  const args: Args = Object.fromEntries(new URLSearchParams(raw));
  for (const k of ['blocks', 'view', 'attachments']) {
    if (typeof args[k] === 'string') {
      try {
        args[k] = JSON.parse(args[k]);
      } catch {
        /* left as the string: the checks then refuse it */
      }
    }
  }
  return args;
}
