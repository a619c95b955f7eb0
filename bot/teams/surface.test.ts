/**
 * The Teams surface against a local Bot Framework connector (test-support/fake-teams-connector.ts)
 * through the real CloudAdapter in developer mode: the shared ChatSurface contract, plus what is
 * Teams' own — a war room is a reply chain in the incidents channel, outbound calls carry no
 * token without an app id, and every activity sent passes the connector's checks.
 */
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_SECRET_MASKS, maskSecrets } from '../../detectors/secrets.js';
import { incidentSummaryCard } from '../cards/index.js';
import { chatSurfaceContract, contractIncident } from '../chat/surface.contract.js';
import type { ChatBot } from '../chat/types.js';
import { startFakeTeamsConnector, type FakeTeamsConnector } from '../../test-support/fake-teams-connector.js';
import { createTeams } from './index.js';

const CHANNEL = '19:incidents0123456789@thread.tacv2';
const mask = (t: string) => maskSecrets(t, DEFAULT_SECRET_MASKS);
const idleBot: ChatBot = {
  parse: () => ({ ok: false, reply: 'usage' }),
  run: async () => ({ text: '', cards: [] }),
  click: async () => ({ ok: false, text: 'no', posts: [] }),
  help: () => 'help',
};

async function harness(): Promise<{ connector: FakeTeamsConnector; teams: ReturnType<typeof createTeams> }> {
  const connector = await startFakeTeamsConnector();
  const teams = createTeams({ bot: idleBot, serviceUrl: connector.url, incidentChannel: CHANNEL, mask, logger: pino({ level: 'silent' }) });
  return { connector, teams };
}

chatSurfaceContract('teams', async () => {
  const { connector, teams } = await harness();
  return {
    surface: teams.surface,
    held: async () => {
      expect(connector.rejected).toEqual([]);
      return connector.held();
    },
    rooms: () => connector.rooms(),
    close: async () => {
      await teams.stop();
      await connector.close();
    },
  };
});

describe('the Teams surface', () => {
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await close?.();
    close = undefined;
  });

  it('opens a war room as a reply chain in the incidents channel, replies in it, and sends no token in developer mode', async () => {
    const { connector, teams } = await harness();
    close = () => connector.close();
    const inc = contractIncident({ title: 'checkout down password=hunter2' });
    const room = await teams.surface.openRoom({ incident: inc, name: 'inc-20261207-checkout-7f3a', topic: inc.title });
    expect(room.channel).toBe(CHANNEL);
    expect(room.thread).toMatch(/^\d+$/);
    const create = connector.calls.find((c) => c.method === 'POST' && c.path === '/v3/conversations');
    expect(create?.body).toMatchObject({ isGroup: true, channelData: { channel: { id: CHANNEL } } });
    const msg = await teams.surface.post(room, incidentSummaryCard({ incident: inc, baseUrl: 'http://127.0.0.1:3000', now: new Date('2026-12-07T10:05:00Z') }));
    const posted = connector.messages.find((m) => m.id === msg.id);
    expect(posted?.conversationId).toBe(`${CHANNEL};messageid=${room.thread}`);
    expect(posted?.activity.attachments[0].content.type).toBe('AdaptiveCard');
    // The posting path names the chain's conversation id URL-encoded; the connector decoded it.
    expect(connector.calls.some((c) => c.path.includes(encodeURIComponent(`;messageid=${room.thread}`)))).toBe(true);
    expect(connector.calls.every((c) => c.authorization === undefined)).toBe(true);
    expect(JSON.stringify(connector.messages)).not.toContain('hunter2');
    expect(connector.rejected).toEqual([]);
  });

  it('refuses to open a war room without a service URL and incidents channel, saying which settings are missing', async () => {
    const teams = createTeams({ bot: idleBot, mask, logger: pino({ level: 'silent' }) });
    await expect(teams.surface.openRoom({ incident: contractIncident(), name: 'x', topic: 'y' })).rejects.toThrow(/TEAMS_SERVICE_URL.*TEAMS_INCIDENT_CHANNEL/);
  });

  it('finds a user\'s email in the roster, once, and answers undefined for a stranger', async () => {
    const { connector, teams } = await harness();
    close = () => connector.close();
    connector.members.push({ id: '29:alice', aadObjectId: 'aad-alice', name: 'Alice', email: 'alice@example.com' });
    expect(await teams.surface.emailOf?.('aad-alice')).toBe('alice@example.com');
    expect(await teams.surface.emailOf?.('aad-alice')).toBe('alice@example.com');
    expect(connector.calls.filter((c) => c.method === 'GET').length).toBe(1);
    expect(await teams.surface.emailOf?.('aad-nobody')).toBeUndefined();
  });
});
