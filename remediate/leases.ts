/**
 * Fix plans orphaned by a process that died while executing them. `POST /v1/fix/execute` claims a
 * plan (approved → executing) and renews its heartbeat (the plan's updatedAt) while its runner
 * works; a plan whose heartbeat is older than the lease belongs to no living process (a crash, a
 * kill, a lost host), so it is failed and audited as abandoned by the system — the commands that
 * did run are on record, and a new plan can be drafted and approved. Without this a person had
 * to find and abandon it (POST /v1/fix/plans/{id}/abandon, still there for runs that must stop).
 */
import type { Store } from '../core/ports/index.js';

/** How often the executing process renews the heartbeat: well inside the lease. */
export const FIX_HEARTBEAT_MS = 15_000;

/** The heartbeat for a lease: every 15 s, or a quarter of a shorter lease. */
export function fixHeartbeatMs(leaseMs: number): number {
  return Math.min(FIX_HEARTBEAT_MS, Math.max(1, Math.floor(leaseMs / 4)));
}

export interface OrphanLog {
  warn(obj: Record<string, unknown>, msg: string): void;
}

/**
 * Fails the executing plans of every org whose heartbeat is older than `leaseMs` (the lease is
 * WARROOM_FIX_LEASE_SECONDS); returns those it failed.
 */
export async function failOrphanedPlans(store: Store, leaseMs: number, log?: OrphanLog): Promise<{ id: string; orgId: string }[]> {
  const failed: { id: string; orgId: string }[] = [];
  for (const o of await store.orphanedFixPlans(leaseMs)) {
    const done = await store.forOrg(o.orgId).transaction(async (tx) => {
      // guarded by the heartbeat's age again: a run that renewed it since the listing keeps its plan
      const plan = await tx.transitionFixPlan(o.id, ['executing'], 'failed', leaseMs);
      if (!plan) return false;
      const commands = await tx.listCommands(o.id);
      await tx.appendAudit({
        actor: 'system',
        action: 'fix.abandoned',
        target: `plan:${o.id}`,
        payload: { reason: `lease expired: no heartbeat from the executing process since ${o.heartbeatAt}`, heartbeatAt: o.heartbeatAt, commandsRecorded: commands.length, steps: plan.steps.length },
      });
      return true;
    });
    if (done) {
      failed.push({ id: o.id, orgId: o.orgId });
      log?.warn({ plan: o.id, org: o.orgId, heartbeatAt: o.heartbeatAt }, 'fix plan orphaned by its executing process: marked failed');
    }
  }
  return failed;
}
