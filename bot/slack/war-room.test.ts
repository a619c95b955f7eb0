/**
 * A war room on Slack, end to end: `/warroom open` through the signed Bolt app, the bot core on
 * the seeded PGlite store, `incident.updated` on the in-process bus, the core's war rooms posting
 * on the Slack surface against the local Web API. Measures the target "war room opened and
 * summary posted < 2 s after the incident opens" (printed, not asserted); then the room works as a room: a command in the
 * channel defaults to its incident, and the plan card the room receives is approved in place.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createInprocBus, type InprocBus } from '../../bus/index.js';
import type { OutboxMessage } from '../../core/ports/index.js';
import { blockActionBody, slashCommandBody } from '../../test-support/slack-requests.js';
import { startSlackHarness, type SlackHarness } from '../../test-support/slack-harness.js';
import { chatWorld, type ChatWorld } from '../chat/test-helpers.js';
import { startWarRooms, type WarRooms } from '../chat/warroom.js';

let bus: InprocBus;
let w: ChatWorld;
let h: SlackHarness;
let rooms: WarRooms;
const relay = (msgs: OutboxMessage[]) => {
  for (const m of msgs) void bus.publish(m.subject, { id: m.id, orgId: m.orgId, payload: m.payload });
};

beforeAll(async () => {
  bus = createInprocBus({ onError: () => undefined });
  w = await chatWorld({ publishCommitted: (m) => relay(m) });
  h = await startSlackHarness({
    users: [
      { id: 'URITA', name: 'rita', email: 'rita@example.com' },
      { id: 'USAM', name: 'sam', email: 'sam@example.com' },
    ],
    slack: { bot: w.bot, oncallUsers: ['USAM'] },
  });
  rooms = await startWarRooms({ bus, surface: h.slack.surface, rooms: w.rooms, orgId: 'o1', org: () => w.seeded.org, useCaseDeps: w.deps.useCaseDeps, baseUrl: w.deps.baseUrl, minSeverity: 'sev2', retryDelayMs: 5 });
});
afterAll(async () => {
  await rooms?.stop();
  await h?.close();
  await bus?.close();
  await w?.close();
});

async function until<T>(what: string, f: () => T | undefined | Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/* eslint-disable @typescript-eslint/no-explicit-any -- reading Block Kit JSON back from the fake */
const buttonOf = (blocks: any[] | undefined, id: string) => blocks?.flatMap((b) => (b.type === 'actions' ? b.elements : [])).find((e: any) => e.action_id === id);

it('opens the war room channel with its summary on /warroom open (time printed), and the room then works as one', async () => {
  const started = performance.now();
  const ack = await h.send(slashCommandBody({ text: 'open payments card declines spiking', user: 'URITA', responseUrl: `${h.fake.origin}/respond/open` }));
  expect(ack.status).toBe(200);
  const channel = await until('the war-room channel', () => [...h.fake.channels.values()].find((c) => c.name.includes('payments')));
  const incidentId = await until('the room in the registry', async () => (await w.rooms.roomAt({ surface: 'slack', channel: channel.id }))?.incidentId);
  const room = { ...channel, incidentId };
  const summary = await until('the summary in the room', () => h.fake.held().find((m) => m.channel === room.id && m.text.includes('card declines spiking')));
  // the < 2 s target is measured and printed below, not asserted: this machine is shared
  const openMs = performance.now() - started;
  expect(room.name).toMatch(/^inc-\d{8}-payments-[0-9a-f]{4}$/);
  expect(room.members).toContain('USAM');
  expect(room.topic).toContain('card declines spiking');

  // In the room, a command needs no incident id; the plan card arrives through the war room.
  await h.send(slashCommandBody({ text: 'plan', user: 'URITA', channel: room.id, responseUrl: `${h.fake.origin}/respond/plan` }));
  const drafted = await until('the plan reply text', () => h.fake.held().find((m) => m.channel === room.id && /^Fix plan \S+ drafted/.test(m.text)));
  const planId = /^Fix plan (\S+) drafted/.exec(drafted.text)![1];
  // the plan's own incident.updated (usecases/fix.ts, relayed to the bus) brings the card: nothing is published by hand
  expect(planId).toBeTruthy();
  const planMsg = await until('the plan card in the room', () => h.fake.messages.find((m) => m.channel === room.id && buttonOf(m.blocks, 'fix.approve')));
  expect(h.fake.messages.filter((m) => m.channel === room.id && buttonOf(m.blocks, 'fix.approve'))).toHaveLength(1); // posted once, by the room

  await h.send(blockActionBody({ user: 'USAM', value: buttonOf(planMsg.blocks, 'fix.approve').value, actionId: 'fix.approve', ts: planMsg.ts, channel: room.id, responseUrl: `${h.fake.origin}/respond/approve` }));
  await until('the plan card updated in place', () => (buttonOf(h.fake.messages.find((m) => m.ts === planMsg.ts)?.blocks, 'fix.approve') ? undefined : true));
  await until('the outcome in the room', () => h.fake.held().find((m) => m.channel === room.id && /approved by sam/.test(m.text)));
  expect(h.fake.calls.filter((c) => !c.ok && c.method !== 'users.info').map((c) => `${c.method}: ${c.error}`)).toEqual([]);
  process.stdout.write(`slack war room: opened with its summary ${Math.round(openMs)} ms after /warroom open (summary ts ${summary.id})\n`);
});
