/**
 * A whole war room on Teams: the bot core's war rooms (bot/chat/warroom.ts) on the in-process bus
 * and the seeded store post through the TeamsSurface to the local connector, and people act in
 * the room through the real CloudAdapter. The reply chain the surface opened is the room the
 * handler reads back from an activity's conversation id (channel + root), so a command typed in
 * the chain needs no incident id and a click on the room's plan card approves that plan.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OutboxMessage } from '../../core/ports/index.js';
import { createInprocBus, type InprocBus } from '../../bus/index.js';
import { memoryDirectory } from '../chat/memory.js';
import { chatWorld, PEOPLE, type ChatWorld } from '../chat/test-helpers.js';
import { startWarRooms, type WarRooms } from '../chat/warroom.js';
import { CHANNEL, invoke, message, world, type World } from './test-helpers.js';

let cw: ChatWorld;
let bus: InprocBus;
let rooms: WarRooms | undefined;
const relay = (msgs: OutboxMessage[]) => {
  for (const m of msgs) void bus.publish(m.subject, { id: m.id, orgId: m.orgId, payload: m.payload });
};

beforeAll(async () => {
  bus = createInprocBus({ onError: () => undefined });
  cw = await chatWorld({ publishCommitted: (m) => relay(m), directory: memoryDirectory(PEOPLE.map((p) => ({ ...p, teamsAadObjectId: `aad-${p.id}` }))) });
});
afterAll(async () => {
  await rooms?.stop();
  await bus.close();
  await cw.close();
});

const as = (who: string) => ({ from: { id: `29:${who}`, aadObjectId: `aad-${who}`, name: who } });

describe('a war room on Teams', () => {
  it('opens as a reply chain with the summary; a plan typed in the chain lands there; an SRE approves it on the card', async () => {
    const w: World = await world(cw.bot);
    rooms = await startWarRooms({ bus, surface: w.teams.surface, rooms: cw.rooms, orgId: 'o1', org: () => cw.seeded.org, useCaseDeps: cw.deps.useCaseDeps, baseUrl: cw.deps.baseUrl, minSeverity: 'sev2', retryDelayMs: 5 });
    const id = cw.seeded.checkout;
    relay(cw.seeded.published.filter((m) => (m.payload as { incidentId?: string }).incidentId === id));
    await bus.idle();

    const [room] = await w.connector.rooms();
    expect(room).toMatchObject({ surface: 'teams', channel: CHANNEL });
    const chain = `${CHANNEL};messageid=${room.thread}`;
    const inChain = () => w.connector.messages.filter((m) => m.conversationId === chain);
    expect(inChain()[0].activity.attachments[0].content.body[0].text).toMatch(/^War room inc-\d{8}-checkout-[0-9a-f]{4}$/);
    expect((await w.connector.held()).some((m) => m.thread === room.thread && /checkout/i.test(m.text) && m.id !== room.thread)).toBe(true);

    // Rita types in the chain: no incident id, the room's own incident.
    expect((await w.post(message(w.connector, { ...as('rita'), conversation: { id: chain, conversationType: 'channel' }, text: 'warroom plan' }))).status).toBe(200);
    // the reply, wherever it landed among the cards the war room posts for the plan's own event
    const drafted = inChain().map((m) => m.activity.text as string | undefined).find((t) => t && /Fix plan \S+ drafted/.test(t)) ?? '';
    const planId = /Fix plan (\S+) drafted/.exec(drafted)?.[1];
    expect(planId, drafted).toBeTruthy();
    await bus.publish('incident.updated', { id: `ev_plan_${planId}`, orgId: 'o1', payload: { incidentId: id, change: 'plan', planId } });
    await bus.idle();
    const planCard = inChain().find((m) => (m.activity.attachments?.[0]?.content.actions ?? []).some((a: { verb?: string }) => a.verb === 'fix.approve'))!;
    expect(planCard).toBeTruthy();
    const data = planCard.activity.attachments[0].content.actions.find((a: { verb?: string }) => a.verb === 'fix.approve').data;

    // Sam clicks Approve on that card.
    const res = await w.post({ ...invoke(w.connector, data, 'fix.approve'), ...as('sam'), conversation: { id: chain, conversationType: 'channel' }, replyToId: planCard.id });
    expect(res.status).toBe(200);
    expect(JSON.stringify((await res.json()).value)).not.toContain('"verb":"fix.approve"');
    expect((await cw.seeded.org.getFixPlan(planId!))?.status).toBe('dry_run');
    await bus.publish('incident.updated', { id: `ev_ran_${planId}`, orgId: 'o1', payload: { incidentId: id, change: 'plan', planId } });
    await bus.idle();
    expect((await w.connector.held()).filter((m) => m.thread === room.thread && /Outcome/.test(m.text))).toHaveLength(1);
    expect(w.connector.rejected).toEqual([]);
    expect(await w.connector.rooms()).toHaveLength(1);
  });
});
