/**
 * The chat in the running product: the page at / and its API next to /v1 (untouched), the
 * signed-in key's user acting through the store-backed directory, the local chat off when
 * WARROOM_CHAT_LOCAL=off, and 503 "starting" on chat paths before the chat is built.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chatGate } from './chat.js';
import { startEmbedded, type Embedded } from './embedded.js';

let e: Embedded;
beforeAll(async () => {
  e = await startEmbedded('pglite');
}, 60_000);
afterAll(async () => e?.stop());

describe('chat composition', () => {
  it('serves the page at / and the chat API next to an untouched /v1', async () => {
    const page = await fetch(`${e.w.url}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>Warroom</title>');
    expect((await e.client().get('/v1/incidents')).status).toBe(200);
    expect((await e.client().get('/v1/nope')).status).toBe(404);
    expect((await fetch(`${e.w.url}/healthz`)).status).toBe(200);
    const me = await e.client().get('/chat/api/me');
    expect(me.body).toEqual({ user_id: 'admin', org_id: 'default' });
    expect((await e.client('wr_wrong_key_00000000000000').get('/chat/api/rooms')).status).toBe(401);
  });

  it('a command runs as the key\'s user with their role (admin may open)', async () => {
    const r = await e.client().post('/chat/api/command', { text: 'open payments card declines spiking' });
    expect(r.status).toBe(200);
    expect(r.body.ack).toEqual({ ok: true, command: 'open' });
    expect(r.body.reply.text).toMatch(/^Opened incident \S+ on payments/);
    expect(r.body.reply.cards[0].html).toContain('wr-card-incident_summary');
  });

  it('plan takes the fix-plan options; the product gives the parser the catalog\'s strategies, so an unknown one is the acknowledgement', async () => {
    const unknown = await e.client().post('/chat/api/command', { text: 'plan inc_x --strategy teleport' });
    expect(unknown.status).toBe(200);
    expect(unknown.body.reply).toBeNull();
    expect(unknown.body.ack).toMatchObject({ ok: false, reply: expect.stringMatching(/^Unknown strategy "teleport"\. Strategies: undo-deploy, rollback, .*restart/) });
    const opened = await e.client().post('/chat/api/command', { text: 'open cart basket empties' });
    const id = /Opened incident (\S+)/.exec(opened.body.reply.text)![1];
    const refused = await e.client().post('/chat/api/command', { text: `plan ${id} --strategy rollback --mode catalog` });
    expect(refused.body.ack).toEqual({ ok: true, command: 'plan' });
    expect(refused.body.reply.text).toMatch(/^Sorry, nothing was done: The fix catalog has no fix for this incident: it has no stored analysis[\s\S]*Usage: plan /);
    const auto = await e.client().post('/chat/api/command', { text: `plan ${id} --mode auto` });
    expect(auto.body.reply.text).toMatch(/^Fix plan \S+ drafted/);
  });

  it('the chat box talks to the agent: plain text in a room is a question, answered by the product\'s agent', async () => {
    const opened = await e.client().post('/chat/api/command', { text: 'open orders checkout orders fail' });
    const id = /Opened incident (\S+)/.exec(opened.body.reply.text)![1];
    const r = await e.client().post('/chat/api/command', { text: 'what is the status of this incident?', incident_id: id });
    expect(r.body.ack).toEqual({ ok: true, command: 'ask' });
    // the agent read the room's incident (no id in the question) and cites it
    expect(r.body.reply.text).toContain(`**checkout orders fail**: orders, sev3, open since`);
    expect(r.body.reply.text).toContain(`(id ${id})`);
    expect(r.body.reply.text).toMatch(/Sources:\n• checkout orders fail/);
  });

  it('is off with WARROOM_CHAT_LOCAL=off: / is the API\'s 404', async () => {
    const off = await startEmbedded('pglite', { WARROOM_CHAT_LOCAL: 'off' });
    try {
      expect((await fetch(`${off.w.url}/`)).status).toBe(404);
      expect((await off.client().get('/chat/api/rooms')).status).toBe(404);
    } finally {
      await off.stop();
    }
  }, 60_000);

  it('answers chat paths with 503 "starting" until the chat is built, and passes the rest on', async () => {
    const app = express();
    app.use(chatGate(() => undefined));
    app.use((_req, res) => void res.status(299).send('api'));
    const server = createServer(app);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const page = await fetch(`${url}/`);
      expect(page.status).toBe(503);
      expect(page.headers.get('retry-after')).toBe('2');
      expect(await page.text()).toMatch(/starting/);
      const api = await fetch(`${url}/chat/api/rooms`);
      expect(api.status).toBe(503);
      expect((await api.json()).title).toBe('Starting');
      expect((await fetch(`${url}/v1/incidents`)).status).toBe(299);
      expect((await fetch(`${url}/chatter`)).status).toBe(299);
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
