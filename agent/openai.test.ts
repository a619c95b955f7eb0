/**
 * The real LangChain OpenAI client against a local OpenAI-compatible server started here. The
 * server checks what it receives (auth, tool schemas, message pairing, no planted secret) and
 * answers from a script: tool calls, a malformed call, an unknown tool, 429s and 500s.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MemorySaver } from '@langchain/langgraph';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultRegistry } from '../tools/index.js';
import { createAgent } from './ask.js';
import { footprint, PLANTED, type Seeded, seed } from '../test-support/tool-fixtures.js';
import { memoryTokenLedger, openAiChatModel } from './llm.js';

interface Reply {
  /** Never answer (the client's timeout must fire). */
  hang?: boolean;
  status?: number;
  headers?: Record<string, string>;
  message?: { content: string | null; tool_calls?: { id: string; type: 'function'; function: { name: string; arguments: string } }[] };
}

interface ChatRequest {
  model: string;
  messages: { role: string; content: string | null; tool_calls?: { id: string }[]; tool_call_id?: string }[];
  tools?: { type: string; function: { name: string; description: string; parameters: { type: string; properties: Record<string, unknown> } } }[];
}

let s: Seeded;
let server: Server;
let baseURL: string;
let script: Reply[] = [];
const received: ChatRequest[] = [];
const problems: string[] = [];

/** What a strict endpoint would refuse: bad auth, missing tool schemas, a tool message with no matching call. */
function check(req: IncomingMessage, body: ChatRequest): string | null {
  if (req.headers.authorization !== 'Bearer sk-test') return 'bad auth';
  if (body.model !== 'test-model') return `model ${body.model}`;
  for (const t of body.tools ?? []) {
    if (t.type !== 'function' || !t.function.description || t.function.parameters?.type !== 'object' || !t.function.parameters.properties) return `bad tool schema ${t.function?.name}`;
  }
  const open = new Set<string>();
  for (const m of body.messages) {
    for (const c of m.tool_calls ?? []) open.add(c.id);
    if (m.role === 'tool' && !open.delete(m.tool_call_id!)) return `tool message for unknown call ${m.tool_call_id}`;
  }
  if (open.size) return `calls without results: ${[...open].join(', ')}`;
  return null;
}

beforeAll(async () => {
  s = await seed();
  server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
        res.writeHead(404).end();
        return;
      }
      const body = JSON.parse(raw) as ChatRequest;
      received.push(body);
      const bad = check(req, body);
      if (bad) {
        problems.push(bad);
        res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: bad, type: 'invalid_request_error' } }));
        return;
      }
      const r = script.shift() ?? { status: 500 };
      if (r.hang) return;
      if (r.status && r.status !== 200) {
        res.writeHead(r.status, { 'content-type': 'application/json', ...r.headers }).end(JSON.stringify({ error: { message: `scripted ${r.status}`, type: 'server_error' } }));
        return;
      }
      const finish = r.message?.tool_calls?.length ? 'tool_calls' : 'stop';
      res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          id: `chatcmpl-${received.length}`,
          object: 'chat.completion',
          created: 1_700_000_000,
          model: 'test-model',
          choices: [{ index: 0, message: { role: 'assistant', ...r.message }, finish_reason: finish }],
          usage: { prompt_tokens: 100, completion_tokens: 20, total_tokens: 120 },
        }),
      );
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  await s.close();
});

const agentWith = (budget = 100_000, timeoutMs = 5_000) =>
  createAgent({
    registry: defaultRegistry(),
    checkpointer: new MemorySaver(),
    kb: s.kb,
    llm: { model: openAiChatModel({ apiKey: 'sk-test', baseURL, model: 'test-model', timeoutMs }), name: 'test-model', tokenBudget: budget, ledger: memoryTokenLedger(), retry: { attempts: 3, baseMs: 1, maxMs: 20 } },
  });

const fn = (id: string, name: string, args: string) => ({ id, type: 'function' as const, function: { name, arguments: args } });

describe('ChatOpenAI against a local OpenAI-compatible server', () => {
  it('tool calls (valid, malformed, unknown), a 429 then success: results go back paired, the answer is guarded, nothing secret is sent', async () => {
    received.length = 0;
    const before = await footprint(s);
    script = [
      { message: { content: null, tool_calls: [fn('call_a', 'root_cause', JSON.stringify({ incidentId: s.checkout })), fn('call_b', 'incident_evidence', '{"incidentId": '), fn('call_c', 'delete_namespace', '{"name":"prod"}')] } },
      { status: 429, headers: { 'retry-after': '0' } },
      { message: { content: `The checkout v42 deploy caused the 5xx errors [${s.hyp.deploy}]. A cosmic ray caused it.` } },
    ];
    const r = await agentWith().ask(s.session(), { question: `why is checkout failing? key sk-${'x'.repeat(30)} ${PLANTED.question}`, incidentId: s.checkout });
    expect(problems).toEqual([]);
    expect(received).toHaveLength(3);
    expect(r.model).toBe('test-model');
    expect(r.fallback).toBeUndefined();
    expect(r.toolCalls.map((c) => `${c.tool}:${c.status}`)).toEqual(['root_cause:ok', 'incident_evidence:error', 'delete_namespace:error']);
    expect(r.answer).toBe('The checkout v42 deploy caused the 5xx errors [1].\n\n(1 statement about causes removed: no stored evidence was cited for it.)');
    expect(r.citations).toEqual([{ id: s.hyp.deploy, kind: 'hypothesis', title: '#1 The checkout v42 deploy introduced a null-pointer bug in PaymentClient', ref: `/v1/incidents/${s.checkout}/evidence#hypothesis-${s.hyp.deploy}` }]);

    const first = received[0];
    expect(first.tools!.map((t) => t.function.name)).toEqual(defaultRegistry().names);
    const rc = first.tools!.find((t) => t.function.name === 'root_cause')!.function.parameters as unknown as { properties: Record<string, { type: string; description: string }>; required: string[] };
    expect(rc.required).toEqual(['incidentId']);
    expect(rc.properties.incidentId).toMatchObject({ type: 'string', description: expect.stringMatching(/list_incidents/) });
    expect(first.messages.map((m) => m.role)).toEqual(['system', 'user']);

    // after the 429 the same request was sent again, with one result per call
    expect(received[2].messages).toEqual(received[1].messages);
    const tools = received[2].messages.filter((m) => m.role === 'tool');
    expect(tools.map((m) => m.tool_call_id)).toEqual(['call_a', 'call_b', 'call_c']);
    expect(JSON.parse(tools[1].content!).error).toMatch(/^The arguments of incident_evidence are not valid JSON/);
    expect(JSON.parse(tools[2].content!).error).toMatch(/^Unknown tool "delete_namespace"\. Valid tools: /);

    const wire = JSON.stringify(received);
    for (const secret of [PLANTED.log, PLANTED.question, `sk-${'x'.repeat(30)}`]) expect(wire).not.toContain(secret);
    expect(await footprint(s)).toBe(before);
  });

  it('a 500 on every try: retried, then the planner answers and the answer says so', async () => {
    received.length = 0;
    script = [{ status: 500 }, { status: 500 }, { status: 500 }];
    const r = await agentWith().ask(s.session(), { question: 'status', incidentId: s.checkout });
    expect(received).toHaveLength(3);
    expect(r.model).toBe('planner');
    expect(r.fallback).toBe('the model endpoint failed (HTTP 500)');
    expect(r.answer).toMatch(/^\*\*Checkout 5xx errors\*\*: checkout, sev2, open[\s\S]*\[1\]\.\n[\s\S]*\n\n\(Answered by the deterministic planner: the model endpoint failed \(HTTP 500\)\.\)$/);
    expect(r.toolCalls.map((c) => c.tool)).toEqual(['root_cause']);
  });

  it('an endpoint that does not answer: the timeout fires on each try, then the planner answers', async () => {
    received.length = 0;
    script = [{ hang: true }, { hang: true }, { hang: true }];
    const r = await agentWith(100_000, 300).ask(s.session(), { question: 'status', incidentId: s.checkout });
    expect(received).toHaveLength(3);
    expect(r.model).toBe('planner');
    expect(r.fallback).toBe('the model endpoint failed (timeout)');
  });

  it('spends the incident\'s token budget, then the planner finishes the turn', async () => {
    received.length = 0;
    script = [{ message: { content: null, tool_calls: [fn('call_x', 'root_cause', JSON.stringify({ incidentId: s.checkout }))] } }];
    const r = await agentWith(100).ask(s.session(), { question: 'why is checkout failing?', incidentId: s.checkout });
    expect(received).toHaveLength(1);
    expect(r.model).toBe('planner');
    expect(r.fallback).toBe('the token budget for this incident is spent (120 of 100 tokens)');
    expect(r.answer).toMatch(/^Root-cause hypotheses for \*\*Checkout 5xx errors\*\*/);
  });
});
