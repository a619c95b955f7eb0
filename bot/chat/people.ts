/**
 * Who is talking, and what they may do: a chat user becomes a principal (their mapped Warroom
 * user and its role's scopes, or a read-only principal when unmapped), a session of the use cases
 * is opened for them, and the use cases' errors become polite sentences. Shared by commands
 * (service.ts) and clicks (clicks.ts), so both refuse the same way.
 */
import type { Clock } from '../../core/clock.js';
import { isAppError } from '../../core/errors.js';
import type { OrgStore, OutboxMessage } from '../../core/ports/index.js';
import type { Scope, Severity, User, Environment } from '../../core/schemas.js';
import type { Agent } from '../../agent/index.js';
import { chatPrincipal, type Principal } from '../../usecases/principal.js';
import { directSession, type Session, type UseCaseDeps } from '../../usecases/session.js';
import type { ChatDirectory, ChatSurface, ChatUser, RoomRegistry, SurfaceName } from './ports.js';

/** The little of a logger the bot uses (pino fits). */
export interface ChatLogger {
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface ChatBotDeps {
  /** The org the chat acts in (WARROOM_CHAT_ORG). */
  orgId: string;
  /** That org's store (a function: the store may open after the bot is built). */
  org: () => OrgStore;
  useCaseDeps: UseCaseDeps;
  /** Where committed bus messages go (the outbox relay). */
  publishCommitted: (msgs: OutboxMessage[]) => void;
  /** The agent, once it is ready (undefined while it starts). */
  agent: () => Agent | undefined;
  directory: ChatDirectory;
  rooms: RoomRegistry;
  /** The surfaces that can tell a user's email (Slack users.info, Teams roster): how an unmapped person is matched. */
  surfaces?: Partial<Record<SurfaceName, Pick<ChatSurface, 'emailOf'>>>;
  /** Base URL of links in cards (WARROOM_PUBLIC_URL). */
  baseUrl: string;
  /** Masks secrets in any text the bot writes itself (answers, error sentences). */
  mask: (t: string) => string;
  /** The clock of the bot's sessions (default: the use cases' clock). */
  clock?: Clock;
  logger?: ChatLogger;
  /** How `plan` drafts: environment, runner and namespace (default prod, dryrun, default — as POST /v1/fix/plan). */
  planDefaults?: { env: Environment; runner: string; namespace: string };
  /**
   * The fix catalog's entry ids and actions `plan --strategy` accepts (remediate/ STRATEGIES, which
   * app/ passes: the bot does not import remediate/). Absent: the use case alone judges a strategy.
   */
  planStrategies?: readonly string[];
  /** Severity of an incident opened with `open` (default sev3). */
  openSeverity?: Severity;
  /** How long an approval waits for the started run's outcome before answering "running" (default 5000 ms; the outcome card follows either way). */
  runWaitMs?: number;
}

export interface Person {
  principal: Principal;
  /** The mapped Warroom user; null = unmapped (read-only). */
  user: User | null;
  chat: ChatUser;
}

/** The chat user as a principal: mapped by platform id, else by email (the platform's, when it can tell). */
export async function personOf(deps: ChatBotDeps, chat: ChatUser): Promise<Person> {
  let user = await deps.directory.userFor(chat);
  if (!user && !chat.email) {
    const emailOf = deps.surfaces?.[chat.surface]?.emailOf;
    const email = emailOf ? await emailOf(chat.id).catch(() => undefined) : undefined;
    if (email) user = await deps.directory.userFor({ ...chat, email });
  }
  const ref = `${chat.surface}:${chat.id}`;
  if (user && user.orgId === deps.orgId) return { principal: chatPrincipal(user, ref), user, chat };
  return { principal: { orgId: deps.orgId, userId: `chat:${ref}`, scopes: ['read'], via: 'chat', ref }, user: null, chat };
}

export const sessionFor = (deps: ChatBotDeps, p: Person): Session =>
  directSession(p.principal, deps.org(), deps.clock ? { ...deps.useCaseDeps, clock: deps.clock } : deps.useCaseDeps, deps.publishCommitted);

/** What an unmapped person is told when they try to act. */
export function unmappedText(chat: ChatUser): string {
  const field = chat.surface === 'slack' ? `"slack_user_id": "${chat.id}"` : chat.surface === 'teams' ? `"teams_aad_object_id": "${chat.id}"` : `"id": "${chat.id}"`;
  return `You are not mapped to a Warroom user, so you can read but not act. Ask an admin to add you: POST /v1/users {"id": …, "name": …, "email": …, "role": "responder", ${field}}.`;
}

const hasScope = (p: Principal, scope: Scope) => p.scopes.includes(scope) || p.scopes.includes('admin');

/** Null when the person may act with `scope`; else the polite refusal. */
export function refusalFor(p: Person, scope: Scope): string | null {
  if (scope !== 'read' && !p.user) return unmappedText(p.chat);
  if (hasScope(p.principal, scope)) return null;
  const role = p.user?.role ?? 'none';
  const who = scope === 'approve' ? 'sre and admin' : scope === 'plan' ? 'responder, sre and admin' : 'admin';
  return `Your Warroom role (${role}) cannot do that: it needs the "${scope}" permission, which ${who} have.`;
}

/** Actor in the audit log: the mapped user, or the chat identity of an unmapped person. */
export const auditActor = (p: Person): string => (p.user ? `user:${p.user.id}` : `chat:${p.chat.surface}:${p.chat.id}`);

/**
 * A use case's error as a sentence for chat: AppErrors say what is wrong in their own words
 * (four-eyes, expired, not found…); anything else is logged and answered without detail.
 */
export function errorText(deps: ChatBotDeps, e: unknown, what: string): string {
  if (isAppError(e)) {
    switch (e.code) {
      case 'forbidden':
        return `Sorry, you can't ${what}: ${e.message}`;
      case 'conflict':
        return e.extra?.reason === 'expired' ? `Sorry, that plan has expired: ${e.message}` : `Sorry, nothing was done: ${e.message}`;
      case 'not_found':
      case 'invalid_input':
      case 'bad_request':
      case 'precondition_failed':
      case 'payload_too_large':
        return e.message;
      case 'unavailable':
        return `Warroom can't ${what} right now: ${e.message}`;
      default:
        break;
    }
  }
  deps.logger?.error({ err: e, what }, 'chat: a command failed');
  return `Sorry, something went wrong while trying to ${what}. It is logged; try again in a moment.`;
}
