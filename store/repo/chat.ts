/**
 * The chat registry (migration 019): an incident's room per surface and the cards posted there.
 * Claims are single statements (INSERT … ON CONFLICT DO UPDATE … WHERE), so concurrent claimers
 * on either engine get exactly one winner: a second insert waits for the first to commit, then
 * finds a fresh claim and updates nothing.
 */
import { AppError } from '../../core/errors.js';
import type { ChatRoom, MessageRef, PostedCard, RoomRef, SurfaceName } from '../../core/ports/chat.js';
import { type Row, type SqlSession, iso, strOrNull } from '../sql.js';

const roomRef = (surface: SurfaceName, channel: unknown, thread: unknown): RoomRef => {
  const t = strOrNull(thread);
  return t === null ? { surface, channel: String(channel) } : { surface, channel: String(channel), thread: t };
};

const toRoom = (r: Row): ChatRoom => {
  const surface = r.surface as SurfaceName;
  return { incidentId: String(r.incident_id), surface, room: r.channel === null || r.channel === undefined ? null : roomRef(surface, r.channel, r.thread), claimedAt: iso(r.claimed_at) };
};

const toCard = (r: Row): PostedCard => {
  const surface = r.surface as SurfaceName;
  const messageId = strOrNull(r.message_id);
  return {
    incidentId: String(r.incident_id),
    surface,
    cardId: String(r.card_id),
    message: messageId === null ? null : { ...roomRef(surface, r.channel, r.thread), id: messageId },
    digest: strOrNull(r.digest),
    claimedAt: iso(r.claimed_at),
  };
};

const ROOM_COLS = 'incident_id, surface, channel, thread, claimed_at';
const CARD_COLS = 'card_id, surface, incident_id, channel, thread, message_id, digest, claimed_at';
/** A claim older than $5 ms before the claimer's now ($4) is stale. */
const STALE = `$4::timestamptz - ($5::double precision * interval '1 millisecond')`;

export async function chatRoom(s: SqlSession, orgId: string, incidentId: string, surface: SurfaceName): Promise<ChatRoom | null> {
  const [r] = await s.query(`SELECT ${ROOM_COLS} FROM chat_rooms WHERE org_id = $1 AND incident_id = $2 AND surface = $3`, [orgId, incidentId, surface]);
  return r ? toRoom(r) : null;
}

export async function claimChatRoom(s: SqlSession, orgId: string, incidentId: string, surface: SurfaceName, now: Date, staleMs: number): Promise<boolean> {
  const rows = await s.query(
    `INSERT INTO chat_rooms (org_id, incident_id, surface, claimed_at) VALUES ($1, $2, $3, $4::timestamptz)
     ON CONFLICT (org_id, incident_id, surface) DO UPDATE SET claimed_at = EXCLUDED.claimed_at, updated_at = now()
       WHERE chat_rooms.channel IS NULL AND chat_rooms.claimed_at <= ${STALE}
     RETURNING incident_id`,
    [orgId, incidentId, surface, now.toISOString(), Math.max(0, staleMs)],
  );
  return rows.length === 1;
}

export async function saveChatRoom(s: SqlSession, orgId: string, incidentId: string, room: RoomRef, now: Date): Promise<void> {
  await s.query(
    `INSERT INTO chat_rooms (org_id, incident_id, surface, channel, thread, claimed_at) VALUES ($1, $2, $3, $4, $5, $6::timestamptz)
     ON CONFLICT (org_id, incident_id, surface) DO UPDATE SET channel = EXCLUDED.channel, thread = EXCLUDED.thread, updated_at = now()`,
    [orgId, incidentId, room.surface, room.channel, room.thread ?? null, now.toISOString()],
  );
}

/** The thread room of where.thread first, else the channel room (a thread inside a channel room belongs to it). */
export async function chatRoomAt(s: SqlSession, orgId: string, where: RoomRef): Promise<ChatRoom | null> {
  const [r] = await s.query(
    `SELECT ${ROOM_COLS} FROM chat_rooms
     WHERE org_id = $1 AND surface = $2 AND channel = $3 AND (thread IS NULL OR thread = $4)
     ORDER BY (thread IS NULL), claimed_at DESC, incident_id LIMIT 1`,
    [orgId, where.surface, where.channel, where.thread ?? null],
  );
  return r ? toRoom(r) : null;
}

export async function chatCard(s: SqlSession, orgId: string, cardId: string, surface: SurfaceName): Promise<PostedCard | null> {
  const [r] = await s.query(`SELECT ${CARD_COLS} FROM chat_cards WHERE org_id = $1 AND card_id = $2 AND surface = $3`, [orgId, cardId, surface]);
  return r ? toCard(r) : null;
}

export async function claimChatCard(s: SqlSession, orgId: string, incidentId: string, cardId: string, surface: SurfaceName, now: Date, staleMs: number): Promise<boolean> {
  const rows = await s.query(
    `INSERT INTO chat_cards (org_id, card_id, surface, claimed_at, incident_id) VALUES ($1, $2, $3, $4::timestamptz, $6)
     ON CONFLICT (org_id, surface, card_id) DO UPDATE SET claimed_at = EXCLUDED.claimed_at, incident_id = EXCLUDED.incident_id, updated_at = now()
       WHERE chat_cards.message_id IS NULL AND chat_cards.claimed_at <= ${STALE}
     RETURNING card_id`,
    [orgId, cardId, surface, now.toISOString(), Math.max(0, staleMs), incidentId],
  );
  return rows.length === 1;
}

export async function saveChatCard(s: SqlSession, orgId: string, cardId: string, surface: SurfaceName, message: MessageRef, digest: string, now: Date): Promise<void> {
  const rows = await s.query(
    `UPDATE chat_cards SET channel = $4, thread = $5, message_id = $6, digest = $7, updated_at = $8::timestamptz
     WHERE org_id = $1 AND card_id = $2 AND surface = $3 RETURNING card_id`,
    [orgId, cardId, surface, message.channel, message.thread ?? null, message.id, digest, now.toISOString()],
  );
  if (rows.length === 0) throw new AppError('not_found', `The card ${cardId} on ${surface} was never claimed.`);
}
