/**
 * The preflight's policies for one org: the built-in ones (policies/*.cedar), WARROOM_POLICY_DIR's
 * and the org's own stored sets (PUT /v1/policies/{name}), compiled together once and cached per
 * org. The cache key is the org's sets' names and hashes, read at every preflight: a change made
 * through any process (a PUT, a DELETE) is seen at the next preflight, and an unchanged org costs
 * one small read, not a recompile.
 */
import { compilePolicies, type PolicyBundle, type PolicySource } from '../policies/evaluate.js';
import type { StoredPolicySet } from '../core/ports/index.js';
import { loadPolicyBundle } from './policy-loader.js';
import type { Session } from './session.js';

/** What an org's policies compile to: a bundle, or why its stored sets no longer validate (the gate denies then). */
export type OrgPolicies = { ok: true; bundle: PolicyBundle } | { ok: false; errors: string[] };

/** The source name a stored set compiles under (ids without @id become `org/<name>#<n>`). */
export const orgSourceName = (name: string): string => `org/${name}`;

/** The built-in and WARROOM_POLICY_DIR policies of the process (deps.policies, else the defaults). */
export const basePolicies = (s: Session): PolicyBundle => s.deps.policies ?? loadPolicyBundle();

/** Compiles the base with the org's sets (no cache). */
export function compileOrgPolicies(base: PolicyBundle, sets: readonly Pick<StoredPolicySet, 'name' | 'text'>[]): OrgPolicies {
  if (!sets.length) return { ok: true, bundle: base };
  const sources: PolicySource[] = [...base.sources, ...sets.map((p) => ({ name: orgSourceName(p.name), text: p.text }))];
  return compilePolicies(base.schema, sources);
}

/** Per base bundle (one per process), per org: the sets' fingerprint and what they compiled to. */
const cache = new WeakMap<PolicyBundle, Map<string, { key: string; compiled: OrgPolicies }>>();

/** The org's policies for the preflight, recompiled only when its stored sets changed. */
export async function orgPolicies(s: Session): Promise<OrgPolicies> {
  const base = basePolicies(s);
  const sets = await s.org.listPolicySets();
  if (!sets.length) return { ok: true, bundle: base };
  const key = sets.map((p) => `${p.name}:${p.sha256}`).join('\n');
  let perOrg = cache.get(base);
  if (!perOrg) cache.set(base, (perOrg = new Map()));
  const hit = perOrg.get(s.principal.orgId);
  if (hit?.key === key) return hit.compiled;
  const compiled = compileOrgPolicies(base, sets);
  perOrg.set(s.principal.orgId, { key, compiled });
  return compiled;
}
