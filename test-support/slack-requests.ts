/**
 * Requests as Slack sends them to an app's request URL, for tests and the ack bench: slash
 * commands (form-encoded), interactivity (form `payload=<JSON>`), Events API (JSON), each signed
 * the way Slack signs (`v0=` HMAC-SHA256 of `v0:<timestamp>:<raw body>` with the signing secret).
 */
import { createHmac } from 'node:crypto';

/** Headers for a signed request; `ts` in seconds (default now). Forge one by signing with another secret. */
export function signedRequest(secret: string, body: string, ts: number = Math.floor(Date.now() / 1000), contentType = 'application/x-www-form-urlencoded'): Record<string, string> {
  return {
    'content-type': contentType,
    'x-slack-request-timestamp': String(ts),
    'x-slack-signature': `v0=${createHmac('sha256', secret).update(`v0:${ts}:${body}`).digest('hex')}`,
  };
}

/** A `/warroom …` slash command body. */
export function slashCommandBody(o: { text: string; user?: string; userName?: string; channel?: string; responseUrl: string; triggerId?: string; team?: string; command?: string }): string {
  return new URLSearchParams({
    token: 'legacy-verification-token',
    team_id: o.team ?? 'T0001',
    team_domain: 'fake',
    channel_id: o.channel ?? 'C_INCIDENTS',
    channel_name: 'incidents',
    user_id: o.user ?? 'U_ALICE',
    user_name: o.userName ?? 'alice',
    command: o.command ?? '/warroom',
    text: o.text,
    api_app_id: 'A0001',
    response_url: o.responseUrl,
    trigger_id: o.triggerId ?? 'trigger.1',
  }).toString();
}

/** An interactivity body (block_actions, view_submission): form-encoded `payload=<JSON>`. */
export function interactionBody(payload: Record<string, unknown>): string {
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

/** An Events API `event_callback` body (JSON: sign it with content type application/json). */
export function eventBody(event: Record<string, unknown>, o: { team?: string; botUserId?: string } = {}): string {
  return JSON.stringify({
    token: 'legacy-verification-token',
    team_id: o.team ?? 'T0001',
    api_app_id: 'A0001',
    type: 'event_callback',
    event_id: `Ev${Math.random().toString(36).slice(2, 10)}`,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [{ team_id: o.team ?? 'T0001', user_id: o.botUserId ?? 'UBOT0001', is_bot: true }],
    event,
  });
}

/** A `block_actions` click on a button of the message `ts` in `channel` (interactivity body). */
export function blockActionBody(o: { user: string; value: string; actionId: string; ts: string; channel?: string; responseUrl: string; reason?: string; thread?: string }): string {
  const channel = o.channel ?? 'C_INCIDENTS';
  return interactionBody({
    type: 'block_actions',
    user: { id: o.user, username: o.user.toLowerCase(), name: o.user.toLowerCase(), team_id: 'T0001' },
    api_app_id: 'A0001',
    token: 'legacy-verification-token',
    team: { id: 'T0001', domain: 'fake' },
    container: { type: 'message', message_ts: o.ts, channel_id: channel, is_ephemeral: false },
    channel: { id: channel, name: 'incidents' },
    message: { ts: o.ts, type: 'message', text: 'card', ...(o.thread ? { thread_ts: o.thread } : {}) },
    trigger_id: 'trigger.click',
    response_url: o.responseUrl,
    state: { values: o.reason ? { reason: { reason: { type: 'plain_text_input', value: o.reason } } } : {} },
    actions: [{ type: 'button', action_id: o.actionId, block_id: 'b1', value: o.value, action_ts: '1765100000.1' }],
  });
}
