/**
 * The Teams edge on the real bot core (createChatBot over the seeded PGlite store): people typed
 * and clicked in Teams act as their mapped Warroom users, by AAD object id — a responder drafts a
 * plan by message, an SRE approves it with the card's own Action.Execute data (the updated card
 * comes back in the invoke body, the outcome is posted), a reject needs its reason input, and an
 * unmapped person is refused on the card.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STRATEGIES } from '../../remediate/choose.js';
import { memoryDirectory } from '../chat/memory.js';
import { chatWorld, PEOPLE, type ChatWorld } from '../chat/test-helpers.js';
import { invoke, message, world, type World } from './test-helpers.js';

let cw: ChatWorld;
beforeAll(async () => {
  // tina is on no Teams account yet: the roster's email finds her
  const people = PEOPLE.map((p) => ({ ...p, teamsAadObjectId: p.id === 'tina' ? null : `aad-${p.id}` }));
  cw = await chatWorld({ directory: memoryDirectory(people), planStrategies: STRATEGIES });
});
afterAll(async () => {
  await cw.close();
});

const as = (who: string) => ({ from: { id: `29:${who}`, aadObjectId: `aad-${who}`, name: who } });

/** The Action.Execute `data` of the plan card's button for `verb`, as the connector holds the card. */
function buttonData(w: World, verb: string): Record<string, unknown> {
  for (const m of [...w.connector.messages].reverse()) {
    for (const att of m.activity.attachments ?? []) {
      const act = (att.content.actions ?? []).find((a: { verb?: string }) => a.verb === verb);
      if (act) return act.data;
    }
  }
  throw new Error(`no ${verb} button in the conversation`);
}

async function draftPlan(w: World): Promise<string> {
  expect((await w.post(message(w.connector, { ...as('rita'), text: `warroom plan ${cw.seeded.checkout}` }))).status).toBe(200);
  const reply = w.connector.messages.at(-1)!;
  const planId = /Fix plan (\S+) drafted/.exec(reply.activity.text)?.[1];
  expect(planId, reply.activity.text).toBeTruthy();
  return planId!;
}

describe('Teams on the real bot core', () => {
  it('a responder drafts a plan by message; an SRE approves it with the card button; the card and the outcome come back', async () => {
    const w = await world(cw.bot);
    const planId = await draftPlan(w);
    const data = buttonData(w, 'fix.approve');
    const res = await w.post({ ...invoke(w.connector, data, 'fix.approve'), ...as('sam') });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: { type: 'AdaptiveCard' } });
    expect(JSON.stringify(body.value)).not.toContain('"verb":"fix.approve"'); // decided: no more buttons
    expect((await cw.seeded.org.getFixPlan(planId))?.status).toBe('dry_run');
    const outcome = (await w.connector.held()).at(-1)!;
    expect(outcome.text).toMatch(/Outcome[\s\S]*dry run: nothing changed[\s\S]*Approved by: sam/);
    expect(w.connector.rejected).toEqual([]);
  });

  it('a reject takes the reason typed in the card; without one the card says why it was refused', async () => {
    const w = await world(cw.bot);
    const planId = await draftPlan(w);
    const data = buttonData(w, 'fix.reject');
    const refused = await (await w.post({ ...invoke(w.connector, data, 'fix.reject'), ...as('sam') })).json();
    expect(refused.value.body[0]).toMatchObject({ color: 'attention' });
    expect(refused.value.body[0].text).toMatch(/reason/i);
    expect((await cw.seeded.org.getFixPlan(planId))?.status).toBe('pending_approval');
    const ok = await (await w.post({ ...invoke(w.connector, { ...data, reason: 'the canary is healthy' }, 'fix.reject'), ...as('sam') })).json();
    expect(JSON.stringify(ok.value)).not.toContain('"verb":"fix.reject"');
    expect((await cw.seeded.org.getFixPlan(planId))?.status).toBe('rejected');
  });

  it('an unmapped person can read but their click is refused on the card', async () => {
    const w = await world(cw.bot);
    const planId = await draftPlan(w);
    const data = buttonData(w, 'fix.approve');
    const res = await (await w.post({ ...invoke(w.connector, data, 'fix.approve'), ...as('stranger') })).json();
    expect(res.statusCode).toBe(200);
    expect(res.value.body[0]).toMatchObject({ color: 'attention' });
    expect((await cw.seeded.org.getFixPlan(planId))?.status).toBe('pending_approval');
    expect((await w.post(message(w.connector, { ...as('stranger'), text: `warroom status ${cw.seeded.checkout}` }))).status).toBe(200);
    expect(w.connector.messages.at(-1)!.activity.attachments?.[0].content.type).toBe('AdaptiveCard');
  });

  it('plan takes --strategy and --mode, by message as in Slack: an unknown strategy gets the usage with the valid ones; a strategy the incident does not support, the use case\'s reason', async () => {
    const w = await world(cw.bot);
    const before = (await cw.seeded.org.listFixPlans(cw.seeded.checkout)).length;
    expect((await w.post(message(w.connector, { ...as('rita'), text: `warroom plan ${cw.seeded.checkout} --strategy reboot-the-world` }))).status).toBe(200);
    expect(w.connector.messages.at(-1)!.activity.text).toMatch(/Unknown strategy "reboot-the-world"\. Strategies: undo-deploy, rollback, [\s\S]*Usage: plan \[INCIDENT\] \[--strategy S\]/);
    expect((await w.post(message(w.connector, { ...as('rita'), text: `warroom plan ${cw.seeded.checkout} --strategy rollback` }))).status).toBe(200);
    await expect.poll(() => w.connector.messages.at(-1)!.activity.text).toMatch(/Sorry, nothing was done: The fix catalog has no fix for this incident: it has no stored analysis[\s\S]*Usage: plan /);
    expect((await cw.seeded.org.listFixPlans(cw.seeded.checkout)).length).toBe(before);
  });

  it('an unmapped person is matched by the email the Teams roster gives (case-insensitively) and acts as that user; without a roster entry, read only', async () => {
    const w = await world(cw.bot);
    w.connector.members.push({ id: '29:tina', aadObjectId: 'aad-tina-new', name: 'Tina', email: 'TINA@example.com' });
    const tina = { from: { id: '29:tina', aadObjectId: 'aad-tina-new', name: 'Tina' } };
    expect((await w.post(message(w.connector, { ...tina, text: 'warroom open search results empty' }))).status).toBe(200);
    const opened = /Opened incident (\S+)/.exec(w.connector.messages.at(-1)!.activity.text)?.[1];
    expect(opened, w.connector.messages.at(-1)!.activity.text).toBeTruthy();
    expect((await cw.seeded.org.getIncident(opened!))?.openedBy).toBe('user:tina');

    const stranger = { from: { id: '29:zed', aadObjectId: 'aad-zed', name: 'Zed' } };
    expect((await w.post(message(w.connector, { ...stranger, text: 'warroom open search again' }))).status).toBe(200);
    expect(w.connector.messages.at(-1)!.activity.text).toMatch(/not mapped to a Warroom user[\s\S]*teams_aad_object_id/);
  });
});
