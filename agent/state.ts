/** The graph's state, checkpointed per thread: the conversation, the incident in focus, the citations seen, and this turn. */
import type { BaseMessage } from '@langchain/core/messages';
import { Annotation, messagesStateReducer } from '@langchain/langgraph';
import type { Citation, ToolStatus } from '../tools/types.js';

export interface ToolCallRecord {
  tool: string;
  input: unknown;
  status: ToolStatus;
  ms: number;
}

export interface Turn {
  /** The question, masked for secrets. */
  question: string;
  /** The incident the caller named for this question. */
  requestedIncident: string | null;
  /** Which model answers: the LLM's name or "planner". */
  model: string;
  /** Why the planner answered instead of the LLM. */
  fallback: string | null;
  /** Tool rounds taken this turn. */
  rounds: number;
  toolCalls: ToolCallRecord[];
  /** Tool calls whose arguments could not be used (malformed JSON), by call id, with the reason. */
  invalid: Record<string, string>;
  /** The model's answer before the guard. */
  draft: string | null;
  answer: string;
  citations: Citation[];
}

export const emptyTurn = (): Turn => ({
  question: '',
  requestedIncident: null,
  model: '',
  fallback: null,
  rounds: 0,
  toolCalls: [],
  invalid: {},
  draft: null,
  answer: '',
  citations: [],
});

export const AgentState = Annotation.Root({
  messages: Annotation<BaseMessage[]>({ reducer: messagesStateReducer, default: () => [] }),
  incidentId: Annotation<string | null>({ reducer: (_a, b) => b, default: () => null }),
  /** Every citation a tool returned in this thread, by id: the only ids a model may cite. */
  known: Annotation<Record<string, Citation>>({ reducer: (a, b) => ({ ...a, ...b }), default: () => ({}) }),
  turn: Annotation<Turn>({ reducer: (a, b) => ({ ...a, ...b }), default: emptyTurn }),
});

export type AgentStateType = typeof AgentState.State;
