/**
 * The Slack Web API client the adapter uses, configured once: the API base (SLACK_API_URL, which
 * must end in /api/), rate limits honoured (a 429 waits its Retry-After, then retries — never
 * rejected outright), a bounded retry budget so an unreachable Slack fails in seconds rather than
 * the library's default half hour, and Bolt's logger interface over pino. Also turns any thrown
 * Web API error into one line that says what failed.
 */
import { LogLevel, webApi, type Logger as BoltLogger } from '@slack/bolt';
import type { Logger } from 'pino';

export const SLACK_DEFAULT_API_URL = 'https://slack.com/api/';

export interface SlackClientOptions {
  token: string;
  apiUrl?: string;
  logger: Logger;
  /** Retries after a failed or rate-limited call (default 3). A 429 waits its Retry-After first. */
  retries?: number;
  /** Per-request timeout in ms (default 10 s). */
  timeoutMs?: number;
}

/** Checks SLACK_API_URL's shape: the client appends the method name, so the base must end in /api/. */
export function checkApiUrl(apiUrl: string | undefined): string {
  const url = apiUrl ?? SLACK_DEFAULT_API_URL;
  if (!/^https?:\/\/.+\/api\/$/.test(url)) throw new Error(`SLACK_API_URL must be an http(s) URL ending in /api/ (got ${url})`);
  return url;
}

/** WebClient options shared by our client and Bolt's own (the listeners' `client`). */
export function slackClientOptions(o: Omit<SlackClientOptions, 'token'>): webApi.WebClientOptions {
  return {
    slackApiUrl: checkApiUrl(o.apiUrl),
    logger: boltLogger(o.logger),
    rejectRateLimitedCalls: false,
    retryConfig: { retries: o.retries ?? 3, factor: 2, minTimeout: 100, maxTimeout: 2_000, randomize: false },
    timeout: o.timeoutMs ?? 10_000,
  };
}

export function slackWebClient(o: SlackClientOptions): webApi.WebClient {
  return new webApi.WebClient(o.token, slackClientOptions(o));
}

/** Bolt's and web-api's logger interface, written to pino (debug chatter stays at debug). */
export function boltLogger(logger: Logger): BoltLogger {
  const log = logger;
  let level: LogLevel = LogLevel.INFO;
  const line = (args: unknown[]) => args.map((a) => (typeof a === 'string' ? a : a instanceof Error ? a.message : JSON.stringify(a))).join(' ');
  return {
    debug: (...a: unknown[]) => log.debug(line(a)),
    info: (...a: unknown[]) => log.info(line(a)),
    warn: (...a: unknown[]) => log.warn(line(a)),
    error: (...a: unknown[]) => log.error(line(a)),
    setLevel: (l: LogLevel) => void (level = l),
    getLevel: () => level,
    setName: () => undefined,
  };
}

/** The Slack error code of a failed call (`channel_not_found`, `name_taken`, `ratelimited`…), or undefined. */
export function slackErrorCode(e: unknown): string | undefined {
  const err = e as { data?: { error?: unknown }; code?: unknown } | undefined;
  if (typeof err?.data?.error === 'string') return err.data.error;
  if (err?.code === webApi.ErrorCode.RateLimitedError) return 'ratelimited';
  return undefined;
}

/** One line saying what went wrong with a Slack call, for logs and replies. */
export function describeSlackError(e: unknown): string {
  const code = slackErrorCode(e);
  if (code) return code;
  return e instanceof Error ? e.message : String(e);
}
