/**
 * Test support: a chat model that answers from a script (messages or errors, in order) and keeps
 * what it received, so a test can assert the whole transcript and that nothing secret got in.
 */
import type { BaseLanguageModelInput } from '@langchain/core/language_models/base';
import { BaseChatModel, type BaseChatModelCallOptions, type BindToolsInput } from '@langchain/core/language_models/chat_models';
import { AIMessage, type AIMessageChunk, type BaseMessage } from '@langchain/core/messages';
import type { ChatResult } from '@langchain/core/outputs';
import type { Runnable } from '@langchain/core/runnables';

export interface Received {
  type: string;
  content: string;
  toolCalls?: { name: string; args: unknown }[];
  toolCallId?: string;
}

export class ScriptedChatModel extends BaseChatModel {
  readonly calls: Received[][] = [];
  tools: string[] = [];

  constructor(private readonly script: (AIMessage | Error)[]) {
    super({});
  }

  _llmType(): string {
    return 'scripted';
  }

  override bindTools(tools: BindToolsInput[]): Runnable<BaseLanguageModelInput, AIMessageChunk, BaseChatModelCallOptions> {
    this.tools = tools.map((t) => String((t as { function?: { name?: string } }).function?.name));
    return this as unknown as Runnable<BaseLanguageModelInput, AIMessageChunk, BaseChatModelCallOptions>;
  }

  async _generate(messages: BaseMessage[]): Promise<ChatResult> {
    this.calls.push(
      messages.map((m) => ({
        type: m.getType(),
        content: typeof m.content === 'string' ? m.content : JSON.stringify(m.content),
        ...((m as AIMessage).tool_calls?.length ? { toolCalls: (m as AIMessage).tool_calls!.map((c) => ({ name: c.name, args: c.args })) } : {}),
        ...(m.getType() === 'tool' ? { toolCallId: (m as unknown as { tool_call_id: string }).tool_call_id } : {}),
      })),
    );
    const next = this.script.shift();
    if (!next) throw new Error('scripted model: script exhausted');
    if (next instanceof Error) throw next;
    return { generations: [{ text: typeof next.content === 'string' ? next.content : '', message: next }] };
  }
}

export const toolCall = (id: string, name: string, args: Record<string, unknown>) => ({ id, name, args, type: 'tool_call' as const });
