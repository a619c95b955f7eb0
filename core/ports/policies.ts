/** An org's own Cedar policy sets (PUT /v1/policies/{name}), joined to the built-in ones by the preflight. */

export interface StoredPolicySet {
  orgId: string;
  /** The set's name: lowercase letters, digits, "-" and "_", 1-64 characters, starting with a letter or digit. */
  name: string;
  /** The Cedar text as it was put (validated against the schema before it was stored). */
  text: string;
  /** sha256 of the text, hex: what caches are keyed on and what the audit records. */
  sha256: string;
  updatedBy: string;
  createdAt: string;
  updatedAt: string;
}

export interface PolicyStore {
  /** Stores a set under its name, replacing one of the same name; `created` when there was none. */
  putPolicySet(p: { name: string; text: string; sha256: string; updatedBy: string }): Promise<{ policySet: StoredPolicySet; created: boolean }>;
  /** The org's sets by name. */
  listPolicySets(): Promise<StoredPolicySet[]>;
  /** Removes a set: the removed row, or null when the org has none of that name. */
  deletePolicySet(name: string): Promise<StoredPolicySet | null>;
}
