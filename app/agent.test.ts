/**
 * The agent the composition root builds from the configuration (app/agent.ts): the planner with no
 * endpoint; with one, the configured model is asked (its time counted) and the planner answers
 * when it fails; a budget of 0 keeps the LLM off.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Seeded, seed } from '../test-support/tool-fixtures.js';
import { openAgent } from './agent.js';
import { loadConfig } from './config.js';

let s: Seeded;
let server: Server;
let baseURL: string;
const seen: { model: string; auth?: string }[] = [];

beforeAll(async () => {
  s = await seed();
  // An OpenAI-compatible endpoint that answers every chat request with a short uncited text.
  server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      seen.push({ model: (JSON.parse(raw) as { model: string }).model, auth: req.headers.authorization });
      res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({ id: 'x', object: 'chat.completion', created: 0, model: 'm', choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: 'Checkout is degraded.' } }], usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 } }),
      );
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});
afterAll(async () => {
  await new Promise<void>((r) => server?.close(() => r()));
  await s?.close();
});

const mem = { WARROOM_DATA_DIR: ':memory:' };

describe('openAgent', () => {
  it('is the planner with threads in memory when nothing is configured', async () => {
    const a = await openAgent(loadConfig(mem), s.kb);
    try {
      expect(a).toMatchObject({ model: 'planner', checkpoints: 'memory' });
      const r = await a.agent.ask(s.session(), { question: 'status', incidentId: s.checkout });
      expect(r.model).toBe('planner');
      expect(a.modelMs()).toBe(0);
    } finally {
      await a.close();
    }
  });

  it('asks the configured model at the configured endpoint with the key, and counts its time', async () => {
    const a = await openAgent(loadConfig({ ...mem, OPENAI_BASE_URL: baseURL, OPENAI_API_KEY: 'sk-local-test', LLM_MODEL: 'qwen-test' }), s.kb);
    try {
      expect(a.model).toBe('qwen-test');
      const r = await a.agent.ask(s.session(), { question: 'status', incidentId: s.checkout });
      expect(r.model).toBe('qwen-test');
      expect(r.fallback).toBeUndefined();
      expect(seen.at(-1)).toEqual({ model: 'qwen-test', auth: 'Bearer sk-local-test' });
      expect(a.modelMs()).toBeGreaterThan(0);
    } finally {
      await a.close();
    }
  });

  it('falls back to the planner, saying why, when the endpoint is down; a budget of 0 keeps the LLM off', async () => {
    const down = await openAgent(loadConfig({ ...mem, OPENAI_BASE_URL: 'http://127.0.0.1:9/v1', WARROOM_LLM_TIMEOUT_MS: '2000' }), s.kb);
    try {
      const r = await down.agent.ask(s.session(), { question: 'status', incidentId: s.checkout });
      expect(r.model).toBe('planner');
      expect(r.fallback).toMatch(/^the model endpoint failed/);
      expect(r.answer).toMatch(/^\*\*Checkout 5xx errors\*\*/);
    } finally {
      await down.close();
    }
    const off = await openAgent(loadConfig({ ...mem, OPENAI_BASE_URL: baseURL, WARROOM_LLM_TOKEN_BUDGET: '0' }), s.kb);
    expect(off.model).toBe('planner');
    await off.close();
  });
});
