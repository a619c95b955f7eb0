/**
 * POST /v1/agent/ask: a question to the agent, answered as the key's user with cited stored rows.
 * The same thread id continues a conversation (threads are per org: another org's id is another
 * conversation).
 */
import { z } from 'zod';
import { AppError } from '../../core/errors.js';
import { type AgentAnswer, route } from '../context.js';
import { directSession } from '../../usecases/session.js';
import { principalOf } from '../session.js';

/** Longest question; agent/ask.ts MAX_QUESTION_CHARS (restated: the API may not import agent/; a test checks they agree). */
export const MAX_QUESTION_CHARS = 4_000;

export const AskBody = z.object({
  question: z
    .string()
    .max(MAX_QUESTION_CHARS)
    .refine((q) => q.trim() !== '', { message: 'ask a question, e.g. "what is going on with checkout?"' })
    .describe('The question, in plain words. Secrets in it are masked before anything reads it.'),
  incident_id: z.string().min(1).max(64).optional().describe('The incident the question is about (default: the one the thread is about, or one named in the question)'),
  thread_id: z
    .string()
    .regex(/^[A-Za-z0-9._:-]{1,128}$/, 'letters, digits and . _ : - (1-128)')
    .optional()
    .describe('Continue this conversation (the thread_id of an earlier answer); default: a new thread'),
});

export const AskView = z.object({
  thread_id: z.string().describe('Send it back to continue the conversation'),
  answer: z.string().describe('Markdown; [n] marks the n-th citation'),
  citations: z.array(z.object({ id: z.string(), kind: z.string().describe('incident, evidence, hypothesis, anomaly, change, knowledge…'), title: z.string(), ref: z.string().describe('API path (with an anchor) that shows the row') })),
  tool_calls: z.array(z.object({ tool: z.string(), input: z.unknown().describe('The arguments, secrets masked'), status: z.enum(['ok', 'no_data', 'error']), ms: z.number() })),
  model: z.string().describe('Who answered: the LLM\'s name or "planner"'),
  fallback: z.string().optional().describe('Why the deterministic planner answered instead of the configured LLM'),
});

export const askView = (r: AgentAnswer): z.infer<typeof AskView> => ({
  thread_id: r.threadId,
  answer: r.answer,
  citations: r.citations.map((c) => ({ id: c.id, kind: c.kind, title: c.title, ref: c.ref })),
  tool_calls: r.toolCalls.map((c) => ({ tool: c.tool, input: c.input, status: c.status as 'ok' | 'no_data' | 'error', ms: c.ms })),
  model: r.model,
  ...(r.fallback ? { fallback: r.fallback } : {}),
});

export const askAgentRoute = route({
  method: 'post',
  path: '/v1/agent/ask',
  summary: 'Ask the agent a question; it reads (never changes) incidents, evidence and the knowledge base as the key\'s user and cites what it used',
  tag: 'agent',
  scope: 'read',
  body: AskBody,
  response: { status: 200, schema: AskView, description: 'The answer with its citations and the tool calls behind it' },
  errors: [503],
  // Manual: the agent may take seconds (an LLM, several tools); each tool reads in its own short
  // transaction, so no transaction is held for the whole run (on PGlite one would hold the
  // database and stop ingest). The agent's session is not the request's: a tool that stores
  // derived rows (analyze_incident) commits them in a transaction of its own, while the route's
  // reply is the answer (stored under an Idempotency-Key by the server).
  transaction: 'manual',
  handler: async (ctx) => {
    const agent = ctx.deps.agent?.();
    if (!agent) throw new AppError('unavailable', 'The agent is starting; try again in a few seconds.');
    const { question, incident_id, thread_id } = ctx.body;
    const session = directSession(principalOf(ctx), ctx.org, ctx.deps, (msgs) => ctx.deps.publishCommitted(msgs));
    const r = await agent.ask(session, { question, ...(incident_id ? { incidentId: incident_id } : {}), ...(thread_id ? { threadId: thread_id } : {}) });
    return { status: 200, body: askView(r) };
  },
});
