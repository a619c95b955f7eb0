/**
 * Who a Slack user is (display name and email, from `users.info`), cached: a person clicking
 * through a plan should cost one lookup, not one per click. A failed lookup is not cached (the
 * next click tries again) and never throws: an unknown email only means "unmapped".
 */
import type { Logger } from 'pino';
import type { webApi } from '@slack/bolt';
import type { Clock } from '../../core/clock.js';
import { describeSlackError } from './web.js';

export interface SlackPerson {
  name?: string;
  email?: string;
}

export interface SlackUsers {
  person(userId: string): Promise<SlackPerson>;
}

export function slackUsers(web: webApi.WebClient, o: { logger: Logger; clock: Clock; ttlMs?: number }): SlackUsers {
  const ttl = o.ttlMs ?? 10 * 60_000;
  const cache = new Map<string, { at: number; person: SlackPerson }>();
  return {
    async person(userId) {
      const hit = cache.get(userId);
      const now = o.clock.now().getTime();
      if (hit && now - hit.at < ttl) return hit.person;
      try {
        const r = await web.users.info({ user: userId });
        const u = r.user;
        const person: SlackPerson = { name: u?.profile?.display_name || u?.real_name || u?.name || undefined, email: u?.profile?.email || undefined };
        cache.set(userId, { at: now, person });
        return person;
      } catch (e) {
        o.logger.warn({ userId, error: describeSlackError(e) }, 'slack users.info failed; the person stays unmapped by email');
        return {};
      }
    },
  };
}
