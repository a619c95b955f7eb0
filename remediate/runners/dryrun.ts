/**
 * The dry-run runner records what it would run and changes nothing. Its `validate` (the
 * preflight's dry_run gate) checks what it can without a cluster: the step names a valid
 * Kubernetes target and carries a command, one line long.
 */
import type { Runner } from '../../core/ports/index.js';
import { isK8sName } from '../commands.js';

export const dryRunRunner: Runner = {
  name: 'dryrun',
  dryRun: true,
  async execute(step, ctx) {
    if (ctx.signal.aborted) return { exitCode: 130, output: 'DRY RUN: the run was stopped before this step; nothing was recorded as run.' };
    return {
      exitCode: 0,
      output: `DRY RUN: nothing was executed.\nwould run: ${step.command}\naction=${step.action} target=${step.target}`,
    };
  },
  async validate(step) {
    if (!isK8sName(step.target)) return { ok: false, reason: `"${step.target}" is not a valid Kubernetes name` };
    if (!step.command.trim()) return { ok: false, reason: 'the step has no command' };
    if (/[\r\n]/.test(step.command)) return { ok: false, reason: 'the command spans several lines' };
    return { ok: true, reason: `would run: ${step.command}` };
  },
};
