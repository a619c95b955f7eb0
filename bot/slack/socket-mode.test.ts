/**
 * Socket Mode (SLACK_APP_TOKEN): the app opens its connection with apps.connections.open on the
 * local Web API, connects to the local WebSocket server, and answers envelopes the way it answers
 * HTTP requests — the ack payload is the acknowledgement (a usage error is it), the reply is
 * posted after. A refused app token is logged, not thrown.
 */
import pino from 'pino';
import { afterEach, expect, it } from 'vitest';
import { startFakeSlack, type FakeSlack } from '../../test-support/fake-slack.js';
import { startFakeSocketMode, type FakeSocketMode } from '../../test-support/fake-slack-socket.js';
import { fakeChatBot } from '../../test-support/slack-harness.js';
import { createSlack, type Slack } from './index.js';

let fake: FakeSlack;
let socket: FakeSocketMode;
let slack: Slack | undefined;
afterEach(async () => {
  await slack?.stop();
  await socket?.close();
  await fake?.close();
  slack = undefined;
});

const command = (text: string) => ({
  token: 'legacy',
  team_id: 'T0001',
  team_domain: 'fake',
  channel_id: 'C_INCIDENTS',
  channel_name: 'incidents',
  user_id: 'U_ALICE',
  user_name: 'alice',
  command: '/warroom',
  text,
  api_app_id: 'A0001',
  is_enterprise_install: 'false',
  response_url: `${fake.origin}/respond/socket`,
  trigger_id: 'trigger.socket',
});

async function connect(appToken = 'xapp-test') {
  socket = await startFakeSocketMode();
  fake = await startFakeSlack({ channels: ['C_INCIDENTS'], users: [{ id: 'U_ALICE', name: 'alice', email: 'alice@example.com' }], appToken: 'xapp-test', socketUrl: socket.url });
  const bot = fakeChatBot();
  slack = createSlack({ bot, botToken: fake.token, appToken, apiUrl: fake.apiUrl, oncallUsers: [], mask: (t) => t, logger: pino({ level: 'silent' }), retries: 0 });
  return bot;
}

it('connects over Socket Mode and answers a slash command: the ack first, the reply after', async () => {
  const bot = await connect();
  await slack!.start();
  await socket.connected();
  expect(fake.calls.filter((c) => c.method === 'apps.connections.open').map((c) => c.ok)).toEqual([true]);
  expect(slack!.router.stack).toHaveLength(0); // no HTTP endpoint in Socket Mode

  const usage = await socket.send('slash_commands', command('bogus'));
  expect(usage.payload).toMatchObject({ response_type: 'ephemeral', text: expect.stringContaining('Usage:') });

  const ack = await socket.send('slash_commands', command('status inc_1'));
  expect(ack.payload).toMatchObject({ response_type: 'ephemeral', text: expect.stringContaining('Working on /warroom status inc_1') });
  await fake.waitFor('chat.postMessage');
  expect(bot.runs.map((r) => r.text)).toEqual(['status inc_1']);
  expect(fake.held()[0].text).toBe('You said: status inc_1');
});

it('a refused app token is logged by start(), never thrown', async () => {
  await connect('xapp-wrong');
  await expect(slack!.start()).resolves.toBeUndefined();
  expect(fake.calls.filter((c) => c.method === 'apps.connections.open').map((c) => c.error)).toContain('invalid_auth');
});
