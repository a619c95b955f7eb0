/**
 * A use-case session for one HTTP request: the key's principal, the request's org store, and a
 * commit that is the request's transaction ('request' routes) or its one short write
 * transaction ('manual' routes; the idempotent one with an Idempotency-Key).
 */
import { AppError } from '../core/errors.js';
import type { Principal } from '../usecases/principal.js';
import type { Session, WriteScope } from '../usecases/session.js';
import type { Ctx, Reply } from './context.js';

/** The use-case principal of a request made with an org key. */
export function principalOf<B, Q>(ctx: Ctx<B, Q>): Principal {
  const p = ctx.principal;
  if (p.kind !== 'key') throw new AppError('forbidden', 'The platform admin key only creates orgs; use an org key.');
  return { orgId: p.orgId, userId: p.userId, scopes: p.scopes, via: 'api_key', ref: p.keyId };
}

/** A reply another request with the same Idempotency-Key stored first: the use case's writes did not run. */
class Replayed extends Error {
  constructor(readonly reply: Reply) {
    super('replayed');
  }
}

/**
 * Runs a use case for a route and turns its result into the reply. `toReply` runs inside the
 * commit, so the reply stored under an Idempotency-Key is the one returned.
 */
export async function runUseCase<T, B, Q>(ctx: Ctx<B, Q>, run: (s: Session) => Promise<T>, toReply: (t: T) => Reply): Promise<Reply> {
  let committed: Reply | undefined;
  const commit = async <U>(fn: (w: WriteScope) => Promise<U>): Promise<U> => {
    if (ctx.mode === 'request') return fn({ org: ctx.org, emit: (subject, payload) => ctx.emit(subject, payload) });
    if (ctx.mode !== 'manual') throw new AppError('internal', `${ctx.req.method} ${ctx.req.path}: a read-only route cannot write`);
    let out: { value: U } | undefined;
    const reply = await ctx.commit(async (w) => {
      const value = await fn(w);
      out = { value };
      return toReply(value as unknown as T);
    });
    if (!out) throw new Replayed(reply);
    committed = reply;
    return out.value;
  };
  const session: Session = { principal: principalOf(ctx), org: ctx.org, deps: ctx.deps, commit };
  try {
    const result = await run(session);
    return committed ?? toReply(result);
  } catch (e) {
    if (e instanceof Replayed) return e.reply;
    throw e;
  }
}
