/**
 * The real Slack app under test, end to end on 127.0.0.1: createSlack's router mounted in an
 * express server on port 0, its Web API pointed at the fake Slack server, and a small scripted
 * ChatBot that records every call (so a test can say "the bot was never called"). Used by the
 * Slack tests and the ack-latency bench.
 */
import express from 'express';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { createSlack, type Slack, type SlackOptions } from '../bot/slack/index.js';
import type { ChatBot, ChatReply, ChatRequest, ClickRequest, ClickResult, Parsed } from '../bot/chat/types.js';
import { signedRequest } from './slack-requests.js';
import { startFakeSlack, type FakeSlack, type FakeSlackUser } from './fake-slack.js';

export const TEST_SIGNING_SECRET = 'test-signing-secret-0123456789abcdef';

/** A ChatBot whose answers a test sets; every call is recorded. `parse` refuses text starting with "bogus". */
export interface FakeChatBot extends ChatBot {
  parsed: string[];
  runs: ChatRequest[];
  clicks: ClickRequest[];
  /** How long `run` takes (ms): a slow analysis. */
  runDelayMs: number;
  reply: (req: ChatRequest) => ChatReply;
  clickResult: (req: ClickRequest) => ClickResult;
}

export function fakeChatBot(): FakeChatBot {
  const bot: FakeChatBot = {
    parsed: [],
    runs: [],
    clicks: [],
    runDelayMs: 0,
    reply: (req) => ({ text: `You said: ${req.text}`, cards: [] }),
    clickResult: () => ({ ok: true, text: 'Done.', posts: [] }),
    parse(text: string): Parsed {
      bot.parsed.push(text);
      if (text.startsWith('bogus')) return { ok: false, reply: 'Unknown command "bogus". Usage: /warroom status [INCIDENT] · /warroom help' };
      return { ok: true, command: { name: 'help' } };
    },
    async run(req) {
      bot.runs.push(req);
      if (bot.runDelayMs) await new Promise((r) => setTimeout(r, bot.runDelayMs));
      return bot.reply(req);
    },
    async click(req) {
      bot.clicks.push(req);
      return bot.clickResult(req);
    },
    help: () => 'Usage: /warroom help',
  };
  return bot;
}

export interface SlackHarness {
  fake: FakeSlack;
  bot: FakeChatBot;
  slack: Slack;
  /** The app's base URL (POST `${url}/slack/events`). */
  url: string;
  /** POSTs a body to /slack/events signed with `secret` (default the right one) at `ts` seconds. */
  send(body: string, o?: { secret?: string; ts?: number; contentType?: string; headers?: Record<string, string> }): Promise<Response>;
  close(): Promise<void>;
}

export async function startSlackHarness(
  o: { channels?: string[]; users?: FakeSlackUser[]; botToken?: string; slack?: Partial<SlackOptions>; logger?: pino.Logger } = {},
): Promise<SlackHarness> {
  const fake = await startFakeSlack({ channels: o.channels ?? ['C_INCIDENTS'], users: o.users ?? [{ id: 'U_ALICE', name: 'alice', email: 'alice@example.com' }] });
  const bot = fakeChatBot();
  const slack = createSlack({
    bot,
    botToken: o.botToken ?? fake.token,
    signingSecret: TEST_SIGNING_SECRET,
    apiUrl: fake.apiUrl,
    oncallUsers: [],
    mask: (t) => t.replace(/sk-[A-Za-z0-9]+/g, '[masked]'),
    logger: o.logger ?? pino({ level: 'silent' }),
    retries: 2,
    ...o.slack,
  });
  const app = express();
  app.use(slack.router);
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    fake,
    bot,
    slack,
    url,
    send: (body, s = {}) =>
      fetch(`${url}/slack/events`, {
        method: 'POST',
        headers: { ...signedRequest(s.secret ?? TEST_SIGNING_SECRET, body, s.ts, s.contentType), ...s.headers },
        body,
      }),
    async close() {
      await slack.stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await fake.close();
    },
  };
}
