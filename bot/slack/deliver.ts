/**
 * Delivering what the bot answered, after the acknowledgement: a command's reply (public in the
 * channel or thread; private as an ephemeral through the command's response_url), and a click's
 * result (the clicked message replaced by the card as it is now, further cards posted, a
 * refusal shown only to the clicker). A reply is its text as a message (left out when it only
 * repeats a card's summary), then one message per card.
 */
import type { Logger } from 'pino';
import type { RespondArguments, RespondFn, types, webApi } from '@slack/bolt';
import { renderSlack, type Card } from '../cards/index.js';
import { escapeMrkdwn } from '../cards/slack.js';
import { truncate } from '../cards/text.js';
import type { ChatReply, ClickResult } from '../chat/types.js';
import { describeSlackError, slackErrorCode } from './web.js';

export interface Delivery {
  web: webApi.WebClient;
  mask: (t: string) => string;
  logger: Logger;
  channel: string;
  thread?: string;
  /** The person who asked or clicked: ephemerals go to them. */
  user: string;
  /** The command's or click's response_url, when Slack gave one. */
  respond?: RespondFn;
}

const TEXT_MAX = 3000;
type Message = { text: string; blocks?: types.KnownBlock[] };

/** Masked, escaped plain text as a Slack message text (never empty: Slack refuses that). */
export const slackText = (mask: (t: string) => string, text: string): string => truncate(escapeMrkdwn(mask(text)), TEXT_MAX) || ' ';

function messagesOf(d: Delivery, text: string, cards: Card[]): Message[] {
  const rendered = cards.map((c) => ({ summary: c.summary, m: renderSlack(c, d.mask) }));
  // The reply's own text leads, unless it only repeats a card's one-line summary.
  const lead = text.trim() && !rendered.some((r) => r.summary.trim() === text.trim()) ? [{ text: slackText(d.mask, text) }] : [];
  if (cards.length === 0) return [{ text: slackText(d.mask, text) }];
  return [...lead, ...rendered.map(({ m }) => ({ text: m.text, blocks: m.blocks as types.KnownBlock[] }))];
}

async function postPublic(d: Delivery, m: Message): Promise<void> {
  try {
    await d.web.chat.postMessage({ channel: d.channel, ...(d.thread ? { thread_ts: d.thread } : {}), ...m, unfurl_links: false } as webApi.ChatPostMessageArguments);
  } catch (e) {
    // The bot is not in this channel (a slash command works anywhere): answer through response_url.
    const code = slackErrorCode(e);
    if (d.respond && (code === 'not_in_channel' || code === 'channel_not_found')) await d.respond({ response_type: 'in_channel', ...m } as RespondArguments);
    else throw e;
  }
}

async function postPrivate(d: Delivery, m: Message): Promise<void> {
  if (d.respond) await d.respond({ response_type: 'ephemeral', replace_original: false, ...m } as RespondArguments);
  else await d.web.chat.postEphemeral({ channel: d.channel, user: d.user, ...(d.thread ? { thread_ts: d.thread } : {}), ...m } as webApi.ChatPostEphemeralArguments);
}

/** Posts a command's reply; a message that fails is logged and the person told, never thrown. */
export async function deliverReply(d: Delivery, reply: ChatReply): Promise<void> {
  for (const m of messagesOf(d, reply.text, reply.cards)) {
    try {
      await (reply.private ? postPrivate(d, m) : postPublic(d, m));
    } catch (e) {
      d.logger.error({ channel: d.channel, error: describeSlackError(e) }, 'slack: could not post a reply');
      await tellPrivately(d, `I could not post the answer here (${describeSlackError(e)}).`);
      return;
    }
  }
}

/** An ephemeral note to the person (refusals, failures); failing that, only a log line. */
export async function tellPrivately(d: Delivery, text: string): Promise<void> {
  try {
    await postPrivate(d, { text: slackText(d.mask, text) });
  } catch (e) {
    d.logger.warn({ channel: d.channel, error: describeSlackError(e) }, 'slack: could not send a private note');
  }
}

/** A click's result: the clicked message updated, further cards posted, a refusal shown to the clicker only. */
export async function deliverClick(d: Delivery, result: ClickResult, clicked: { ts?: string; ephemeral?: boolean }): Promise<void> {
  if (result.card) {
    const m = renderSlack(result.card, d.mask);
    try {
      if (clicked.ephemeral && d.respond) await d.respond({ replace_original: true, text: m.text, blocks: m.blocks } as RespondArguments);
      else if (clicked.ts) await d.web.chat.update({ channel: d.channel, ts: clicked.ts, text: m.text, blocks: m.blocks } as webApi.ChatUpdateArguments);
    } catch (e) {
      d.logger.error({ channel: d.channel, ts: clicked.ts, error: describeSlackError(e) }, 'slack: could not update the clicked card');
    }
  }
  if (!result.ok) await tellPrivately(d, result.text);
  for (const card of result.posts) {
    const m = renderSlack(card, d.mask);
    try {
      await postPublic(d, { text: m.text, blocks: m.blocks as types.KnownBlock[] });
    } catch (e) {
      d.logger.error({ channel: d.channel, error: describeSlackError(e) }, 'slack: could not post a card after a click');
    }
  }
  // An accepted click that changed nothing visible still says so, to the clicker.
  if (result.ok && !result.card && result.posts.length === 0 && result.text.trim()) await tellPrivately(d, result.text);
}
