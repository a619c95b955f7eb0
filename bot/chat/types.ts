/**
 * The bot's one entry point for every surface: a command typed (Slack `/warroom …`, a Teams or
 * local message `warroom …` or a mention), a card button clicked. Surfaces acknowledge at once
 * (a usage error is the acknowledgement itself, from `parse`), then post what `run` / `click`
 * answer. The bot acts as the person: their mapped Warroom user and its role, through the use
 * cases; an unmapped person can read but not act.
 */
import type { Card } from '../cards/index.js';
import type { ChatUser, RoomRef } from './ports.js';

export const COMMAND_NAMES = ['open', 'status', 'analyze', 'ask', 'plan', 'approve', 'reject', 'resolve', 'close', 'timeline', 'help'] as const;
export type CommandName = (typeof COMMAND_NAMES)[number];

/** How `plan` drafts: `auto` the catalog when the analysis supports it, else rollback-or-restart; `catalog` the catalog only. */
export const PLAN_MODES = ['auto', 'catalog'] as const;
export type PlanMode = (typeof PLAN_MODES)[number];

/** A parsed command. `incidentId` absent = the room's own incident (or, outside a room, an error naming the usage). */
export type Command =
  | { name: 'open'; service: string; title: string }
  | { name: 'status' | 'analyze' | 'resolve' | 'close' | 'timeline'; incidentId?: string }
  /** `mode` and `strategy` are POST /v1/fix/plan's (usecases/fix-draft.ts DraftOptions); `manual` needs steps, so chat has no such mode. */
  | { name: 'plan'; incidentId?: string; mode?: PlanMode; strategy?: string }
  | { name: 'ask'; question: string; incidentId?: string }
  | { name: 'approve'; planId: string }
  | { name: 'reject'; planId: string; reason: string }
  | { name: 'help' };

/** `parse` never throws: a usage problem comes back as the short reply that shows the right usage. */
export type Parsed = { ok: true; command: Command } | { ok: false; reply: string };

export interface ChatRequest {
  user: ChatUser;
  /** Where it was said (channel and thread): in a war room, the incident defaults to the room's. */
  where?: RoomRef;
  /** The command text without the `/warroom` or `warroom` prefix or the mention, e.g. `status inc_1`. */
  text: string;
  /**
   * A plain message that mentioned the bot in a war room: text that is not a command is a
   * question for the agent (`ask`), not a usage error.
   */
  mention?: boolean;
}

export interface ChatReply {
  /** Markdown-light plain text (the surface escapes it); always set, the fallback of the cards. */
  text: string;
  cards: Card[];
  /** Only the person who asked should see it (Slack ephemeral, Teams/local: a reply to them). */
  private?: boolean;
}

export interface ClickRequest {
  user: ChatUser;
  /** The button's payload as it arrived (a Slack value string, a Teams `data` object, a web form field): parsed with `parseAction`. */
  value: unknown;
  /** Card inputs submitted with the click (e.g. `reason` for Reject). */
  inputs?: Record<string, string>;
  where?: RoomRef;
}

export interface ClickResult {
  /** False: refused (unmapped, not permitted, stale, expired, repeated, unknown). `text` says why, politely. */
  ok: boolean;
  text: string;
  /** The clicked card as it is now (to replace the clicked message), when there is one. */
  card?: Card;
  /** Further cards to post (e.g. the outcome after an approval ran the plan). */
  posts: Card[];
}

/** What a parse needs besides the text: a mention (text that is no command is a question), the strategies `plan` accepts. */
export interface ParseOptions {
  mention?: boolean;
  /** The catalog entry ids and actions `plan --strategy` may name; absent: any id-shaped word (the use case judges it). */
  strategies?: readonly string[];
}

export interface ChatBot {
  parse(text: string, opts?: { mention?: boolean }): Parsed;
  run(req: ChatRequest): Promise<ChatReply>;
  click(req: ClickRequest): Promise<ClickResult>;
  /** The usage text of every command (the `help` reply). */
  help(): string;
}
