/**
 * The local web chat as a ChatSurface: one room per incident (its channel is the incident id),
 * messages kept in memory for as long as the process runs, and every post, update and say told
 * to the subscribers (the page's server-sent event streams). Cards are rendered once, when they
 * are posted or updated, to HTML (renderHtml) and to plain text (renderPlain), both masked: the
 * page and `warroom chat` receive fragments, never the card model.
 */
import { renderHtml, renderPlain, type Card } from '../cards/index.js';
import { escapeHtml } from '../cards/html.js';
import type { MaskText } from '../cards/model.js';
import type { ChatSurface, MessageRef, RoomRef } from '../chat/ports.js';

/** Where a card's form posts its click (the page intercepts it and sends JSON there). */
export const CLICK_PATH = '/chat/api/click';
/** Messages kept per room; the oldest go first past it (a room is read live, not archived here). */
export const MAX_MESSAGES_PER_ROOM = 500;

export interface LocalRoom {
  incidentId: string;
  name: string;
  topic: string;
  openedAt: string;
}

export interface LocalMessage {
  id: string;
  incidentId: string;
  kind: 'card' | 'text';
  /** The card's id (`plan:fp_1`…), for a card. */
  cardId?: string;
  cardKind?: string;
  html: string;
  text: string;
  postedAt: string;
  updatedAt: string;
}

export type LocalEvent =
  | { type: 'room'; room: LocalRoom }
  | { type: 'message'; message: LocalMessage }
  | { type: 'update'; message: LocalMessage };

export interface LocalSurface extends ChatSurface {
  readonly name: 'local';
  rooms(): LocalRoom[];
  room(incidentId: string): LocalRoom | undefined;
  /** The room's messages, oldest first (undefined: no such room). */
  messages(incidentId: string): LocalMessage[] | undefined;
  /** Calls `listener` for every room opened and message posted or updated; returns the unsubscribe. */
  subscribe(listener: (e: LocalEvent) => void): () => void;
}

export interface LocalSurfaceOptions {
  mask: MaskText;
  now?: () => Date;
  onListenerError?: (err: unknown) => void;
}

export function createLocalSurface(opts: LocalSurfaceOptions): LocalSurface {
  const now = opts.now ?? (() => new Date());
  const rooms = new Map<string, LocalRoom>();
  const messages = new Map<string, LocalMessage[]>();
  const listeners = new Set<(e: LocalEvent) => void>();
  let seq = 0;

  const emit = (e: LocalEvent) => {
    for (const l of listeners) {
      try {
        l(e);
      } catch (err) {
        opts.onListenerError?.(err);
      }
    }
  };
  const ref = (incidentId: string): RoomRef => ({ surface: 'local', channel: incidentId });
  const roomOf = (r: RoomRef): LocalMessage[] => {
    const list = messages.get(r.channel);
    if (r.surface !== 'local' || !list) throw new Error(`no local room ${r.channel}`);
    return list;
  };
  const rendered = (card: Card) => ({
    html: renderHtml(card, opts.mask, { actionPath: CLICK_PATH }),
    text: renderPlain(card, opts.mask),
    cardId: card.id,
    cardKind: card.kind,
  });
  const add = (r: RoomRef, m: Omit<LocalMessage, 'id' | 'incidentId' | 'postedAt' | 'updatedAt'>): MessageRef => {
    const list = roomOf(r);
    const at = now().toISOString();
    const message: LocalMessage = { id: `m${++seq}`, incidentId: r.channel, postedAt: at, updatedAt: at, ...m };
    list.push(message);
    if (list.length > MAX_MESSAGES_PER_ROOM) list.splice(0, list.length - MAX_MESSAGES_PER_ROOM);
    emit({ type: 'message', message });
    return { ...ref(r.channel), id: message.id };
  };

  const update = async (m: MessageRef, card: Card): Promise<void> => {
    const list = roomOf(m);
    const i = list.findIndex((x) => x.id === m.id);
    if (i < 0) throw new Error(`no message ${m.id} in local room ${m.channel}`);
    const message: LocalMessage = { ...list[i], ...rendered(card), updatedAt: now().toISOString() };
    list[i] = message;
    emit({ type: 'update', message });
  };

  return {
    name: 'local',
    async openRoom({ incident, name, topic }) {
      // The room is the incident: opening it again (a second opener, a restart of the war room) finds it.
      if (!rooms.has(incident.id)) {
        const room: LocalRoom = { incidentId: incident.id, name: opts.mask(name), topic: opts.mask(topic), openedAt: now().toISOString() };
        rooms.set(incident.id, room);
        messages.set(incident.id, []);
        emit({ type: 'room', room });
      }
      return ref(incident.id);
    },
    async post(r, card) {
      // One message per card id in a room (as the room registry keeps it for the other surfaces):
      // the war room and a click answering with the same card never show it twice.
      const same = roomOf(r).find((m) => m.cardId === card.id);
      if (same) {
        const m = { ...ref(r.channel), id: same.id };
        await update(m, card);
        return m;
      }
      return add(r, { kind: 'card', ...rendered(card) });
    },
    update,
    async say(r, text) {
      const masked = opts.mask(text);
      return add(r, { kind: 'text', text: masked, html: `<p class="wr-say">${escapeHtml(masked).replace(/\n/g, '<br>')}</p>` });
    },
    rooms: () => [...rooms.values()].map((r) => ({ ...r })),
    room: (id) => (rooms.has(id) ? { ...rooms.get(id)! } : undefined),
    messages: (id) => messages.get(id)?.map((m) => ({ ...m })),
    subscribe(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
  };
}
