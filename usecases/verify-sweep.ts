/**
 * The verification sweep: every executed plan of any org whose post window has closed and that
 * has no verification yet is verified, by the system (`system:verify`). Durable across restarts
 * (it reads the plans, not a timer per plan) and safe with several instances: the stored
 * verification is unique per plan, so one of them decides and the others find it (usecases/verify.ts).
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

/** Verifies the plans whose post window has closed; returns those this call decided. */
export async function verifyDuePlans(
  store: Store,
  deps: UseCaseDeps,
  publishCommitted: (msgs: OutboxMessage[]) => void,
  log?: VerifySweepLog,
): Promise<{ id: string; orgId: string; decision: VerifyDecision }[]> {
  const windowMs = deps.verify?.windowMs ?? DEFAULT_VERIFY_WINDOW_MS;
  const settleMs = deps.verify?.settleMs ?? DEFAULT_VERIFY_SETTLE_MS;
  const before = new Date(deps.clock.now().getTime() - settleMs - windowMs).toISOString();
  const decided: { id: string; orgId: string; decision: VerifyDecision }[] = [];
  for (const due of await store.unverifiedFixPlans(before)) {
    const principal: Principal = { orgId: due.orgId, userId: 'verify', scopes: ['read', 'approve'], via: 'system' };
    const s = directSession(principal, store.forOrg(due.orgId), deps, publishCommitted);
    try {
      const out = await verifyFix(s, { planId: due.id });
      if (!out.created) continue;
      decided.push({ id: due.id, orgId: due.orgId, decision: out.verification.decision });
      log?.info({ plan: due.id, org: due.orgId, decision: out.verification.decision, healed: out.verification.healed, rollback: out.rollback?.reason }, `fix verified: ${out.verification.message}`);
    } catch (err) {
      // one plan that cannot be verified now (its data unreadable, a store hiccup) does not stop the others
      log?.warn({ err, plan: due.id, org: due.orgId }, 'verifying a fix plan failed; the next sweep tries again');
    }
  }
  return decided;
}
