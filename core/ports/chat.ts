/**
 * The chat side's two small stores and the names they use: which Warroom user a chat user is,
 * and which room and messages belong to which incident on which surface (Slack, Teams, the
 * local web chat). Adapters: memory (bot/chat/memory.ts) and the org store (usecases/chat.ts),
 * both held to one contract suite (bot/chat/registry.contract.ts).
 */
import type { User } from '../schemas.js';

export const SURFACES = ['slack', 'teams', 'local'] as const;
export type SurfaceName = (typeof SURFACES)[number];

/** A person on a chat platform, as the platform names them. */
export interface ChatUser {
  surface: SurfaceName;
  /** Slack user id (U…), Teams AAD object id, or (local web chat) the Warroom user id of the signed-in key. */
  id: string;
  /** Display name, when the platform sent one (for the record, never for a decision). */
  name?: string;
  /** Email, when the platform gave it (Slack users.info, Teams roster): how an unmapped person is matched. */
  email?: string;
}

/** Where a room is on a surface: a channel (Slack channel id, Teams conversation id, local incident id) and, for a thread, its root. */
export interface RoomRef {
  surface: SurfaceName;
  channel: string;
  /** Slack thread_ts of the root message / Teams reply-chain root activity id; absent for a whole channel. */
  thread?: string;
}

/** One posted message, so it can be updated in place (Slack ts, Teams activity id, local message id). */
export interface MessageRef extends RoomRef {
  id: string;
}

/** Which Warroom user a chat user is (one org: the bot's). */
export interface ChatDirectory {
  /**
   * By the user's mapped platform id (`slack_user_id` / `teams_aad_object_id`; a local user by
   * Warroom id), else by email (case-insensitive) when `chat.email` is given; null = unmapped.
   */
  userFor(chat: ChatUser): Promise<User | null>;
}

/** An incident's room on a surface. `room` is null while the first opener is still creating it. */
export interface ChatRoom {
  incidentId: string;
  surface: SurfaceName;
  room: RoomRef | null;
  claimedAt: string;
}

/** A card posted for an incident. `message` is null while it is being posted. */
export interface PostedCard {
  incidentId: string;
  surface: SurfaceName;
  /** The card's id (`summary:inc_1`, `plan:fp_1`…): one message per card id and surface. */
  cardId: string;
  message: MessageRef | null;
  /** A digest of what was last rendered, so an unchanged card is not updated again. */
  digest: string | null;
  claimedAt: string;
}

/**
 * Incident ↔ room ↔ messages, for one org. Claims make a redelivered or concurrent event open a
 * room and post a card once: the first claimer does it and records the result; a claim left
 * without a result for `staleMs` (its process died mid-post) may be taken over.
 */
export interface RoomRegistry {
  room(incidentId: string, surface: SurfaceName): Promise<ChatRoom | null>;
  /** True when this caller may open the room (no room, or a stale empty claim); false otherwise. */
  claimRoom(incidentId: string, surface: SurfaceName, now: Date, staleMs: number): Promise<boolean>;
  /** Records the opened room (the claimer only). */
  saveRoom(incidentId: string, room: RoomRef, now: Date): Promise<void>;
  /** The incident whose room this is (a message in a thread room names the thread). */
  roomAt(where: RoomRef): Promise<ChatRoom | null>;
  card(cardId: string, surface: SurfaceName): Promise<PostedCard | null>;
  /** True when this caller may post the card (none yet, or a stale empty claim). */
  claimCard(incidentId: string, cardId: string, surface: SurfaceName, now: Date, staleMs: number): Promise<boolean>;
  /** Records the posted message (and later each update's digest). */
  saveCard(cardId: string, surface: SurfaceName, message: MessageRef, digest: string, now: Date): Promise<void>;
}
