/** The agent: ask, the checkpointer, the model factory. */
export { type Agent, type AgentDeps, type AskInput, type AskResult, createAgent } from './ask.js';
export { CHECKPOINT_SCHEMA, openCheckpointer, type OpenedCheckpointer } from './checkpoint.js';
export type { LlmSlot } from './graph.js';
export { DEFAULT_RETRY, type LlmSettings, memoryTokenLedger, openAiChatModel, type RetryPolicy, type TokenLedger } from './llm.js';
export { PLANNER_MODEL, PlannerChatModel } from './planner/model.js';
