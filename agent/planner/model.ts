/**
 * The deterministic planner as a LangChain chat model: it reads the same messages an LLM would,
 * emits tool calls by rules and composes the answer from the results with templates. With no LLM
 * configured it is the model; with one, it is the fallback.
 */
import type { BaseLanguageModelInput } from '@langchain/core/language_models/base';
import { BaseChatModel, type BaseChatModelCallOptions, type BindToolsInput } from '@langchain/core/language_models/chat_models';
import { AIMessage, type AIMessageChunk, type BaseMessage } from '@langchain/core/messages';
import type { ChatResult } from '@langchain/core/outputs';
import type { Runnable } from '@langchain/core/runnables';
import type { ToolResult } from '../../tools/types.js';
import { FOCUS_LINE } from '../prompt.js';
import { type Decision, decide, type PlannerView, type ToolRun } from './decide.js';

export const PLANNER_MODEL = 'planner';

const text = (m: BaseMessage): string => (typeof m.content === 'string' ? m.content : m.content.map((c) => ('text' in c ? String(c.text) : '')).join(''));

function parseResult(content: string): ToolResult {
  try {
    return JSON.parse(content) as ToolResult;
  } catch {
    return { status: 'error', data: null, citations: [], error: content.slice(0, 500) };
  }
}

/** What the planner sees of a conversation: the last question, the focus and this turn's results. */
export function viewOf(messages: BaseMessage[], tools: string[], composeOnly = false): PlannerView {
  const sys = messages.find((m) => m.getType() === 'system');
  const focus = sys ? (FOCUS_LINE.exec(text(sys))?.[1] ?? 'none') : 'none';
  let start = messages.length - 1;
  while (start >= 0 && messages[start].getType() !== 'human') start--;
  const question = start >= 0 ? text(messages[start]) : '';
  const calls = new Map<string, { name: string; args: Record<string, unknown> }>();
  const runs: ToolRun[] = [];
  for (const m of messages.slice(start + 1)) {
    if (m.getType() === 'ai') for (const c of (m as AIMessage).tool_calls ?? []) if (c.id) calls.set(c.id, { name: c.name, args: c.args });
    if (m.getType() === 'tool') {
      const call = calls.get((m as unknown as { tool_call_id: string }).tool_call_id);
      if (call) runs.push({ ...call, result: parseResult(text(m)) });
    }
  }
  return { question, focus: focus === 'none' ? null : focus, tools, runs, composeOnly };
}

/** The planner's message for a decision; tool call ids are deterministic (turn, step, index). */
export function messageOf(d: Decision, messages: BaseMessage[]): AIMessage {
  if ('text' in d) return new AIMessage(d.text);
  const turn = messages.filter((m) => m.getType() === 'human').length;
  let start = messages.length - 1;
  while (start >= 0 && messages[start].getType() !== 'human') start--;
  const step = messages.slice(start + 1).filter((m) => m.getType() === 'ai').length;
  return new AIMessage({ content: '', tool_calls: d.calls.map((c, i) => ({ id: `call_${turn}_${step}_${i}`, name: c.name, args: c.args, type: 'tool_call' as const })) });
}

export class PlannerChatModel extends BaseChatModel {
  private toolNames: string[] = [];

  constructor(toolNames: string[] = []) {
    super({});
    this.toolNames = toolNames;
  }

  _llmType(): string {
    return PLANNER_MODEL;
  }

  override bindTools(tools: BindToolsInput[]): Runnable<BaseLanguageModelInput, AIMessageChunk, BaseChatModelCallOptions> {
    const names = tools.map((x) => {
      const t = x as { name?: string; function?: { name?: string } };
      return String(t.function?.name ?? t.name);
    });
    return new PlannerChatModel(names) as unknown as Runnable<BaseLanguageModelInput, AIMessageChunk, BaseChatModelCallOptions>;
  }

  async _generate(messages: BaseMessage[]): Promise<ChatResult> {
    // With no tools bound the planner can only compose from what the turn already holds.
    const msg = messageOf(decide(viewOf(messages, this.toolNames, this.toolNames.length === 0)), messages);
    return { generations: [{ text: text(msg), message: msg }] };
  }
}
