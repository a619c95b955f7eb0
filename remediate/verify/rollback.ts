/**
 * The steps that undo a plan, for the runner: the catalog records each step's rollback as text
 * for people ({action: 'undo <action>', target, command}), and a runner that applies steps by
 * their action and params (the sandbox's) needs the inverse spelled out. The forward step's
 * params say what was there before (`from_version`, `from_value`, `from_replicas`,
 * `from_memory_mb`: remediate/catalog.ts records them for the drift gate), so the inverse puts
 * that back. A step nothing undoes (a restart, a renewed certificate, a grown volume that cannot
 * shrink, an index) is skipped with the reason. Pure.
 */
import type { FixPlan, FixStep } from '../../core/schemas.js';

/**
 * A step of the undo, or why a forward step has none: `nothing_to_undo` when the forward step
 * leaves no change to take back (a restart) or one that cannot and need not go (a renewed
 * certificate, a grown volume, an index); `unknown` when its inverse is not known, so the change
 * stays until a person undoes it.
 */
export type RollbackItem = { step: FixStep } | { skipped: string; why: 'nothing_to_undo' | 'unknown' };

type Inverse = { action: string; params: Record<string, unknown> } | { skipped: string; why: 'nothing_to_undo' | 'unknown' };

/** The inverse action and params of one forward step, or why there is none. */
function inverseOf(f: FixStep): Inverse {
  const p = f.params;
  const ns = typeof p.namespace === 'string' ? { namespace: p.namespace } : {};
  const known = (v: unknown): v is string | number | boolean => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
  switch (f.action) {
    case 'rollback':
      return known(p.from_version) ? { action: 'rollback', params: { ...ns, to_version: String(p.from_version) } } : { skipped: 'the version it replaced was not recorded', why: 'unknown' };
    case 'flag_off':
    case 'flag_set':
      return known(p.from_value) && typeof p.flag === 'string' ? { action: 'flag_set', params: { ...ns, flag: p.flag, value: p.from_value } } : { skipped: 'the flag\'s previous value was not recorded', why: 'unknown' };
    case 'config_revert':
    case 'config_set':
      return known(p.from_value) && typeof p.key === 'string' ? { action: 'config_set', params: { ...ns, key: p.key, value: p.from_value } } : { skipped: 'the key\'s previous value was not recorded', why: 'unknown' };
    case 'scale':
      return typeof p.from_replicas === 'number' ? { action: 'scale', params: { ...ns, replicas: p.from_replicas } } : { skipped: 'the previous replica count was not recorded', why: 'unknown' };
    case 'resize':
      return typeof p.from_memory_mb === 'number' ? { action: 'resize', params: { ...ns, memory_mb: p.from_memory_mb } } : { skipped: 'the previous memory limit was not recorded', why: 'unknown' };
    case 'expand_disk':
      return { skipped: 'a volume cannot shrink back', why: 'nothing_to_undo' };
    case 'restart':
      return { skipped: 'a restart leaves nothing to undo', why: 'nothing_to_undo' };
    case 'renew_certificate':
      return { skipped: 'a renewed certificate leaves nothing to undo', why: 'nothing_to_undo' };
    case 'add_index':
      return { skipped: 'an added index leaves nothing to undo', why: 'nothing_to_undo' };
    default:
      return { skipped: `no known inverse of "${f.action}"`, why: 'unknown' };
  }
}

/**
 * The plan's rollback as runner steps, last forward step first (undo in reverse order): each
 * with the recorded rollback's command (what people read and a command-driven runner runs) and
 * the inverse action and params (what a state-driven runner applies).
 */
export function rollbackSteps(plan: Pick<FixPlan, 'steps' | 'rollback'>): RollbackItem[] {
  const recorded = plan.rollback ?? [];
  return plan.steps
    .map((f, i): RollbackItem => {
      const r = recorded[i];
      const inv = inverseOf(f);
      // a step that leaves nothing to undo says so whether or not a rollback was written down for it
      if ('skipped' in inv && inv.why === 'nothing_to_undo') return { skipped: `step ${i + 1} (${f.action} ${f.target}): ${inv.skipped}`, why: inv.why };
      if (!r) return { skipped: `step ${i + 1} (${f.action} ${f.target}): no rollback was recorded`, why: 'unknown' };
      if ('skipped' in inv) return { skipped: `step ${i + 1} (${f.action} ${f.target}): ${inv.skipped}`, why: inv.why };
      return { step: { action: inv.action, target: r.target, params: inv.params, command: r.command } };
    })
    .reverse();
}
