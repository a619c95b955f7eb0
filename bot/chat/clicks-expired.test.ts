/**
 * Plans expire (WARROOM_PLAN_TTL_MINUTES, the use cases' `planTtlMs`): an Approve click or an
 * `approve PLAN` after the TTL gets a polite refusal that says the plan expired and why, changes
 * nothing, and is audited as refused:expired; within the TTL the same click approves, and an
 * expired plan can still be rejected.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock.js';
import { type ActionPayload, type Card } from '../cards/index.js';
import { createChatBot } from './service.js';
import { chatWorld, slackUser, type ChatWorld } from './test-helpers.js';
import type { ChatBot } from './types.js';

const TTL_MS = 60 * 60_000;
let w: ChatWorld;
let bot: ChatBot;
/** The bot's clock: set from each plan's stored creation time (the store stamps it). */
let clock: ManualClock;
beforeAll(async () => {
  w = await chatWorld();
  clock = new ManualClock(0);
  bot = createChatBot({ ...w.deps, useCaseDeps: { ...w.deps.useCaseDeps, planTtlMs: TTL_MS }, clock });
});
afterAll(async () => {
  await w.close();
});

const rita = slackUser('URITA');
const sam = slackUser('USAM');

function button(card: Card, action: ActionPayload['action']): ActionPayload {
  for (const b of card.blocks) if (b.type === 'actions') for (const x of b.buttons) if (x.action.action === action) return x.action as ActionPayload;
  throw new Error(`no ${action} button on ${card.id}`);
}

/** A plan drafted by rita, and the clock set `ageMs` after its creation. */
async function planAged(ageMs: number): Promise<{ planId: string; card: Card }> {
  const r = await bot.run({ user: rita, text: `plan ${w.seeded.checkout}` });
  const card = r.cards[0];
  const planId = card.id.replace('plan:', '');
  const created = Date.parse((await w.seeded.org.getFixPlan(planId))!.createdAt);
  clock.advance(created + ageMs - clock.now().getTime());
  return { planId, card };
}

const clickAudits = async (planId: string) => (await w.seeded.org.listAuditFor(`plan:${planId}`)).filter((e) => e.action === 'chat.click');

describe('an expired plan', () => {
  it('an Approve click after the TTL is refused politely, saying it expired and why; nothing changes; audited as expired', async () => {
    const { planId, card } = await planAged(TTL_MS + 60_000);
    const r = await bot.click({ user: sam, value: button(card, 'fix.approve') });
    expect(r).toMatchObject({ ok: false, posts: [] });
    expect(r.text).toBe('Sorry, that plan has expired: The plan expired: it was drafted 61 minutes ago and plans expire after 60 minutes (WARROOM_PLAN_TTL_MINUTES). Draft a new one.');
    expect((await w.seeded.org.getFixPlan(planId))?.status).toBe('pending_approval');
    expect(await w.seeded.org.listApprovals(planId)).toEqual([]);
    expect(await w.seeded.org.listCommands(planId)).toEqual([]);
    expect((await clickAudits(planId)).map((e) => [e.actor, e.payload.chat_user, e.payload.user, e.payload.outcome])).toEqual([['user:sam', 'USAM', 'sam', 'refused:expired']]);
  });

  it('`approve PLAN` typed after the TTL gets the same refusal; the plan can still be rejected', async () => {
    const { planId } = await planAged(TTL_MS + 5 * 60_000);
    const r = await bot.run({ user: sam, text: `approve ${planId}` });
    expect(r).toMatchObject({ private: true, cards: [] });
    expect(r.text).toMatch(/^Sorry, that plan has expired: The plan expired: it was drafted 65 minutes ago/);
    expect((await w.seeded.org.getFixPlan(planId))?.status).toBe('pending_approval');
    expect((await bot.run({ user: sam, text: `reject ${planId} expired, re-plan` })).text).toMatch(/^Plan \S+ rejected: expired, re-plan/);
    expect((await w.seeded.org.getFixPlan(planId))?.status).toBe('rejected');
  });

  it('within the TTL the same click approves (the refusal is the expiry, not the clock)', async () => {
    const { planId, card } = await planAged(TTL_MS - 60_000);
    const r = await bot.click({ user: sam, value: button(card, 'fix.approve') });
    expect(r.ok).toBe(true);
    expect((await w.seeded.org.listApprovals(planId)).map((a) => a.decision)).toEqual(['approve']);
  });
});
