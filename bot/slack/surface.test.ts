/**
 * The Slack surface against the local Web API server (which checks token, method, channel and
 * the blocks' limits): the ChatSurface contract as a channel per incident and as threads in an
 * incidents channel, plus what is Slack's own — channel names, topic and invites, masking,
 * a 429 honoured, a failing invite not failing the room.
 */
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../core/clock.js';
import { startFakeSlack, type FakeSlack } from '../../test-support/fake-slack.js';
import { chatSurfaceContract, contractIncident } from '../chat/surface.contract.js';
import { channelName, slackSurface } from './surface.js';
import { slackUsers } from './users.js';
import { slackWebClient } from './web.js';

const logger = pino({ level: 'silent' });
const mask = (t: string) => t.replace(/sk-[A-Za-z0-9]+/g, '[masked]');

function surfaceOn(fake: FakeSlack, o: { incidentChannel?: string; oncallUsers?: string[] } = {}) {
  const web = slackWebClient({ token: fake.token, apiUrl: fake.apiUrl, logger, retries: 2 });
  return slackSurface({ web, mask, logger, oncallUsers: o.oncallUsers ?? ['U_ONCALL1', 'U_ONCALL2'], incidentChannel: o.incidentChannel, users: slackUsers(web, { logger, clock: systemClock }) });
}

chatSurfaceContract('slack channel', async () => {
  const fake = await startFakeSlack();
  return {
    surface: surfaceOn(fake),
    held: async () => fake.held(),
    rooms: async () => [...fake.channels.values()].map((c) => ({ surface: 'slack' as const, channel: c.id })),
    close: () => fake.close(),
  };
});

chatSurfaceContract('slack thread', async () => {
  const fake = await startFakeSlack({ channels: ['C_INCIDENTS'] });
  return {
    surface: surfaceOn(fake, { incidentChannel: 'C_INCIDENTS' }),
    held: async () => fake.held(),
    rooms: async () => fake.held().filter((m) => !m.thread).map((m) => ({ surface: 'slack' as const, channel: m.channel, thread: m.id })),
    close: () => fake.close(),
  };
});

describe('slack surface', () => {
  let fake: FakeSlack;
  afterEach(() => fake?.close());

  it('makes any suggested name a valid channel name within 80 characters', () => {
    expect(channelName('INC 2026/12/07 Checkout: 5xx!')).toBe('inc-2026-12-07-checkout-5xx');
    expect(channelName('x'.repeat(200), '-2')).toHaveLength(80);
    expect(channelName('x'.repeat(200), '-2').endsWith('-2')).toBe(true);
    expect(channelName('🚒🚒')).toBe('incident');
  });

  it('opens a channel with the masked topic and invites on-call; a clash gets the incident id as suffix', async () => {
    fake = await startFakeSlack();
    const s = surfaceOn(fake);
    const inc = contractIncident({ id: 'inc_01HZ7F3A' });
    const a = await s.openRoom({ incident: inc, name: 'inc-20261207-checkout', topic: 'checkout down, key sk-abc123' });
    const b = await s.openRoom({ incident: inc, name: 'inc-20261207-checkout', topic: 'again' });
    expect(fake.channels.get(a.channel)).toMatchObject({ name: 'inc-20261207-checkout', topic: 'checkout down, key [masked]' });
    expect(fake.channels.get(a.channel)?.members).toEqual(expect.arrayContaining(['U_ONCALL1', 'U_ONCALL2']));
    expect(fake.channels.get(b.channel)?.name).toBe('inc-20261207-checkout-7f3a');
    expect(fake.calls.filter((c) => c.method === 'conversations.create').map((c) => c.error ?? 'ok')).toEqual(['ok', 'name_taken', 'ok']);
  });

  it('keeps the room when the invite fails (a person left the workspace)', async () => {
    fake = await startFakeSlack();
    fake.failNext('conversations.invite', 'user_not_found');
    const room = await surfaceOn(fake).openRoom({ incident: contractIncident(), name: 'inc-x', topic: 't' });
    expect(fake.channels.has(room.channel)).toBe(true);
  });

  it('mentions on-call in the root message of a thread room', async () => {
    fake = await startFakeSlack({ channels: ['C_INCIDENTS'] });
    const room = await surfaceOn(fake, { incidentChannel: 'C_INCIDENTS' }).openRoom({ incident: contractIncident(), name: 'inc-x', topic: 'checkout <down>' });
    const root = fake.held().find((m) => m.id === room.thread);
    expect(root?.text).toContain('<@U_ONCALL1> <@U_ONCALL2>');
    expect(root?.text).toContain('checkout &lt;down&gt;');
  });

  it('masks and escapes what it says', async () => {
    fake = await startFakeSlack({ channels: ['C1'] });
    const said = await surfaceOn(fake).say({ surface: 'slack', channel: 'C1' }, 'token sk-SECRET1 <!channel>');
    expect(fake.held().find((m) => m.id === said.id)?.text).toBe('token [masked] &lt;!channel&gt;');
  });

  it('waits out a 429 (Retry-After) and retries, posting once', async () => {
    fake = await startFakeSlack({ channels: ['C1'] });
    fake.rateLimitNext('chat.postMessage', 1);
    const started = Date.now();
    const said = await surfaceOn(fake).say({ surface: 'slack', channel: 'C1' }, 'after the limit');
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(fake.calls.filter((c) => c.method === 'chat.postMessage').map((c) => c.status)).toEqual([429, 200]);
    expect(fake.held().map((m) => m.id)).toEqual([said.id]);
  });

  it('fails a post to a channel that does not exist with the Slack error', async () => {
    fake = await startFakeSlack();
    await expect(surfaceOn(fake).say({ surface: 'slack', channel: 'C_GONE' }, 'x')).rejects.toThrow(/channel_not_found/);
  });

  it('finds a user email with users.info, once', async () => {
    fake = await startFakeSlack({ users: [{ id: 'U_ALICE', name: 'alice', email: 'alice@example.com' }] });
    const s = surfaceOn(fake);
    expect(await s.emailOf?.('U_ALICE')).toBe('alice@example.com');
    expect(await s.emailOf?.('U_ALICE')).toBe('alice@example.com');
    expect(await s.emailOf?.('U_NOBODY')).toBeUndefined();
    expect(fake.calls.filter((c) => c.method === 'users.info')).toHaveLength(2);
  });
});
