/**
 * The ChatBot every surface calls (bot/chat/types.ts): a typed command runs the matching use case
 * as the person who typed it (their mapped Warroom user and its role; unmapped: read only) and
 * answers with text and cards built from what is stored (cards-for.ts); a click goes to
 * clicks.ts. The bot reaches the store only through usecases/, never store/ or api/. Nothing
 * here throws at a surface: every failure is a reply that says what went wrong.
 */
import { isAppError } from '../../core/errors.js';
import type { Scope } from '../../core/schemas.js';
import { AnalyzeInput, analyzeIncident } from '../../usecases/analyze.js';
import { decideFix, getFix, planFix } from '../../usecases/fix.js';
import { changeIncidentStatus, getIncident, openIncident } from '../../usecases/incidents.js';
import type { Session } from '../../usecases/session.js';
import { incidentTimeline } from '../../usecases/timeline.js';
import { hypothesesCardFor, planCardFor, summaryCardFor } from './cards-for.js';
import { approveAndRun, handleClick, inWarRoom } from './clicks.js';
import { helpText, parseCommand, USAGE } from './commands.js';
import { type ChatBotDeps, errorText, personOf, type Person, refusalFor, sessionFor } from './people.js';
import type { RoomRef } from './ports.js';
import type { ChatBot, ChatReply, ChatRequest, Command } from './types.js';

export type { ChatBotDeps, ChatLogger } from './people.js';

/** Most timeline events listed in a reply (the rest: the API or the local web room). */
const TIMELINE_LINES = 30;

/** The permission each command needs (`help` none). */
const SCOPE_OF: Record<Command['name'], Scope | null> = {
  help: null,
  status: 'read',
  timeline: 'read',
  ask: 'read',
  open: 'plan',
  analyze: 'plan',
  plan: 'plan',
  resolve: 'plan',
  close: 'plan',
  approve: 'approve',
  reject: 'approve',
};

/** What each command does, for error sentences ("Sorry, you can't approve the plan: …"). */
const WHAT: Record<Command['name'], string> = {
  help: 'show help',
  status: 'show the status',
  timeline: 'show the timeline',
  ask: 'answer',
  open: 'open the incident',
  analyze: 'analyze the incident',
  plan: 'draft a fix plan',
  resolve: 'resolve the incident',
  close: 'close the incident',
  approve: 'approve the plan',
  reject: 'reject the plan',
};

const say = (text: string, priv = false): ChatReply => ({ text, cards: [], ...(priv ? { private: true } : {}) });

export function createChatBot(deps: ChatBotDeps): ChatBot {
  const plan = deps.planDefaults ?? { env: 'prod' as const, runner: 'dryrun', namespace: 'default' };
  const strategies = deps.planStrategies ? { strategies: deps.planStrategies } : {};

  /** The incident a command names, else the room's own; a string is the reply when there is neither. */
  async function incidentOf(cmd: { name: Command['name']; incidentId?: string }, where: RoomRef | undefined): Promise<string | { reply: string }> {
    if (cmd.incidentId) return cmd.incidentId;
    const room = where ? await deps.rooms.roomAt(where) : null;
    if (room) return room.incidentId;
    return { reply: `Which incident? Outside a war room, name it.\nUsage: ${USAGE[cmd.name]}` };
  }

  async function execute(cmd: Command, p: Person, s: Session, where: RoomRef | undefined): Promise<ChatReply> {
    const base = deps.baseUrl;
    switch (cmd.name) {
      case 'help':
        return say(helpText(), true);
      case 'open': {
        const inc = await openIncident(s, { service: cmd.service, title: cmd.title, severity: deps.openSeverity ?? 'sev3' });
        const { card } = await summaryCardFor(s, inc, base);
        return { text: `Opened incident ${inc.id} on ${inc.service}: ${inc.title}. Its war room opens in a moment.`, cards: [card] };
      }
      case 'ask': {
        const agent = deps.agent();
        if (!agent) return say('The agent is starting; ask again in a moment.', true);
        const room = where ? await deps.rooms.roomAt(where) : null;
        const incidentId = cmd.incidentId ?? room?.incidentId;
        // one conversation per room (per person outside a room), continued turn after turn
        const threadId = where ? `chat:${where.surface}:${where.channel}:${where.thread ?? ''}` : `chat:${p.chat.surface}:user:${p.chat.id}`;
        const r = await agent.ask(s, { question: cmd.question, threadId, ...(incidentId ? { incidentId } : {}) });
        const sources = r.citations.slice(0, 8).map((c) => `• ${c.title}`);
        return say(deps.mask([r.answer, ...(sources.length ? ['Sources:', ...sources] : [])].join('\n')));
      }
      case 'approve': {
        const out = await approveAndRun(deps, s, cmd.planId);
        const here = await inWarRoom(deps, where, (await getFix(s, cmd.planId)).plan.incidentId);
        return { text: out.text, cards: here ? [] : out.cards };
      }
      case 'reject': {
        await decideFix(s, { planId: cmd.planId, decision: 'reject', reason: cmd.reason });
        const { card } = await planCardFor(s, cmd.planId, base);
        const here = await inWarRoom(deps, where, (await getFix(s, cmd.planId)).plan.incidentId);
        return { text: `Plan ${cmd.planId} rejected: ${deps.mask(cmd.reason)}`, cards: here ? [] : [card] };
      }
      default:
        break;
    }
    const id = await incidentOf(cmd, where);
    if (typeof id !== 'string') return say(id.reply, true);
    switch (cmd.name) {
      case 'status': {
        const inc = await getIncident(s, id);
        const { card } = await summaryCardFor(s, inc, base);
        return { text: card.summary, cards: [card] };
      }
      case 'analyze': {
        const a = await analyzeIncident(s, id, AnalyzeInput.parse({}));
        const top = a.hypotheses[0];
        const built = await hypothesesCardFor(s, id, base);
        const text = top ? `Analysis done: top hypothesis (${Math.round(top.confidence * 100)}%): ${top.statement}` : `Analysis done: ${a.result.verdict} — not enough evidence to name a cause.`;
        return { text, cards: built && !(await inWarRoom(deps, where, id)) ? [built.card] : [] };
      }
      case 'plan': {
        const fp = await planFix(s, { incidentId: id, ...plan, ...(cmd.mode ? { mode: cmd.mode } : {}), ...(cmd.strategy ? { strategy: cmd.strategy } : {}) });
        const { card } = await planCardFor(s, fp.id, base);
        const here = await inWarRoom(deps, where, id);
        return { text: `Fix plan ${fp.id} drafted (${fp.risk} risk, ${fp.env}): ${fp.title}. It waits for approval: \`approve ${fp.id}\` or the card's buttons.`, cards: here ? [] : [card] };
      }
      case 'resolve':
      case 'close': {
        const inc = await changeIncidentStatus(s, id, { status: cmd.name === 'resolve' ? 'resolved' : 'closed' });
        const { card } = await summaryCardFor(s, inc, base);
        return { text: `Incident ${inc.id} is ${inc.status}.`, cards: [card] };
      }
      case 'timeline': {
        const t = await incidentTimeline(s, id, { limit: TIMELINE_LINES });
        const stamp = (iso: string) => iso.slice(0, 19).replace('T', ' ');
        const lines = t.events.map((e) => `${stamp(e.at)} · ${e.kind} · ${e.summary}${e.recordedAt ? ` (recorded ${stamp(e.recordedAt).slice(11)})` : ''}`);
        const more = t.omitted > 0 ? [`(+${t.omitted} more events: GET /v1/incidents/${t.incident.id}/timeline)`] : [];
        return say(deps.mask([`Timeline of ${t.incident.id} (${t.incident.title}):`, ...lines, ...more].join('\n')));
      }
    }
  }

  async function answer(req: ChatRequest): Promise<ChatReply> {
    const parsed = parseCommand(req.text, { mention: req.mention, ...strategies });
    if (!parsed.ok) return say(parsed.reply, true);
    const cmd = parsed.command;
    try {
      const p = await personOf(deps, req.user);
      const scope = SCOPE_OF[cmd.name];
      const refused = scope ? refusalFor(p, scope) : null;
      if (refused) return say(refused, true);
      return await execute(cmd, p, sessionFor(deps, p), req.where);
    } catch (e) {
      const text = errorText(deps, e, WHAT[cmd.name]);
      // a strategy or mode the incident's analysis does not support: the use case names what fits; show how to ask again
      const planOptions = cmd.name === 'plan' && (cmd.strategy !== undefined || cmd.mode !== undefined);
      return say(planOptions && isAppError(e) && e.code === 'conflict' ? `${text}\nUsage: ${USAGE.plan}` : text, true);
    }
  }

  return {
    parse: (text, opts) => parseCommand(text, { ...opts, ...strategies }),
    help: helpText,
    async run(req: ChatRequest): Promise<ChatReply> {
      const reply = await answer(req);
      // the surfaces mask too; masking here keeps a secret out of any log of the reply
      return { ...reply, text: deps.mask(reply.text) };
    },
    async click(req) {
      const r = await handleClick(deps, req);
      return { ...r, text: deps.mask(r.text) };
    },
  };
}
