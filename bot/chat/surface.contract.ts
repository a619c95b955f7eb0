/**
 * The contract every ChatSurface adapter keeps (Slack against a local Web API server that checks
 * each call, Teams against a local connector, the local web chat in memory). The factory returns
 * the surface and a view of what the platform now holds, read back from the platform's side
 * (the fake server's record, the local room), never from the adapter's own memory.
 */
import { describe, expect, it } from 'vitest';
import type { Incident } from '../../core/schemas.js';
import { fixPlanCard, incidentSummaryCard, type Card } from '../cards/index.js';
import type { ChatSurface, MessageRef, RoomRef } from './ports.js';

/** A message as the platform holds it: where it is and its text (card text flattened, as the platform stores it). */
export interface HeldMessage {
  channel: string;
  thread?: string;
  id: string;
  /** Everything the message shows, as one string (blocks' and card elements' text joined). */
  text: string;
}

export interface SurfaceHarness {
  surface: ChatSurface;
  /** Messages the platform holds now, oldest first. */
  held(): Promise<HeldMessage[]>;
  /** Rooms the platform opened (channel ids; thread roots for thread rooms). */
  rooms(): Promise<RoomRef[]>;
  close(): Promise<void>;
}

export const contractIncident = (over: Partial<Incident> = {}): Incident => ({
  id: 'inc_01HZCONTRACT',
  orgId: 'default',
  title: 'checkout error rate 12% after deploy',
  service: 'checkout',
  severity: 'sev2',
  status: 'open',
  startedAt: '2026-12-07T10:00:00.000Z',
  openedAt: '2026-12-07T10:01:00.000Z',
  openedBy: 'system:detector',
  resolvedAt: null,
  ...over,
});

const summary = (inc: Incident, status: Incident['status'] = inc.status): Card =>
  incidentSummaryCard({ incident: { ...inc, status }, baseUrl: 'http://127.0.0.1:3000', now: new Date('2026-12-07T10:05:00.000Z') });

/** A fix plan card at the platform's limits: 200 steps, a 50 KB command, non-ASCII and markup-special text. */
const hugePlanCard = (inc: Incident): Card => {
  const steps = Array.from({ length: 200 }, (_, i) => ({
    action: 'rollback',
    target: `checkout-${i} <b>&amp; *drain* \`x\` ${'ü'.repeat(3)} 🚒`,
    params: {},
    command: i === 0 ? `kubectl rollout undo deploy/checkout # ${'x'.repeat(50_000)}` : `kubectl rollout undo deploy/checkout-${i}`,
  }));
  return fixPlanCard({
    plan: {
      id: 'fp_contract',
      orgId: inc.orgId,
      incidentId: inc.id,
      title: 'Roll back checkout to 2.13.9',
      env: 'prod',
      runner: 'dryrun',
      risk: 'medium',
      steps,
      status: 'pending_approval',
      requestedBy: 'alice',
      createdAt: '2026-12-07T10:03:00.000Z',
      updatedAt: '2026-12-07T10:03:00.000Z',
    },
    baseUrl: 'http://127.0.0.1:3000',
  });
};

export function chatSurfaceContract(name: string, make: () => Promise<SurfaceHarness>): void {
  describe(`ChatSurface contract: ${name}`, () => {
    it('opens a room for an incident and posts a card in it', async () => {
      const h = await make();
      try {
        const inc = contractIncident();
        const room = await h.surface.openRoom({ incident: inc, name: 'inc-20261207-checkout-test', topic: inc.title });
        expect(room.surface).toBe(h.surface.name);
        expect(await h.rooms()).toContainEqual(expect.objectContaining({ channel: room.channel }));
        const msg = await h.surface.post(room, summary(inc));
        expect(msg).toMatchObject({ surface: h.surface.name, channel: room.channel });
        const held = await h.held();
        const mine = held.find((m) => m.id === msg.id);
        expect(mine?.text).toContain('checkout error rate 12% after deploy');
        if (room.thread) expect(mine?.thread ?? mine?.id).toBe(room.thread);
      } finally {
        await h.close();
      }
    });

    it('updates a posted card in place: same message, new content, no new message', async () => {
      const h = await make();
      try {
        const inc = contractIncident();
        const room = await h.surface.openRoom({ incident: inc, name: 'inc-20261207-checkout-upd', topic: inc.title });
        const msg: MessageRef = await h.surface.post(room, summary(inc, 'open'));
        const before = (await h.held()).length;
        await h.surface.update(msg, summary(inc, 'mitigated'));
        const held = await h.held();
        expect(held.length).toBe(before);
        expect(held.find((m) => m.id === msg.id)?.text.toLowerCase()).toContain('mitigated');
      } finally {
        await h.close();
      }
    });

    it('says plain text in a room, and posts a card at the platform limits without an API error', async () => {
      const h = await make();
      try {
        const inc = contractIncident({ id: 'inc_01HZLIMITS' });
        const room = await h.surface.openRoom({ incident: inc, name: 'inc-20261207-checkout-lim', topic: inc.title });
        const said = await h.surface.say(room, 'The analysis is running; I will post the hypotheses here.');
        expect((await h.held()).find((m) => m.id === said.id)?.text).toContain('analysis is running');
        const big = await h.surface.post(room, hugePlanCard(inc));
        expect((await h.held()).some((m) => m.id === big.id)).toBe(true);
      } finally {
        await h.close();
      }
    });

    it('opens a second room for a second incident with the same suggested name (a clash is handled)', async () => {
      const h = await make();
      try {
        const a = await h.surface.openRoom({ incident: contractIncident({ id: 'inc_A' }), name: 'inc-20261207-checkout-same', topic: 'a' });
        const b = await h.surface.openRoom({ incident: contractIncident({ id: 'inc_B' }), name: 'inc-20261207-checkout-same', topic: 'b' });
        expect(`${b.channel}/${b.thread ?? ''}`).not.toBe(`${a.channel}/${a.thread ?? ''}`);
      } finally {
        await h.close();
      }
    });
  });
}
