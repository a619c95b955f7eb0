/**
 * Approve runs the preflight before the plan: a plan that fails a gate stays approved, is not
 * run, and the click's reply names the failed gates with their reasons.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ActionPayload, type Card } from '../cards/index.js';
import { chatWorld, slackUser, type ChatWorld } from './test-helpers.js';

let w: ChatWorld;
beforeAll(async () => {
  // plans drafted here target kube-system, which the default policies never allow
  w = await chatWorld({ planDefaults: { env: 'prod', runner: 'dryrun', namespace: 'kube-system' } });
});
afterAll(async () => {
  await w.close();
});

function button(card: Card, action: ActionPayload['action']): ActionPayload {
  for (const b of card.blocks) if (b.type === 'actions') for (const x of b.buttons) if (x.action.action === action) return x.action as ActionPayload;
  throw new Error(`no ${action} button on ${card.id}`);
}

describe('approve with a failing preflight', () => {
  it('approves, does not run, and says which gates failed and why; the card shows the gates', async () => {
    const r = await w.bot.run({ user: slackUser('URITA'), text: `plan ${w.seeded.checkout}` });
    const card = r.cards[0];
    const planId = card.id.replace('plan:', '');
    const click = await w.bot.click({ user: slackUser('USAM'), value: button(card, 'fix.approve') });
    expect(click.text).toMatch(/approved, but it did not pass its preflight, so it was not run: policy: denied: forbid-system-namespaces: "system namespaces/);
    expect(click.posts).toEqual([]); // no outcome: nothing ran
    expect((await w.seeded.org.getFixPlan(planId))?.status).toBe('approved');
    expect(await w.seeded.org.listCommands(planId)).toEqual([]);
    expect(JSON.stringify(click.card)).toContain('forbid-system-namespaces');
  });
});
