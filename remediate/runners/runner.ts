/** A runner carries out one approved plan step. Real runners (Kubernetes, GitOps) come later. */
import type { FixStep } from '../../core/schemas.js';

export interface StepResult {
  output: string;
  exitCode: number;
}

export interface Runner {
  readonly name: string;
  execute(step: FixStep): Promise<StepResult>;
}
