/**
 * The real Bolt app (createSlack's router in an express server on 127.0.0.1) receiving signed
 * requests as Slack sends them — slash commands, mentions, button clicks, the Reject modal — and
 * answering through the local Web API server, which checks every call. Unsigned, forged and stale
 * requests are refused with 401 and reach no bot code.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { encodeAction, fixPlanCard, incidentSummaryCard, renderSlack } from '../cards/index.js';
import { contractIncident } from '../chat/surface.contract.js';
import { blockActionBody, eventBody, interactionBody, slashCommandBody } from '../../test-support/slack-requests.js';
import { startSlackHarness, type SlackHarness } from '../../test-support/slack-harness.js';

const inc = contractIncident({ id: 'inc_1' });
const summary = (status: 'open' | 'mitigated' = 'open') =>
  incidentSummaryCard({ incident: { ...inc, status }, baseUrl: 'http://127.0.0.1:3000', now: new Date('2026-12-07T10:05:00.000Z') });
const plan = fixPlanCard({
  plan: {
    id: 'fp_1',
    orgId: 'default',
    incidentId: 'inc_1',
    title: 'Roll back checkout',
    env: 'prod',
    runner: 'dryrun',
    risk: 'low',
    steps: [{ action: 'rollback', target: 'checkout', params: {}, command: 'kubectl rollout undo deploy/checkout' }],
    status: 'pending_approval',
    requestedBy: 'bob',
    createdAt: '2026-12-07T10:03:00.000Z',
    updatedAt: '2026-12-07T10:03:00.000Z',
  },
  baseUrl: 'http://127.0.0.1:3000',
});
const approveValue = encodeAction({ v: 1, action: 'fix.approve', incidentId: 'inc_1', planId: 'fp_1', version: 'pending_approval@2026-12-07T10:03:00.000Z' });
const rejectValue = encodeAction({ v: 1, action: 'fix.reject', incidentId: 'inc_1', planId: 'fp_1', version: 'pending_approval@2026-12-07T10:03:00.000Z' });

let h: SlackHarness;
afterEach(async () => h?.close());

const command = (text: string) => slashCommandBody({ text, responseUrl: `${h.fake.origin}/respond/1` });
const botCalls = () => h.bot.parsed.length + h.bot.runs.length + h.bot.clicks.length;

/** Posts the plan card as the bot did, so a click has a real message to update. */
async function postedPlan(): Promise<string> {
  const m = renderSlack(plan, (t) => t);
  const r = await fetch(`${h.fake.apiUrl}chat.postMessage`, {
    method: 'POST',
    headers: { authorization: `Bearer ${h.fake.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ channel: 'C_INCIDENTS', text: m.text, blocks: m.blocks }),
  });
  return ((await r.json()) as { ts: string }).ts;
}

const clickBody = (value: string, ts: string, o: { actionId?: string; reason?: string } = {}) =>
  blockActionBody({ user: 'U_ALICE', value, ts, actionId: o.actionId ?? 'fix.approve', reason: o.reason, responseUrl: `${h.fake.origin}/respond/click` });

describe('the Slack app (Bolt, HTTP mode)', () => {
  it('acknowledges a slash command at once and posts the reply after, as the person', async () => {
    h = await startSlackHarness();
    h.bot.reply = () => ({ text: 'Status of inc_1', cards: [summary()] });
    const res = await h.send(command('status inc_1'));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ response_type: 'ephemeral', text: expect.stringContaining('Working on /warroom status inc_1') });
    await h.fake.waitFor('chat.postMessage', 2);
    expect(h.bot.runs[0]).toMatchObject({ user: { surface: 'slack', id: 'U_ALICE', name: 'alice', email: 'alice@example.com' }, where: { surface: 'slack', channel: 'C_INCIDENTS' }, text: 'status inc_1' });
    const posted = h.fake.held();
    expect(posted.map((m) => m.text.split('\n')[0])).toEqual(['Status of inc_1', expect.stringContaining('checkout error rate 12% after deploy')]);
    expect(posted[1].text).toContain('checkout');
  });

  it('answers a usage error as the acknowledgement itself, and runs nothing', async () => {
    h = await startSlackHarness();
    const res = await h.send(command('bogus thing'));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ response_type: 'ephemeral', text: expect.stringContaining('Usage: /warroom status') });
    await new Promise((r) => setTimeout(r, 100));
    expect(h.bot.runs).toHaveLength(0);
    expect(h.fake.calls.filter((c) => c.method.startsWith('chat.'))).toHaveLength(0);
  });

  it('acknowledges within Slack\'s 3 s even when the bot takes 4 s, and posts the reply afterwards', async () => {
    h = await startSlackHarness();
    h.bot.runDelayMs = 4000;
    const started = Date.now();
    const res = await h.send(command('analyze inc_1'));
    const ackMs = Date.now() - started;
    expect(res.status).toBe(200);
    expect(ackMs).toBeLessThan(3000); // Slack's own deadline; the reply (held) is not there yet
    expect(h.fake.held()).toHaveLength(0);
    await h.fake.waitFor('chat.postMessage', 1, 8000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(4000);
    expect(h.fake.held()[0].text).toBe('You said: analyze inc_1');
  });

  it('sends a private reply as an ephemeral through response_url', async () => {
    h = await startSlackHarness();
    h.bot.reply = () => ({ text: 'Only you: <secret> sk-abc123', cards: [], private: true });
    await h.send(command('status'));
    await h.fake.waitFor('respond');
    expect(h.fake.responses[0]).toMatchObject({ path: '/respond/1', body: { response_type: 'ephemeral', text: 'Only you: &lt;secret&gt; [masked]' } });
    expect(h.fake.held()).toHaveLength(0);
  });

  it('answers through response_url when the bot is not in the channel', async () => {
    h = await startSlackHarness();
    await h.send(slashCommandBody({ text: 'status', channel: 'C_ELSEWHERE', responseUrl: `${h.fake.origin}/respond/2` }));
    await h.fake.waitFor('respond');
    expect(h.fake.responses[0]).toMatchObject({ path: '/respond/2', body: { response_type: 'in_channel', text: 'You said: status' } });
  });

  it('tells the person privately when the bot fails, and keeps serving', async () => {
    h = await startSlackHarness();
    h.bot.reply = () => {
      throw new Error('store unavailable');
    };
    await h.send(command('status'));
    await h.fake.waitFor('respond');
    expect(h.fake.responses[0].body.text).toContain('store unavailable');
    h.bot.reply = () => ({ text: 'fine again', cards: [] });
    expect((await h.send(command('status'))).status).toBe(200);
    await h.fake.waitFor('chat.postMessage');
  });

  it.each([
    ['a forged signature', { secret: 'not-the-secret' }],
    ['a stale timestamp (6 minutes old, correctly signed)', { ts: Math.floor(Date.now() / 1000) - 360 }],
    ['no signature at all', { headers: { 'x-slack-signature': '' } }],
  ])('refuses %s with 401 and reaches no bot code', async (_name, o) => {
    h = await startSlackHarness();
    for (const body of [command('approve fp_1'), clickBody(approveValue, '1.1')]) {
      const res = await h.send(body, o);
      expect(res.status).toBe(401);
    }
    await new Promise((r) => setTimeout(r, 100));
    expect(botCalls()).toBe(0);
    expect(h.fake.calls).toHaveLength(0);
  });

  it('answers Slack\'s url_verification challenge', async () => {
    h = await startSlackHarness();
    const res = await h.send(JSON.stringify({ type: 'url_verification', challenge: 'c-123', token: 'x' }), { contentType: 'application/json' });
    expect(await res.json()).toEqual({ challenge: 'c-123' });
  });

  it('hands a button click to the bot, updates the clicked message in place and posts the outcome', async () => {
    h = await startSlackHarness();
    const ts = await postedPlan();
    h.bot.clickResult = () => ({ ok: true, text: 'Approved.', card: { ...summary('mitigated'), id: 'plan:fp_1' }, posts: [summary('mitigated')] });
    const res = await h.send(clickBody(approveValue, ts));
    expect(res.status).toBe(200);
    await h.fake.waitFor('chat.update');
    await h.fake.waitFor('chat.postMessage', 2);
    expect(h.bot.clicks[0]).toMatchObject({ user: { id: 'U_ALICE', email: 'alice@example.com' }, value: approveValue, where: { channel: 'C_INCIDENTS' } });
    const held = h.fake.held();
    expect(held).toHaveLength(2);
    expect(held.find((m) => m.id === ts)?.text.toLowerCase()).toContain('mitigated');
  });

  it('acknowledges a click on anything but a card button and hands it to no one', async () => {
    h = await startSlackHarness();
    const res = await h.send(clickBody('x', '1.1', { actionId: 'reason' }));
    expect(res.status).toBe(200);
    await new Promise((r) => setTimeout(r, 100));
    expect(botCalls()).toBe(0);
  });

  it('shows a refused click only to the clicker', async () => {
    h = await startSlackHarness();
    const ts = await postedPlan();
    h.bot.clickResult = () => ({ ok: false, text: 'This plan was already approved by bob; nothing was done.', posts: [] });
    await h.send(clickBody(approveValue, ts));
    await h.fake.waitFor('chat.postEphemeral');
    expect(h.fake.messages.find((m) => m.ephemeralTo === 'U_ALICE')?.text).toContain('already approved by bob');
    expect(h.fake.calls.some((c) => c.method === 'chat.update')).toBe(false);
  });

  it('asks for a reason in a modal on Reject, then rejects with it', async () => {
    h = await startSlackHarness();
    const ts = await postedPlan();
    await h.send(clickBody(rejectValue, ts, { actionId: 'fix.reject' }));
    await h.fake.waitFor('views.open');
    expect(h.bot.clicks).toHaveLength(0);
    const view = h.fake.calls.find((c) => c.method === 'views.open')?.args.view as { private_metadata: string; callback_id: string };
    expect(view.callback_id).toBe('warroom.reject');
    h.bot.clickResult = () => ({ ok: true, text: 'Rejected.', card: { ...summary('mitigated'), id: 'plan:fp_1' }, posts: [] });
    const submit = (reason: string) =>
      h.send(
        interactionBody({
          type: 'view_submission',
          team: { id: 'T0001' },
          user: { id: 'U_ALICE', name: 'alice' },
          api_app_id: 'A0001',
          token: 'legacy',
          trigger_id: 'trigger.view',
          view: { id: 'V1', type: 'modal', callback_id: view.callback_id, private_metadata: view.private_metadata, state: { values: { reason: { reason: { type: 'plain_text_input', value: reason } } } } },
        }),
      );
    const empty = await submit('   ');
    expect(await empty.json()).toMatchObject({ response_action: 'errors', errors: { reason: expect.stringContaining('reason is required') } });
    expect(h.bot.clicks).toHaveLength(0);
    expect((await submit('wrong service')).status).toBe(200);
    await h.fake.waitFor('chat.update');
    expect(h.bot.clicks[0]).toMatchObject({ value: rejectValue, inputs: { reason: 'wrong service' }, where: { channel: 'C_INCIDENTS' } });
  });

  it('rejects at once when the reason was typed in the card', async () => {
    h = await startSlackHarness();
    const ts = await postedPlan();
    await h.send(clickBody(rejectValue, ts, { actionId: 'fix.reject', reason: 'not now' }));
    await h.fake.waitFor('chat.postEphemeral'); // the ok text, nothing else changed
    expect(h.bot.clicks[0].inputs).toEqual({ reason: 'not now' });
    expect(h.fake.calls.some((c) => c.method === 'views.open')).toBe(false);
  });

  it('answers a mention in its thread, with the mention taken out of the question', async () => {
    h = await startSlackHarness();
    const root = await postedPlan();
    h.bot.reply = (req) => ({ text: `Answer to: ${req.text}`, cards: [] });
    await h.slack.checkToken(); // the bot's own id, to strip its mention
    const body = eventBody({ type: 'app_mention', user: 'U_ALICE', text: '<@UBOT0001> why is checkout failing?', ts: '1765100999.000100', thread_ts: root, channel: 'C_INCIDENTS', event_ts: '1765100999.000100' });
    expect((await h.send(body, { contentType: 'application/json' })).status).toBe(200);
    await h.fake.waitFor('chat.postMessage', 2);
    expect(h.bot.runs[0]).toMatchObject({ mention: true, text: 'why is checkout failing?', where: { channel: 'C_INCIDENTS', thread: root } });
    expect(h.fake.held().at(-1)).toMatchObject({ thread: root, text: 'Answer to: why is checkout failing?' });
  });
});

describe('the Slack bot token', () => {
  it('is checked with auth.test', async () => {
    h = await startSlackHarness();
    expect(await h.slack.checkToken()).toEqual({ ok: true, team: 'Fake Team', botUserId: 'UBOT0001' });
  });

  it('refused: a clear error naming SLACK_BOT_TOKEN, no crash, and commands are still acknowledged', async () => {
    h = await startSlackHarness({ botToken: 'xoxb-wrong' });
    const check = await h.slack.checkToken();
    expect(check).toEqual({ ok: false, error: expect.stringContaining('SLACK_BOT_TOKEN') });
    expect(check.ok ? '' : check.error).toContain('invalid_auth');
    await h.slack.start();
    expect((await h.send(command('status'))).status).toBe(200);
    await new Promise((r) => setTimeout(r, 300));
  });

  it('unreachable Slack: the error names SLACK_BOT_TOKEN and the URL tried', async () => {
    h = await startSlackHarness({ slack: { apiUrl: 'http://127.0.0.1:9/api/', retries: 0 } });
    const check = await h.slack.checkToken();
    expect(check).toEqual({ ok: false, error: expect.stringMatching(/SLACK_BOT_TOKEN could not be checked: auth.test at http:\/\/127.0.0.1:9\/api\//) });
  });
});
