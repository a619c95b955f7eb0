/**
 * War rooms: on `incident.updated`, the incident's room on one surface is brought up to date with
 * what is stored. An incident at or above the minimum severity (or opened by a person with a
 * command) gets a room (`inc-YYYYMMDD-<service>-<4 hex>`); the room holds one summary card,
 * updated in place when its status, impact or top hypothesis change; the hypotheses card once an
 * analysis lands (updated on a new one); one card per fix plan (updated as it moves) and an
 * outcome card once a plan ran.
 *
 * Every event syncs the whole room from the store rather than applying the event's change, so a
 * lost, late or redelivered event changes nothing but what is now true. Posting happens once:
 * rooms and cards are claimed in the RoomRegistry before they are posted, and a card is updated
 * only when its digest changed. A claim held by another handler still posting makes this one
 * throw, so the bus retries it after the other has finished. Subscribed in the group
 * `chat-<surface>`: with several instances on NATS one of them handles each event.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { isAppError } from '../../core/errors.js';
import type { Bus, BusMessage, OrgStore, Subscription } from '../../core/ports/index.js';
import { SEVERITIES, type Incident, type Severity } from '../../core/schemas.js';
import { getIncident } from '../../usecases/incidents.js';
import type { Principal } from '../../usecases/principal.js';
import { directSession, type Session, type UseCaseDeps } from '../../usecases/session.js';
import { type BuiltCard, hypothesesCardFor, outcomeCardFor, planCardFor, summaryCardFor } from './cards-for.js';
import type { ChatLogger } from './people.js';
import type { ChatSurface, RoomRef, RoomRegistry } from './ports.js';

export interface WarRoomDeps {
  bus: Bus;
  surface: ChatSurface;
  rooms: RoomRegistry;
  /** The org the chat acts in: events of other orgs are not this bot's. */
  orgId: string;
  org: () => OrgStore;
  useCaseDeps: UseCaseDeps;
  baseUrl: string;
  /** Detection-opened incidents at or above this severity get a room (WARROOM_CHAT_MIN_SEVERITY). */
  minSeverity: Severity;
  logger?: ChatLogger;
  /** A claim left without a result this long (its process died mid-post) may be taken over (default 30 s). */
  claimStaleMs?: number;
  /** Bus delivery settings (defaults of the bus otherwise). */
  retryDelayMs?: number;
  maxDeliver?: number;
  concurrency?: number;
}

export interface WarRooms {
  /** Brings one incident's room up to date (what each event does). */
  sync(incidentId: string): Promise<void>;
  stop(): Promise<void>;
}

/** The `incident.updated` payload: the rest is read from the store. */
const UpdatedPayload = z.object({ incidentId: z.string().min(1), change: z.string().optional(), planId: z.string().optional() }).passthrough();

/** A retryable "not now": another handler holds a claim it has not finished. */
export class ClaimBusyError extends Error {
  constructor(what: string) {
    super(`${what} is being posted by another handler; retry later`);
    this.name = 'ClaimBusyError';
  }
}

const SEV_RANK = (s: Severity) => SEVERITIES.indexOf(s);

/** Whether an incident gets a room: opened by a person, or severe enough. */
export function wantsRoom(inc: Pick<Incident, 'severity' | 'openedBy' | 'status'>, minSeverity: Severity): boolean {
  if (inc.status === 'resolved' || inc.status === 'closed') return false;
  return inc.openedBy.startsWith('user:') || SEV_RANK(inc.severity) <= SEV_RANK(minSeverity);
}

/** `inc-20261207-checkout-7f3a`: the opening day (UTC), the service, and 4 hex of the id's hash (two incidents of a day differ). */
export function roomName(inc: Pick<Incident, 'id' | 'service' | 'openedAt'>): string {
  const day = inc.openedAt.slice(0, 10).replace(/-/g, '');
  const service = inc.service.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 50) || 'service';
  const hex = createHash('sha256').update(inc.id).digest('hex').slice(0, 4);
  return `inc-${day}-${service}-${hex}`;
}

export async function startWarRooms(deps: WarRoomDeps): Promise<WarRooms> {
  const surface = deps.surface;
  const staleMs = deps.claimStaleMs ?? 30_000;
  const principal: Principal = { orgId: deps.orgId, userId: `chat-${surface.name}`, scopes: ['read'], via: 'system' };
  // reads only: nothing is committed through this session
  const session = (): Session => directSession(principal, deps.org(), deps.useCaseDeps, () => undefined);
  const now = () => deps.useCaseDeps.clock.now();

  /**
   * Claims this process made whose post failed (the platform said no): the registry cannot release
   * a claim, so the retry here takes its own claim over at once instead of waiting `staleMs`
   * (another process still waits, as for a claimer that died). Taken out by the first retry.
   */
  const failedClaims = new Set<string>();
  async function claimed<T>(key: string, claim: (staleMs: number) => Promise<boolean>, what: string, work: () => Promise<T>): Promise<T> {
    if (!(await claim(failedClaims.delete(key) ? 0 : staleMs))) throw new ClaimBusyError(what);
    try {
      return await work();
    } catch (e) {
      failedClaims.add(key);
      throw e;
    }
  }

  /** The room of an incident, opened when it has none and should; null when it gets none. */
  async function roomOf(inc: Incident): Promise<RoomRef | null> {
    const held = await deps.rooms.room(inc.id, surface.name);
    if (held?.room) return held.room;
    if (!wantsRoom(inc, deps.minSeverity)) return null;
    return claimed(`room:${inc.id}`, (ms) => deps.rooms.claimRoom(inc.id, surface.name, now(), ms), `the room of ${inc.id}`, async () => {
      const room = await surface.openRoom({ incident: inc, name: roomName(inc), topic: `${inc.severity.toUpperCase()} · ${inc.service} · ${inc.title}` });
      await deps.rooms.saveRoom(inc.id, room, now());
      return room;
    });
  }

  /** Posts a card once, then updates it in place when its digest changes. */
  async function syncCard(incidentId: string, room: RoomRef, built: BuiltCard): Promise<void> {
    const { card, digest } = built;
    const held = await deps.rooms.card(card.id, surface.name);
    if (held?.message) {
      if (held.digest === digest) return;
      await surface.update(held.message, card);
      await deps.rooms.saveCard(card.id, surface.name, held.message, digest, now());
      return;
    }
    await claimed(`card:${card.id}`, (ms) => deps.rooms.claimCard(incidentId, card.id, surface.name, now(), ms), `card ${card.id}`, async () => {
      const message = await surface.post(room, card);
      await deps.rooms.saveCard(card.id, surface.name, message, digest, now());
    });
  }

  async function sync(incidentId: string): Promise<void> {
    const s = session();
    const inc = await getIncident(s, incidentId);
    const room = await roomOf(inc);
    if (!room) return;
    await syncCard(inc.id, room, await summaryCardFor(s, inc, deps.baseUrl));
    const hyps = await hypothesesCardFor(s, inc, deps.baseUrl);
    if (hyps) await syncCard(inc.id, room, hyps);
    // oldest plan first, so the room reads in the order things happened
    for (const plan of (await s.org.listFixPlans(inc.id)).reverse()) {
      await syncCard(inc.id, room, await planCardFor(s, plan.id, deps.baseUrl));
      const outcome = await outcomeCardFor(s, plan.id, deps.baseUrl);
      if (outcome) await syncCard(inc.id, room, outcome);
    }
  }

  async function handle(m: BusMessage): Promise<void> {
    if (m.orgId !== deps.orgId) return;
    const p = UpdatedPayload.safeParse(m.payload);
    if (!p.success) {
      deps.logger?.warn({ id: m.id, payload: m.payload }, 'war room: an incident.updated without an incidentId, skipped');
      return;
    }
    try {
      await sync(p.data.incidentId);
    } catch (e) {
      // permanent: the incident is gone or the event names nothing valid; anything else is retried
      if (isAppError(e) && (e.code === 'not_found' || e.code === 'invalid_input')) {
        deps.logger?.warn({ id: m.id, incidentId: p.data.incidentId, err: e.message }, 'war room: skipped');
        return;
      }
      if (!(e instanceof ClaimBusyError)) deps.logger?.error({ err: e, id: m.id, incidentId: p.data.incidentId, delivery: m.deliveryCount }, 'war room: sync failed; the bus retries it');
      throw e;
    }
  }

  const sub: Subscription = await deps.bus.subscribe('incident.updated', handle, {
    group: `chat-${surface.name}`,
    ...(deps.retryDelayMs !== undefined ? { retryDelayMs: deps.retryDelayMs } : {}),
    ...(deps.maxDeliver !== undefined ? { maxDeliver: deps.maxDeliver } : {}),
    ...(deps.concurrency !== undefined ? { concurrency: deps.concurrency } : {}),
  });
  return { sync, stop: () => sub.unsubscribe() };
}
