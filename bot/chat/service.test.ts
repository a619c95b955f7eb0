/**
 * The ChatBot's commands end to end on the seeded PGlite store: each command's happy path and
 * usage error, the incident defaulting to the room's own, and who may do what (an unmapped person
 * reads but does not act; a viewer cannot open; a responder cannot approve).
 */
import { MemorySaver } from '@langchain/langgraph';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAgent } from '../../agent/index.js';
import { defaultRegistry } from '../../tools/index.js';
import { chatWorld, slackUser, type ChatWorld } from './test-helpers.js';

let w: ChatWorld;
beforeAll(async () => {
  w = await chatWorld();
});
afterAll(async () => {
  await w.close();
});

const rita = slackUser('URITA');
const sam = slackUser('USAM');
const stranger = slackUser('UNOBODY');

describe('commands', () => {
  it('help lists the commands, privately', async () => {
    const r = await w.bot.run({ user: stranger, text: 'help' });
    expect(r.private).toBe(true);
    expect(r.text).toContain('approve PLAN');
    expect(w.bot.help()).toBe(r.text);
  });

  it('a usage error answers with the usage and does nothing', async () => {
    const before = w.seeded.published.length;
    const r = await w.bot.run({ user: rita, text: 'open checkout' });
    expect(r).toMatchObject({ private: true, cards: [] });
    expect(r.text).toMatch(/Usage: open SERVICE TITLE/);
    expect(w.seeded.published.length).toBe(before);
  });

  it('open: a responder opens an incident and gets its summary card', async () => {
    const r = await w.bot.run({ user: rita, text: 'open payments card declines spiking' });
    expect(r.text).toMatch(/^Opened incident \S+ on payments: card declines spiking/);
    expect(r.cards.map((c) => c.kind)).toEqual(['incident_summary']);
    const id = r.cards[0].id.replace('summary:', '');
    const inc = await w.seeded.org.getIncident(id);
    expect(inc).toMatchObject({ service: 'payments', openedBy: 'user:rita', severity: 'sev3' });
    expect(w.seeded.published.some((m) => m.subject === 'incident.updated' && (m.payload as { incidentId: string }).incidentId === id)).toBe(true);
  });

  it('status names an incident, or defaults to the room’s own; outside a room without one it asks which', async () => {
    const named = await w.bot.run({ user: rita, text: `status ${w.seeded.checkout}` });
    expect(named.cards[0].id).toBe(`summary:${w.seeded.checkout}`);
    // the top hypothesis of the stored ones is on the summary
    expect(JSON.stringify(named.cards[0])).toContain('null-pointer bug in PaymentClient');

    const where = { surface: 'slack' as const, channel: 'CROOM1' };
    await w.rooms.claimRoom(w.seeded.search, 'slack', new Date(), 60_000);
    await w.rooms.saveRoom(w.seeded.search, where, new Date());
    const inRoom = await w.bot.run({ user: rita, text: 'status', where });
    expect(inRoom.cards[0].id).toBe(`summary:${w.seeded.search}`);

    const lost = await w.bot.run({ user: rita, text: 'status', where: { surface: 'slack', channel: 'CELSEWHERE' } });
    expect(lost).toMatchObject({ private: true, cards: [] });
    expect(lost.text).toMatch(/Which incident\?[\s\S]*Usage: status \[INCIDENT\]/);
  });

  it('an unknown incident gets a clear answer', async () => {
    const r = await w.bot.run({ user: rita, text: 'status inc_nope' });
    expect(r.text).toBe('No incident inc_nope.');
  });

  it('an unmapped person can read (status, timeline) but not act', async () => {
    expect((await w.bot.run({ user: stranger, text: `status ${w.seeded.checkout}` })).cards).toHaveLength(1);
    const t = await w.bot.run({ user: stranger, text: `timeline ${w.seeded.checkout}` });
    expect(t.text).toMatch(/^Timeline of /);
    expect(t.text).toMatch(/hypothesis · #1 The checkout v42 deploy/);
    // evidence sits at the time of what it saw, and says when it was recorded
    expect(t.text).toMatch(/\n2026-03-01 09:40:00 · evidence · change: deploy checkout v42 at 09:40 \(recorded \d\d:\d\d:\d\d\)\n/);
    for (const text of ['open checkout it broke', `plan ${w.seeded.checkout}`, `analyze ${w.seeded.checkout}`, `resolve ${w.seeded.checkout}`, 'approve fp_1']) {
      const r = await w.bot.run({ user: stranger, text });
      expect(r.text, text).toMatch(/You are not mapped to a Warroom user[\s\S]*POST \/v1\/users[\s\S]*"slack_user_id": "UNOBODY"/);
    }
  });

  it('an unmapped person whose email the surface tells is matched to their user, unless that user is mapped to another account there', async () => {
    const emails: Record<string, string> = { UNEW: 'TINA@example.com', UIMPOSTOR: 'rita@example.com' };
    const other = await chatWorld({ surfaces: { slack: { emailOf: async (id) => emails[id] } } });
    try {
      const r = await other.bot.run({ user: slackUser('UNEW'), text: 'open search results empty' });
      expect(r.text).toMatch(/^Opened incident/);
      // rita is URITA on Slack: another account with her address is not rita
      expect((await other.bot.run({ user: slackUser('UIMPOSTOR'), text: 'open search again' })).text).toMatch(/not mapped to a Warroom user/);
    } finally {
      await other.close();
    }
  });

  it('a viewer cannot open; a responder cannot approve', async () => {
    expect((await w.bot.run({ user: slackUser('UVERA'), text: 'open checkout x y' })).text).toMatch(/role \(viewer\) cannot do that: it needs the "plan" permission/);
    expect((await w.bot.run({ user: rita, text: 'approve fp_1' })).text).toMatch(/role \(responder\) cannot do that: it needs the "approve" permission, which sre and admin have/);
  });

  it('roles: a viewer reads only; a responder opens, analyzes and plans but does not approve; an admin approves', async () => {
    const vera = slackUser('UVERA');
    const ada = slackUser('UADA');
    expect((await w.bot.run({ user: vera, text: `status ${w.seeded.checkout}` })).cards.map((c) => c.kind)).toEqual(['incident_summary']);
    for (const text of [`analyze ${w.seeded.checkout}`, `plan ${w.seeded.checkout}`, `resolve ${w.seeded.checkout}`]) {
      expect((await w.bot.run({ user: vera, text })).text, text).toMatch(/role \(viewer\) cannot do that: it needs the "plan" permission/);
    }
    const opened = await w.bot.run({ user: rita, text: 'open search no results for rita' });
    const id = opened.cards[0].id.replace('summary:', '');
    expect((await w.bot.run({ user: rita, text: `analyze ${id}` })).text).toMatch(/^Analysis done/);
    const p = await w.bot.run({ user: rita, text: `plan ${id}` });
    const planId = p.cards[0].id.replace('plan:', '');
    expect((await w.bot.run({ user: rita, text: `reject ${planId} not mine to decide` })).text).toMatch(/role \(responder\) cannot do that: it needs the "approve" permission/);
    const a = await w.bot.run({ user: ada, text: `approve ${planId}` });
    expect(a.text).toMatch(/approved by ada/);
    expect((await w.seeded.org.listApprovals(planId)).map((x) => [x.approver, x.decision])).toEqual([['ada', 'approve']]);
  });

  it('plan drafts a plan pending approval; approve by another person runs it (dry run) with an outcome card', async () => {
    const p = await w.bot.run({ user: rita, text: `plan ${w.seeded.checkout}` });
    expect(p.cards.map((c) => c.kind)).toEqual(['fix_plan']);
    const planId = p.cards[0].id.replace('plan:', '');
    expect((await w.seeded.org.getFixPlan(planId))?.status).toBe('pending_approval');
    expect(JSON.stringify(p.cards[0])).toContain('fix.approve');

    const a = await w.bot.run({ user: sam, text: `approve ${planId}` });
    expect(a.cards.map((c) => c.kind)).toEqual(['fix_plan', 'outcome']);
    expect(a.text).toMatch(/dry run: nothing changed, approved by sam/);
    expect((await w.seeded.org.getFixPlan(planId))?.status).toBe('dry_run');

    const again = await w.bot.run({ user: sam, text: `approve ${planId}` });
    expect(again.text).toMatch(/^Sorry, nothing was done: The plan is dry_run/);
  });

  it('the requester cannot approve their own prod plan (four-eyes), said politely', async () => {
    const p = await w.bot.run({ user: sam, text: `plan ${w.seeded.checkout}` });
    const planId = p.cards[0].id.replace('plan:', '');
    const r = await w.bot.run({ user: sam, text: `approve ${planId}` });
    expect(r.text).toMatch(/^Sorry, you can't approve the plan: Four-eyes rule/);
    expect((await w.seeded.org.getFixPlan(planId))?.status).toBe('pending_approval');
  });

  it('reject needs a reason and records it', async () => {
    const p = await w.bot.run({ user: rita, text: `plan ${w.seeded.checkout}` });
    const planId = p.cards[0].id.replace('plan:', '');
    expect((await w.bot.run({ user: sam, text: `reject ${planId}` })).text).toMatch(/Say why/);
    const r = await w.bot.run({ user: sam, text: `reject ${planId} wrong service, password=hunter2` });
    expect(r.text).toMatch(/^Plan \S+ rejected: wrong service/);
    expect(r.text).not.toContain('hunter2');
    expect((await w.seeded.org.listApprovals(planId))[0]).toMatchObject({ decision: 'reject', approver: 'sam' });
  });

  it('analyze runs the analysis of the named incident', async () => {
    const r = await w.bot.run({ user: rita, text: `analyze ${w.seeded.search}` });
    expect(r.text).toMatch(/^Analysis done/);
    expect(await w.seeded.org.latestAnalysis(w.seeded.search)).not.toBeNull();
  });

  it('resolve and close move the incident; a closed incident stays closed', async () => {
    const opened = await w.bot.run({ user: rita, text: 'open cart cart empty' });
    const id = opened.cards[0].id.replace('summary:', '');
    expect((await w.bot.run({ user: rita, text: `resolve ${id}` })).text).toBe(`Incident ${id} is resolved.`);
    expect((await w.bot.run({ user: rita, text: `close ${id}` })).text).toBe(`Incident ${id} is closed.`);
    expect((await w.bot.run({ user: rita, text: `resolve ${id}` })).text).toMatch(/^Sorry, nothing was done: Incident \S+ is closed/);
  });

  it('ask says the agent is starting while there is none', async () => {
    const r = await w.bot.run({ user: rita, text: 'ask what broke?' });
    expect(r).toMatchObject({ private: true, text: 'The agent is starting; ask again in a moment.' });
    // a mention that is not a command is a question too
    expect((await w.bot.run({ user: rita, text: 'what broke?', mention: true })).text).toBe('The agent is starting; ask again in a moment.');
  });

  it('ask: the agent (deterministic planner) answers about the room’s incident, with sources, secrets masked', async () => {
    const agent = createAgent({ registry: defaultRegistry(), checkpointer: new MemorySaver(), kb: w.seeded.kb });
    const other = await chatWorld({ agent: () => agent });
    try {
      const where = { surface: 'slack' as const, channel: 'CASK' };
      await other.rooms.claimRoom(other.seeded.checkout, 'slack', new Date(), 60_000);
      await other.rooms.saveRoom(other.seeded.checkout, where, new Date());
      const r = await other.bot.run({ user: slackUser('UNOBODY'), text: 'why is it failing? db password=hunter2-Very-Secret-77', mention: true, where });
      expect(r.private).toBeUndefined();
      expect(r.text).toMatch(/v42/);
      expect(r.text).toMatch(/Sources:/);
      expect(r.text).not.toContain('hunter2-Very-Secret-77');
    } finally {
      await other.close();
    }
  });
});
