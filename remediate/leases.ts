/**
 * Fix-plan leases: `POST /v1/fix/execute` claims a plan (approved → executing) and the
 * fix.execute worker renews its heartbeat (the plan's updatedAt) while its runner works; a plan whose heartbeat is older than
 * the lease belongs to no living process and is abandoned (usecases/fix-leases.ts sweeps for
 * them). Here: the heartbeat period and the audit entry of an abandonment, as plain data.
 */
import type { AuditInput, FixPlan } from '../core/schemas.js';

/** How often the executing process renews the heartbeat: well inside the lease. */
export const FIX_HEARTBEAT_MS = 15_000;

/** The heartbeat for a lease: every 15 s, or a quarter of a shorter lease. */
export function fixHeartbeatMs(leaseMs: number): number {
  return Math.min(FIX_HEARTBEAT_MS, Math.max(1, Math.floor(leaseMs / 4)));
}

/** The audit entry of a plan failed because its lease ran out (the commands that ran are on record). */
export function abandonedAudit(planId: string, heartbeatAt: string, plan: Pick<FixPlan, 'steps'>, commandsRecorded: number): AuditInput {
  return {
    actor: 'system',
    action: 'fix.abandoned',
    target: `plan:${planId}`,
    payload: { reason: `lease expired: no heartbeat from the executing process since ${heartbeatAt}`, heartbeatAt, commandsRecorded, steps: plan.steps.length },
  };
}
