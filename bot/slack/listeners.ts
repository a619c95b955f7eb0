/**
 * What the Slack app listens to, on a Bolt App: the `/warroom` slash command, mentions of the
 * bot, card button clicks and the Reject modal. Every listener acknowledges first (a usage error
 * is the acknowledgement itself), then does the work and posts the answer — so Slack's 3-second
 * deadline holds however long the bot takes. Nothing here throws into Bolt: a failure is logged
 * and the person told privately.
 */
import type { App, RespondFn } from '@slack/bolt';
import type { Logger } from 'pino';
import { parseAction } from '../cards/index.js';
import type { ChatUser, RoomRef } from '../chat/ports.js';
import type { ChatBot } from '../chat/types.js';
import { deliverClick, deliverReply, slackText, tellPrivately, type Delivery } from './deliver.js';
import { CARD_ACTION_PATTERN, OTHER_ACTION_PATTERN, REJECT_CALLBACK_ID, mentionText, readRejectSubmission, rejectModal, stateInputs, type RejectContext } from './interaction.js';
import type { SlackUsers } from './users.js';
import { describeSlackError } from './web.js';

export interface ListenerDeps {
  bot: ChatBot;
  web: Delivery['web'];
  mask: (t: string) => string;
  logger: Logger;
  users: SlackUsers;
  /** The bot's own user id once auth.test answered (to strip its mention). */
  botUserId: () => string | undefined;
  /** Runs work after the ack, tracked so stop() can wait for it. */
  background: (work: () => Promise<void>) => void;
}

/* eslint-disable @typescript-eslint/no-explicit-any -- Bolt's payload unions are wide; every field read here is checked */
type Loose = any;

const MAX_SEEN_EVENTS = 2000;

export function registerListeners(app: App, d: ListenerDeps): void {
  const log = d.logger;
  const chatUser = async (id: string, name?: string): Promise<ChatUser> => {
    const person = await d.users.person(id);
    return { surface: 'slack', id, ...(person.name || name ? { name: person.name ?? name } : {}), ...(person.email ? { email: person.email } : {}) };
  };
  const delivery = (channel: string, user: string, thread?: string, respond?: RespondFn): Delivery => ({ web: d.web, mask: d.mask, logger: log, channel, thread, user, respond });
  const where = (channel: string, thread?: string): RoomRef => ({ surface: 'slack', channel, ...(thread ? { thread } : {}) });

  // The slash command: parse at once; a usage error is the acknowledgement, else run after it.
  app.command(/^\/.+/, async ({ command, ack, respond }) => {
    const text = String(command.text ?? '').trim();
    let parsed: ReturnType<ChatBot['parse']>;
    try {
      parsed = d.bot.parse(text);
    } catch (e) {
      log.error({ err: e }, 'slack: parse failed');
      parsed = { ok: false, reply: 'I could not read that command. Try `/warroom help`.' };
    }
    if (!parsed.ok) {
      await ack({ response_type: 'ephemeral', text: slackText(d.mask, parsed.reply) });
      return;
    }
    await ack({ response_type: 'ephemeral', text: slackText(d.mask, `Working on ${command.command} ${text}…`) });
    const to = delivery(command.channel_id, command.user_id, undefined, respond);
    d.background(async () => {
      try {
        const reply = await d.bot.run({ user: await chatUser(command.user_id, command.user_name), where: where(command.channel_id), text });
        await deliverReply(to, reply);
      } catch (e) {
        log.error({ err: e, command: command.command }, 'slack: command failed');
        await tellPrivately(to, `Something went wrong running ${command.command} ${text}: ${e instanceof Error ? e.message : String(e)}`);
      }
    });
  });

  // A mention of the bot (in a war room or anywhere it is): a command, or a question for the agent.
  const seen = new Set<string>();
  app.event('app_mention', async ({ event }) => {
    const e = event as Loose;
    if (e.bot_id || typeof e.user !== 'string' || typeof e.channel !== 'string') return;
    const key = `${e.channel}:${e.ts}`;
    if (seen.has(key)) return; // Slack redelivers an event it thinks was not received
    seen.add(key);
    if (seen.size > MAX_SEEN_EVENTS) seen.delete(seen.values().next().value as string);
    const thread = String(e.thread_ts ?? e.ts);
    const to = delivery(e.channel, e.user, thread);
    d.background(async () => {
      try {
        const reply = await d.bot.run({ user: await chatUser(e.user), where: where(e.channel, thread), text: mentionText(String(e.text ?? ''), d.botUserId()), mention: true });
        // In a thread everyone reads along: a private answer to a mention goes to the asker only.
        await deliverReply(to, reply);
      } catch (err) {
        log.error({ err }, 'slack: mention failed');
        await tellPrivately(to, `Something went wrong answering that: ${err instanceof Error ? err.message : String(err)}`);
      }
    });
  });

  // A card button. Reject without a typed reason opens the modal that asks for one.
  app.action(CARD_ACTION_PATTERN, async ({ ack, body, action, respond }) => {
    await ack();
    const b = body as Loose;
    const value = (action as Loose).value;
    const channel: string | undefined = b.channel?.id ?? b.container?.channel_id;
    if (!channel) return log.warn({ action: (action as Loose).action_id }, 'slack: a click without a channel');
    const clicked = { ts: b.message?.ts ?? b.container?.message_ts, ephemeral: Boolean(b.container?.is_ephemeral) };
    const thread: string | undefined = b.message?.thread_ts;
    // Refusals go to the clicker with chat.postEphemeral; response_url only to replace an ephemeral card.
    const to = delivery(channel, b.user.id, thread, clicked.ephemeral ? respond : undefined);
    const inputs = stateInputs(b.state);
    const parsed = parseAction(value);
    if (parsed.ok && parsed.action.action === 'fix.reject' && !inputs.reason) {
      const ctx: RejectContext = { value: String(value), channel, ...(clicked.ts ? { ts: clicked.ts } : {}), ...(thread ? { thread } : {}) };
      try {
        await d.web.views.open({ trigger_id: b.trigger_id, view: rejectModal(ctx) as Loose });
      } catch (e) {
        log.error({ error: describeSlackError(e) }, 'slack: could not open the reject form');
        await tellPrivately(to, 'I could not open the form for the reason. Type the reason in the card and click Reject again.');
      }
      return;
    }
    d.background(async () => {
      try {
        const result = await d.bot.click({ user: await chatUser(b.user.id, b.user.name ?? b.user.username), value, inputs, where: where(channel, thread) });
        await deliverClick(to, result, clicked);
      } catch (e) {
        log.error({ err: e }, 'slack: click failed');
        await tellPrivately(to, `Something went wrong with that click: ${e instanceof Error ? e.message : String(e)}`);
      }
    });
  });

  app.action(OTHER_ACTION_PATTERN, async ({ ack }) => {
    await ack();
  });

  // The reason for a rejection, submitted from the modal.
  app.view(REJECT_CALLBACK_ID, async ({ ack, body, view }) => {
    const sub = readRejectSubmission(view as Loose);
    if (!sub.ok) {
      await ack({ response_action: 'errors', errors: { reason: slackText(d.mask, sub.error) } });
      return;
    }
    await ack();
    const user = (body as Loose).user;
    const to = delivery(sub.ctx.channel, user.id, sub.ctx.thread);
    d.background(async () => {
      try {
        const result = await d.bot.click({ user: await chatUser(user.id, user.name ?? user.username), value: sub.ctx.value, inputs: { reason: sub.reason }, where: where(sub.ctx.channel, sub.ctx.thread) });
        await deliverClick(to, result, { ts: sub.ctx.ts });
      } catch (e) {
        log.error({ err: e }, 'slack: reject failed');
        await tellPrivately(to, `Something went wrong rejecting the plan: ${e instanceof Error ? e.message : String(e)}`);
      }
    });
  });

  app.error(async (error) => {
    log.error({ err: error }, 'slack: unhandled error in a listener');
  });
}
