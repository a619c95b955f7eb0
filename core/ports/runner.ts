/**
 * Runners: what carries out one approved fix-plan step (the dry run and the sandbox today;
 * Kubernetes and GitOps later). Every runner passes remediate/runners/contract.ts.
 */
import type { Environment, FixStep } from '../schemas.js';

export interface StepResult {
  /** What the runner did or why it could not, as recorded on the command (its sha256 goes to the audit log). */
  output: string;
  /** An integer: 0 when the step succeeded; anything else fails the step and stops the plan. */
  exitCode: number;
}

/** Who a step is checked for: a runner bound to one tenant's system (the sandbox) refuses other orgs. */
export interface CheckContext {
  orgId: string;
}

/** What a step runs within: its org, its plan, the plan's environment, and when to stop. */
export interface RunContext extends CheckContext {
  planId: string;
  env: Environment;
  /**
   * Aborts when the run must stop: the plan was abandoned (a person, or the lease sweep) or the
   * process is stopping. A runner given an aborted signal acts no further and answers non-zero;
   * one aborted mid-step answers what it did (the caller records it as the step's command).
   */
  signal: AbortSignal;
}

/** A step's server-side check before anything runs (the preflight's dry_run gate). */
export interface StepCheck {
  /** true: the runner would carry it out as it stands; false: it would fail, `reason` says why. */
  ok: boolean;
  reason: string;
}

export interface Runner {
  /** The key plans and the API name it by (`dryrun`, `sandbox`…): a lowercase identifier. */
  readonly name: string;
  /** Changes nothing (reports what it would run): its plans end `dry_run`, its commands `simulated`. */
  readonly dryRun?: boolean;
  /**
   * Carries out one step. A step the runner cannot carry out resolves with a non-zero exit code
   * and the reason as output; rejecting is for the runner itself being broken (the caller then
   * records the step as failed). The step is left as it was: the caller records its command.
   * A runner is shared by every plan of the process, so one step's outcome never affects the next.
   */
  execute(step: FixStep, ctx: RunContext): Promise<StepResult>;
  /**
   * Checks a step against the target without changing anything (a server-side dry run): the
   * preflight's `dry_run` gate. Optional: a runner without it has its steps skipped, with that
   * reason. Like `execute`, it answers rather than throws for a step it cannot check.
   */
  validate?(step: FixStep, ctx: CheckContext): Promise<StepCheck>;
}
