/**
 * The sandbox runner's server-side dry run (the preflight's dry_run gate): the step is mapped to
 * a remedy as the runner would (sim/runner.ts remedyFromFixStep) and applied to a copy of the
 * sandbox's desired state (sim/state.ts applyRemedy is pure), so nothing changes. Kept here, in
 * the composition root, so the sandbox's own runner stays as it is; it adds `validate` to it.
 */
import type { Runner } from '../core/ports/index.js';
import type { Sandbox } from '../sim/sandbox.js';
import { remedyFromFixStep } from '../sim/runner.js';
import { applyRemedy } from '../sim/state.js';

/** `runner` (the sandbox runner) with a `validate` that checks each step applies to `getSandbox()` now. */
export function withSandboxValidate(runner: Runner, getSandbox: () => Pick<Sandbox, 'world'> | undefined, owner?: string): Runner {
  return {
    ...runner,
    execute: (step, ctx) => runner.execute(step, ctx),
    async validate(step, ctx) {
      if (owner !== undefined && ctx.orgId !== owner) return { ok: false, reason: 'this org has no sandbox: nothing to check this step against' };
      const sb = getSandbox();
      if (!sb) return { ok: false, reason: 'the sandbox is off (WARROOM_SANDBOX=off): nothing to check this step against' };
      const m = remedyFromFixStep(step);
      if (!m.ok) return { ok: false, reason: `cannot apply "${step.action}" to the sandbox: ${m.error}` };
      const w = sb.world;
      const out = applyRemedy(w.desired, m.remedy, { nowMs: w.t, original: Object.fromEntries(w.services.map((s) => [s.id, s.original.config])) });
      return out.ok ? { ok: true, reason: `the sandbox accepts it: ${out.message}` } : { ok: false, reason: `the sandbox would refuse it: ${out.error}` };
    },
  };
}
