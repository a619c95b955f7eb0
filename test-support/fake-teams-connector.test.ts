/** The local Bot Framework connector refuses what Teams would, so "nothing rejected" in the Teams tests means something. */
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeTeamsConnector, validateActivity, type FakeTeamsConnector } from './fake-teams-connector.js';

const card = (over: Record<string, unknown> = {}) => ({ type: 'AdaptiveCard', version: '1.5', body: [{ type: 'TextBlock', text: 'hi' }], ...over });
const msg = (content: unknown) => ({ type: 'message', attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content }] });

describe('the fake Teams connector', () => {
  let c: FakeTeamsConnector | undefined;
  afterEach(async () => {
    await c?.close();
    c = undefined;
  });

  it('refuses activities Teams would refuse', () => {
    expect(validateActivity({ type: 'message', text: 'hi' })).toBeNull();
    expect(validateActivity(msg(card({ actions: [{ type: 'Action.Execute', title: 'Go', verb: 'fix.approve' }] })))).toBeNull();
    expect(validateActivity({ type: 'message' })).toMatch(/text or attachments/);
    expect(validateActivity({ type: 'event', text: 'x' })).toMatch(/cannot be sent/);
    expect(validateActivity(msg({ ...card(), type: 'HeroCard' }))).toMatch(/AdaptiveCard/);
    expect(validateActivity(msg(card({ version: '2.0' })))).toMatch(/version/);
    expect(validateActivity(msg(card({ body: {} })))).toMatch(/body/);
    expect(validateActivity(msg(card({ actions: [{ type: 'Action.Execute', title: 'Go' }] })))).toMatch(/verb/);
    expect(validateActivity(msg(card({ actions: [{ type: 'Action.Http' }] })))).toMatch(/unknown action/);
    expect(validateActivity(msg(card({ body: [{ type: 'Container', items: [{ text: 'no type' }] }] })))).toMatch(/without a type/);
    expect(validateActivity({ type: 'message', text: 'é'.repeat(15_000) })).toMatch(/over Teams' 28672/);
  });

  it('threads replies by the URL-decoded conversation id, updates in place, 404s an unknown activity, and answers the roster', async () => {
    c = await startFakeTeamsConnector();
    const created = await (await fetch(`${c.url}v3/conversations`, { method: 'POST', body: JSON.stringify({ isGroup: true, channelData: { channel: { id: '19:c@thread.tacv2' } }, activity: { type: 'message', text: 'root' } }) })).json();
    expect(created.id).toBe(`19:c@thread.tacv2;messageid=${created.activityId}`);
    const conv = encodeURIComponent(created.id);
    const reply = await (await fetch(`${c.url}v3/conversations/${conv}/activities/${created.activityId}`, { method: 'POST', body: JSON.stringify({ type: 'message', text: 'first' }) })).json();
    expect(await c.held()).toEqual([
      { channel: '19:c@thread.tacv2', thread: created.activityId, id: created.activityId, text: 'root' },
      { channel: '19:c@thread.tacv2', thread: created.activityId, id: reply.id, text: 'first' },
    ]);
    expect((await fetch(`${c.url}v3/conversations/${conv}/activities/${reply.id}`, { method: 'PUT', body: JSON.stringify({ type: 'message', text: 'edited' }) })).status).toBe(200);
    expect((await c.held())[1].text).toBe('edited');
    expect((await fetch(`${c.url}v3/conversations/${conv}/activities/nope`, { method: 'PUT', body: JSON.stringify({ type: 'message', text: 'x' }) })).status).toBe(404);
    const bad = await fetch(`${c.url}v3/conversations/${conv}/activities`, { method: 'POST', body: JSON.stringify({ type: 'message' }) });
    expect(bad.status).toBe(400);
    expect(c.rejected).toEqual([{ path: expect.stringContaining('/activities'), reason: 'a message needs text or attachments' }]);
    c.members.push({ id: '29:a', aadObjectId: 'aad-a', email: 'a@example.com' });
    expect(await (await fetch(`${c.url}v3/conversations/${conv}/members/aad-a`)).json()).toMatchObject({ email: 'a@example.com' });
    expect((await fetch(`${c.url}v3/conversations/${conv}/members/aad-b`)).status).toBe(404);
  });
});
