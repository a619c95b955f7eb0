/**
 * The Slack ChatSurface: a war room is a new channel per incident (`conversations.create`, a
 * name clash retried with a suffix, the topic set, on-call invited), or — when
 * SLACK_INCIDENT_CHANNEL is set — a thread under a root message in that channel (on-call are
 * mentioned in the root, since a thread cannot be joined). Cards are posted and updated in place
 * with their Block Kit rendering; every text is masked before it leaves.
 */
import type { Logger } from 'pino';
import type { types, webApi } from '@slack/bolt';
import { renderSlack } from '../cards/index.js';
import { escapeMrkdwn } from '../cards/slack.js';
import { truncate } from '../cards/text.js';
import type { ChatSurface, MessageRef, RoomRef } from '../chat/ports.js';
import type { SlackUsers } from './users.js';
import { describeSlackError, slackErrorCode } from './web.js';

export interface SlackSurfaceOptions {
  web: webApi.WebClient;
  /** Set: war rooms are threads in this channel (id). Unset: a channel per incident. */
  incidentChannel?: string;
  oncallUsers: string[];
  mask: (t: string) => string;
  logger: Logger;
  users?: SlackUsers;
}

/** Slack's channel-name rules: lowercase letters, digits, hyphens and underscores, at most 80. */
export const CHANNEL_NAME_MAX = 80;
const TOPIC_MAX = 250;
/** Slack accepts 40,000 characters of message text; a chat answer longer than this is cut. */
const SAY_MAX = 39_000;

/** A suggested room name made acceptable to Slack (never empty). */
export function channelName(suggested: string, suffix = ''): string {
  const base =
    suggested
      .toLowerCase()
      .replace(/[^a-z0-9_-]+/g, '-')
      .replace(/-{2,}/g, '-')
      .replace(/^-+|-+$/g, '') || 'incident';
  return `${base.slice(0, CHANNEL_NAME_MAX - suffix.length).replace(/-+$/, '')}${suffix}`;
}

/** Name suffixes tried on `name_taken`: none, the incident id's tail, then counters. */
function suffixes(incidentId: string): string[] {
  const tail = incidentId.toLowerCase().replace(/[^a-z0-9]/g, '').slice(-4);
  return ['', ...(tail ? [`-${tail}`] : []), ...Array.from({ length: 8 }, (_, i) => `-${i + 2}`)];
}

export function slackSurface(o: SlackSurfaceOptions): ChatSurface {
  const { web, mask, logger } = o;
  const room = (channel: string, thread?: string): RoomRef => ({ surface: 'slack', channel, ...(thread ? { thread } : {}) });
  const oncall = [...new Set(o.oncallUsers.map((u) => u.trim()).filter(Boolean))];

  async function createChannel(incidentId: string, name: string): Promise<string> {
    let lastError: unknown;
    for (const suffix of suffixes(incidentId)) {
      try {
        const r = await web.conversations.create({ name: channelName(name, suffix), is_private: false });
        if (r.channel?.id) return r.channel.id;
      } catch (e) {
        if (slackErrorCode(e) !== 'name_taken') throw e;
        lastError = e;
      }
    }
    throw new Error(`slack: every channel name like ${channelName(name)} is taken (${describeSlackError(lastError)})`);
  }

  async function post(where: RoomRef, text: string, blocks?: unknown[]): Promise<MessageRef> {
    const r = await web.chat.postMessage({
      channel: where.channel,
      ...(where.thread ? { thread_ts: where.thread } : {}),
      text,
      ...(blocks ? { blocks: blocks as types.KnownBlock[] } : {}),
      unfurl_links: false,
      unfurl_media: false,
    } as webApi.ChatPostMessageArguments);
    if (!r.ts) throw new Error('slack: chat.postMessage returned no ts');
    return { ...room(where.channel, where.thread), id: r.ts };
  }

  return {
    name: 'slack',

    async openRoom({ incident, name, topic }) {
      const cleanTopic = truncate(mask(topic), TOPIC_MAX);
      if (o.incidentChannel) {
        const mentions = oncall.map((u) => `<@${u}>`).join(' ');
        const text = `:rotating_light: War room *${escapeMrkdwn(mask(name))}* — ${escapeMrkdwn(cleanTopic)}${mentions ? `\n${mentions}` : ''}`;
        const root = await post(room(o.incidentChannel), text);
        return room(o.incidentChannel, root.id);
      }
      const channel = await createChannel(incident.id, name);
      // The room exists from here on: a topic or an invite that fails is logged, not fatal.
      try {
        await web.conversations.setTopic({ channel, topic: cleanTopic });
      } catch (e) {
        logger.warn({ channel, error: describeSlackError(e) }, 'slack: could not set the war-room topic');
      }
      if (oncall.length) {
        try {
          await web.conversations.invite({ channel, users: oncall.join(',') });
        } catch (e) {
          logger.warn({ channel, users: oncall, error: describeSlackError(e) }, 'slack: could not invite the on-call users');
        }
      }
      return room(channel);
    },

    async post(where, card) {
      const m = renderSlack(card, mask);
      return post(where, m.text, m.blocks);
    },

    async update(message, card) {
      const m = renderSlack(card, mask);
      await web.chat.update({ channel: message.channel, ts: message.id, text: m.text, blocks: m.blocks as types.KnownBlock[] } as webApi.ChatUpdateArguments);
    },

    async say(where, text) {
      return post(where, truncate(escapeMrkdwn(mask(text)), SAY_MAX) || ' ');
    },

    async emailOf(userId) {
      return o.users ? (await o.users.person(userId)).email : undefined;
    },
  };
}
