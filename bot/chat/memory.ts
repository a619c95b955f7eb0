/**
 * Memory adapters of the chat stores: for tests and for a process that keeps no chat state (the
 * local web chat's rooms live as long as the process). Same contract as the store-backed ones.
 */
import type { User } from '../../core/schemas.js';
import type { ChatDirectory, ChatRoom, ChatUser, MessageRef, PostedCard, RoomRef, RoomRegistry, SurfaceName } from './ports.js';

export interface MemoryChatUser extends User {
  slackUserId?: string | null;
  teamsAadObjectId?: string | null;
}

/** The user already has an account of this surface mapped, and it is not the one asking. */
export function mappedElsewhere(u: { slackUserId?: string | null; teamsAadObjectId?: string | null }, chat: ChatUser): boolean {
  const mapped = chat.surface === 'slack' ? u.slackUserId : chat.surface === 'teams' ? u.teamsAadObjectId : null;
  return mapped !== null && mapped !== undefined && mapped !== chat.id;
}

export function memoryDirectory(users: MemoryChatUser[]): ChatDirectory {
  return {
    async userFor(chat: ChatUser) {
      const plain = ({ slackUserId: _s, teamsAadObjectId: _t, ...u }: MemoryChatUser): User => u;
      const byId = users.find((u) =>
        chat.surface === 'slack' ? u.slackUserId === chat.id : chat.surface === 'teams' ? u.teamsAadObjectId === chat.id : u.id === chat.id,
      );
      if (byId) return plain(byId);
      const email = chat.email?.trim().toLowerCase();
      const byEmail = email ? users.filter((u) => u.email?.toLowerCase() === email) : [];
      // one user only, and not one already mapped to another account on this surface
      if (byEmail.length !== 1 || mappedElsewhere(byEmail[0], chat)) return null;
      return plain(byEmail[0]);
    },
  };
}

const sameRoom = (a: RoomRef, b: RoomRef) => a.surface === b.surface && a.channel === b.channel && (a.thread ?? null) === (b.thread ?? null);

export function memoryRoomRegistry(): RoomRegistry {
  const rooms = new Map<string, ChatRoom>();
  const cards = new Map<string, PostedCard>();
  const key = (a: string, s: SurfaceName) => `${s}\u0000${a}`;
  const stale = (claimedAt: string, now: Date, staleMs: number) => now.getTime() - Date.parse(claimedAt) >= staleMs;
  return {
    async room(incidentId, surface) {
      const r = rooms.get(key(incidentId, surface));
      return r ? structuredClone(r) : null;
    },
    async claimRoom(incidentId, surface, now, staleMs) {
      const r = rooms.get(key(incidentId, surface));
      if (r && (r.room || !stale(r.claimedAt, now, staleMs))) return false;
      rooms.set(key(incidentId, surface), { incidentId, surface, room: null, claimedAt: now.toISOString() });
      return true;
    },
    async saveRoom(incidentId, room, now) {
      const k = key(incidentId, room.surface);
      rooms.set(k, { incidentId, surface: room.surface, room: { ...room }, claimedAt: rooms.get(k)?.claimedAt ?? now.toISOString() });
    },
    async roomAt(where) {
      for (const r of rooms.values()) {
        if (r.room && (sameRoom(r.room, where) || (r.room.thread === undefined && r.room.surface === where.surface && r.room.channel === where.channel))) return structuredClone(r);
      }
      return null;
    },
    async card(cardId, surface) {
      const c = cards.get(key(cardId, surface));
      return c ? structuredClone(c) : null;
    },
    async claimCard(incidentId, cardId, surface, now, staleMs) {
      const c = cards.get(key(cardId, surface));
      if (c && (c.message || !stale(c.claimedAt, now, staleMs))) return false;
      cards.set(key(cardId, surface), { incidentId, surface, cardId, message: null, digest: null, claimedAt: now.toISOString() });
      return true;
    },
    async saveCard(cardId, surface, message: MessageRef, digest, now) {
      const k = key(cardId, surface);
      const c = cards.get(k);
      if (!c) throw new Error(`card ${cardId} on ${surface} was never claimed`);
      cards.set(k, { ...c, message: { ...message }, digest, claimedAt: c.claimedAt ?? now.toISOString() });
    },
  };
}
