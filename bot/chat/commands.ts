/**
 * The chat commands as text: `parseCommand` turns what a person typed (Slack `/warroom …`, a Teams
 * or local `warroom …` message, a mention) into a `Command`, or into the short reply that shows
 * the right usage. Pure and total: any string in, never a throw, so a surface can acknowledge a
 * bad command with the usage at once (the 3-second acknowledgement is the reply itself).
 */
import { COMMAND_NAMES, PLAN_MODES, type Command, type CommandName, type ParseOptions, type Parsed, type PlanMode } from './types.js';

/** How each command is written; the `help` reply is these lines. */
export const USAGE: Record<CommandName, string> = {
  open: 'open SERVICE TITLE… — open an incident on SERVICE (e.g. `open checkout 5xx after the 14:02 deploy`)',
  status: 'status [INCIDENT] — the incident summary',
  analyze: 'analyze [INCIDENT] — rank root causes from the stored signals',
  ask: 'ask QUESTION… — ask the agent (in a war room, mentioning the bot with a question works too)',
  plan: 'plan [INCIDENT] [--strategy S] [--mode auto|catalog] — draft a fix plan; it waits for approval (--strategy: the fix catalog entry or action to prefer, e.g. rollback, scale, restart; --mode catalog: the catalog only, no rollback-or-restart fallback)',
  approve: 'approve PLAN — approve a fix plan and run it (sre, admin; in prod not its requester)',
  reject: 'reject PLAN REASON… — reject a fix plan, saying why',
  resolve: 'resolve [INCIDENT] — mark the incident resolved',
  close: 'close [INCIDENT] — close the incident (final)',
  timeline: 'timeline [INCIDENT] — what happened, oldest first',
  help: 'help — this list',
};

/** Ids are system-made (ULIDs, prefixed ids): the same narrow alphabet card actions accept. */
const ID = /^[A-Za-z0-9._:@+-]{1,128}$/;
/** Service names as the signals carry them. */
const SERVICE = /^[A-Za-z0-9._/-]{1,200}$/;
export const MAX_TITLE_CHARS = 500;
/** The agent reads at most this much of a question (agent/ask.ts MAX_QUESTION_CHARS). */
export const MAX_QUESTION_CHARS = 4_000;
/** Longer text is not a command anyone typed: refused before any regular expression runs on it. */
const MAX_TEXT_CHARS = 20_000;

export function helpText(): string {
  return ['Warroom commands (`/warroom …` in Slack, `warroom …` or a mention in Teams and the local chat):', ...COMMAND_NAMES.map((n) => `• ${USAGE[n]}`), 'In a war room, INCIDENT defaults to the room’s own.'].join('\n');
}

const usage = (name: CommandName, why: string): Parsed => ({ ok: false, reply: `${why}\nUsage: ${USAGE[name]}` });
const isCommandName = (w: string): w is CommandName => (COMMAND_NAMES as readonly string[]).includes(w);

/** Shortens what is quoted back to the person (a reply is never a wall of their own text). */
const quote = (s: string) => (s.length > 40 ? `${s.slice(0, 40)}…` : s);

/** Edit distance, small strings only (a typed command word against the command names). */
function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length];
}

/**
 * The reply to a word that is no command: short (the names, not the whole help), with the usage of
 * the command it most likely meant when it is a typo of one (at most two edits, a third of the word).
 */
function unknownCommand(typed: string): string {
  const word = typed.toLowerCase().slice(0, 40);
  const near = COMMAND_NAMES.map((n) => ({ n, d: editDistance(word, n) })).sort((a, b) => a.d - b.d)[0];
  const head = `Unknown command "${quote(typed)}".`;
  if (near && near.d <= Math.min(2, Math.ceil(near.n.length / 3))) return `${head} Did you mean \`${near.n}\`?\nUsage: ${USAGE[near.n]}`;
  return `${head} Commands: ${COMMAND_NAMES.join(', ')}. \`help\` shows how to write each.`;
}

/**
 * Parses one command. `mention`: a plain message that mentioned the bot — text that is not a
 * command (an unknown first word, or a command word with arguments that do not fit) is a question.
 */
export function parseCommand(text: string, opts: ParseOptions = {}): Parsed {
  if (typeof text !== 'string') return { ok: false, reply: helpText() };
  if (text.length > MAX_TEXT_CHARS) return { ok: false, reply: `That message is too long for a command (${text.length} characters). Try \`help\`.` };
  // a leading `/warroom` or `warroom` is tolerated (surfaces normally strip it)
  const body = text.trim().replace(/^\/?warroom(?:\s+|$)/i, '');
  if (!body) return { ok: true, command: { name: 'help' } };
  const m = /^(\S+)\s*([\s\S]*)$/.exec(body)!;
  const word = m[1].toLowerCase();
  const rest = m[2].trim();
  const asQuestion = (): Parsed => (body.length > MAX_QUESTION_CHARS ? usage('ask', `The question is too long (at most ${MAX_QUESTION_CHARS} characters).`) : { ok: true, command: { name: 'ask', question: body } });

  if (!isCommandName(word)) {
    if (opts.mention) return asQuestion();
    return { ok: false, reply: unknownCommand(m[1]) };
  }
  const parsed = parseArgs(word, rest, opts.strategies);
  // a mention that starts with a command word but does not fit it ("plan for the weekend?") is a question
  if (!parsed.ok && opts.mention && word !== 'ask') return asQuestion();
  return parsed;
}

function parseArgs(name: CommandName, rest: string, strategies: readonly string[] | undefined): Parsed {
  const args = rest ? rest.split(/\s+/) : [];
  switch (name) {
    case 'help':
      return { ok: true, command: { name: 'help' } };
    case 'open': {
      if (args.length < 2) return usage('open', 'Give the service and a title.');
      const service = args[0];
      if (!SERVICE.test(service)) return usage('open', `"${quote(service)}" is not a service name (letters, digits and ._/- only).`);
      const title = rest.slice(service.length).trim();
      if (title.length > MAX_TITLE_CHARS) return usage('open', `The title is too long (at most ${MAX_TITLE_CHARS} characters).`);
      return { ok: true, command: { name: 'open', service, title } };
    }
    case 'ask':
      if (!rest) return usage('ask', 'Ask a question.');
      if (rest.length > MAX_QUESTION_CHARS) return usage('ask', `The question is too long (at most ${MAX_QUESTION_CHARS} characters).`);
      return { ok: true, command: { name: 'ask', question: rest } };
    case 'approve': {
      if (args.length !== 1) return usage('approve', args.length === 0 ? 'Name the plan to approve.' : 'Name one plan, nothing else.');
      if (!ID.test(args[0])) return usage('approve', `"${quote(args[0])}" is not a plan id.`);
      return { ok: true, command: { name: 'approve', planId: args[0] } };
    }
    case 'reject': {
      if (args.length === 0) return usage('reject', 'Name the plan to reject and say why.');
      if (!ID.test(args[0])) return usage('reject', `"${quote(args[0])}" is not a plan id.`);
      const reason = rest.slice(args[0].length).trim();
      if (!reason) return usage('reject', 'Say why you reject the plan.');
      return { ok: true, command: { name: 'reject', planId: args[0], reason } };
    }
    case 'plan':
      return parsePlan(args, strategies);
    case 'status':
    case 'analyze':
    case 'resolve':
    case 'close':
    case 'timeline': {
      if (args.length > 1) return usage(name, `\`${name}\` takes at most one incident id.`);
      if (args.length === 1 && !ID.test(args[0])) return usage(name, `"${quote(args[0])}" is not an incident id.`);
      const command: Command = args.length === 1 ? { name, incidentId: args[0] } : { name };
      return { ok: true, command };
    }
  }
}

const isPlanMode = (w: string): w is PlanMode => (PLAN_MODES as readonly string[]).includes(w);

/**
 * `plan [INCIDENT] [--strategy S] [--mode auto|catalog]`, options in any order, `--opt value` or
 * `--opt=value`. A strategy outside `strategies` (when given) is answered with the valid ones; one
 * that is valid but does not fit the incident is the use case's 409, which names those that fit.
 */
function parsePlan(args: string[], strategies: readonly string[] | undefined): Parsed {
  const out: { incidentId?: string; mode?: PlanMode; strategy?: string } = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const opt = /^--(strategy|mode)(?:=(.*))?$/i.exec(arg);
    if (opt) {
      const key = opt[1].toLowerCase() as 'strategy' | 'mode';
      const value = (opt[2] ?? args[++i] ?? '').toLowerCase();
      if (!value || value.startsWith('-')) return usage('plan', `\`--${key}\` needs a value.`);
      if (out[key] !== undefined) return usage('plan', `\`--${key}\` is given twice.`);
      if (key === 'mode') {
        if (value === 'manual') return usage('plan', 'Mode "manual" takes the steps themselves, which chat cannot: POST /v1/fix/plan {"mode": "manual", "steps": […]}.');
        if (!isPlanMode(value)) return usage('plan', `"${quote(value)}" is not a mode (one of: ${PLAN_MODES.join(', ')}).`);
        out.mode = value;
      } else {
        if (!ID.test(value) || (strategies && !strategies.includes(value))) {
          return usage('plan', `Unknown strategy "${quote(value)}".${strategies ? ` Strategies: ${strategies.join(', ')}.` : ''}`);
        }
        out.strategy = value;
      }
      continue;
    }
    if (arg.startsWith('-')) return usage('plan', `Unknown option "${quote(arg)}" (\`plan\` takes --strategy and --mode).`);
    if (out.incidentId !== undefined) return usage('plan', '`plan` takes at most one incident id.');
    if (!ID.test(arg)) return usage('plan', `"${quote(arg)}" is not an incident id.`);
    out.incidentId = arg;
  }
  return { ok: true, command: { name: 'plan', ...out } };
}
