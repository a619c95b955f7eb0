/**
 * What the Teams bot sends, as Bot Framework activities: a reply's text and its cards (Adaptive
 * Cards from bot/cards/teams.ts), a plain notice, and a one-message card for an answer to a
 * click that has no card of its own (a refusal, an error). Every text is masked here or by
 * renderTeams; nothing unmasked leaves this file. Teams refuses a message over about 28 KB, so a
 * reply's text rides with its first card only when both fit.
 */
import type { Activity, Attachment } from 'botbuilder';
import { renderTeams, type AdaptiveCard, type Card, type MaskText } from '../cards/index.js';
import type { ChatReply } from '../chat/types.js';

export const ADAPTIVE_CARD = 'application/vnd.microsoft.card.adaptive';
/** Below Teams' ~28 KB per message, with room for the envelope the connector adds. */
export const MAX_ACTIVITY_BYTES = 27_000;
/** A message's text alone, in UTF-8 bytes as JSON: long agent answers are cut, and the cut is marked. */
export const MAX_TEXT_BYTES = 24_000;

const utf8 = new TextEncoder();
const size = (a: Partial<Activity>): number => utf8.encode(JSON.stringify(a)).length;

/** Teams renders message text as markdown with some HTML: angle brackets and ampersands are shown, never parsed. */
export function escapeTeams(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const MARK = '… (truncated)';

/** Cuts to at most `max` characters, marking the cut; never splits a surrogate pair. */
function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max - MARK.length;
  if (/[\uD800-\uDBFF]/.test(text.charAt(end - 1))) end -= 1;
  return text.slice(0, end) + MARK;
}

/**
 * Escapes and cuts so the escaped text is at most `maxBytes` as JSON (UTF-8), marking the cut:
 * the cut is made on whole characters before escaping, so it never splits an `&amp;` or a pair.
 */
function escapeWithin(text: string, maxBytes: number): string {
  const cost = (s: string) => utf8.encode(JSON.stringify(s)).length - 2;
  const whole = escapeTeams(text);
  if (cost(whole) <= maxBytes) return whole;
  const budget = maxBytes - cost(MARK);
  let used = 0;
  let out = '';
  for (const ch of text) {
    const e = escapeTeams(ch);
    const c = cost(e);
    if (used + c > budget) break;
    used += c;
    out += e;
  }
  return out + MARK;
}

/** A plain text message: masked first, then cut and escaped, so a cut never leaves half a secret. */
export function textActivity(text: string, mask: MaskText): Partial<Activity> {
  return { type: 'message', textFormat: 'markdown', text: escapeWithin(mask(text), MAX_TEXT_BYTES) };
}

export function cardAttachment(card: Card, mask: MaskText): Attachment {
  return { contentType: ADAPTIVE_CARD, content: renderTeams(card, mask) };
}

/** A card message: the card's fallback text rides along for notifications and old clients. */
export function cardActivity(card: Card, mask: MaskText): Partial<Activity> {
  const attachment = cardAttachment(card, mask);
  const summary = (attachment.content as AdaptiveCard).fallbackText;
  return { type: 'message', summary, attachments: [attachment] };
}

/**
 * The activity addressed to one person in a shared conversation (Teams has no message only one
 * person sees): it @mentions them, so they are notified and others see whom it answers.
 */
export function mentioning(activity: Partial<Activity>, person: { id: string; name?: string }, mask: MaskText): Partial<Activity> {
  if (!person.name) return activity;
  const tag = `<at>${escapeTeams(mask(person.name).slice(0, 100))}</at>`;
  return { ...activity, text: activity.text ? `${tag} ${activity.text}` : tag, entities: [{ type: 'mention', text: tag, mentioned: { id: person.id, name: person.name } }] };
}

/** A command's answer as activities: the text with the first card when both fit, each further card on its own. */
export function replyActivities(reply: ChatReply, mask: MaskText): Partial<Activity>[] {
  const text = textActivity(reply.text, mask);
  if (reply.cards.length === 0) return [text];
  const [first, ...rest] = reply.cards.map((c) => cardActivity(c, mask));
  const together = { ...text, attachments: first.attachments };
  const head = size(together) <= MAX_ACTIVITY_BYTES ? [together] : [text, first];
  return [...head, ...rest];
}

/** A small card that only says something (a refusal, an error, an answer without a card). */
export function messageCard(text: string, mask: MaskText, tone: 'attention' | 'good' | 'default' = 'default'): AdaptiveCard {
  const safe = cut(mask(text), 2000);
  return {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: '1.5',
    fallbackText: safe,
    body: [{ type: 'TextBlock', text: md(safe), wrap: true, ...(tone === 'default' ? {} : { color: tone }) }],
    msteams: { width: 'Full' },
  };
}

/** The clicked card as it is now, with why the click was refused on top (Teams replaces the card with this). */
export function withNotice(card: AdaptiveCard, text: string, mask: MaskText): AdaptiveCard {
  const notice = { type: 'TextBlock', text: md(cut(mask(text), 500)), wrap: true, color: 'attention', weight: 'Bolder' };
  return { ...card, body: [notice, ...card.body] };
}

// Adaptive Card markdown: a "[" or "]" in plain text could form a link.
const md = (s: string): string => s.replace(/\[/g, '(').replace(/\]/g, ')');
