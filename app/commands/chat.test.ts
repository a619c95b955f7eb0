/**
 * `warroom chat` against a started instance (in-process, PGlite in memory): --once for scripts,
 * the REPL over piped lines, a usage error, a wrong key, an instance that is not there.
 */
import { PassThrough, Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbedded, type Embedded } from '../embedded.js';
import { runChat } from './chat.js';

let e: Embedded;
beforeAll(async () => {
  e = await startEmbedded('pglite');
}, 60_000);
afterAll(async () => e?.stop());

const capture = () => {
  let out = '';
  let err = '';
  return { o: { out: (s: string) => void (out += s), err: (s: string) => void (err += s) }, out: () => out, err: () => err };
};

describe('warroom chat', () => {
  it('--once sends one line and prints the answer', async () => {
    const c = capture();
    expect(await runChat(e.cfg, { url: e.w.url, key: e.apiKey, once: 'help', ...c.o })).toBe(0);
    expect(c.out()).toMatch(/status \[INCIDENT\]/);
    expect(c.out()).toMatch(/approve PLAN/);
  });

  it('opens an incident and shows its summary card in terminal text, then its status by id', async () => {
    const c = capture();
    expect(await runChat(e.cfg, { url: e.w.url, key: e.apiKey, once: 'warroom open checkout checkout is failing at payment', ...c.o })).toBe(0);
    expect(c.out()).toMatch(/^== .*checkout is failing at payment/m);
    const id = /Opened incident (\S+) on checkout/.exec(c.out())?.[1];
    expect(id).toBeTruthy();
    const s = capture();
    expect(await runChat(e.cfg, { url: e.w.url, key: e.apiKey, once: `status ${id}`, ...s.o })).toBe(0);
    expect(s.out()).toContain('checkout is failing at payment');
  });

  it('runs a REPL over piped lines: :incident moves into a room, :quit ends', async () => {
    const c = capture();
    const input = Readable.from(['help\n', ':incident inc_nope\n', 'status\n', ':quit\n', 'help\n']);
    expect(await runChat(e.cfg, { url: e.w.url, key: e.apiKey, input, ...c.o })).toBe(0);
    expect(c.out()).toContain(`Connected to ${e.w.url}`);
    expect(c.out()).toContain('warroom inc_nope> ');
    // a line after :quit is never sent: help printed once
    expect(c.out().match(/approve PLAN/g)?.length).toBe(1);
  });

  it('in a room, prints its thread so far and then what is posted there live', async () => {
    const opened = await e.client().post('/chat/api/command', { text: 'open search results are empty for everyone' });
    const id = /Opened incident (\S+)/.exec(opened.body.reply.text)![1];
    const c = capture();
    const input = new PassThrough();
    const done = runChat(e.cfg, { url: e.w.url, key: e.apiKey, incident: id, input, ...c.o });
    // the room was joined: its summary card printed in terminal text
    await expect.poll(() => c.out(), { timeout: 10_000 }).toMatch(/posted incident summary\]\n== .*results are empty for everyone/);
    const surface = e.w.chat()!.local!.surface;
    await surface.say({ surface: 'local', channel: id }, 'Sam is on it \u001b[31m(rolling back)');
    await expect.poll(() => c.out(), { timeout: 10_000 }).toContain('Sam is on it [31m(rolling back)');
    expect(c.out()).not.toContain('\u001b');
    input.end(':quit\n');
    expect(await done).toBe(0);
  });

  it('a usage error prints the right usage and exits 2', async () => {
    const c = capture();
    expect(await runChat(e.cfg, { url: e.w.url, key: e.apiKey, once: 'frobnicate now', ...c.o })).toBe(2);
    expect(c.out()).toMatch(/help/i);
  });

  it('a wrong key and an absent instance say so and exit 1', async () => {
    const bad = capture();
    expect(await runChat(e.cfg, { url: e.w.url, key: 'wr_not_a_key_000000000000', once: 'help', ...bad.o })).toBe(1);
    expect(bad.err()).toMatch(/answered 401: The API key is not valid/);
    const gone = capture();
    expect(await runChat(e.cfg, { url: 'http://127.0.0.1:9', key: e.apiKey, once: 'help', ...gone.o })).toBe(1);
    expect(gone.err()).toMatch(/cannot reach http:\/\/127\.0\.0\.1:9/);
  });
});
