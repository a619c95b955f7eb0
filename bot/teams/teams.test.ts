/**
 * The real botbuilder CloudAdapter behind createTeams' router (an express server on port 0),
 * receiving Bot Framework activities as Teams sends them, and answering through a local connector
 * that checks every reply and card (test-support/fake-teams-connector.ts). The ChatBot is a small
 * fake that records what it was asked: these tests are about the Teams edge, not the commands.
 */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';
import express from 'express';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { incidentSummaryCard, type ActionPayload, type Card } from '../cards/index.js';
import { contractIncident } from '../chat/surface.contract.js';
import type { ChatBot, ChatRequest, ClickRequest, Parsed } from '../chat/types.js';
import { CHAIN, CHANNEL, invoke, message, world } from './test-helpers.js';

const incident = contractIncident({ id: 'inc_1' });
const summary = (status = incident.status): Card => incidentSummaryCard({ incident: { ...incident, status }, baseUrl: 'http://127.0.0.1:3000', now: new Date('2026-12-07T10:05:00Z') });
const approve: ActionPayload = { v: 1, action: 'fix.approve', incidentId: 'inc_1', planId: 'fp_1', version: 'pending_approval@2026-12-07T10:03:00.000Z' };
const reject: ActionPayload = { ...approve, action: 'fix.reject' };

/** A ChatBot that knows `status` and `help`, treats a mention as a question, and records every call. */
function fakeBot(over: Partial<ChatBot> = {}) {
  const runs: ChatRequest[] = [];
  const clicks: ClickRequest[] = [];
  const bot: ChatBot = {
    parse(text, opts): Parsed {
      const [name, ...rest] = text.split(' ');
      if (name === 'status') return { ok: true, command: { name: 'status', ...(rest[0] ? { incidentId: rest[0] } : {}) } };
      if (name === 'help') return { ok: true, command: { name: 'help' } };
      if (opts?.mention && text) return { ok: true, command: { name: 'ask', question: text } };
      return { ok: false, reply: `Unknown command "${name}". Usage: warroom status [INCIDENT] · warroom help` };
    },
    async run(req) {
      runs.push(req);
      return { text: `Incident inc_1 is open (asked: ${req.text}) password=hunter2`, cards: [summary()] };
    },
    async click(req) {
      clicks.push(req);
      const p = req.value as Partial<ActionPayload>;
      if (p.action === 'fix.reject' && !req.inputs?.reason) return { ok: false, text: 'A rejection needs a reason.', card: summary(), posts: [] };
      if (p.action === 'fix.approve') return { ok: true, text: 'Approved.', card: summary('mitigated'), posts: [summary('resolved')] };
      return { ok: true, text: `Rejected: ${req.inputs?.reason}`, posts: [] };
    },
    help: () => 'warroom status [INCIDENT]',
    ...over,
  };
  return { bot, runs, clicks };
}

describe('the Teams bot on POST /api/messages (real CloudAdapter, developer mode)', () => {
  it('answers "warroom status inc_1" with a reply in the thread carrying the summary card, as the person who asked', async () => {
    const { bot, runs } = fakeBot();
    const w = await world(bot);
    const act = message(w.connector);
    const res = await w.post(act);
    expect(res.status).toBe(200);
    expect(runs).toEqual([
      { user: { surface: 'teams', id: 'aad-alice', name: 'Alice', email: 'alice@example.com' }, where: { surface: 'teams', channel: CHANNEL, thread: '1765000000042' }, text: 'status inc_1' },
    ]);
    const [reply] = w.connector.messages;
    expect(reply.conversationId).toBe(CHAIN);
    expect(reply.replyToId).toBe(act.id);
    expect(reply.activity.text).toContain('Incident inc_1 is open');
    expect(reply.activity.attachments[0].content).toMatchObject({ type: 'AdaptiveCard', version: '1.5' });
    expect((await w.connector.held())[0].text).toContain('checkout error rate 12% after deploy');
    expect(JSON.stringify(w.connector.messages)).not.toContain('hunter2');
    expect(w.connector.rejected).toEqual([]);
  });

  it('takes a command by mention (the <at> mention stripped), and a mention that is not a command as a question', async () => {
    const { bot, runs } = fakeBot();
    const w = await world(bot);
    const mention = { type: 'mention', text: '<at>Warroom</at>', mentioned: { id: '28:warroom-bot', name: 'Warroom' } };
    expect((await w.post(message(w.connector, { text: '<at>Warroom</at> status inc_1', entities: [mention] }))).status).toBe(200);
    expect((await w.post(message(w.connector, { text: '<at>Warroom</at> why is checkout slow?', entities: [mention] }))).status).toBe(200);
    expect(runs.map((r) => [r.text, r.mention])).toEqual([
      ['status inc_1', true],
      ['why is checkout slow?', true],
    ]);
    expect(w.connector.messages).toHaveLength(2);
  });

  it('answers an unknown command with the usage, @mentioning the asker, and ignores a channel message not meant for the bot', async () => {
    const { bot, runs } = fakeBot();
    const w = await world(bot);
    expect((await w.post(message(w.connector, { text: 'warroom frobnicate now' }))).status).toBe(200);
    expect((await w.post(message(w.connector, { text: 'anyone looking at checkout?' }))).status).toBe(200);
    expect(runs).toEqual([]);
    expect(w.connector.messages).toHaveLength(1);
    const usage = w.connector.messages[0].activity;
    expect(usage.text).toMatch(/^<at>Alice<\/at> Unknown command "frobnicate"\. Usage: warroom status/);
    expect(usage.entities).toEqual([{ type: 'mention', text: '<at>Alice</at>', mentioned: { id: '29:alice', name: 'Alice' } }]);
  });

  it('approves by Action.Execute: HTTP 200 with the updated card in the body, the click made as the person, further cards posted', async () => {
    const { bot, clicks } = fakeBot();
    const w = await world(bot);
    const res = await w.post(invoke(w.connector, { ...approve }));
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: { type: 'AdaptiveCard', version: '1.5' } });
    expect(JSON.stringify(body.value).toLowerCase()).toContain('mitigated');
    expect(clicks).toEqual([{ user: { surface: 'teams', id: 'aad-alice', name: 'Alice', email: 'alice@example.com' }, value: { ...approve }, where: { surface: 'teams', channel: CHANNEL, thread: '1765000000042' } }]);
    // The outcome card went into the conversation; nothing the connector refused.
    expect(w.connector.messages).toHaveLength(1);
    expect((await w.connector.held())[0].text.toLowerCase()).toContain('resolved');
    expect(w.connector.rejected).toEqual([]);
  });

  it('rejects with the reason typed in the card input, and shows a refusal on the card when the reason is missing', async () => {
    const { bot, clicks } = fakeBot();
    const w = await world(bot);
    const ok = await (await w.post(invoke(w.connector, { ...reject, reason: 'the canary is fine' }))).json();
    expect(clicks[0]).toMatchObject({ value: { ...reject }, inputs: { reason: 'the canary is fine' } });
    expect(JSON.stringify(ok.value)).toContain('Rejected: the canary is fine');
    const refused = await (await w.post(invoke(w.connector, { ...reject }))).json();
    expect(refused.statusCode).toBe(200);
    expect(refused.value.body[0]).toMatchObject({ type: 'TextBlock', text: 'A rejection needs a reason.', color: 'attention' });
    expect(JSON.stringify(refused.value)).toContain('checkout error rate 12% after deploy');
  });

  it('takes the verb as the action when the data lacks it, and answers a click without data with a message card', async () => {
    const { bot, clicks } = fakeBot();
    const w = await world(bot);
    const { action: _a, ...noAction } = approve;
    expect((await w.post(invoke(w.connector, noAction, 'fix.approve'))).status).toBe(200);
    expect(clicks[0].value).toEqual(approve);
    const res = await w.post(message(w.connector, { type: 'invoke', name: 'adaptiveCard/action', text: undefined, value: { action: { type: 'Action.Execute', verb: 'x' } } }));
    expect(res.status).toBe(200);
    expect((await res.json()).value.body[0].text).toMatch(/nothing I can act on/);
  });

  it('handles the Action.Submit fallback: the clicked card message is updated in place', async () => {
    const { bot, clicks } = fakeBot();
    const w = await world(bot);
    const room = await w.teams.surface.openRoom({ incident, name: 'inc-x', topic: 't' });
    const card = await w.teams.surface.post(room, summary());
    const before = w.connector.messages.length;
    const res = await w.post(message(w.connector, { text: undefined, conversation: { id: `${room.channel};messageid=${room.thread}`, conversationType: 'channel' }, replyToId: card.id, value: { ...approve } }));
    expect(res.status).toBe(200);
    expect(clicks).toHaveLength(1);
    const updated = (await w.connector.held()).find((m) => m.id === card.id);
    expect(updated?.text.toLowerCase()).toContain('mitigated');
    expect(w.connector.messages.length).toBe(before + 1); // the posted outcome only
    expect(w.connector.calls.some((c) => c.method === 'PUT' && c.path.endsWith(`/activities/${card.id}`))).toBe(true);
  });

  it('posts a slow answer after the turn: "working on it" first, the answer when it lands', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const { bot } = fakeBot({ run: async () => (await gate, { text: 'the slow answer', cards: [] }) });
    const w = await world(bot, { replyBudgetMs: 30 });
    expect((await w.post(message(w.connector))).status).toBe(200);
    expect(w.connector.messages.map((m) => m.activity.text)).toEqual(['Working on it — I will post the answer here.']);
    release();
    await w.connector.waitForMessages(2);
    expect(w.connector.messages[1]).toMatchObject({ conversationId: CHAIN, activity: { text: 'the slow answer' } });
  });

  it('answers a slow click "working on it" at once, then replaces the clicked card and posts the outcome when it lands', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const slow = fakeBot();
    const { bot } = fakeBot({ click: async (req) => (await gate, slow.bot.click(req)) });
    const w = await world(bot, { replyBudgetMs: 30 });
    const room = await w.teams.surface.openRoom({ incident, name: 'inc-slow', topic: 't' });
    const card = await w.teams.surface.post(room, summary());
    const res = await w.post({ ...invoke(w.connector, { ...approve }), conversation: { id: `${room.channel};messageid=${room.thread}`, conversationType: 'channel' }, replyToId: card.id });
    expect(res.status).toBe(200);
    expect((await res.json()).value.body[0].text).toMatch(/Working on it/);
    release();
    await w.teams.stop();
    expect(slow.clicks.map((c) => c.user.id)).toEqual(['aad-alice']);
    const held = await w.connector.held();
    expect(held.find((m) => m.id === card.id)?.text.toLowerCase()).toContain('mitigated');
    expect(held.at(-1)?.text.toLowerCase()).toContain('resolved');
    expect(w.connector.rejected).toEqual([]);
  });

  it('a slow command that then fails is answered briefly after its turn', async () => {
    const { bot } = fakeBot({ run: () => new Promise((_, reject) => setTimeout(() => reject(new Error('database on fire')), 60)) });
    const w = await world(bot, { replyBudgetMs: 10 });
    expect((await w.post(message(w.connector))).status).toBe(200);
    await w.teams.stop();
    expect(w.connector.messages.map((m) => m.activity.text)).toEqual(['Working on it — I will post the answer here.', expect.stringMatching(/something went wrong/)]);
  });

  it('answers a failing command briefly and stays up; a failing click gets a message card', async () => {
    const { bot } = fakeBot({
      run: async () => {
        throw new Error('database on fire');
      },
      click: async () => {
        throw new Error('database on fire');
      },
    });
    const w = await world(bot);
    expect((await w.post(message(w.connector))).status).toBe(200);
    expect(w.connector.messages[0].activity.text).toMatch(/something went wrong/);
    const res = await w.post(invoke(w.connector, { ...approve }));
    expect(res.status).toBe(200);
    expect(JSON.stringify(await res.json())).toMatch(/could not be handled/);
    expect(JSON.stringify(w.connector.messages)).not.toContain('database on fire');
  });

  it('refuses malformed requests with 400 problem+json and keeps serving', async () => {
    const { bot, runs } = fakeBot();
    const w = await world(bot);
    const bad: [string, unknown][] = [
      ['not JSON', '{"type": "message",'],
      ['no activity type', { ...message(w.connector), type: undefined }],
      ['no service URL', { ...message(w.connector), serviceUrl: undefined }],
      ['a javascript: service URL', { ...message(w.connector), serviceUrl: 'javascript:alert(1)' }],
      ['a mention without its target', { ...message(w.connector), entities: [{ type: 'mention', text: '<at>x</at>' }] }],
      ['an array', [1, 2]],
      ['a card action without its action', { ...invoke(w.connector, { ...approve }), value: { trigger: 'manual' } }],
    ];
    for (const [why, body] of bad) {
      const res = await w.post(body);
      expect(res.status, why).toBe(400);
      expect(res.headers.get('content-type'), why).toContain('application/problem+json');
      expect((await res.json()).status, why).toBe(400);
    }
    expect(runs).toEqual([]);
    expect((await w.post(message(w.connector))).status).toBe(200);
    expect(runs).toHaveLength(1);
  });

  it('in developer mode, refuses to reply to a service URL that is neither local nor TEAMS_SERVICE_URL (403), and a caller from another machine', async () => {
    const { bot, runs } = fakeBot();
    const w = await world(bot);
    const res = await w.post(message(w.connector, { serviceUrl: 'http://169.254.169.254/latest/' }));
    expect(res.status).toBe(403);
    expect((await res.json()).detail).toMatch(/loopback serviceUrl or TEAMS_SERVICE_URL/);
    // A caller from another address of this machine is not a loopback caller (a machine with no such address checks only the URL).
    const external = Object.values(networkInterfaces())
      .flat()
      .find((i) => i && i.family === 'IPv4' && !i.internal)?.address;
    if (external) {
      const app = express();
      app.use(w.teams.router);
      const server = app.listen(0, external);
      await once(server, 'listening');
      try {
        const port = (server.address() as AddressInfo).port;
        const r = await fetch(`http://${external}:${port}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(message(w.connector)) });
        expect(r.status).toBe(403);
        expect((await r.json()).detail).toMatch(/from this machine only/);
      } finally {
        server.closeAllConnections();
        await new Promise((r) => server.close(r));
      }
    }
    expect(runs).toEqual([]);
  });

  it('logs the service URL and channel war rooms need when the bot is added to a team', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, { write: (l: string) => void lines.push(l) });
    const w = await world(fakeBot().bot, { logger });
    const added = message(w.connector, { type: 'conversationUpdate', text: undefined, membersAdded: [{ id: '28:warroom-bot' }], conversation: { id: CHANNEL, conversationType: 'channel' } });
    expect((await w.post(added)).status).toBe(200);
    const log = lines.map((l) => JSON.parse(l)).find((l) => /the bot was added/.test(l.msg));
    expect(log).toMatchObject({ serviceUrl: w.connector.url, channel: CHANNEL, team: '19:team@thread.tacv2', tenant: 'tenant-1' });
    expect(w.connector.messages).toEqual([]);
  });

  it('with an app id, refuses a request without a Bot Framework token (401) and never runs it', async () => {
    const { bot, runs } = fakeBot();
    const w = await world(bot, { appId: '00000000-0000-0000-0000-000000000001', appPassword: 'not-a-real-secret' });
    const res = await w.post(message(w.connector));
    expect(res.status).toBe(401);
    expect(runs).toEqual([]);
    expect(w.connector.messages).toEqual([]);
  });
});
