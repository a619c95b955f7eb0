/**
 * Fix-plan steps applied to the sandbox: the `sandbox` runner turns an approved step
 * (`{action, target, params}`) into a remedy on the live sandbox's desired state. It implements
 * the `Runner` port of core/ports/runner.ts and passes its contract (sim/runner.test.ts).
 */
import type { Runner } from '../core/ports/index.js';
import type { FixStep } from '../core/schemas.js';
import { Remedy } from './schema.js';

/** Planner actions that are spelled differently from remedy actions. */
const ALIASES: Record<string, string> = { undo: 'rollback', rollout_undo: 'rollback', rollout_restart: 'restart', delete_pod: 'restart', create_index: 'add_index', renew_cert: 'renew_certificate', resize_volume: 'expand_disk' };

/** Maps a fix step to a remedy; the error names the missing or wrong field. */
export function remedyFromFixStep(step: Pick<FixStep, 'action' | 'target' | 'params'>): { ok: true; remedy: Remedy } | { ok: false; error: string } {
  const action = ALIASES[step.action] ?? step.action;
  const r = Remedy.safeParse({ ...step.params, action, service: step.target });
  if (r.success) return { ok: true, remedy: r.data };
  return { ok: false, error: r.error.issues.map((i) => `${i.path.join('.') || 'step'}: ${i.message}`).join('; ') };
}

interface Applier {
  apply(remedy: unknown, actor?: string): { ok: boolean; message: string; effective_after_s: number };
}

/**
 * A runner that executes plan steps against the live sandbox (`getSandbox()` undefined = sandbox
 * off). The sandbox belongs to one org (`owner`): a step run for another org is refused as if
 * there were no sandbox, so one tenant's plan cannot mend or break another's world.
 */
export function sandboxRunner(getSandbox: () => Applier | undefined, owner?: string): Runner {
  return {
    name: 'sandbox',
    async execute(step, ctx) {
      // the run was stopped (plan abandoned, process stopping): nothing more is applied
      if (ctx.signal.aborted) return { exitCode: 130, output: 'the run was stopped before this step: nothing was applied' };
      if (owner !== undefined && ctx.orgId !== owner) return { exitCode: 1, output: 'this org has no sandbox: nothing to apply this step to' };
      const sb = getSandbox();
      if (!sb) return { exitCode: 1, output: 'the sandbox is off (WARROOM_SANDBOX=off): nothing to apply this step to' };
      const m = remedyFromFixStep(step);
      if (!m.ok) return { exitCode: 2, output: `cannot apply "${step.action}" to the sandbox: ${m.error}` };
      const r = sb.apply(m.remedy, 'runner:sandbox');
      return r.ok
        ? { exitCode: 0, output: `sandbox: ${r.message}; takes effect in about ${r.effective_after_s} s\n(${step.command})` }
        : { exitCode: 1, output: `sandbox refused: ${r.message}` };
    },
  };
}
