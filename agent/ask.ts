/**
 * The agent's entry: `ask(session, {question, incidentId?, threadId?})` answers as the person in
 * the session, continuing the thread's checkpointed conversation.
 */
import type { BaseCheckpointSaver } from '@langchain/langgraph';
import { AppError } from '../core/errors.js';
import { maskSecrets } from '../detectors/secrets.js';
import type { KnowledgeBase } from '../kb/service.js';
import type { Citation } from '../tools/types.js';
import type { Session } from '../usecases/session.js';
import { buildGraph, type GraphDeps } from './graph.js';
import { emptyTurn, type ToolCallRecord } from './state.js';

export interface AskInput {
  question: string;
  incidentId?: string;
  threadId?: string;
}

export interface AskResult {
  threadId: string;
  answer: string;
  citations: Citation[];
  toolCalls: ToolCallRecord[];
  /** Who answered: the LLM's name or "planner". */
  model: string;
  /** Why the planner answered instead of the configured LLM. */
  fallback?: string;
}

export interface AgentDeps extends GraphDeps {
  checkpointer: BaseCheckpointSaver;
  kb?: KnowledgeBase;
}

export interface Agent {
  ask(session: Session, input: AskInput): Promise<AskResult>;
}

/** Longest question passed on (a pasted log belongs in an upload, not in a prompt). */
export const MAX_QUESTION_CHARS = 4_000;

export function createAgent(deps: AgentDeps): Agent {
  return {
    async ask(session, input) {
      if (!input.question.trim()) throw new AppError('invalid_input', 'Ask a question, e.g. "what is going on with checkout?".', { issues: [{ path: 'question', message: 'empty' }] });
      const threadId = input.threadId ?? session.deps.newId();
      // Threads are per org: the same id in another org is another conversation.
      const threadKey = `${session.principal.orgId}:${threadId}`;
      const graph = buildGraph(deps, { session, kb: deps.kb }, deps.checkpointer, threadKey);
      const question = maskSecrets(input.question.slice(0, MAX_QUESTION_CHARS), session.deps.masks);
      // durability 'exit': one checkpoint per turn, when the graph ends, instead of one per step
      // (six steps re-serialising the thread's messages each; on PGlite those writes also queue
      // behind the tools' reads). A turn cut short by a crash is lost; the thread before it is not.
      const out = await graph.invoke(
        { turn: { ...emptyTurn(), question, requestedIncident: input.incidentId ?? null } },
        { configurable: { thread_id: threadKey }, recursionLimit: 40, durability: 'exit' },
      );
      const t = out.turn;
      return { threadId, answer: t.answer, citations: t.citations, toolCalls: t.toolCalls, model: t.model, ...(t.fallback ? { fallback: t.fallback } : {}) };
    },
  };
}
