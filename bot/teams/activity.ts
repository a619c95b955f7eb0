/**
 * Reading a Bot Framework activity from Teams as plain data: the edge schema every inbound
 * activity passes before the SDK sees it (a malformed one is a 400, never a crash inside the
 * SDK), who spoke, where (channel, reply chain), what command text was meant for the bot, and
 * a click's payload and inputs. No I/O here; handler.ts and the tests build on it.
 */
import { z } from 'zod';
import type { ChatUser, RoomRef } from '../chat/ports.js';

/** The keys of a card action payload (bot/cards/actions.ts); every other key in `data` is a card input. */
const PAYLOAD_KEYS = new Set(['v', 'action', 'incidentId', 'planId', 'hypothesisId', 'version']);

const isObject = (v: unknown): boolean => !!v && typeof v === 'object' && !Array.isArray(v);

const Account = z.object({ id: z.string().min(1), name: z.string().optional(), aadObjectId: z.string().optional() }).loose();

/**
 * What an inbound activity must carry before the adapter runs it: the SDK reads these fields
 * without checking them (a mention entity without `type` or a missing `recipient` throws deep in
 * a turn), and replies go to `serviceUrl`, so it must be an http(s) URL.
 */
export const InboundActivity = z
  .object({
    type: z.string().min(1).max(64),
    id: z.string().max(512).optional(),
    serviceUrl: z.string().regex(/^https?:\/\/\S+$/, 'an absolute http(s) URL'),
    channelId: z.string().min(1).max(64),
    from: Account,
    recipient: Account,
    conversation: z.object({ id: z.string().min(1).max(1024), conversationType: z.string().optional(), tenantId: z.string().optional() }).loose(),
    text: z.string().max(28_000).optional(),
    name: z.string().max(256).optional(),
    replyToId: z.string().max(512).optional(),
    entities: z
      .array(
        z.union([
          z.object({ type: z.string().regex(/^mention$/i), text: z.string(), mentioned: Account }).loose(),
          z.object({ type: z.string().min(1).refine((t) => t.toLowerCase() !== 'mention', 'a mention needs text and mentioned.id') }).loose(),
        ]),
      )
      .max(100)
      .optional(),
  })
  .loose()
  .refine((a) => a.type !== 'invoke' || a.name !== 'adaptiveCard/action' || isObject((a as { value?: { action?: unknown } }).value?.action), {
    message: 'an adaptiveCard/action invoke needs value.action',
    path: ['value', 'action'],
  });
export type InboundActivity = z.infer<typeof InboundActivity>;

/** Checks an inbound request body; the error names the first field that is wrong. */
export function checkActivity(body: unknown): { ok: true; activity: InboundActivity } | { ok: false; error: string } {
  const r = InboundActivity.safeParse(body);
  if (r.success) return { ok: true, activity: r.data };
  const i = r.error.issues[0];
  return { ok: false, error: `${i?.path.join('.') || 'body'}: ${i?.message ?? 'invalid activity'}` };
}

/** `19:abc@thread.tacv2;messageid=1712` → the channel and the reply chain's root message id. */
export function splitConversationId(id: string): { channel: string; thread?: string } {
  const at = id.indexOf(';messageid=');
  if (at < 0) return { channel: id };
  const thread = id.slice(at + ';messageid='.length);
  return thread ? { channel: id.slice(0, at), thread } : { channel: id.slice(0, at) };
}

/** The conversation id that addresses a room: a reply chain is the channel id with its root. */
export function conversationIdOf(room: Pick<RoomRef, 'channel' | 'thread'>): string {
  return room.thread ? `${room.channel};messageid=${room.thread}` : room.channel;
}

/** Where an activity was said, as the bot's rooms are keyed. */
export function whereOf(activity: { conversation: { id: string } }): RoomRef {
  return { surface: 'teams', ...splitConversationId(activity.conversation.id) };
}

/** The person who acted: their AAD object id when Teams sent it (what users map to), else the channel account id. */
export function chatUserOf(activity: { from: { id: string; name?: string; aadObjectId?: string } }, email?: string): ChatUser {
  const { from } = activity;
  return { surface: 'teams', id: from.aadObjectId ?? from.id, ...(from.name ? { name: from.name } : {}), ...(email ? { email } : {}) };
}

/** True when one of the activity's mention entities names the bot (the recipient). */
export function mentionsBot(activity: { recipient: { id: string }; entities?: unknown[] }): boolean {
  return (activity.entities ?? []).some((e) => {
    const m = e as { type?: unknown; mentioned?: { id?: unknown } };
    return typeof m.type === 'string' && m.type.toLowerCase() === 'mention' && m.mentioned?.id === activity.recipient.id;
  });
}

/**
 * The command a message meant for the bot, or null when it was not for the bot. `text` is the
 * message text with the bot's mention already removed. A leading `warroom` (or `/warroom`) word is the prefix; in
 * a personal chat every message is for the bot.
 */
export function commandOf(text: string, opts: { mentioned: boolean; personal: boolean }): { text: string; mention: boolean } | null {
  const plain = cleanText(text);
  const prefixed = /^\/?warroom(?:\s+|$)/i.exec(plain);
  if (prefixed) return { text: plain.slice(prefixed[0].length).trim(), mention: opts.mentioned };
  if (opts.mentioned || opts.personal) return { text: plain, mention: opts.mentioned };
  return null;
}

/** Teams may send a little HTML around text (paragraphs, leftover mention tags, entities). */
function cleanText(text: string): string {
  return text
    .replace(/<at>[^<]*<\/at>/gi, ' ')
    .replace(/<\/?(?:p|div|span|br)\b[^>]*>/gi, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * A click's `data` (Action.Execute `action.data`, or an Action.Submit message's `value`): the
 * payload keys stay the value (parseAction checks them), every other string key is an input
 * (e.g. `reason`). Null when there is no object to read.
 */
export function clickOf(data: unknown): { value: Record<string, unknown>; inputs: Record<string, string> } | null {
  if (!data || typeof data !== 'object' || Array.isArray(data)) return null;
  const value: Record<string, unknown> = {};
  const inputs: Record<string, string> = {};
  for (const [k, v] of Object.entries(data as Record<string, unknown>)) {
    if (PAYLOAD_KEYS.has(k)) value[k] = v;
    else if (typeof v === 'string' && k !== 'msteams') inputs[k] = v;
  }
  return { value, inputs };
}

/** True when an Action.Submit message carries a card payload (its `value` names an action). */
export function isCardSubmit(value: unknown): boolean {
  return !!value && typeof value === 'object' && !Array.isArray(value) && typeof (value as Record<string, unknown>).action === 'string';
}
