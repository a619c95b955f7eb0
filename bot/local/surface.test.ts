/**
 * The local web chat's surface: the ChatSurface contract (what it holds is read back from the
 * room, as the page reads it), and what is its own: events to subscribers, one message per card
 * id in a room, masked text.
 */
import { describe, expect, it } from 'vitest';
import { incidentSummaryCard } from '../cards/index.js';
import { chatSurfaceContract, contractIncident } from '../chat/surface.contract.js';
import { createLocalSurface, type LocalEvent } from './surface.js';

const mask = (t: string) => t.replace(/hunter2/g, '***');

chatSurfaceContract('local', async () => {
  const surface = createLocalSurface({ mask });
  return {
    surface,
    held: async () => surface.rooms().flatMap((r) => surface.messages(r.incidentId)!.map((m) => ({ channel: m.incidentId, id: m.id, text: m.text }))),
    rooms: async () => surface.rooms().map((r) => ({ surface: 'local' as const, channel: r.incidentId })),
    close: async () => undefined,
  };
});

describe('LocalSurface', () => {
  const inc = contractIncident({ title: 'checkout down password=hunter2' });
  const card = (status: 'open' | 'mitigated') => incidentSummaryCard({ incident: { ...inc, status }, baseUrl: 'http://127.0.0.1:3000', now: new Date('2026-12-07T10:05:00Z') });

  it('tells subscribers about rooms, posts and updates, and stops after unsubscribe', async () => {
    const s = createLocalSurface({ mask });
    const seen: LocalEvent[] = [];
    const off = s.subscribe((e) => seen.push(e));
    const room = await s.openRoom({ incident: inc, name: 'inc-x', topic: inc.title });
    const m = await s.post(room, card('open'));
    await s.update(m, card('mitigated'));
    await s.say(room, 'hello');
    expect(seen.map((e) => e.type)).toEqual(['room', 'message', 'update', 'message']);
    off();
    await s.say(room, 'again');
    expect(seen).toHaveLength(4);
  });

  it('keeps one message per card id: posting the same card again updates it in place', async () => {
    const s = createLocalSurface({ mask });
    const room = await s.openRoom({ incident: inc, name: 'inc-x', topic: inc.title });
    const a = await s.post(room, card('open'));
    const b = await s.post(room, card('mitigated'));
    expect(b.id).toBe(a.id);
    const msgs = s.messages(inc.id)!;
    expect(msgs).toHaveLength(1);
    expect(msgs[0].text).toContain('mitigated');
  });

  it('opening the same incident again finds its room', async () => {
    const s = createLocalSurface({ mask });
    const a = await s.openRoom({ incident: inc, name: 'inc-x', topic: inc.title });
    const b = await s.openRoom({ incident: inc, name: 'inc-y', topic: inc.title });
    expect(b).toEqual(a);
    expect(s.rooms()).toHaveLength(1);
  });

  it('masks and escapes what it holds: cards, said text and the room topic', async () => {
    const s = createLocalSurface({ mask });
    const room = await s.openRoom({ incident: inc, name: 'inc-x', topic: inc.title });
    await s.post(room, card('open'));
    await s.say(room, '<img src=x onerror=alert(1)> hunter2');
    const all = JSON.stringify(s.messages(inc.id)) + JSON.stringify(s.rooms());
    expect(all).not.toContain('hunter2');
    expect(s.messages(inc.id)!.map((m) => m.html).join('')).not.toContain('<img');
    expect(s.messages(inc.id)![1].html).toContain('&lt;img src=x');
  });

  it('refuses to post in a room it never opened', async () => {
    const s = createLocalSurface({ mask });
    await expect(s.say({ surface: 'local', channel: 'inc_nope' }, 'x')).rejects.toThrow(/no local room/);
  });
});
