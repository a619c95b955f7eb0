/**
 * The Slack app in front of the real bot core (createChatBot on the seeded PGlite store): a plan
 * drafted with `/warroom plan`, its card posted through the Web API, and Approve clicked by
 * different people through signed `block_actions` — a forged click, an unmapped person and the
 * requester (a responder) change nothing; an SRE's click runs the plan and the card is updated in
 * place with the outcome posted after it.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { blockActionBody, slashCommandBody } from '../../test-support/slack-requests.js';
import { startSlackHarness, type SlackHarness } from '../../test-support/slack-harness.js';
import { STRATEGIES } from '../../remediate/choose.js';
import { chatWorld, type ChatWorld } from '../chat/test-helpers.js';

let w: ChatWorld;
let h: SlackHarness;
beforeAll(async () => {
  w = await chatWorld({ planStrategies: STRATEGIES });
  h = await startSlackHarness({
    users: [
      { id: 'URITA', name: 'rita', email: 'rita@example.com' },
      { id: 'USAM', name: 'sam', email: 'sam@example.com' },
      { id: 'UNOBODY', name: 'nobody', email: 'nobody@example.com' },
    ],
    slack: { bot: w.bot },
  });
});
afterAll(async () => {
  await h?.close();
  await w?.close();
});

/* eslint-disable @typescript-eslint/no-explicit-any -- reading Block Kit JSON back from the fake */
const approveButton = (blocks: any[] | undefined) => blocks?.flatMap((b) => (b.type === 'actions' ? b.elements : [])).find((e: any) => e.action_id === 'fix.approve');

it('drafts a plan by slash command, refuses forged, unmapped and requester clicks, and runs it on an SRE approval', async () => {
  const ack = await h.send(slashCommandBody({ text: `plan ${w.seeded.checkout}`, user: 'URITA', responseUrl: `${h.fake.origin}/respond/plan` }));
  expect(ack.status).toBe(200);
  await h.fake.waitFor('chat.postMessage', 2); // the reply's text, then the plan card
  expect(h.fake.held()[0].text).toMatch(/^Fix plan \S+ drafted/);
  const planMsg = h.fake.messages.find((m) => approveButton(m.blocks));
  expect(planMsg).toBeDefined();
  const value: string = approveButton(planMsg?.blocks).value;
  const planId = JSON.parse(value).planId as string;
  const approvals = async () => (await w.seeded.org.listApprovals(planId)).length;
  const click = (user: string, secret?: string) =>
    h.send(blockActionBody({ user, value, actionId: 'fix.approve', ts: planMsg!.ts, responseUrl: `${h.fake.origin}/respond/${user}` }), { secret });

  expect((await click('USAM', 'forged-secret')).status).toBe(401);
  expect((await click('UNOBODY')).status).toBe(200);
  await h.fake.waitFor('chat.postEphemeral', 1);
  expect((await click('URITA')).status).toBe(200);
  await h.fake.waitFor('chat.postEphemeral', 2);
  const refusals = h.fake.messages.filter((m) => m.ephemeralTo).map((m) => `${m.ephemeralTo}: ${m.text}`);
  expect(refusals).toEqual([expect.stringMatching(/^UNOBODY: /), expect.stringMatching(/^URITA: .*responder/)]);
  expect(await approvals()).toBe(0);
  expect((await w.seeded.org.getFixPlan(planId))?.status).toBe('pending_approval');

  expect((await click('USAM')).status).toBe(200);
  await h.fake.waitFor('chat.update');
  await h.fake.waitFor('chat.postMessage', 3);
  expect(await approvals()).toBe(1);
  expect((await w.seeded.org.getFixPlan(planId))?.status).toBe('dry_run');
  const updated = h.fake.messages.find((m) => m.ts === planMsg!.ts);
  expect(approveButton(updated?.blocks)).toBeUndefined();
  expect(h.fake.held().at(-1)?.text).toMatch(/approved by sam/);
});

it('plan takes --strategy and --mode: an unknown strategy is the acknowledgement (with the valid ones), a refused option answered privately', async () => {
  const plans = async () => (await w.seeded.org.listFixPlans(w.seeded.checkout)).length;
  const before = await plans();
  const ack = await h.send(slashCommandBody({ text: `plan ${w.seeded.checkout} --strategy reboot-the-world`, user: 'URITA', responseUrl: `${h.fake.origin}/respond/unknown` }));
  expect(ack.status).toBe(200);
  const body = (await ack.json()) as { response_type: string; text: string };
  expect(body.response_type).toBe('ephemeral');
  expect(body.text).toMatch(/^Unknown strategy "reboot-the-world"\. Strategies: undo-deploy, rollback, [\s\S]*Usage: plan \[INCIDENT\] \[--strategy S\] \[--mode auto\|catalog\]/);

  const responses = h.fake.responses.length;
  expect((await h.send(slashCommandBody({ text: `plan ${w.seeded.checkout} --mode catalog`, user: 'URITA', responseUrl: `${h.fake.origin}/respond/catalog` }))).status).toBe(200);
  await h.fake.waitFor('respond', responses + 1);
  expect(h.fake.responses.at(-1)).toMatchObject({ path: '/respond/catalog', body: { response_type: 'ephemeral', text: expect.stringMatching(/^Sorry, nothing was done: The fix catalog has no fix for this incident: it has no stored analysis[\s\S]*Usage: plan /) } });
  expect(await plans()).toBe(before);
});
