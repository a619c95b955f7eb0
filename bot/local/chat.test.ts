/**
 * The local chat's HTTP side on a real express server (127.0.0.1, port 0) with a fake ChatBot:
 * sign-in required, a key of another org refused, bad JSON and bad bodies are 400s that say why,
 * a command is acknowledged before its reply (ndjson) or answered as one JSON, a refused click
 * says why, an accepted click updates the card in its room and the event stream tells it.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixPlanCard, outcomeCard, type Card } from '../cards/index.js';
import { contractIncident } from '../chat/surface.contract.js';
import type { ChatBot, ChatRequest, ClickRequest } from '../chat/types.js';
import { createLocalChat, stripPrefix, type LocalChat } from './chat.js';

const inc = contractIncident({ id: 'inc_LOCAL1' });
const plan = {
  id: 'fp_1', orgId: 'default', incidentId: inc.id, title: 'Roll back checkout', env: 'staging' as const, runner: 'dryrun', risk: 'low' as const,
  steps: [{ action: 'rollback', target: 'checkout', params: {}, command: 'kubectl rollout undo deploy/checkout' }],
  status: 'pending_approval' as const, requestedBy: 'alice', createdAt: '2026-12-07T10:03:00.000Z', updatedAt: '2026-12-07T10:03:00.000Z',
};
const planCard = (status: 'pending_approval' | 'dry_run'): Card => fixPlanCard({ plan: { ...plan, status }, baseUrl: 'http://127.0.0.1:3000' });

const runs: ChatRequest[] = [];
const clicks: ClickRequest[] = [];
const bot: ChatBot = {
  parse: (text, o) => (text.startsWith('status') || text.startsWith('plan') || o?.mention ? { ok: true, command: { name: 'status' } } : { ok: false, reply: 'Usage: status [INCIDENT]' }),
  async run(req) {
    runs.push(req);
    if (req.text === 'plan boom') throw new Error('database on fire');
    await new Promise((r) => setTimeout(r, 30));
    return { text: 'All quiet. token=hunter2', cards: [planCard('pending_approval')] };
  },
  async click(req) {
    clicks.push(req);
    if (req.user.id === 'viewer') return { ok: false, text: 'Your Warroom role (viewer) cannot approve plans; an sre or admin can.', posts: [] };
    return { ok: true, text: 'Approved; the plan ran (dry run).', card: planCard('dry_run'), posts: [outcomeCard({ plan: { ...plan, status: 'dry_run' }, approvals: [], commands: [], baseUrl: 'http://127.0.0.1:3000' })] };
  },
  help: () => 'help',
};

const KEYS: Record<string, { userId: string; orgId: string }> = { k_admin: { userId: 'admin', orgId: 'default' }, k_viewer: { userId: 'viewer', orgId: 'default' }, k_other: { userId: 'eve', orgId: 'acme' } };

let chat: LocalChat;
let server: Server;
let url = '';
beforeAll(async () => {
  chat = createLocalChat({ bot, mask: (t) => t.replace(/hunter2/g, '***'), authenticate: async (k) => KEYS[k] ?? null, logger: { warn: () => undefined, error: () => undefined }, baseUrl: 'http://127.0.0.1:3000', orgId: 'default', heartbeatMs: 50 });
  const app = express();
  app.use(chat.router);
  server = createServer(app);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  chat.close();
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
});

const post = (path: string, body: unknown, key = 'k_admin', headers: Record<string, string> = {}) =>
  fetch(url + path, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
const get = (path: string, key = 'k_admin') => fetch(url + path, { headers: { authorization: `Bearer ${key}` } });

describe('local chat routes', () => {
  it('serves the page without a key, and nothing of the API without one', async () => {
    const page = await fetch(`${url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await page.text()).toContain('/chat/static/chat.mjs');
    for (const f of ['chat.mjs', 'side.mjs', 'stream.mjs', 'view.mjs']) expect((await fetch(`${url}/chat/static/${f}`)).headers.get('content-type'), f).toMatch(/javascript/);
    expect((await fetch(`${url}/chat/static/chat.css`)).headers.get('content-type')).toMatch(/text\/css/);
    expect((await fetch(`${url}/chat/static/../chat.ts`)).status).toBe(404);
    for (const name of ['constructor', '__proto__', 'index.html%2F..%2F..%2Fchat.ts']) expect((await fetch(`${url}/chat/static/${name}`)).status).toBe(404);
    for (const r of [await fetch(`${url}/chat/api/rooms`), await get('/chat/api/rooms', 'k_wrong'), await post('/chat/api/command', { text: 'status' }, 'k_wrong')]) {
      expect(r.status).toBe(401);
      expect(r.headers.get('content-type')).toContain('application/problem+json');
    }
    const other = await get('/chat/api/rooms', 'k_other');
    expect(other.status).toBe(403);
    expect((await other.json()).detail).toMatch(/org "acme".*WARROOM_CHAT_ORG/);
    expect(await (await get('/chat/api/me')).json()).toEqual({ user_id: 'admin', org_id: 'default' });
  });

  it("sends a browser that opens a card's link to the page's view; API clients (a key, or JSON wanted) get the API", async () => {
    const html = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';
    const nav = (path: string, headers: Record<string, string>) => fetch(url + path, { headers, redirect: 'manual' });
    const inc1 = await nav('/v1/incidents/inc_LOCAL1', { accept: html });
    expect([inc1.status, inc1.headers.get('location')]).toEqual([303, '/#incident=inc_LOCAL1']);
    expect((await nav('/v1/incidents/inc%20x/evidence', { accept: html })).headers.get('location')).toBe('/#incident=inc%20x');
    expect((await nav('/v1/fix/plans/fp_1', { accept: html })).headers.get('location')).toBe('/#plan=fp_1');
    // this test's server has no REST API behind the chat: passing through is a 404 here
    expect((await nav('/v1/incidents/inc_LOCAL1', { accept: html, authorization: 'Bearer k_admin' })).status).toBe(404);
    expect((await nav('/v1/incidents/inc_LOCAL1', { accept: 'application/json' })).status).toBe(404);
    expect((await nav('/v1/incidents/inc_LOCAL1', { accept: '*/*' })).status).toBe(404);
  });

  it('answers bad JSON and bad bodies with a 400 that says what is wrong', async () => {
    const bad = await post('/chat/api/command', '{"text": ');
    expect(bad.status).toBe(400);
    expect((await bad.json()).detail).toMatch(/not valid JSON/);
    const empty = await post('/chat/api/command', { text: '   ' });
    expect(empty.status).toBe(400);
    expect((await empty.json()).detail).toMatch(/text: type a command/);
    const extra = await post('/chat/api/click', { value: 'x', nope: 1 });
    expect(extra.status).toBe(400);
    const badId = await post('/chat/api/command', { text: 'status', incident_id: '<script>' });
    expect((await badId.json()).detail).toMatch(/incident_id/);
  });

  it('replies to a usage error at once, without running anything', async () => {
    const before = runs.length;
    const r = await post('/chat/api/command', { text: 'warroom frobnicate' });
    expect(await r.json()).toEqual({ ack: { ok: false, reply: 'Usage: status [INCIDENT]' }, reply: null });
    expect(runs.length).toBe(before);
  });

  it('acknowledges a command first and then streams the reply (ndjson), masked, as the signed-in user', async () => {
    const r = await post('/chat/api/command', { text: '/warroom status' }, 'k_admin', { accept: 'application/x-ndjson' });
    expect(r.headers.get('content-type')).toContain('application/x-ndjson');
    const lines = (await r.text()).trim().split('\n').map((l) => JSON.parse(l));
    expect(lines[0]).toEqual({ type: 'ack', ok: true, command: 'status' });
    expect(lines[1]).toMatchObject({ type: 'reply', command: 'status', text: 'All quiet. token=***', private: false });
    expect(lines[1].cards[0].html).toContain('<article');
    expect(lines[1].cards[0].text).toContain('approve fp_1');
    expect(runs.at(-1)).toMatchObject({ user: { surface: 'local', id: 'admin' }, text: 'status', where: undefined });
  });

  it('in a room, the incident is the room and plain text is a question (a mention)', async () => {
    const r = await post('/chat/api/command', { text: 'why is checkout failing?', incident_id: inc.id });
    const body = await r.json();
    expect(body.ack.ok).toBe(true);
    expect(runs.at(-1)).toMatchObject({ where: { surface: 'local', channel: inc.id }, mention: true });
  });

  it('a command that throws gets a reply saying so, and the server keeps serving', async () => {
    const r = await post('/chat/api/command', { text: 'plan boom' });
    expect((await r.json()).reply).toMatchObject({ failed: true, text: expect.stringMatching(/status command failed; the server log/) });
    expect((await get('/chat/api/rooms')).status).toBe(200);
  });

  it('a refused click says why and changes nothing', async () => {
    const value = JSON.stringify({ v: 1, action: 'fix.approve', incidentId: inc.id, planId: 'fp_1', version: 'x' });
    const r = await post('/chat/api/click', { value }, 'k_viewer');
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({ ok: false, text: expect.stringMatching(/viewer\) cannot approve/), card: null, posts: [] });
    expect(clicks.at(-1)).toMatchObject({ user: { surface: 'local', id: 'viewer' }, value });
  });

  it('an accepted click replaces the card in its room, posts the outcome, and the event stream tells it', async () => {
    const room = await chat.surface.openRoom({ incident: inc, name: 'inc-x', topic: inc.title });
    const posted = await chat.surface.post(room, planCard('pending_approval'));
    const ctl = new AbortController();
    const events = await get('/chat/api/events');
    expect(events.headers.get('content-type')).toContain('text/event-stream');
    const reader = events.body!.getReader();
    let seen = '';
    const reading = (async () => {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        seen += new TextDecoder().decode(value);
        if (seen.includes('event: message') && seen.includes('event: update')) break;
      }
    })();
    const value = JSON.stringify({ v: 1, action: 'fix.approve', incidentId: inc.id, planId: 'fp_1', version: 'pending_approval@2026-12-07T10:03:00.000Z' });
    const r = await post('/chat/api/click', { value, inputs: { reason: '' } });
    const body = await r.json();
    expect(body).toMatchObject({ ok: true, text: 'Approved; the plan ran (dry run).' });
    expect(body.card.text).toMatch(/dry run/i);
    await reading;
    await reader.cancel();
    ctl.abort();
    expect(seen).toMatch(/^event: ready/);
    expect(seen).toContain(`"id":"${posted.id}"`);
    const msgs = chat.surface.messages(inc.id)!;
    expect(msgs.map((m) => m.cardId)).toEqual(['plan:fp_1', 'outcome:fp_1']);
    expect(msgs[0].text).not.toContain('[Approve]');
    const roomView = await (await get(`/chat/api/rooms/${inc.id}`)).json();
    expect(roomView.messages).toHaveLength(2);
    expect((await get('/chat/api/rooms/inc_nope')).status).toBe(404);
  });

  it('stripPrefix takes off warroom, /warroom and @warroom', () => {
    expect(stripPrefix('warroom status inc_1')).toBe('status inc_1');
    expect(stripPrefix('/warroom plan')).toBe('plan');
    expect(stripPrefix('@Warroom: why?')).toBe('why?');
    expect(stripPrefix('warroomish')).toBe('warroomish');
  });
});
