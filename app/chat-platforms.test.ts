/**
 * Slack and Teams in the running product (app/chat.ts wiring): configured by the environment,
 * served on the one HTTP server, acting as the mapped Warroom user, opening war rooms on their
 * platform — against the local Slack Web API and Bot Framework connector, which check each call.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeSlack, signedRequest, slashCommandBody, type FakeSlack } from '../test-support/fake-slack.js';
import { startFakeBotFrameworkAuth, type FakeBotFrameworkAuth } from '../test-support/fake-botframework-auth.js';
import { startFakeTeamsConnector, type FakeTeamsConnector } from '../test-support/fake-teams-connector.js';
import { startEmbedded, type Embedded } from './embedded.js';

const SECRET = 'slack-signing-secret-for-tests';

/** Polls until `f` returns a value (10 s at most). */
async function until<T>(f: () => T | undefined | Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 25));
  }
}
const CHANNEL = '19:incidents0123456789@thread.tacv2';

describe('Slack in the product', () => {
  let slack: FakeSlack;
  let e: Embedded;
  beforeAll(async () => {
    slack = await startFakeSlack({ channels: ['CGENERAL', 'CAUDIT'], users: [{ id: 'ULEE0001', name: 'lee', email: 'Lee@Example.com' }] });
    const checkpoints = mkdtempSync(join(tmpdir(), 'warroom-cp-'));
    e = await startEmbedded('pglite', { SLACK_BOT_TOKEN: slack.token, SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: slack.apiUrl, SLACK_ONCALL_USERS: 'UONCALL1', SLACK_AUDIT_CHANNEL: 'CAUDIT', WARROOM_AUDIT_CHECKPOINT_DIR: checkpoints });
    await e.client().post('/v1/users', { id: 'pat', name: 'Pat Responder', role: 'responder', slack_user_id: 'UPAT0001' });
    // on no Slack account yet: users.info's email finds her
    await e.client().post('/v1/users', { id: 'lee', name: 'Lee Responder', email: 'lee@example.com', role: 'responder' });
  }, 60_000);
  afterAll(async () => {
    await e?.stop();
    await slack?.close();
  });

  const slash = (text: string, o: { user?: string; secret?: string; ts?: number } = {}) => {
    const body = slashCommandBody({ text, user: o.user ?? 'UPAT0001', channel: 'CGENERAL', responseUrl: `${slack.origin}/respond/${Math.random().toString(36).slice(2)}` });
    return fetch(`${e.w.url}/slack/events`, { method: 'POST', headers: signedRequest(o.secret ?? SECRET, body, o.ts), body });
  };

  it('checks the token at start-up, acks a signed /warroom open and opens the war room channel with its summary', async () => {
    // checked once at start, in the background (readiness does not wait for Slack)
    await slack.waitFor('auth.test', 1, 10_000);
    expect(slack.calls.some((c) => c.method === 'auth.test' && c.ok)).toBe(true);
    const ack = await slash('open checkout checkout errors after the deploy');
    expect(ack.status).toBe(200);
    await slack.waitFor('conversations.create', 1, 10_000);
    const room = () => [...slack.channels.values()].find((c) => c.name.startsWith('inc-'));
    const summary = await until(() => slack.held().find((m) => m.channel === room()?.id));
    expect(room()?.name).toMatch(/^inc-\d{8}-checkout-[0-9a-f]{4}$/);
    expect(room()?.members).toContain('UONCALL1');
    expect(summary.text).toContain('checkout errors after the deploy');
    // the reply to the command went where it was typed, after the acknowledgement
    expect(slack.held().some((m) => m.channel === 'CGENERAL' && m.text.startsWith('Opened incident'))).toBe(true);
  });

  it('a person with no slack_user_id acts as the user whose email Slack\'s users.info gives', async () => {
    expect((await slash('open search results empty for lee', { user: 'ULEE0001' })).status).toBe(200);
    const incident = await until(async () => ((await e.client().get('/v1/incidents?limit=100')).body.incidents as { title: string; opened_by: string }[]).find((i) => i.title === 'results empty for lee'));
    expect(incident.opened_by).toBe('user:lee');
    expect(slack.calls.some((c) => c.method === 'users.info' && c.ok)).toBe(true);
    // let its reply and its war room land before the next test counts Slack calls
    await until(() => slack.held().find((m) => m.channel === 'CGENERAL' && m.text.includes('results empty for lee')));
    await until(() => slack.held().find((m) => m.channel !== 'CGENERAL' && m.text.includes('results empty for lee')));
  });

  it('posts each signed audit checkpoint to the audit channel too (issue 18 §3)', async () => {
    const posted = await until(() => slack.held().find((m) => m.channel === 'CAUDIT'));
    expect(posted.text).toMatch(/^Audit checkpoint · org default · entry \d+ · head [0-9a-f]{64} · \S+ · HMAC [0-9a-f]{64}$/);
  });

  it('refuses a forged signature and a stale timestamp, and nothing is done for them', async () => {
    const before = slack.calls.length;
    expect((await slash('open cart forged', { secret: 'not-the-secret' })).status).toBe(401);
    expect((await slash('open cart stale', { ts: Math.floor(Date.now() / 1000) - 6 * 60 })).status).toBe(401);
    const incidents = (await e.client().get('/v1/incidents?limit=100')).body.incidents as { title: string }[];
    expect(incidents.map((i) => i.title)).not.toContain('forged');
    expect(incidents.map((i) => i.title)).not.toContain('stale');
    expect(slack.calls.slice(before).filter((c) => c.method !== 'auth.test')).toEqual([]);
  });
});

describe('Slack in the product with SLACK_INCIDENT_CHANNEL: war rooms are threads in it', () => {
  let slack: FakeSlack;
  let e: Embedded;
  beforeAll(async () => {
    slack = await startFakeSlack({ channels: ['CGENERAL', 'CINCIDENTS'] });
    e = await startEmbedded('pglite', { SLACK_BOT_TOKEN: slack.token, SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: slack.apiUrl, SLACK_INCIDENT_CHANNEL: 'CINCIDENTS', SLACK_ONCALL_USERS: 'UONCALL1' });
    await e.client().post('/v1/users', { id: 'pat', name: 'Pat Responder', role: 'responder', slack_user_id: 'UPAT0001' });
  }, 60_000);
  afterAll(async () => {
    await e?.stop();
    await slack?.close();
  });

  it('opens no channel: the room is a thread in the incidents channel, its root mentions on-call, the summary is in the thread', async () => {
    const body = slashCommandBody({ text: 'open checkout card errors in a thread', user: 'UPAT0001', channel: 'CGENERAL', responseUrl: `${slack.origin}/respond/thread` });
    expect((await fetch(`${e.w.url}/slack/events`, { method: 'POST', headers: signedRequest(SECRET, body), body })).status).toBe(200);
    const summary = await until(() => slack.held().find((m) => m.channel === 'CINCIDENTS' && m.thread !== undefined && m.text.includes('card errors in a thread')));
    const root = slack.held().find((m) => m.channel === 'CINCIDENTS' && m.id === summary.thread);
    expect(root?.text).toContain('<@UONCALL1>');
    expect(slack.calls.filter((c) => c.method === 'conversations.create')).toEqual([]);
  });
});

describe('Teams in the product (developer mode, war rooms in a channel)', () => {
  let connector: FakeTeamsConnector;
  let e: Embedded;
  beforeAll(async () => {
    connector = await startFakeTeamsConnector();
    e = await startEmbedded('pglite', { WARROOM_CHAT_TEAMS: 'on', TEAMS_SERVICE_URL: connector.url, TEAMS_INCIDENT_CHANNEL: CHANNEL });
    await e.client().post('/v1/users', { id: 'alice', name: 'Alice', role: 'sre', teams_aad_object_id: 'aad-alice' });
  }, 60_000);
  afterAll(async () => {
    await e?.stop();
    await connector?.close();
  });

  it('answers a command on /api/messages as the mapped user and opens the war room as a reply chain', async () => {
    const activity = {
      type: 'message',
      id: 'act-1',
      timestamp: new Date().toISOString(),
      channelId: 'msteams',
      serviceUrl: connector.url,
      from: { id: '29:alice', aadObjectId: 'aad-alice', name: 'Alice' },
      recipient: { id: '28:warroom-bot', name: 'Warroom' },
      conversation: { id: CHANNEL, conversationType: 'channel', isGroup: true, tenantId: 'tenant-1' },
      channelData: { tenant: { id: 'tenant-1' }, channel: { id: CHANNEL } },
      text: 'warroom open payments card declines spiking',
    };
    const res = await fetch(`${e.w.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) });
    expect(res.status).toBeLessThan(300);
    const held = await connector.waitForMessages(2, 10_000);
    expect(held.some((m) => JSON.stringify(m).includes('Opened incident'))).toBe(true);
    expect((await connector.rooms()).some((r) => r.channel === CHANNEL && r.thread)).toBe(true);
    expect(connector.rejected).toEqual([]);
  });

  it('is not served when WARROOM_CHAT_TEAMS=auto and no app id is set', async () => {
    const off = await startEmbedded('pglite', {});
    try {
      expect((await fetch(`${off.w.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).status).toBe(404);
    } finally {
      await off.stop();
    }
  }, 60_000);
});

describe('Teams in the product with credentials (MicrosoftAppId, a local Bot Framework token service)', () => {
  const APP_ID = '00000000-0000-0000-0000-0000000000c1';
  const APP_PASSWORD = 'product-test-secret';
  let auth: FakeBotFrameworkAuth;
  let connector: FakeTeamsConnector;
  let e: Embedded;
  beforeAll(async () => {
    auth = await startFakeBotFrameworkAuth({ appId: APP_ID, appPassword: APP_PASSWORD });
    connector = await startFakeTeamsConnector({ acceptsToken: (t) => auth.issued.includes(t) });
    e = await startEmbedded('pglite', {
      MicrosoftAppId: APP_ID,
      MicrosoftAppPassword: APP_PASSWORD,
      WARROOM_TEAMS_OPENID_METADATA_URL: auth.openIdMetadataUrl,
      WARROOM_TEAMS_TOKEN_ISSUER: auth.issuer,
      WARROOM_TEAMS_LOGIN_URL: auth.loginUrl,
      TEAMS_SERVICE_URL: connector.url,
      TEAMS_INCIDENT_CHANNEL: CHANNEL,
    });
    await e.client().post('/v1/users', { id: 'alice', name: 'Alice', role: 'sre', teams_aad_object_id: 'aad-alice' });
  }, 60_000);
  afterAll(async () => {
    await e?.stop();
    await connector?.close();
    await auth?.close();
  });

  const activity = (text: string) => ({
    type: 'message',
    id: `act-${text.length}`,
    timestamp: new Date().toISOString(),
    channelId: 'msteams',
    serviceUrl: connector.url,
    from: { id: '29:alice', aadObjectId: 'aad-alice', name: 'Alice' },
    recipient: { id: '28:warroom-bot', name: 'Warroom' },
    conversation: { id: CHANNEL, conversationType: 'channel', isGroup: true, tenantId: 'tenant-1' },
    channelData: { tenant: { id: 'tenant-1' }, channel: { id: CHANNEL } },
    text,
  });
  const post = (body: unknown, token: string) =>
    fetch(`${e.w.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(body) });

  it('refuses a token for another app id (401) and opens nothing', async () => {
    const res = await post(activity('warroom open payments zzforgedzz'), auth.channelToken(connector.url, { claims: { aud: 'someone-else' } }));
    expect(res.status).toBe(401);
    expect(JSON.stringify(connector.calls)).not.toContain('zzforgedzz');
    expect(JSON.stringify((await e.client().get('/v1/incidents')).body)).not.toContain('zzforgedzz');
  });

  it('runs a correctly signed command; the war room opens with the token the bot got from WARROOM_TEAMS_LOGIN_URL', async () => {
    const res = await post(activity('warroom open payments card declines with credentials'), auth.channelToken(connector.url));
    expect(res.status).toBeLessThan(300);
    const held = await connector.waitForMessages(2, 10_000);
    expect(held.some((m) => JSON.stringify(m).includes('Opened incident'))).toBe(true);
    expect(JSON.stringify((await e.client().get('/v1/incidents')).body)).toContain('card declines with credentials');
    expect((await connector.rooms()).some((r) => r.channel === CHANNEL && r.thread)).toBe(true);
    expect(connector.unauthorized).toEqual([]);
    expect(connector.calls.length).toBeGreaterThan(0);
    for (const call of connector.calls) expect(auth.issued.map((t) => `Bearer ${t}`)).toContain(call.authorization);
    expect(connector.rejected).toEqual([]);
  });
});
