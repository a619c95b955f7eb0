/**
 * POST /v1/agent/ask over HTTP on the seeded PGlite store (test-support/tool-fixtures.ts) with the
 * real agent (the planner): answers with citations, threads that continue and stay per org, a
 * planted secret that never comes back, bad input, scopes, the OpenAPI document, and no
 * transaction held while the agent runs.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MemorySaver } from '@langchain/langgraph';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAgent, type Agent } from '../../agent/ask.js';
import { MAX_QUESTION_CHARS as AGENT_MAX } from '../../agent/ask.js';
import { httpClient, type HttpClient } from '../../app/http-client.js';
import { defaultRegistry } from '../../tools/index.js';
import { issueKey } from '../../usecases/keys.js';
import { gate } from '../../test-support/analyze-harness.js';
import { testApiDeps } from '../../test-support/api-deps.js';
import { PLANTED, type Seeded, seed } from '../../test-support/tool-fixtures.js';
import type { AgentAsker } from '../context.js';
import { createApi } from '../server.js';
import { MAX_QUESTION_CHARS } from './agent.js';
import { ALL_ROUTES } from './index.js';

let s: Seeded;
let server: Server;
let url: string;
const keys = { planner: `wr_test_${randomBytes(16).toString('hex')}`, o1: `wr_test_${randomBytes(16).toString('hex')}`, o2: `wr_test_${randomBytes(16).toString('hex')}`, ingestOnly: `wr_test_${randomBytes(16).toString('hex')}` };
/** What the route asks; a test may put a wrapper in front of the real agent. */
let asker: AgentAsker | undefined;
let real: Agent;

beforeAll(async () => {
  s = await seed();
  const user = { id: 'alice', name: 'Alice', role: 'viewer' as const };
  await s.opened.store.forOrg('o1').transaction((tx) => issueKey(tx, { keyId: 'k_o1', keyName: 'read', user, scopes: ['read'] }, 'platform', keys.o1));
  await s.opened.store.forOrg('o1').transaction((tx) => issueKey(tx, { keyId: 'k_o1_plan', keyName: 'plan', user, scopes: ['read', 'plan'] }, 'platform', keys.planner));
  await s.opened.store.forOrg('o1').transaction((tx) => issueKey(tx, { keyId: 'k_o1_ingest', keyName: 'ingest', user, scopes: ['ingest'] }, 'platform', keys.ingestOnly));
  await s.opened.store.forOrg('o2').transaction((tx) => issueKey(tx, { keyId: 'k_o2', keyName: 'read', user, scopes: ['read'] }, 'platform', keys.o2));
  real = createAgent({ registry: defaultRegistry(), checkpointer: new MemorySaver(), kb: s.kb });
  asker = real;
  const deps = testApiDeps({ store: () => s.opened.store, kb: s.kb, agent: () => asker });
  server = createServer(createApi(deps, ALL_ROUTES));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((r) => server?.close(() => r()));
  server?.closeAllConnections();
  await s?.close();
});

const client = (key = keys.o1): HttpClient => httpClient(url, key);
const ask = (body: unknown, key?: string) => client(key).post('/v1/agent/ask', body);

describe('POST /v1/agent/ask', () => {
  it('answers a question about an incident with numbered citations that carry their API refs, and the tool calls behind it', async () => {
    const r = await ask({ question: 'status', incident_id: s.checkout });
    expect(r.status).toBe(200);
    expect(Object.keys(r.body).sort()).toEqual(['answer', 'citations', 'model', 'thread_id', 'tool_calls']);
    expect(r.body.model).toBe('planner');
    expect(r.body.answer).toMatch(/^\*\*Checkout 5xx errors\*\*: checkout, sev2, open since 2026-03-01T09:45:00\.000Z .*\[1\]/);
    expect(r.body.citations[0]).toEqual({ id: s.checkout, kind: 'incident', title: expect.any(String), ref: `/v1/incidents/${s.checkout}` });
    expect(r.body.citations.map((c: { kind: string }) => c.kind)).toContain('hypothesis');
    expect(r.body.tool_calls).toEqual([{ tool: 'root_cause', input: { incidentId: s.checkout }, status: 'ok', ms: expect.any(Number) }]);
    expect(r.body.thread_id).toMatch(/^[0-9A-Z]{26}$/);
  });

  it('continues a thread: the follow-up without an incident is about the first turn\'s incident; another org\'s same thread id is another conversation', async () => {
    // the deploy the seeded evidence describes, as the CI tool sent it
    await s.org.insertSignals([{ id: 'sig-deploy-v42', orgId: 'o1', source: 'ci', kind: 'deploy', ts: '2026-03-01T09:40:00.000Z', key: 'checkout', value: null, text: 'deploy checkout v42', labels: { service: 'checkout', version: 'v42' }, meta: {} }]);
    const first = await ask({ question: 'status', incident_id: s.checkout, thread_id: 'war-room-1' });
    expect(first.body.thread_id).toBe('war-room-1');
    const second = await ask({ question: 'what changed?', thread_id: 'war-room-1' });
    expect(second.status).toBe(200);
    expect(second.body.tool_calls.map((c: { tool: string; input: unknown }) => [c.tool, c.input])).toEqual([['list_changes', { incidentId: s.checkout }]]);
    expect(second.body.answer).toMatch(/checkout.*v42/);
    expect(second.body.citations.map((c: { id: string }) => c.id)).toContain('sig-deploy-v42');
    const other = await ask({ question: 'what changed?', thread_id: 'war-room-1' }, keys.o2);
    expect(other.status).toBe(200);
    expect(other.body.tool_calls.map((c: { tool: string }) => c.tool)).toEqual(['list_incidents']);
    expect(JSON.stringify(other.body)).not.toContain(s.checkout);
  });

  it('lets a tool that stores derived rows commit on its own: "analyze it" stores the analysis and answers from it', async () => {
    // the route's reply is the agent's answer; a tool's write (analyze_incident stores evidence,
    // hypotheses and the analysis) must not be taken for the route's one commit
    await s.org.insertSignals(
      Array.from({ length: 40 }, (_, i) => ({
        id: `sig-err-${i}`,
        orgId: 'o1',
        source: 'prometheus',
        kind: 'metric' as const,
        ts: new Date(Date.parse('2026-03-01T09:10:00.000Z') + i * 60_000).toISOString(),
        key: 'http_error_rate',
        value: i < 35 ? 0.01 : 0.4,
        text: null,
        labels: { service: 'checkout' },
        meta: {},
      })),
    );
    const r = await ask({ question: 'analyze it', incident_id: s.checkout }, keys.planner);
    expect(r.status).toBe(200);
    expect(r.body.tool_calls.map((c: { tool: string; status: string }) => [c.tool, c.status])).toEqual([['analyze_incident', 'ok']]);
    expect(await s.org.latestAnalysis(s.checkout)).not.toBeNull();
    // and with an Idempotency-Key the answer is stored and replayed, the tool not run again
    const key = { 'idempotency-key': `ask-${Date.now()}` };
    const first = await client(keys.planner).post('/v1/agent/ask', { question: 'analyze it', incident_id: s.checkout, thread_id: 'idem-1' }, key);
    const again = await client(keys.planner).post('/v1/agent/ask', { question: 'analyze it', incident_id: s.checkout, thread_id: 'idem-1' }, key);
    expect(first.status).toBe(200);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(first.body);
  });

  it('never returns a secret planted in the question, in the answer or in the tool inputs', async () => {
    const question = `why is checkout failing? my token is ${PLANTED.question} and password=${PLANTED.log}`;
    const r = await ask({ question, incident_id: s.checkout });
    expect(r.status).toBe(200);
    const raw = JSON.stringify(r.body);
    expect(raw).not.toContain(PLANTED.question);
    expect(raw).not.toContain(PLANTED.log);
    // the stored log line's own secret is masked too
    expect(r.body.answer).toContain('password=<:SECRET:>');
    // a model (here the planner) that echoes the question sees only the masked form
    const echo = await ask({ question: `search runbooks for ${PLANTED.question}` });
    expect(JSON.stringify(echo.body)).not.toContain(PLANTED.question);
  });

  it('refuses bad input with problem+json naming the field', async () => {
    const cases: [unknown, string][] = [
      [{}, 'question'],
      [{ question: '   ' }, 'question'],
      [{ question: 'x'.repeat(MAX_QUESTION_CHARS + 1) }, 'question'],
      [{ question: 'status', thread_id: 'no spaces please' }, 'thread_id'],
      [{ question: 'status', incident_id: '' }, 'incident_id'],
      [{ question: 42 }, 'question'],
    ];
    for (const [body, field] of cases) {
      const r = await ask(body);
      expect(r.status, JSON.stringify(body).slice(0, 80)).toBe(422);
      expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(JSON.stringify(r.body.errors)).toContain(field);
    }
    const notJson = await client().raw('/v1/agent/ask', { method: 'POST', headers: { authorization: `Bearer ${keys.o1}`, 'content-type': 'application/json' }, body: '{"question":' });
    expect(notJson.status).toBe(400);
    expect(MAX_QUESTION_CHARS).toBe(AGENT_MAX);
  });

  it('needs the read scope and a key', async () => {
    expect((await ask({ question: 'status' }, keys.ingestOnly)).status).toBe(403);
    expect((await httpClient(url).post('/v1/agent/ask', { question: 'status' })).status).toBe(401);
  });

  it('holds no transaction while the agent runs: another request is served meanwhile', async () => {
    const entered = gate();
    const release = gate();
    asker = {
      async ask(session, input) {
        entered.open();
        await release.wait();
        return real.ask(session, input);
      },
    };
    try {
      const pending = ask({ question: 'status', incident_id: s.checkout });
      await entered.wait();
      // On PGlite a transaction held by the ask would block this read until the ask ended, and the ask waits for it.
      const other = await client().get('/v1/incidents');
      expect(other.status).toBe(200);
      release.open();
      expect((await pending).status).toBe(200);
    } finally {
      asker = real;
    }
  });

  it('answers 503 while the agent is not up', async () => {
    asker = undefined;
    try {
      const r = await ask({ question: 'status' });
      expect(r.status).toBe(503);
      expect(r.body.detail).toMatch(/agent is starting/);
    } finally {
      asker = real;
    }
  });

  it('is in the OpenAPI document with its body and answer', async () => {
    const doc = await client().get('/v1/openapi.json');
    const op = doc.body.paths['/v1/agent/ask'].post;
    expect(JSON.stringify(op.requestBody)).toContain('thread_id');
    expect(JSON.stringify(op.responses['200'])).toContain('tool_calls');
  });
});
