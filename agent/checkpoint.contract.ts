/**
 * The checkpointer contract, run on PGlite and on Postgres: a thread survives closing and
 * reopening the saver (a restart), and threads stay apart per org.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultRegistry } from '../tools/index.js';
import { createAgent } from './ask.js';
import type { OpenedCheckpointer } from './checkpoint.js';
import { type Seeded, seed } from '../test-support/tool-fixtures.js';

export function checkpointContract(name: string, open: () => Promise<OpenedCheckpointer & { shutdown?: () => Promise<void> }>): void {
  describe(`thread checkpoints (${name})`, () => {
    let s: Seeded;
    beforeAll(async () => {
      s = await seed();
    });
    afterAll(async () => {
      await s.close();
    });

    it('a thread continues after the saver is closed and reopened: the focus and the history come back', async () => {
      let cp = await open();
      const first = await createAgent({ registry: defaultRegistry(), checkpointer: cp.saver, kb: s.kb }).ask(s.session(), { question: 'status', incidentId: s.checkout, threadId: 'T-1' });
      expect(first.answer).toMatch(/^\*\*Checkout 5xx errors\*\*/);
      await cp.close();
      await cp.shutdown?.();

      cp = await open();
      try {
        // No incident named: the checkpointed focus says which one "what changed" is about.
        const second = await createAgent({ registry: defaultRegistry(), checkpointer: cp.saver, kb: s.kb }).ask(s.session(), { question: 'what changed?', threadId: 'T-1' });
        expect(second.toolCalls.map((c) => [c.tool, c.input])).toEqual([['list_changes', { incidentId: s.checkout }]]);
        const tuple = await cp.saver.getTuple({ configurable: { thread_id: 'o1:T-1' } });
        const values = tuple!.checkpoint.channel_values as { messages: { getType(): string }[]; incidentId: string };
        expect(values.incidentId).toBe(s.checkout);
        expect(values.messages.map((m) => m.getType())).toEqual(['human', 'ai', 'tool', 'ai', 'human', 'ai', 'tool', 'ai']);
        // The same thread id in another org is another conversation, with no focus.
        const other = await createAgent({ registry: defaultRegistry(), checkpointer: cp.saver, kb: s.kb }).ask(s.session(['read'], 'o2'), { question: 'what changed?', threadId: 'T-1' });
        expect(other.toolCalls.map((c) => c.tool)).toEqual(['list_incidents']);
      } finally {
        await cp.close();
        await cp.shutdown?.();
      }
    });
  });
}
