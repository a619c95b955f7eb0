/**
 * The verification sweep: every executed plan of any org whose post window has closed and that
 * has no verification yet is verified, and every plan whose next verification round is due is
 * verified again, by the system (`system:verify`). Durable across restarts
 * (it reads the plans, not a timer per plan) and safe with several instances: the stored
 * verification round is unique per plan and round, so one of them decides and the others find it (usecases/verify.ts).
 * The instance runs it at start and periodically (app/runtime.ts).
 */
import type { OutboxMessage, Store } from '../core/ports/index.js';
import type { VerifyDecision } from '../core/schemas.js';
import type { Principal } from './principal.js';
import { directSession, type UseCaseDeps } from './session.js';
import { verifyFix } from './verify.js';
import { DEFAULT_VERIFY_SETTLE_MS, DEFAULT_VERIFY_WINDOW_MS } from './verify-windows.js';

export interface VerifySweepLog {
  info(obj: Record<string, unknown>, msg: string): void;
  warn(obj: Record<string, unknown>, msg: string): void;
}

/** How often an instance sweeps: a tenth of the window, between 5 s and a minute. */
export function verifySweepEveryMs(windowMs: number): number {
  return Math.min(60_000, Math.max(5_000, Math.round(windowMs / 10)));
}

/** One plan's round the sweep decided. */
export interface SweptVerification {
  id: string;
  orgId: string;
  round: number;
  decision: VerifyDecision;
}

/**
 * Verifies the plans whose first post window has closed, then those whose next round is due (a
 * fix improving but not healed yet, or too few samples); returns the rounds this call decided.
 */
export async function verifyDuePlans(store: Store, deps: UseCaseDeps, publishCommitted: (msgs: OutboxMessage[]) => void, log?: VerifySweepLog): Promise<SweptVerification[]> {
  const windowMs = deps.verify?.windowMs ?? DEFAULT_VERIFY_WINDOW_MS;
  const settleMs = deps.verify?.settleMs ?? DEFAULT_VERIFY_SETTLE_MS;
  const now = deps.clock.now().getTime();
  const before = new Date(now - settleMs - windowMs).toISOString();
  const due = [...(await store.unverifiedFixPlans(before)), ...(await store.verificationsDue(new Date(now).toISOString())).map((d) => ({ id: d.planId, orgId: d.orgId }))];
  const decided: SweptVerification[] = [];
  for (const plan of due) {
    const principal: Principal = { orgId: plan.orgId, userId: 'verify', scopes: ['read', 'approve'], via: 'system' };
    const s = directSession(principal, store.forOrg(plan.orgId), deps, publishCommitted);
    try {
      const out = await verifyFix(s, { planId: plan.id });
      if (!out.created) continue;
      const v = out.verification;
      decided.push({ id: plan.id, orgId: plan.orgId, round: v.round, decision: v.decision });
      log?.info({ plan: plan.id, org: plan.orgId, round: v.round, decision: v.decision, basis: v.basis, healed: v.healed, nextRoundAt: v.nextRoundAt, rollback: out.rollback?.reason }, `fix verified: ${v.message}`);
    } catch (err) {
      // one plan that cannot be verified now (its data unreadable, a store hiccup) does not stop the others
      log?.warn({ err, plan: plan.id, org: plan.orgId }, 'verifying a fix plan failed; the next sweep tries again');
    }
  }
  return decided;
}
