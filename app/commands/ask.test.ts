/**
 * The agent end to end on one embedded data directory: `POST /v1/agent/ask` on a server built by
 * the composition root, `warroom ask` through that server (and refused without a key), a thread
 * that survives a server restart, and the same thread continued by `warroom ask` on the
 * embedded database once the server is gone (the command functions, as app/cli.ts calls them).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../config.js';
import { startEmbedded } from '../embedded.js';
import { runAsk } from './ask.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

async function capture(fn: () => Promise<number>): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => {
    out += String(s);
    return true;
  });
  const spyErr = vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => {
    err += String(s);
    return true;
  });
  try {
    return { code: await fn(), out, err };
  } finally {
    spy.mockRestore();
    spyErr.mockRestore();
  }
}

type Call = { tool: string; input: { incidentId?: string } };

describe('warroom ask and the agent on an embedded data directory', () => {
  it('answers over HTTP and through the CLI; a thread survives a restart and continues without the server', async () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'warroom-ask-')), 'db');
    dirs.push(dataDir);
    const noKey = loadConfig({ WARROOM_DATA_DIR: dataDir, LOG_LEVEL: 'silent' });

    let server = await startEmbedded('pglite', { WARROOM_DATA_DIR: dataDir });
    let incident: string;
    try {
      expect(server.w.agent()).toMatchObject({ model: 'planner', checkpoints: 'pglite' });
      const opened = await server.client().post('/v1/incidents/open', { title: 'Checkout 5xx errors', service: 'checkout', severity: 'sev2' });
      expect(opened.status).toBe(201);
      incident = opened.body.id;
      const first = await server.client().post('/v1/agent/ask', { question: 'status', incident_id: incident, thread_id: 'bridge-1' });
      expect(first.status).toBe(200);
      expect(first.body).toMatchObject({ thread_id: 'bridge-1', model: 'planner' });
      expect(first.body.citations[0]).toMatchObject({ id: incident, kind: 'incident', ref: `/v1/incidents/${incident}` });

      // The server holds the data directory: without a key the command refuses and names it.
      const refused = await capture(() => runAsk(noKey, 'status'));
      expect(refused.code).toBe(3);
      expect(refused.err).toContain(`the embedded database in ${dataDir} is held by`);

      // With a key it asks through the server's API; human output: answer, numbered citations with refs, who answered.
      const withKey = loadConfig({ WARROOM_DATA_DIR: dataDir, LOG_LEVEL: 'silent', WARROOM_API_KEY: server.apiKey });
      const human = await capture(() => runAsk(withKey, 'status', { thread: 'bridge-1' }));
      expect(human.code, human.err).toBe(0);
      expect(human.out).toMatch(/^\*\*Checkout 5xx errors\*\*: checkout, sev2, open since .* \[1\]/);
      expect(human.out).toContain(`\n[1] `);
      expect(human.out).toContain(` — /v1/incidents/${incident}\n`);
      expect(human.out).toMatch(/\nanswered by planner; thread bridge-1 \(--thread bridge-1 continues it\)\n$/);

      const bad = await capture(() => runAsk(withKey, 'status', { thread: 'has spaces' }));
      expect(bad.code).toBe(1);
      expect(bad.err).toMatch(/answered 422.*thread_id/);
    } finally {
      await server.stop();
    }

    // A restart on the same data directory: the thread's focus comes back from the checkpoints.
    server = await startEmbedded('pglite', { WARROOM_DATA_DIR: dataDir });
    try {
      const again = await server.client().post('/v1/agent/ask', { question: 'what changed?', thread_id: 'bridge-1' });
      expect(again.status).toBe(200);
      expect(again.body.tool_calls.map((c: Call) => [c.tool, c.input.incidentId])).toEqual([['list_changes', incident]]);
    } finally {
      await server.stop();
    }

    // No server: the command opens the database and the agent's checkpoints itself, and the thread goes on.
    const local = await capture(() => runAsk(noKey, 'what happened?', { thread: 'bridge-1', json: true }));
    expect(local.code, local.err).toBe(0);
    const body = JSON.parse(local.out);
    expect(Object.keys(body).sort()).toEqual(['answer', 'citations', 'model', 'thread_id', 'tool_calls']);
    expect(body.thread_id).toBe('bridge-1');
    expect(body.tool_calls.map((c: Call) => [c.tool, c.input.incidentId])).toEqual([['incident_timeline', incident]]);
    expect(body.answer).toContain('Checkout 5xx errors');

    expect((await capture(() => runAsk(noKey, '  '))).code).toBe(2);
  }, 480_000); // two server starts and a CLI run, each booting two PGlite instances: a guard against a hang, not a speed check
});
