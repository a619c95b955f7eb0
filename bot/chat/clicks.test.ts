/**
 * Card clicks on the seeded PGlite store: approve runs the plan and answers the plan card and the
 * outcome; every refusal (unmapped, responder, four-eyes, stale, repeated, reject without a
 * reason, an unreadable button) is polite, changes nothing, and is audited like the rest.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ActionPayload, type Card, encodeAction } from '../cards/index.js';
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
const ada = slackUser('UADA');

/** The payload of a card's button. */
function button(card: Card, action: ActionPayload['action']): ActionPayload {
  for (const b of card.blocks) if (b.type === 'actions') for (const x of b.buttons) if (x.action.action === action) return x.action as ActionPayload;
  throw new Error(`no ${action} button on ${card.id}`);
}

/** A fresh plan on the checkout incident, drafted by rita (prod), and its card. */
async function draft(by = rita): Promise<{ planId: string; card: Card }> {
  const r = await w.bot.run({ user: by, text: `plan ${w.seeded.checkout}` });
  return { planId: r.cards[0].id.replace('plan:', ''), card: r.cards[0] };
}

const clickAudits = async (planId: string) => (await w.seeded.org.listAuditFor(`plan:${planId}`)).filter((e) => e.action === 'chat.click');

describe('clicks', () => {
  it('approve: runs the plan (dry run), answers the plan card as it is now and the outcome; audited with both users', async () => {
    const { planId, card } = await draft();
    // a Slack button value is the encoded string
    const r = await w.bot.click({ user: sam, value: encodeAction(button(card, 'fix.approve')) });
    expect(r.ok).toBe(true);
    expect(r.card?.id).toBe(`plan:${planId}`);
    expect(JSON.stringify(r.card)).not.toContain('fix.approve'); // no more buttons
    expect(r.posts.map((c) => c.kind)).toEqual(['outcome']);
    expect(r.posts[0].summary).toMatch(/dry run: nothing changed, approved by sam/);
    expect((await w.seeded.org.getFixPlan(planId))?.status).toBe('dry_run');
    const [audit] = await clickAudits(planId);
    expect(audit).toMatchObject({ actor: 'user:sam', payload: { surface: 'slack', chat_user: 'USAM', user: 'sam', action: 'fix.approve', outcome: 'approved' } });
  });

  it('a repeated click on the same card is refused: the plan is no longer pending', async () => {
    const { planId, card } = await draft();
    const value = button(card, 'fix.approve');
    expect((await w.bot.click({ user: sam, value })).ok).toBe(true);
    const again = await w.bot.click({ user: ada, value });
    expect(again).toMatchObject({ ok: false, posts: [] });
    expect(again.text).toMatch(/already run as a dry run \(decided by sam\); nothing was done/);
    expect(again.card?.id).toBe(`plan:${planId}`);
    expect((await w.seeded.org.listApprovals(planId)).length).toBe(1);
    expect((await clickAudits(planId)).map((e) => e.payload.outcome)).toEqual(['approved', 'refused:repeated']);
  });

  it('a stale click (the card showed another version of the plan) is refused with the current card', async () => {
    const { planId, card } = await draft();
    const value = { ...button(card, 'fix.approve'), version: 'pending_approval@2020-01-01T00:00:00.000Z' };
    const r = await w.bot.click({ user: sam, value });
    expect(r).toMatchObject({ ok: false });
    expect(r.text).toMatch(/out of date/);
    expect(r.card?.id).toBe(`plan:${planId}`);
    expect((await w.seeded.org.getFixPlan(planId))?.status).toBe('pending_approval');
  });

  it('a responder cannot approve; an unmapped person cannot click anything but refresh; both audited', async () => {
    const { planId, card } = await draft();
    const value = button(card, 'fix.approve');
    const byRita = await w.bot.click({ user: rita, value });
    expect(byRita.ok).toBe(false);
    expect(byRita.text).toMatch(/role \(responder\) cannot do that/);
    const byStranger = await w.bot.click({ user: slackUser('UNOBODY'), value });
    expect(byStranger.ok).toBe(false);
    expect(byStranger.text).toMatch(/You are not mapped to a Warroom user/);
    const refresh = await w.bot.click({ user: slackUser('UNOBODY'), value: { ...value, action: 'card.refresh' } });
    expect(refresh).toMatchObject({ ok: true, card: { id: `plan:${planId}` } });
    expect((await w.seeded.org.getFixPlan(planId))?.status).toBe('pending_approval');
    const audits = await clickAudits(planId);
    expect(audits.map((e) => [e.actor, e.payload.user, e.payload.outcome])).toEqual([
      ['user:rita', 'rita', 'refused:forbidden'],
      ['chat:slack:UNOBODY', null, 'refused:unmapped'],
      ['chat:slack:UNOBODY', null, 'refreshed'],
    ]);
  });

  it('four-eyes: the requester of a prod plan cannot approve it (the use case refuses, said politely)', async () => {
    const { planId, card } = await draft(sam);
    const r = await w.bot.click({ user: sam, value: button(card, 'fix.approve') });
    expect(r.ok).toBe(false);
    expect(r.text).toMatch(/^Sorry, you can't approve the plan: Four-eyes rule/);
    expect((await w.seeded.org.getFixPlan(planId))?.status).toBe('pending_approval');
    expect((await clickAudits(planId)).map((e) => e.payload.outcome)).toEqual(['refused:forbidden']);
  });

  it('reject asks for a reason, then rejects with it', async () => {
    const { planId, card } = await draft();
    const value = button(card, 'fix.reject');
    const bare = await w.bot.click({ user: sam, value, inputs: { reason: '   ' } });
    expect(bare).toMatchObject({ ok: false });
    expect(bare.text).toMatch(/give a reason/);
    expect((await w.seeded.org.getFixPlan(planId))?.status).toBe('pending_approval');
    // Teams merges the inputs into data: the payload is still read
    const r = await w.bot.click({ user: sam, value: { ...value, reason: 'ignored here' }, inputs: { reason: 'rolling back hides the bug' } });
    expect(r.ok).toBe(true);
    expect(r.card?.summary).toMatch(/rejected/);
    expect((await w.seeded.org.listApprovals(planId))[0]).toMatchObject({ decision: 'reject', reason: 'rolling back hides the bug' });
  });

  it('an unreadable button is refused and audited', async () => {
    const r = await w.bot.click({ user: sam, value: '{"v":2}' });
    expect(r).toMatchObject({ ok: false, posts: [] });
    expect(r.text).toMatch(/could not be read/);
    const last = (await w.seeded.org.listAuditFor('chat:slack')).at(-1);
    expect(last).toMatchObject({ action: 'chat.click', payload: { outcome: 'refused:invalid', chat_user: 'USAM' } });
  });

  it('the summary card’s buttons: draft a fix plan (posted), analyze; stale once the incident moved on', async () => {
    const opened = await w.bot.run({ user: rita, text: 'open cart cart empty' });
    const summary = opened.cards[0];
    const plan = await w.bot.click({ user: rita, value: button(summary, 'fix.plan') });
    expect(plan.ok).toBe(true);
    expect(plan.posts.map((c) => c.kind)).toEqual(['fix_plan']);
    const id = summary.id.replace('summary:', '');
    await w.bot.run({ user: rita, text: `resolve ${id}` });
    const stale = await w.bot.click({ user: rita, value: button(summary, 'incident.analyze') });
    expect(stale.ok).toBe(false);
    expect(stale.text).toMatch(/out of date: the incident is resolved now/);
    expect(stale.card?.id).toBe(summary.id);
  });
});
