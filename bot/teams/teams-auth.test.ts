/**
 * The Teams bot WITH credentials (MicrosoftAppId / MicrosoftAppPassword), on the real CloudAdapter,
 * against a local Bot Framework token service (test-support/fake-botframework-auth.ts) reached
 * through the cloud settings (WARROOM_TEAMS_OPENID_METADATA_URL, …_TOKEN_ISSUER, …_LOGIN_URL):
 * a channel token signed by the published key with the right claims runs the command and the
 * reply reaches the connector with a token the bot got with its app id and password; a forged
 * token (another key, wrong audience, expired, not yet valid, another issuer, a serviceUrl claim
 * other than the activity's, a key not endorsed for the channel) is a 401 and nothing runs.
 */
import pino, { type Logger } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChatBot, ChatRequest, Parsed } from '../chat/types.js';
import { rsaKeyPair, startFakeBotFrameworkAuth, type FakeBotFrameworkAuth, type SignOptions } from '../../test-support/fake-botframework-auth.js';
import { CHANNEL, message, world, type World } from './test-helpers.js';

const APP_ID = '00000000-0000-0000-0000-0000000000b0';
const APP_PASSWORD = 'local-test-secret';

/** A ChatBot that knows `status` and records each run. */
function recordingBot() {
  const runs: ChatRequest[] = [];
  const bot: ChatBot = {
    parse(text): Parsed {
      const [name, id] = text.split(' ');
      return name === 'status' ? { ok: true, command: { name: 'status', ...(id ? { incidentId: id } : {}) } } : { ok: false, reply: 'unknown' };
    },
    async run(req) {
      runs.push(req);
      return { text: `Incident ${req.text.split(' ')[1]} is open`, cards: [] };
    },
    async click() {
      return { ok: false, text: 'no', posts: [] };
    },
    help: () => 'warroom status [INCIDENT]',
  };
  return { bot, runs };
}

let auth: FakeBotFrameworkAuth;
beforeEach(async () => {
  auth = await startFakeBotFrameworkAuth({ appId: APP_ID, appPassword: APP_PASSWORD });
});
afterEach(async () => {
  await auth.close();
});

/** The bot with credentials pointed at the local token service; its connector accepts only tokens that service issued. */
async function credentialed(over: { appPassword?: string; logger?: Logger } = {}) {
  const { bot, runs } = recordingBot();
  const w = await world(
    bot,
    { ...(over.logger ? { logger: over.logger } : {}), appId: APP_ID, appPassword: over.appPassword ?? APP_PASSWORD, cloud: { openIdMetadataUrl: auth.openIdMetadataUrl, tokenIssuer: auth.issuer, loginUrl: auth.loginUrl } },
    { acceptsToken: (t) => auth.issued.includes(t) },
  );
  return { w, runs };
}

const postSigned = (w: World, activity: Record<string, unknown>, opts?: SignOptions) =>
  w.post(activity, { authorization: `Bearer ${auth.channelToken(String(activity.serviceUrl), opts)}` });

describe('the Teams bot with credentials (real CloudAdapter, local Bot Framework token service)', () => {
  it('runs a command from a correctly signed channel request and replies with the bot\'s own token', async () => {
    const { w, runs } = await credentialed();
    const act = message(w.connector, { text: 'warroom status inc_7' });
    const res = await postSigned(w, act);
    expect(res.status).toBe(200);
    expect(runs.map((r) => r.text)).toEqual(['status inc_7']);
    expect(runs[0].where).toEqual({ surface: 'teams', channel: CHANNEL, thread: '1765000000042' });

    const [reply] = await w.connector.waitForMessages(1);
    expect(reply.replyToId).toBe(act.id);
    expect(reply.activity.text).toContain('Incident inc_7 is open');
    // every connector call carried a token the login URL issued to this app id and password
    expect(w.connector.unauthorized).toEqual([]);
    expect(auth.issued.length).toBeGreaterThan(0);
    for (const call of w.connector.calls) expect(auth.issued.map((t) => `Bearer ${t}`)).toContain(call.authorization);
    expect(auth.tokenRequests.filter((r) => r.status === 200).map((r) => [r.clientId, r.scope])).toContainEqual([APP_ID, 'https://api.botframework.com/.default']);
    expect(w.connector.rejected).toEqual([]);
  });

  it('gets no token with a wrong app password: nothing reaches the connector, and the log says why without the password', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, { write: (l: string) => void lines.push(l) });
    const { w, runs } = await credentialed({ appPassword: 'wrong-secret', logger });
    const res = await postSigned(w, message(w.connector, { text: 'warroom status inc_7' }));
    // the inbound token is good, so the command runs; its reply cannot be sent, and the turn error is handled
    expect(res.status).toBe(200);
    expect(runs).toHaveLength(1);
    expect(auth.tokenRequests.map((r) => r.status)).toContain(401);
    expect(auth.issued).toEqual([]);
    expect(w.connector.calls).toEqual([]);
    const failed = lines.map((l) => JSON.parse(l)).find((l) => l.msg === 'teams: a turn failed');
    expect(failed?.err?.message).toMatch(/token service .* refused the bot \(401 invalid_client\); check MicrosoftAppId and MicrosoftAppPassword/);
    expect(lines.join('\n')).not.toContain('wrong-secret');
  });

  const forgeries: [string, () => SignOptions | Promise<SignOptions>][] = [
    ['signed by another key under the published key id', () => ({ key: rsaKeyPair().privateKey })],
    ['signed by another key under its own key id', () => ({ key: rsaKeyPair().privateKey, kid: 'attacker-key' })],
    ['for another app (wrong audience)', () => ({ claims: { aud: '00000000-0000-0000-0000-0000000000ff' } })],
    ['without an audience', () => ({ claims: { aud: undefined } })],
    ['expired an hour ago', () => ({ claims: { exp: Math.floor(Date.now() / 1000) - 3600, nbf: Math.floor(Date.now() / 1000) - 7200 } })],
    ['not valid for another hour', () => ({ claims: { nbf: Math.floor(Date.now() / 1000) + 3600 } })],
    ['from another issuer', () => ({ claims: { iss: 'https://api.botframework.com' } })],
    ['with a serviceUrl claim other than the activity\'s', () => ({ claims: { serviceurl: 'http://127.0.0.1:9/elsewhere/' } })],
    ['without a serviceUrl claim', () => ({ claims: { serviceurl: undefined } })],
  ];
  it.each(forgeries)('refuses a token %s (401) and runs nothing', async (_name, forge) => {
    const { w, runs } = await credentialed();
    const res = await postSigned(w, message(w.connector), await forge());
    expect(res.status).toBe(401);
    expect(runs).toEqual([]);
    expect(w.connector.calls).toEqual([]);
  });

  it('refuses a correctly signed token for a channel its key is not endorsed for (401)', async () => {
    await auth.close();
    auth = await startFakeBotFrameworkAuth({ appId: APP_ID, appPassword: APP_PASSWORD, endorsements: ['slack'] });
    const { w, runs } = await credentialed();
    const res = await postSigned(w, message(w.connector));
    expect(res.status).toBe(401);
    expect(runs).toEqual([]);
  });

  it('refuses a request whose token is not a Bearer token (401)', async () => {
    const { w, runs } = await credentialed();
    const act = message(w.connector);
    const res = await w.post(act, { authorization: `Basic ${auth.channelToken(String(act.serviceUrl))}` });
    expect(res.status).toBe(401);
    expect(runs).toEqual([]);
  });
});
