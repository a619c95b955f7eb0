/**
 * Test helpers of the Teams bot: createTeams' router in an express server on 127.0.0.1 port 0,
 * answering through the local connector (test-support/fake-teams-connector.ts), and activities
 * shaped as the Bot Connector delivers them from a Teams channel reply chain.
 */
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import pino from 'pino';
import { afterEach } from 'vitest';
import { DEFAULT_SECRET_MASKS, maskSecrets } from '../../detectors/secrets.js';
import type { ChatBot } from '../chat/types.js';
import { startFakeTeamsConnector, type FakeTeamsConnector, type FakeTeamsConnectorOptions } from '../../test-support/fake-teams-connector.js';
import { createTeams, type TeamsOptions } from './index.js';

export const CHANNEL = '19:incidents0123456789@thread.tacv2';
export const CHAIN = `${CHANNEL};messageid=1765000000042`;
export const mask = (t: string) => maskSecrets(t, DEFAULT_SECRET_MASKS);

export interface World {
  connector: FakeTeamsConnector;
  url: string;
  teams: ReturnType<typeof createTeams>;
  post(body: unknown, headers?: Record<string, string>): Promise<Response>;
}

// Each world is torn down after its test (the hook registers in the test file importing this).
let closing: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of closing.reverse()) await c();
  closing = [];
});

export async function world(bot: ChatBot, over: Partial<TeamsOptions> = {}, connectorOpts: FakeTeamsConnectorOptions = {}): Promise<World> {
  const connector = await startFakeTeamsConnector(connectorOpts);
  connector.members.push({ id: '29:alice', aadObjectId: 'aad-alice', name: 'Alice', email: 'alice@example.com' });
  const teams = createTeams({ bot, serviceUrl: connector.url, incidentChannel: CHANNEL, mask, logger: pino({ level: 'silent' }), ...over });
  const app = express();
  app.use(teams.router);
  const server: Server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/messages`;
  closing.push(async () => {
    await teams.stop();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    await connector.close();
  });
  const post = (body: unknown, headers: Record<string, string> = {}) =>
    fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  return { connector, url, teams, post };
}

let seq = 0;
/** A Teams channel message in a war room's reply chain, as the Bot Connector delivers it. */
export function message(connector: FakeTeamsConnector, over: Record<string, unknown> = {}) {
  return {
    type: 'message',
    id: `act-${++seq}`,
    timestamp: '2026-12-07T10:06:00.000Z',
    channelId: 'msteams',
    serviceUrl: connector.url,
    from: { id: '29:alice', aadObjectId: 'aad-alice', name: 'Alice' },
    recipient: { id: '28:warroom-bot', name: 'Warroom' },
    conversation: { id: CHAIN, conversationType: 'channel', isGroup: true, tenantId: 'tenant-1' },
    channelData: { tenant: { id: 'tenant-1' }, channel: { id: CHANNEL }, team: { id: '19:team@thread.tacv2' } },
    text: 'warroom status inc_1',
    ...over,
  };
}

export const invoke = (connector: FakeTeamsConnector, data: Record<string, unknown>, verb = String(data.action)) =>
  message(connector, { type: 'invoke', name: 'adaptiveCard/action', text: undefined, replyToId: '1765000000043', value: { action: { type: 'Action.Execute', id: 'btn', verb, data }, trigger: 'manual' } });

