/**
 * The contracts of the chat side's two stores, run against every adapter: memory (bot/chat/
 * memory.ts, registry.test.ts) and the org store (usecases/chat.ts on PGlite, chat.test.ts, and
 * on Postgres, chat.int.test.ts). A store-backed fixture also hands a second org's adapter, so
 * isolation between orgs is checked where it can be broken.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { User } from '../../core/schemas.js';
import type { ChatDirectory, MessageRef, RoomRef, RoomRegistry } from './ports.js';

export interface RegistryFixture {
  registry: RoomRegistry;
  /** The same kind of registry for another org (store adapters): must share nothing with `registry`. */
  other?: RoomRegistry;
}

/** A user as the directory fixture is seeded with. */
export interface DirectoryUser {
  id: string;
  name: string;
  email: string | null;
  role: User['role'];
  slackUserId?: string | null;
  teamsAadObjectId?: string | null;
}

export interface DirectoryFixture {
  directory: ChatDirectory;
  /** Another org's directory, seeded with nobody (store adapters). */
  other?: ChatDirectory;
}

const fresh = (p: string) => `${p}_${randomUUID().slice(0, 12)}`;
const T0 = new Date('2026-12-07T10:00:00.000Z');
const at = (ms: number) => new Date(T0.getTime() + ms);
const STALE_MS = 60_000;

export function roomRegistryContract(name: string, open: () => Promise<RegistryFixture>): void {
  describe(`RoomRegistry contract: ${name}`, () => {
    let reg: RoomRegistry;
    let other: RoomRegistry | undefined;
    beforeAll(async () => {
      ({ registry: reg, other } = await open());
    });

    it('claims a room once; the claim shows with no room until the room is saved', async () => {
      const inc = fresh('inc');
      expect(await reg.room(inc, 'slack')).toBeNull();
      expect(await reg.claimRoom(inc, 'slack', T0, STALE_MS)).toBe(true);
      expect(await reg.claimRoom(inc, 'slack', at(1000), STALE_MS)).toBe(false);
      expect(await reg.room(inc, 'slack')).toEqual({ incidentId: inc, surface: 'slack', room: null, claimedAt: T0.toISOString() });
      const channel = fresh('C');
      await reg.saveRoom(inc, { surface: 'slack', channel }, at(2000));
      expect(await reg.room(inc, 'slack')).toEqual({ incidentId: inc, surface: 'slack', room: { surface: 'slack', channel }, claimedAt: T0.toISOString() });
      // an opened room is never taken over, however old its claim
      expect(await reg.claimRoom(inc, 'slack', at(10 * STALE_MS), STALE_MS)).toBe(false);
      // surfaces are independent
      expect(await reg.room(inc, 'teams')).toBeNull();
      expect(await reg.claimRoom(inc, 'teams', T0, STALE_MS)).toBe(true);
    });

    it('ten concurrent claims of one room or one card: exactly one wins', async () => {
      const inc = fresh('inc');
      const rooms = await Promise.all(Array.from({ length: 10 }, () => reg.claimRoom(inc, 'slack', T0, STALE_MS)));
      expect(rooms.filter(Boolean)).toHaveLength(1);
      const cards = await Promise.all(Array.from({ length: 10 }, () => reg.claimCard(inc, `summary:${inc}`, 'slack', T0, STALE_MS)));
      expect(cards.filter(Boolean)).toHaveLength(1);
    });

    it('a claim left with no room for staleMs is taken over (its claimer died mid-open), not before', async () => {
      const inc = fresh('inc');
      expect(await reg.claimRoom(inc, 'teams', T0, STALE_MS)).toBe(true);
      expect(await reg.claimRoom(inc, 'teams', at(STALE_MS - 1), STALE_MS)).toBe(false);
      expect(await reg.claimRoom(inc, 'teams', at(STALE_MS), STALE_MS)).toBe(true);
      expect((await reg.room(inc, 'teams'))?.claimedAt).toBe(at(STALE_MS).toISOString());
      // the new claim is fresh again
      expect(await reg.claimRoom(inc, 'teams', at(STALE_MS + 1), STALE_MS)).toBe(false);
    });

    it('roomAt finds a channel room, also from a message in one of its threads', async () => {
      const inc = fresh('inc');
      const channel = fresh('C');
      expect(await reg.claimRoom(inc, 'slack', T0, STALE_MS)).toBe(true);
      await reg.saveRoom(inc, { surface: 'slack', channel }, T0);
      expect((await reg.roomAt({ surface: 'slack', channel }))?.incidentId).toBe(inc);
      expect((await reg.roomAt({ surface: 'slack', channel, thread: '1765101600.000100' }))?.incidentId).toBe(inc);
      expect(await reg.roomAt({ surface: 'teams', channel })).toBeNull();
      expect(await reg.roomAt({ surface: 'slack', channel: fresh('C') })).toBeNull();
    });

    it('roomAt tells thread rooms of one channel apart; the channel itself is no room', async () => {
      const [a, b] = [fresh('inc'), fresh('inc')];
      const channel = fresh('C');
      const roomA: RoomRef = { surface: 'slack', channel, thread: '1765101600.000100' };
      const roomB: RoomRef = { surface: 'slack', channel, thread: '1765101700.000200' };
      for (const [inc, room] of [[a, roomA], [b, roomB]] as const) {
        expect(await reg.claimRoom(inc, 'slack', T0, STALE_MS)).toBe(true);
        await reg.saveRoom(inc, room, T0);
      }
      expect(await reg.roomAt(roomA)).toEqual({ incidentId: a, surface: 'slack', room: roomA, claimedAt: T0.toISOString() });
      expect((await reg.roomAt(roomB))?.incidentId).toBe(b);
      expect(await reg.roomAt({ surface: 'slack', channel })).toBeNull();
      expect(await reg.roomAt({ surface: 'slack', channel, thread: '1765101800.000300' })).toBeNull();
    });

    it('claims a card once, records its message and digest, updates the digest', async () => {
      const inc = fresh('inc');
      const cardId = `plan:${fresh('fp')}`;
      expect(await reg.card(cardId, 'teams')).toBeNull();
      expect(await reg.claimCard(inc, cardId, 'teams', T0, STALE_MS)).toBe(true);
      expect(await reg.claimCard(inc, cardId, 'teams', at(1), STALE_MS)).toBe(false);
      expect(await reg.card(cardId, 'teams')).toEqual({ incidentId: inc, surface: 'teams', cardId, message: null, digest: null, claimedAt: T0.toISOString() });
      const message: MessageRef = { surface: 'teams', channel: fresh('19:conv'), thread: 'root-1', id: 'act-1' };
      await reg.saveCard(cardId, 'teams', message, 'd1', at(1000));
      expect(await reg.card(cardId, 'teams')).toEqual({ incidentId: inc, surface: 'teams', cardId, message, digest: 'd1', claimedAt: T0.toISOString() });
      await reg.saveCard(cardId, 'teams', message, 'd2', at(2000));
      expect((await reg.card(cardId, 'teams'))?.digest).toBe('d2');
      // a posted card is never claimed again, however old
      expect(await reg.claimCard(inc, cardId, 'teams', at(10 * STALE_MS), STALE_MS)).toBe(false);
      // one message per card id and surface: the same card on another surface is its own
      expect(await reg.card(cardId, 'slack')).toBeNull();
    });

    it('a card claim left without a message for staleMs is taken over; saving an unclaimed card fails', async () => {
      const inc = fresh('inc');
      const cardId = `summary:${inc}`;
      expect(await reg.claimCard(inc, cardId, 'local', T0, STALE_MS)).toBe(true);
      expect(await reg.claimCard(inc, cardId, 'local', at(STALE_MS - 1), STALE_MS)).toBe(false);
      expect(await reg.claimCard(inc, cardId, 'local', at(STALE_MS), STALE_MS)).toBe(true);
      expect((await reg.card(cardId, 'local'))?.claimedAt).toBe(at(STALE_MS).toISOString());
      await expect(reg.saveCard(`summary:${fresh('inc')}`, 'local', { surface: 'local', channel: inc, id: 'm1' }, 'd', T0)).rejects.toThrow();
    });

    it('keeps orgs apart (store adapters)', async () => {
      if (!other) return expect(other).toBeUndefined(); // memory: one org per registry, nothing to share
      const inc = fresh('inc');
      const channel = fresh('C');
      expect(await reg.claimRoom(inc, 'slack', T0, STALE_MS)).toBe(true);
      await reg.saveRoom(inc, { surface: 'slack', channel }, T0);
      expect(await reg.claimCard(inc, `summary:${inc}`, 'slack', T0, STALE_MS)).toBe(true);
      await reg.saveCard(`summary:${inc}`, 'slack', { surface: 'slack', channel, id: '1.1' }, 'd', T0);
      expect(await other.room(inc, 'slack')).toBeNull();
      expect(await other.roomAt({ surface: 'slack', channel })).toBeNull();
      expect(await other.card(`summary:${inc}`, 'slack')).toBeNull();
      // the other org's claims are its own
      expect(await other.claimRoom(inc, 'slack', T0, STALE_MS)).toBe(true);
      expect(await other.claimCard(inc, `summary:${inc}`, 'slack', T0, STALE_MS)).toBe(true);
      await expect(other.saveCard(`plan:${inc}`, 'slack', { surface: 'slack', channel, id: '1.2' }, 'd', T0)).rejects.toThrow();
      expect((await reg.room(inc, 'slack'))?.room).toEqual({ surface: 'slack', channel });
    });
  });
}

export const DIRECTORY_USERS: DirectoryUser[] = [
  { id: 'alice', name: 'Alice', email: 'Alice@Example.com', role: 'sre', slackUserId: 'U0ALICE', teamsAadObjectId: null },
  { id: 'bob', name: 'Bob', email: 'bob@example.com', role: 'responder', slackUserId: null, teamsAadObjectId: '6f1c0a3e-bob' },
  { id: 'carol', name: 'Carol', email: 'carol@example.com', role: 'viewer' },
  { id: 'dan', name: 'Dan', email: null, role: 'admin', slackUserId: 'U0DAN' },
  // one mailbox shared by two people (an on-call alias): an email naming both maps nobody
  { id: 'erin', name: 'Erin', email: 'oncall@example.com', role: 'sre' },
  { id: 'frank', name: 'Frank', email: 'OnCall@example.com', role: 'responder' },
];

/** `open` seeds the directory with DIRECTORY_USERS. */
export function chatDirectoryContract(name: string, open: (users: DirectoryUser[]) => Promise<DirectoryFixture>): void {
  describe(`ChatDirectory contract: ${name}`, () => {
    let dir: ChatDirectory;
    let other: ChatDirectory | undefined;
    beforeAll(async () => {
      ({ directory: dir, other } = await open(DIRECTORY_USERS));
    });
    const idOf = async (u: Promise<User | null>) => (await u)?.id ?? null;

    it('maps a chat user by the platform id on the user', async () => {
      expect(await dir.userFor({ surface: 'slack', id: 'U0ALICE' })).toMatchObject({ id: 'alice', name: 'Alice', role: 'sre' });
      expect(await dir.userFor({ surface: 'teams', id: '6f1c0a3e-bob' })).toMatchObject({ id: 'bob', role: 'responder' });
      expect(await idOf(dir.userFor({ surface: 'slack', id: 'U0DAN', email: 'alice@example.com' }))).toBe('dan');
    });

    it('a platform id maps only on its own surface', async () => {
      expect(await dir.userFor({ surface: 'teams', id: 'U0ALICE' })).toBeNull();
      expect(await dir.userFor({ surface: 'slack', id: '6f1c0a3e-bob' })).toBeNull();
    });

    it('the local web chat names the Warroom user itself', async () => {
      expect(await idOf(dir.userFor({ surface: 'local', id: 'carol' }))).toBe('carol');
      expect(await dir.userFor({ surface: 'local', id: 'U0ALICE' })).toBeNull();
      expect(await dir.userFor({ surface: 'local', id: 'nobody' })).toBeNull();
    });

    it('an unmapped chat user is matched by email, case-insensitively; else unmapped', async () => {
      expect(await idOf(dir.userFor({ surface: 'slack', id: 'U0NEW', email: ' CAROL@example.COM ' }))).toBe('carol');
      expect(await idOf(dir.userFor({ surface: 'teams', id: 'aad-new', email: 'alice@example.com' }))).toBe('alice');
      expect(await dir.userFor({ surface: 'slack', id: 'U0NEW', email: 'stranger@example.com' })).toBeNull();
      expect(await dir.userFor({ surface: 'slack', id: 'U0NEW' })).toBeNull();
      expect(await dir.userFor({ surface: 'slack', id: 'U0NEW', email: '  ' })).toBeNull();
    });

    it("never lets an email match take over someone's mapping: a user mapped to another id on that surface, or an email several users share, maps nobody", async () => {
      // alice is U0ALICE on Slack: another Slack account with her address is not alice
      expect(await dir.userFor({ surface: 'slack', id: 'U0IMPOSTOR', email: 'alice@example.com' })).toBeNull();
      expect(await dir.userFor({ surface: 'slack', id: 'U0NEW', email: 'oncall@example.com' })).toBeNull();
    });

    it('keeps orgs apart (store adapters)', async () => {
      if (!other) return expect(other).toBeUndefined();
      expect(await other.userFor({ surface: 'slack', id: 'U0ALICE' })).toBeNull();
      expect(await other.userFor({ surface: 'local', id: 'carol' })).toBeNull();
      expect(await other.userFor({ surface: 'teams', id: 'x', email: 'bob@example.com' })).toBeNull();
    });
  });
}
