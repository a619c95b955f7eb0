/** Fix plans: drafted, decided by a person, executed step by step by a runner. */
import type { Approval, CommandRecord, FixPlan, PlanStatus, PreflightRecord, VerificationRecord } from '../schemas.js';
import type { SigningKeyInfo } from '../signing.js';

/** A verification round to store: round 1, final, without a basis unless the caller says otherwise. */
export type NewVerification = Omit<VerificationRecord, 'orgId' | 'createdAt' | 'round' | 'basis' | 'nextRoundAt'> & Partial<Pick<VerificationRecord, 'round' | 'basis' | 'nextRoundAt'>>;

export interface FixPlanStore {
  /** A plan for an incident of this org (`invalid_input` otherwise). */
  createFixPlan(p: Omit<FixPlan, 'orgId' | 'createdAt' | 'updatedAt'>): Promise<FixPlan>;
  getFixPlan(id: string): Promise<FixPlan | null>;
  /** The plans of one incident, newest first. */
  listFixPlans(incidentId: string): Promise<FixPlan[]>;
  /**
   * Compare-and-set: moves the plan to `to` only if its status is one of `from` (null otherwise);
   * with `idleMs`, only when the plan's `updatedAt` (its heartbeat while executing) is at least that old.
   */
  transitionFixPlan(id: string, from: PlanStatus[], to: PlanStatus, idleMs?: number): Promise<FixPlan | null>;
  /** Renews an executing plan's heartbeat (its `updatedAt`); false when it is no longer executing. */
  heartbeatFixPlan(id: string): Promise<boolean>;
  addApproval(a: Omit<Approval, 'orgId' | 'createdAt'>): Promise<Approval>;
  listApprovals(planId: string): Promise<Approval[]>;
  /** Records a command a runner executed; a store that holds a signing key signs it (its `signature`). */
  addCommand(c: Omit<CommandRecord, 'orgId' | 'signature'>): Promise<CommandRecord>;
  /**
   * The public half of the key `addCommand` signs with, and the audit key's HMAC of it as stored
   * with it (null: none); null when this store signs nothing.
   */
  commandSigningKey(): (SigningKeyInfo & { mac: string | null }) | null;
  listCommands(planId: string): Promise<CommandRecord[]>;
  /** Every command of the org with its signature, oldest first (what `audit verify` checks). */
  listOrgCommands(): Promise<CommandRecord[]>;
  /** Stores a preflight run of a plan of this org (`invalid_input` for an unknown plan). */
  addPreflight(p: Omit<PreflightRecord, 'orgId' | 'createdAt'>): Promise<PreflightRecord>;
  /** The plan's latest preflight run, or null when it never had one. */
  latestPreflight(planId: string): Promise<PreflightRecord | null>;
  /** Stores a round of a plan's verification; a plan has at most one of each round (a second is a `conflict`), an unknown plan is `invalid_input`. */
  addVerification(v: NewVerification): Promise<VerificationRecord>;
  /** The plan's latest verification round, or null before the first. */
  getVerification(planId: string): Promise<VerificationRecord | null>;
  /** Every round of the plan's verification, round 1 first. */
  listVerifications(planId: string): Promise<VerificationRecord[]>;
}
