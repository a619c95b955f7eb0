/**
 * The chat stores over the org store: the directory (which Warroom user a chat user is) and the
 * room registry (incident ↔ room ↔ messages, with claims). The bots take these ports, not the
 * store, so they run the same on memory adapters in tests (bot/chat/memory.ts); both kinds are
 * held to bot/chat/registry.contract.ts.
 */
import type { ChatDirectory, ChatUser, RoomRegistry } from '../core/ports/chat.js';
import type { OrgStore } from '../core/ports/index.js';
import type { User } from '../core/schemas.js';

/** The room registry of one org, stored (chat_rooms, chat_cards): claims are race-safe across processes. */
export function roomRegistryOf(org: OrgStore): RoomRegistry {
  return {
    room: (incidentId, surface) => org.chatRoom(incidentId, surface),
    claimRoom: (incidentId, surface, now, staleMs) => org.claimChatRoom(incidentId, surface, now, staleMs),
    saveRoom: (incidentId, room, now) => org.saveChatRoom(incidentId, room, now),
    roomAt: (where) => org.chatRoomAt(where),
    card: (cardId, surface) => org.chatCard(cardId, surface),
    claimCard: (incidentId, cardId, surface, now, staleMs) => org.claimChatCard(incidentId, cardId, surface, now, staleMs),
    saveCard: (cardId, surface, message, digest, now) => org.saveChatCard(cardId, surface, message, digest, now),
  };
}

/**
 * Who a chat user is in one org: by the platform id mapped on the user (Slack user id, Teams AAD
 * object id; the local web chat signs in with a Warroom key, so its id is the Warroom user id),
 * else by the email the platform gave, case-insensitively. Null: unmapped (may read, not act).
 */
export function directoryOf(org: OrgStore): ChatDirectory {
  return {
    async userFor(chat: ChatUser): Promise<User | null> {
      const byId = chat.surface === 'local' ? await org.getUser(chat.id) : await org.findUserByChat(chat.surface, chat.id);
      if (byId) return byId;
      const email = chat.email?.trim();
      const u = email ? await org.findUserByEmail(email) : null;
      // an email match never takes over a user already mapped to another account on this surface
      const mapped = u && (chat.surface === 'slack' ? u.slackUserId : chat.surface === 'teams' ? u.teamsAadObjectId : null);
      return u && !(mapped && mapped !== chat.id) ? u : null;
    },
  };
}
