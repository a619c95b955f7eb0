/**
 * Fix plans orphaned by a process that died while executing them (a crash, a kill, a lost host):
 * the system fails each plan whose heartbeat is older than the lease and audits it as abandoned,
 * so a new plan can be drafted and approved. Without this a person had to find and abandon it
 * (POST /v1/fix/plans/{id}/abandon, still there for runs that must stop). The instance runs the
 * sweep at start and periodically (app/runtime.ts).
 */
import type { Store } from '../core/ports/index.js';
import { abandonedAudit } from '../remediate/leases.js';

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
      await tx.appendAudit(abandonedAudit(o.id, o.heartbeatAt, plan, commands.length));
      return true;
    });
    if (done) {
      failed.push({ id: o.id, orgId: o.orgId });
      log?.warn({ plan: o.id, org: o.orgId, heartbeatAt: o.heartbeatAt }, 'fix plan orphaned by its executing process: marked failed');
    }
  }
  return failed;
}
