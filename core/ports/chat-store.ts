/**
 * The org store's side of the chat registry: an incident's room per surface and the messages
 * posted there, with race-safe claims (see `RoomRegistry` in chat.ts, whose store-backed adapter,
 * usecases/chat.ts `roomRegistryOf`, is a thin wrapper over these). A claim is one statement:
 * insert, or take over a row that has no result yet and was claimed at least `staleMs` ago.
 */
import type { ChatRoom, MessageRef, PostedCard, RoomRef, SurfaceName } from './chat.js';

export interface ChatStore {
  chatRoom(incidentId: string, surface: SurfaceName): Promise<ChatRoom | null>;
  /** True when this caller may open the room: no row yet, or a row with no room claimed at least `staleMs` before `now`. */
  claimChatRoom(incidentId: string, surface: SurfaceName, now: Date, staleMs: number): Promise<boolean>;
  /** Records the opened room (keeps the claim time; creates the row when there was no claim). */
  saveChatRoom(incidentId: string, room: RoomRef, now: Date): Promise<void>;
  /** The room a message was posted in: the thread room of `where.thread`, else the channel room of `where.channel`. */
  chatRoomAt(where: RoomRef): Promise<ChatRoom | null>;
  chatCard(cardId: string, surface: SurfaceName): Promise<PostedCard | null>;
  /** True when this caller may post the card: no row yet, or a row with no message claimed at least `staleMs` before `now`. */
  claimChatCard(incidentId: string, cardId: string, surface: SurfaceName, now: Date, staleMs: number): Promise<boolean>;
  /** Records the posted message and the digest of what it shows; `not_found` when the card was never claimed. */
  saveChatCard(cardId: string, surface: SurfaceName, message: MessageRef, digest: string, now: Date): Promise<void>;
}
