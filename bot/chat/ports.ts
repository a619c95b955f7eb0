/**
 * What the chat side is made of, with no platform in it: who is talking (a chat user), where (a
 * room on a surface), and the surfaces a war room lives on (Slack, Teams, the local web chat).
 * Each surface adapter implements `ChatSurface` and is held to one contract suite. The stores
 * the bot keeps (directory, room registry) are core ports (core/ports/chat.ts).
 */
import type { Incident } from '../../core/schemas.js';
import type { MessageRef, RoomRef, SurfaceName } from '../../core/ports/chat.js';
import type { Card } from '../cards/index.js';

export * from '../../core/ports/chat.js';

/** A chat platform the bot posts war rooms on. Adapters mask every text (they are built with the mask). */
export interface ChatSurface {
  readonly name: SurfaceName;
  /**
   * Opens the war room of an incident: a new channel named like `name` (a clash gets a suffix),
   * or a thread in the configured incidents channel; the configured on-call are invited.
   */
  openRoom(input: { incident: Incident; name: string; topic: string }): Promise<RoomRef>;
  /** Posts a card in a room (in its thread, for a thread room). */
  post(room: RoomRef, card: Card): Promise<MessageRef>;
  /** Replaces a posted card with a new rendering of it. */
  update(message: MessageRef, card: Card): Promise<void>;
  /** Posts plain text (answers, notices) in a room. */
  say(room: RoomRef, text: string): Promise<MessageRef>;
  /** The email of a platform user, when the platform can tell (used to match an unmapped person); undefined when not. */
  emailOf?(userId: string): Promise<string | undefined>;
}

