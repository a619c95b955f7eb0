/**
 * An external policy engine a team already runs (Open Policy Agent, `OPA_URL`): asked by the
 * preflight's policy gate after the Cedar policies, for every plan. It answers; it never throws —
 * an engine that cannot be reached, answers late or answers nonsense denies (fail closed), with
 * the reason.
 */
export interface ExternalPolicyDecision {
  allowed: boolean;
  /** Why, in the engine's words (deny reasons), or what went wrong reaching it. */
  reasons: string[];
  /** Where it was asked (for the gate's details). */
  source: string;
}

export interface ExternalPolicy {
  decide(input: Record<string, unknown>): Promise<ExternalPolicyDecision>;
}
