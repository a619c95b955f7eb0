/**
 * The agent as the composition root builds it, once per process (the server and the embedded
 * `warroom ask` alike): the read-only tool registry, the process's one knowledge base, the LLM
 * when an endpoint is configured (else the deterministic planner), and a checkpointer that keeps
 * threads across restarts.
 *
 * Where threads live: with DATABASE_URL, in Postgres (schema agent_checkpoints, through the owner
 * URL: the checkpointer creates its own tables). On the embedded database, in a PGlite of their
 * own in `<WARROOM_DATA_DIR>/agent`, never in the store's PGlite: PGlite is one session, and the
 * store's transactions hold it, so a checkpoint written while a tool's read transaction is open
 * would either wait on it (a deadlock inside the graph) or run inside it. The data directory's
 * lock (store/lock.ts) covers this folder too: it is only opened by the process that holds the
 * lock. With WARROOM_DATA_DIR=:memory: threads are kept in memory, like everything else.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { type BaseCheckpointSaver, MemorySaver } from '@langchain/langgraph';
import { type Agent, createAgent, memoryTokenLedger, openAiChatModel, openCheckpointer, PLANNER_MODEL } from '../agent/index.js';
import type { KnowledgeBase } from '../kb/service.js';
import { defaultRegistry } from '../tools/index.js';
import { type Config, llmConfig } from './config.js';

/** Subfolder of WARROOM_DATA_DIR that holds the agent's thread checkpoints on the embedded database. */
export const AGENT_DATA_SUBDIR = 'agent';

export interface OpenedAgent {
  agent: Agent;
  /** Where threads are kept. */
  checkpoints: 'postgres' | 'pglite' | 'memory';
  /** The configured LLM's name, or "planner". */
  model: string;
  /** Milliseconds spent waiting on the LLM endpoint since start (for `warroom bench ask`'s overhead figure). */
  modelMs(): number;
  close(): Promise<void>;
}

/** Opens the checkpointer for the configuration and builds the agent on `kb`. */
export async function openAgent(cfg: Config, kb: KnowledgeBase): Promise<OpenedAgent> {
  let checkpointer: BaseCheckpointSaver;
  let checkpoints: OpenedAgent['checkpoints'];
  let close = async (): Promise<void> => undefined;
  if (cfg.DATABASE_URL) {
    const cp = await openCheckpointer({ url: cfg.DATABASE_URL });
    [checkpointer, checkpoints, close] = [cp.saver, 'postgres', cp.close];
  } else if (cfg.WARROOM_DATA_DIR !== ':memory:') {
    const dir = join(cfg.WARROOM_DATA_DIR, AGENT_DATA_SUBDIR);
    mkdirSync(dir, { recursive: true });
    const pglite = await PGlite.create({ dataDir: dir });
    try {
      const cp = await openCheckpointer({ pglite });
      checkpointer = cp.saver;
      close = async () => {
        await cp.close();
        await pglite.close();
      };
    } catch (e) {
      await pglite.close().catch(() => undefined);
      throw e;
    }
    checkpoints = 'pglite';
  } else {
    [checkpointer, checkpoints] = [new MemorySaver(), 'memory'];
  }

  let modelMs = 0;
  const llm = llmConfig(cfg);
  // A budget of 0 means the planner only: no slot, rather than a fallback note on every answer.
  const slot =
    llm && llm.tokenBudget > 0
      ? {
          model: timed(openAiChatModel({ apiKey: llm.apiKey, baseURL: llm.baseURL, model: llm.model, timeoutMs: llm.timeoutMs }), (ms) => (modelMs += ms)),
          name: llm.model,
          tokenBudget: llm.tokenBudget,
          ledger: memoryTokenLedger(),
        }
      : undefined;
  const agent = createAgent({ registry: defaultRegistry(), checkpointer, kb, llm: slot });
  return { agent, checkpoints, model: slot ? slot.name : PLANNER_MODEL, modelMs: () => modelMs, close };
}

/** `model` with the time of every call of its tool-bound form reported to `onMs`. */
function timed(model: BaseChatModel, onMs: (ms: number) => void): BaseChatModel {
  const passThrough = <T extends object>(target: T, prop: string | symbol): unknown => {
    const v: unknown = Reflect.get(target, prop, target);
    return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
  };
  return new Proxy(model, {
    get(target, prop) {
      if (prop !== 'bindTools') return passThrough(target, prop);
      return (...args: Parameters<NonNullable<BaseChatModel['bindTools']>>) => {
        const bound = target.bindTools!(...args);
        return new Proxy(bound, {
          get(b, q) {
            if (q !== 'invoke') return passThrough(b, q);
            return async (...a: Parameters<typeof bound.invoke>) => {
              const t0 = performance.now();
              try {
                return await b.invoke(...a);
              } finally {
                onMs(performance.now() - t0);
              }
            };
          },
        });
      };
    },
  });
}
