/** The dry-run runner records what it would run and changes nothing. */
import type { Runner } from '../../core/ports/index.js';

export const dryRunRunner: Runner = {
  name: 'dryrun',
  dryRun: true,
  async execute(step) {
    return {
      exitCode: 0,
      output: `DRY RUN: nothing was executed.\nwould run: ${step.command}\naction=${step.action} target=${step.target}`,
    };
  },
};
