/**
 * Test helpers of the bot core: a recording fake ChatSurface (rooms opened, cards posted and
 * updated, texts said — what a platform would hold), and a chat world on the seeded PGlite store
 * (test-support/tool-fixtures.ts): people with each role mapped in a memory directory, a memory
 * room registry, `createChatBot` over them, and started fix runs run at once (the worker's part).
 */
import type { ManualClock } from '../../core/clock.js';
import type { OutboxMessage } from '../../core/ports/index.js';
import { DEFAULT_SECRET_MASKS, maskSecrets } from '../../detectors/secrets.js';
import { runFix } from '../../usecases/fix-run.js';
import { seed, type Seeded } from '../../test-support/tool-fixtures.js';
import type { Agent } from '../../agent/index.js';
import type { Card } from '../cards/index.js';
import { memoryDirectory, memoryRoomRegistry, type MemoryChatUser } from './memory.js';
import type { ChatSurface, ChatUser, MessageRef, RoomRef, RoomRegistry, SurfaceName } from './ports.js';
import { createChatBot, type ChatBotDeps } from './service.js';
import type { ChatBot } from './types.js';

export interface HeldCard {
  ref: MessageRef;
  card: Card;
  /** Every version the message showed, oldest first. */
  versions: Card[];
}

export interface RecordingSurface extends ChatSurface {
  rooms: { room: RoomRef; name: string; topic: string }[];
  messages: HeldCard[];
  said: { room: RoomRef; text: string }[];
  /** Calls in order: `open <name>`, `post <card id>`, `update <card id>`, `say`. */
  calls: string[];
}

/** A surface that records what it was asked to do; `delayMs` makes each call slow (to overlap concurrent handlers). */
export function recordingSurface(name: SurfaceName = 'local', opts: { delayMs?: number; emails?: Record<string, string> } = {}): RecordingSurface {
  let n = 0;
  const wait = () => new Promise((r) => setTimeout(r, opts.delayMs ?? 0));
  const s: RecordingSurface = {
    name,
    rooms: [],
    messages: [],
    said: [],
    calls: [],
    async openRoom({ name: roomName, topic }) {
      s.calls.push(`open ${roomName}`);
      await wait();
      const room: RoomRef = { surface: name, channel: `C${++n}` };
      s.rooms.push({ room, name: roomName, topic });
      return room;
    },
    async post(room, card) {
      s.calls.push(`post ${card.id}`);
      await wait();
      const ref: MessageRef = { ...room, id: `m${++n}` };
      s.messages.push({ ref, card, versions: [card] });
      return ref;
    },
    async update(message, card) {
      s.calls.push(`update ${card.id}`);
      await wait();
      const held = s.messages.find((m) => m.ref.id === message.id);
      if (!held) throw new Error(`no message ${message.id}`);
      held.card = card;
      held.versions.push(card);
    },
    async say(room, text) {
      s.calls.push('say');
      s.said.push({ room, text });
      return { ...room, id: `m${++n}` };
    },
    async emailOf(userId) {
      return opts.emails?.[userId];
    },
  };
  return s;
}

export const mask = (t: string): string => maskSecrets(t, DEFAULT_SECRET_MASKS);

/** People of the org: one per role, mapped by Slack id; `local` users are mapped by their Warroom id. */
export const PEOPLE: MemoryChatUser[] = [
  { id: 'vera', orgId: 'o1', name: 'Vera Viewer', email: 'vera@example.com', role: 'viewer', slackUserId: 'UVERA' },
  { id: 'rita', orgId: 'o1', name: 'Rita Responder', email: 'rita@example.com', role: 'responder', slackUserId: 'URITA' },
  { id: 'sam', orgId: 'o1', name: 'Sam SRE', email: 'sam@example.com', role: 'sre', slackUserId: 'USAM' },
  { id: 'ada', orgId: 'o1', name: 'Ada Admin', email: 'ada@example.com', role: 'admin', slackUserId: 'UADA' },
  // on no chat platform yet: found by the email a platform tells
  { id: 'tina', orgId: 'o1', name: 'Tina Responder', email: 'tina@example.com', role: 'responder' },
];

export const slackUser = (id: string, over: Partial<ChatUser> = {}): ChatUser => ({ surface: 'slack', id, ...over });

export interface ChatWorld {
  seeded: Seeded;
  bot: ChatBot;
  deps: ChatBotDeps;
  rooms: RoomRegistry;
  clock: ManualClock;
  close(): Promise<void>;
}

/** The seeded store with a chat bot on top; `over` replaces any of the bot's deps. */
export async function chatWorld(over: Partial<ChatBotDeps> & { agent?: () => Agent | undefined } = {}): Promise<ChatWorld> {
  const seeded = await seed();
  const useCaseDeps = seeded.session().deps;
  const rooms = memoryRoomRegistry();
  // the fix.execute worker of app/runtime.ts, stood in for: each started run runs at once; a
  // test's own publishCommitted (a bus relay) still gets every message
  const publishCommitted = (msgs: OutboxMessage[]): void => {
    seeded.published.push(...msgs);
    const worker = { store: seeded.opened.store, useCaseDeps, publishCommitted };
    for (const m of msgs.filter((x) => x.subject === 'fix.execute')) void runFix(worker, m).catch(() => undefined);
    over.publishCommitted?.(msgs);
  };
  const deps: ChatBotDeps = {
    orgId: 'o1',
    org: () => seeded.org,
    useCaseDeps,
    agent: () => undefined,
    directory: memoryDirectory(PEOPLE),
    rooms,
    baseUrl: 'http://127.0.0.1:3000',
    mask,
    ...over,
    publishCommitted,
  };
  return { seeded, bot: createChatBot(deps), deps, rooms, clock: useCaseDeps.clock as ManualClock, close: () => seeded.close() };
}
