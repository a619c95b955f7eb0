/**
 * Card buttons: a click is parsed (parseAction), its person resolved, and refused politely when
 * it must be — unmapped, a role without the permission, a stale card (the plan or incident moved
 * on since it was posted), a repeated click (the plan is no longer pending), four-eyes in prod and
 * expiry (the use case's own refusals, in its words), a reject without a reason. An approval runs
 * the plan (decideFix, the preflight gates of usecases/preflight.ts, then startFix: the fix.execute
 * worker runs it with the plan's runner; a failed gate leaves it approved and the reply names the
 * gates). The reply waits a few seconds for the outcome; a longer run is answered "running", and
 * its outcome card follows when the worker commits it (warroom.ts). Every click, refused ones too, is
 * written to the audit log with the chat user and the mapped user.
 *
 * In the incident's own war room the war room posts the plan, hypotheses and outcome cards
 * (warroom.ts, driven by incident.updated), so a reply there carries text only: the same card
 * never lands twice in one room.
 */
import { isAppError } from '../../core/errors.js';
import type { Scope } from '../../core/schemas.js';
import { AnalyzeInput, analyzeIncident } from '../../usecases/analyze.js';
import { decideFix, getFix, planFix, startFix } from '../../usecases/fix.js';
import { awaitFixOutcome } from '../../usecases/fix-run.js';
import { failedGatesText, preflightFix } from '../../usecases/preflight.js';
import { getIncident } from '../../usecases/incidents.js';
import type { Session } from '../../usecases/session.js';
import { type ActionPayload, type Card, incidentVersion, isStale, parseAction, planVersion } from '../cards/index.js';
import { hypothesesCardFor, outcomeCardFor, planCardFor, summaryCardFor } from './cards-for.js';
import { auditActor, type ChatBotDeps, errorText, personOf, type Person, refusalFor, sessionFor } from './people.js';
import type { RoomRef } from './ports.js';
import type { ClickRequest, ClickResult } from './types.js';

const SCOPE_OF: Record<ActionPayload['action'], Scope> = {
  'card.refresh': 'read',
  'incident.analyze': 'plan',
  'fix.plan': 'plan',
  'fix.approve': 'approve',
  'fix.reject': 'approve',
};

const PLAN_WORD: Record<string, string> = { approved: 'approved', rejected: 'rejected', executing: 'running', executed: 'executed', dry_run: 'run as a dry run', failed: 'run and failed' };

/** How long an approval waits for its run's outcome by default. */
const RUN_WAIT_MS = 5000;

/** Approves a plan and starts its run; the plan card as it is now and, if the run ended within the wait, the outcome card. */
export async function approveAndRun(deps: ChatBotDeps, s: Session, planId: string): Promise<{ text: string; cards: Card[]; plan: Card; outcome: Card | null }> {
  await decideFix(s, { planId, decision: 'approve' });
  let note = '';
  let running = false;
  try {
    // the preflight first: a plan that fails a gate stays approved, not run, and the reply says which
    const pf = await preflightFix(s, { planId });
    if (pf.passed) {
      await startFix(s, { planId });
      running = (await awaitFixOutcome(s, planId, deps.runWaitMs ?? RUN_WAIT_MS)).plan.status === 'executing';
    } else note = ` It was approved, but it did not pass its preflight, so it was not run: ${deps.mask(failedGatesText(pf.gates))}`;
  } catch (e) {
    // approved, but the run did not start: the plan card shows where it stands
    note = ` It was approved, but the run did not start: ${errorText(deps, e, 'run the plan')}`;
  }
  const plan = (await planCardFor(s, planId, deps.baseUrl)).card;
  const outcome = running ? null : ((await outcomeCardFor(s, planId, deps.baseUrl))?.card ?? null);
  const text = note
    ? `Plan ${planId}:${note}`
    : running
      ? `Plan ${planId} approved and running…; the outcome card will follow when it is done.`
      : outcome
        ? outcome.summary
        : `Plan ${planId} approved.`;
  return { text, cards: outcome ? [plan, outcome] : [plan], plan, outcome };
}

/** True when `where` is the incident's own war room (its cards are posted there by warroom.ts). */
export async function inWarRoom(deps: ChatBotDeps, where: RoomRef | undefined, incidentId: string): Promise<boolean> {
  if (!where) return false;
  const room = await deps.rooms.roomAt(where);
  return room?.incidentId === incidentId;
}

interface Outcome {
  result: ClickResult;
  /** For the audit entry: approved, rejected, refused:stale… */
  outcome: string;
}

const refuse = (why: string, text: string, card?: Card): Outcome => ({ outcome: `refused:${why}`, result: { ok: false, text, posts: [], ...(card ? { card } : {}) } });
const done = (outcome: string, text: string, card: Card | undefined, posts: Card[]): Outcome => ({ outcome, result: { ok: true, text, posts, ...(card ? { card } : {}) } });

async function act(deps: ChatBotDeps, p: Person, a: ActionPayload, req: ClickRequest): Promise<Outcome> {
  const refused = refusalFor(p, SCOPE_OF[a.action]);
  if (refused) return refuse(p.user ? 'forbidden' : 'unmapped', refused);
  const s = sessionFor(deps, p);
  const base = deps.baseUrl;
  const here = await inWarRoom(deps, req.where, a.incidentId);

  if (a.action === 'card.refresh') {
    const card = a.planId ? (await planCardFor(s, a.planId, base)).card : (await summaryCardFor(s, a.incidentId, base)).card;
    return done('refreshed', 'Here is the card as it is now.', card, []);
  }

  if (a.action === 'incident.analyze' || a.action === 'fix.plan') {
    const inc = await getIncident(s, a.incidentId);
    if (isStale(a, incidentVersion(inc))) {
      return refuse('stale', `This card is out of date: the incident is ${inc.status} now. Here it is as it is now.`, (await summaryCardFor(s, inc, base)).card);
    }
    if (a.action === 'incident.analyze') {
      await analyzeIncident(s, inc.id, AnalyzeInput.parse({}));
      const built = await hypothesesCardFor(s, inc.id, base);
      const text = built ? built.card.summary : 'Analysis done: not enough evidence to name a cause.';
      return done('analyzed', text, undefined, built && !here ? [built.card] : []);
    }
    const fp = await planFix(s, { incidentId: inc.id, ...(deps.planDefaults ?? { env: 'prod', runner: 'dryrun', namespace: 'default' }) });
    const card = (await planCardFor(s, fp.id, base)).card;
    return done('planned', `Fix plan ${fp.id} drafted (${fp.risk} risk, ${fp.env}); it waits for approval.`, undefined, here ? [] : [card]);
  }

  // fix.approve / fix.reject
  const planId = a.planId!;
  const { plan, approvals } = await getFix(s, planId);
  if (plan.incidentId !== a.incidentId) return refuse('invalid', 'This button names a plan of another incident; nothing was done.');
  const now = (await planCardFor(s, plan.id, base)).card;
  if (plan.status !== 'pending_approval') {
    const by = approvals.at(-1);
    return refuse('repeated', `This plan was already ${PLAN_WORD[plan.status] ?? plan.status}${by ? ` (decided by ${by.approver})` : ''}; nothing was done.`, now);
  }
  if (isStale(a, planVersion(plan))) return refuse('stale', 'This card is out of date: the plan changed since it was posted. Here it is as it is now; check it and click again.', now);

  if (a.action === 'fix.reject') {
    const reason = req.inputs?.reason?.trim();
    if (!reason) return refuse('no_reason', 'Please give a reason to reject the plan (the Reason field), then click Reject again.');
    await decideFix(s, { planId, decision: 'reject', reason });
    return done('rejected', `Plan ${planId} rejected: ${deps.mask(reason)}`, (await planCardFor(s, planId, base)).card, []);
  }
  const run = await approveAndRun(deps, s, planId);
  return done('approved', run.text, run.plan, run.outcome && !here ? [run.outcome] : []);
}

/** Handles one click; never throws. */
export async function handleClick(deps: ChatBotDeps, req: ClickRequest): Promise<ClickResult> {
  const parsed = parseAction(req.value);
  let person: Person | null = null;
  let out: Outcome;
  try {
    person = await personOf(deps, req.user);
    out = parsed.ok ? await act(deps, person, parsed.action, req) : refuse('invalid', `That button could not be read (${parsed.error}); refresh the card and try again.`);
  } catch (e) {
    const what = parsed.ok ? (parsed.action.action === 'fix.approve' ? 'approve the plan' : parsed.action.action === 'fix.reject' ? 'reject the plan' : 'do that') : 'do that';
    // the use case's own refusals (four-eyes, expired, a plan that moved on) are labelled by their code
    const why = isAppError(e) ? (e.extra?.reason === 'expired' ? 'expired' : e.code) : 'error';
    out = refuse(why, errorText(deps, e, what));
  }
  await auditClick(deps, req, person, parsed.ok ? parsed.action : null, out.outcome);
  return out.result;
}

/** The click's audit entry (action `chat.click`); a failure to write it is logged, not shown. */
async function auditClick(deps: ChatBotDeps, req: ClickRequest, p: Person | null, a: ActionPayload | null, outcome: string): Promise<void> {
  const chat = req.user;
  const person: Person = p ?? { chat, user: null, principal: { orgId: deps.orgId, userId: `chat:${chat.surface}:${chat.id}`, scopes: ['read'], via: 'chat', ref: `${chat.surface}:${chat.id}` } };
  try {
    await sessionFor(deps, person).commit(({ org }) =>
      org.appendAudit({
        actor: auditActor(person),
        action: 'chat.click',
        target: a?.planId ? `plan:${a.planId}` : a ? `incident:${a.incidentId}` : `chat:${chat.surface}`,
        payload: { surface: chat.surface, chat_user: chat.id, user: person.user?.id ?? null, action: a?.action ?? null, incident: a?.incidentId ?? null, outcome },
      }),
    );
  } catch (e) {
    deps.logger?.error({ err: e, outcome }, 'chat: could not audit a click');
  }
}
