/**
 * The agent's graph: route → tool loop (model ⇄ tools) → compose → guard. The model only ever
 * holds the registry's read-only tools; every call goes through the registry (unknown names and
 * bad arguments become error results); nothing a model writes is executed.
 */
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { AIMessage, type BaseMessage, HumanMessage, SystemMessage, ToolMessage } from '@langchain/core/messages';
import { type BaseCheckpointSaver, END, START, StateGraph } from '@langchain/langgraph';
import { maskDeep, maskSecrets } from '../detectors/secrets.js';
import { resolveCitations } from '../tools/citations.js';
import type { ToolRegistry } from '../tools/registry.js';
import { type Citation, type ToolContext, toolError } from '../tools/types.js';
import { guardAnswer } from './guard.js';
import { failureReason, type RetryPolicy, type TokenLedger, withRetry } from './llm.js';
import { decide } from './planner/decide.js';
import { incidentIdsIn } from './planner/intents.js';
import { messageOf, PLANNER_MODEL, PlannerChatModel, viewOf } from './planner/model.js';
import { systemPrompt } from './prompt.js';
import { AgentState, type AgentStateType, type ToolCallRecord } from './state.js';

export interface LlmSlot {
  model: BaseChatModel;
  /** Shown in answers ("answered by …"). */
  name: string;
  /** Tokens one incident may spend on the LLM; then the planner answers. */
  tokenBudget: number;
  ledger: TokenLedger;
  retry?: RetryPolicy;
}

export interface GraphDeps {
  registry: ToolRegistry;
  llm?: LlmSlot;
  /** Default: the deterministic planner. */
  planner?: BaseChatModel;
  /** Most model ⇄ tools rounds in one turn (default 4). */
  maxToolRounds?: number;
  /** Most tool calls one model message may make (default 6); the rest are not run. */
  maxCallsPerRound?: number;
  /** Earlier turns the model sees (default 6). */
  historyTurns?: number;
}

const textOf = (m: BaseMessage): string => (typeof m.content === 'string' ? m.content : m.content.map((c) => ('text' in c ? String(c.text) : '')).join(''));

/** The messages of the last `turns` questions (a turn is never cut between a tool call and its result). */
export function recentTurns(messages: BaseMessage[], turns: number): BaseMessage[] {
  let seen = 0;
  for (let i = messages.length - 1; i >= 0; i--) {
    if (messages[i].getType() === 'human' && ++seen === turns) return messages.slice(i);
  }
  return messages;
}

/** Tokens an answer cost: the endpoint's count, else about 4 characters a token. */
function tokensOf(ai: AIMessage, sent: BaseMessage[]): number {
  const u = ai.usage_metadata?.total_tokens;
  if (typeof u === 'number' && u > 0) return u;
  return Math.ceil((sent.reduce((n, m) => n + textOf(m).length, 0) + textOf(ai).length) / 4);
}

/**
 * A model's message made safe to store and send back: valid tool calls plus the malformed ones
 * (as calls with no arguments, answered by an error), ids filled in, at most `max` calls.
 */
function normalize(ai: AIMessage, prefix: string, max: number): { message: AIMessage; invalid: Record<string, string> } {
  const invalid: Record<string, string> = {};
  const calls = [
    ...(ai.tool_calls ?? []).map((c, i) => ({ id: c.id || `${prefix}_${i}`, name: String(c.name), args: (c.args ?? {}) as Record<string, unknown>, type: 'tool_call' as const })),
    ...(ai.invalid_tool_calls ?? []).map((c, i) => {
      const id = c.id || `${prefix}_bad_${i}`;
      invalid[id] = `The arguments of ${String(c.name ?? 'the call')} are not valid JSON (${String(c.error ?? 'unparseable').slice(0, 200)}); send a JSON object.`;
      return { id, name: String(c.name ?? 'unknown'), args: {}, type: 'tool_call' as const };
    }),
  ];
  // Keep the model's own order (LangChain lists the malformed calls apart) where the raw calls show it.
  const raw = (ai.additional_kwargs?.tool_calls ?? []) as { id?: string }[];
  const pos = (id: string) => {
    const i = raw.findIndex((r) => r.id === id);
    return i < 0 ? raw.length : i;
  };
  calls.sort((a, b) => pos(a.id) - pos(b.id));
  calls.splice(max);
  return { message: new AIMessage({ content: textOf(ai), tool_calls: calls }), invalid };
}

/** The graph for one asker (`ctx`), compiled with the thread checkpointer. */
export function buildGraph(deps: GraphDeps, ctx: ToolContext, checkpointer: BaseCheckpointSaver, threadKey: string) {
  const defs = deps.registry.definitions();
  const planner = (deps.planner ?? new PlannerChatModel()).bindTools!(defs);
  const llm = deps.llm ? { ...deps.llm, bound: deps.llm.model.bindTools!(defs) } : undefined;
  const maxRounds = deps.maxToolRounds ?? 4;
  const maxCalls = deps.maxCallsPerRound ?? 6;
  const masks = ctx.session.deps.masks;
  const budgetKey = (s: AgentStateType) => s.incidentId ?? `thread:${threadKey}`;

  const route = async (s: AgentStateType) => {
    const q = s.turn.question;
    const incidentId = s.turn.requestedIncident ?? incidentIdsIn(q)[0] ?? s.incidentId;
    return { messages: [new HumanMessage(q)], incidentId, turn: { model: llm ? llm.name : PLANNER_MODEL } };
  };

  const agent = async (s: AgentStateType) => {
    const sent = [new SystemMessage(systemPrompt(s.incidentId)), ...recentTurns(s.messages, deps.historyTurns ?? 6)];
    let { model, fallback } = s.turn;
    let ai: AIMessage | undefined;
    if (llm && model === llm.name) {
      const spent = llm.ledger.spent(budgetKey(s));
      if (spent >= llm.tokenBudget) {
        fallback = `the token budget for this incident is spent (${spent} of ${llm.tokenBudget} tokens)`;
      } else {
        try {
          ai = (await withRetry(() => llm.bound.invoke(sent), llm.retry)) as AIMessage;
          llm.ledger.add(budgetKey(s), tokensOf(ai, sent));
        } catch (e) {
          fallback = `the model endpoint failed (${failureReason(e)})`;
        }
      }
      if (!ai) model = PLANNER_MODEL;
    }
    ai ??= (await planner.invoke(sent)) as AIMessage;
    const turnNo = s.messages.filter((m) => m.getType() === 'human').length;
    const { message, invalid } = normalize(ai, `call_${turnNo}_${s.turn.rounds}`, maxCalls);
    if (message.tool_calls!.length && s.turn.rounds < maxRounds) {
      return { messages: [message], turn: { model, fallback, rounds: s.turn.rounds + 1, invalid: { ...s.turn.invalid, ...invalid } } };
    }
    return { turn: { model, fallback, draft: textOf(message) } };
  };

  const tools = async (s: AgentStateType) => {
    const last = s.messages[s.messages.length - 1] as AIMessage;
    const out: ToolMessage[] = [];
    const records: ToolCallRecord[] = [];
    const known: Record<string, Citation> = {};
    for (const call of last.tool_calls ?? []) {
      const t0 = performance.now();
      const result = s.turn.invalid[call.id!] ? toolError(s.turn.invalid[call.id!]) : await deps.registry.call(call.name, call.args, ctx);
      records.push({ tool: call.name, input: maskDeep(call.args, masks), status: result.status, ms: Math.round(performance.now() - t0) });
      for (const c of result.citations) known[c.id] = c;
      const { citations, ...rest } = result;
      const content = JSON.stringify({ ...rest, citations: citations.map((c) => ({ id: c.id, kind: c.kind, title: c.title })) });
      out.push(new ToolMessage({ tool_call_id: call.id!, name: call.name, content }));
    }
    return { messages: out, known, turn: { toolCalls: [...s.turn.toolCalls, ...records] } };
  };

  const compose = async (s: AgentStateType) => {
    if (s.turn.draft?.trim()) return {};
    // The model gave no answer (or ran out of tool rounds): the planner composes from what the turn holds.
    const sent = [new SystemMessage(systemPrompt(s.incidentId)), ...s.messages];
    const msg = messageOf(decide(viewOf(sent, [], true)), sent);
    const draft = msg.tool_calls?.length ? "I don't know: I could not gather what I needed to answer." : textOf(msg);
    const fallback = s.turn.model === PLANNER_MODEL ? s.turn.fallback : (s.turn.fallback ?? 'the model gave no answer');
    return { turn: { draft, model: PLANNER_MODEL, fallback } };
  };

  const guard = async (s: AgentStateType) => {
    const known = new Map(Object.entries(s.known));
    const draft = s.turn.draft ?? '';
    const used = [...draft.matchAll(/\[([^\]\s]{1,128})\]/g)].map((m) => known.get(m[1])).filter((c): c is Citation => !!c);
    const resolved = await resolveCitations(ctx, [...new Map(used.map((c) => [c.id, c])).values()]);
    const g = guardAnswer(draft, known, resolved);
    let answer = maskSecrets(g.text, masks);
    if (s.turn.fallback) answer += `\n\n(Answered by the deterministic planner: ${s.turn.fallback}.)`;
    return { messages: [new AIMessage(answer)], turn: { answer, citations: g.citations } };
  };

  return new StateGraph(AgentState)
    .addNode('route', route)
    .addNode('agent', agent)
    .addNode('tools', tools)
    .addNode('compose', compose)
    .addNode('guard', guard)
    .addEdge(START, 'route')
    .addEdge('route', 'agent')
    .addConditionalEdges('agent', (s) => (s.turn.draft === null ? 'tools' : 'compose'), ['tools', 'compose'])
    .addEdge('tools', 'agent')
    .addEdge('compose', 'guard')
    .addEdge('guard', END)
    .compile({ checkpointer });
}
