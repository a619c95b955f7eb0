/**
 * Emails of Teams users, from the roster (TeamsInfo.getMember): how an unmapped person is matched
 * to a Warroom user by email. Looked up once per person and cached; a failed lookup (no roster
 * permission, a chat outside Teams, the connector down) is remembered for a while as "unknown"
 * and never fails the turn.
 */
import { TeamsInfo, type TurnContext } from 'botbuilder';
import type { Logger } from 'pino';

interface Entry {
  email: string | null;
  at: number;
}

/** Per-process cache of user id → email (null = the roster had none, or the lookup failed). */
export class EmailBook {
  private readonly entries = new Map<string, Entry>();
  constructor(
    private readonly opts: { max?: number; unknownTtlMs?: number; now?: () => number } = {},
  ) {}

  /** undefined = never looked up (or an "unknown" that has expired); null = known to be unknown. */
  get(id: string): string | null | undefined {
    const e = this.entries.get(id);
    if (!e) return undefined;
    const now = (this.opts.now ?? Date.now)();
    if (e.email === null && now - e.at > (this.opts.unknownTtlMs ?? 10 * 60_000)) return undefined;
    return e.email;
  }

  set(id: string, email: string | null): void {
    const max = this.opts.max ?? 5000;
    this.entries.delete(id);
    if (this.entries.size >= max) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(id, { email, at: (this.opts.now ?? Date.now)() });
  }
}

const looksLikeEmail = (s: unknown): s is string => typeof s === 'string' && /^[^\s@]+@[^\s@]+$/.test(s);

/** The email of the turn's sender: from the cache, else the roster (Teams only). Never throws. */
export async function senderEmail(context: TurnContext, book: EmailBook, logger: Logger): Promise<string | undefined> {
  const from = context.activity.from;
  if (context.activity.channelId !== 'msteams') return undefined;
  return memberEmail(context, from.id, book, logger, from.aadObjectId ?? from.id);
}

/**
 * The email of a member of the turn's conversation (or team), looked up by their channel
 * account id or AAD object id and cached under `key`. Never throws.
 */
export async function memberEmail(context: TurnContext, memberId: string, book: EmailBook, logger: Logger, key = memberId): Promise<string | undefined> {
  const known = book.get(key);
  if (known !== undefined) return known ?? undefined;
  try {
    const member = await TeamsInfo.getMember(context, memberId);
    const email = [member.email, member.userPrincipalName].find(looksLikeEmail) ?? null;
    book.set(key, email);
    return email ?? undefined;
  } catch (err) {
    logger.debug({ err, user: key }, 'teams: roster lookup failed; the person is matched by id only');
    book.set(key, null);
    return undefined;
  }
}
