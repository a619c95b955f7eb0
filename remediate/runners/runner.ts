/** A runner carries out one approved plan step. Real runners (Kubernetes, GitOps) come later. */
import type { FixStep } from '../../core/schemas.js';

export interface StepResult {
  output: string;
  exitCode: number;
}

export interface Runner {
  readonly name: string;
  /** Changes nothing (reports what it would run): its plans end `dry_run`, its commands `simulated`. */
  readonly dryRun?: boolean;
  execute(step: FixStep): Promise<StepResult>;
}
