/**
 * An org's own Cedar policies (issue 17 §4): anyone who may read lists them with the built-in
 * ones (policies/*.cedar and WARROOM_POLICY_DIR, read-only); an admin puts and deletes the org's
 * named sets. A set is checked against policies/warroom.cedarschema before it is stored — a
 * syntax or schema error is a 422 with its line and column — and together with every other
 * policy the org runs under, so no id is used twice. Audited `policy.put` / `policy.deleted` with
 * the sha256 of the text. The preflight picks a change up at once (usecases/org-policies.ts).
 */
import { createHash } from 'node:crypto';
import { AppError } from '../core/errors.js';
import type { StoredPolicySet } from '../core/ports/index.js';
import { checkPolicyText, problemText, type PolicyProblem } from '../policies/check.js';
import type { PolicyBundle } from '../policies/evaluate.js';
import { basePolicies, compileOrgPolicies, orgPolicies, orgSourceName } from './org-policies.js';
import { actorOf, requireScope } from './principal.js';
import type { Session } from './session.js';

/** A set's name: what the URL and the table accept. */
export const POLICY_SET_NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/;

export interface PolicySetView {
  name: string;
  /** built-in: policies/ of the product; policy_dir: WARROOM_POLICY_DIR; org: stored through the API. */
  source: 'built-in' | 'policy_dir' | 'org';
  readOnly: boolean;
  /** The policies' ids, as the preflight quotes them. */
  ids: string[];
  text: string;
  sha256: string;
  updatedBy: string | null;
  updatedAt: string | null;
  /** For a stored set that no longer validates with the others (the schema or a built-in changed since): why. The preflight denies until it is fixed. */
  problems?: PolicyProblem[];
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
const DIR_PREFIX = 'WARROOM_POLICY_DIR/';

/** The built-in and WARROOM_POLICY_DIR sets, named by their file without `.cedar`. */
function baseViews(base: PolicyBundle): PolicySetView[] {
  return base.sources.map((src) => ({
    name: src.name.replace(DIR_PREFIX, '').replace(/\.cedar$/, ''),
    source: src.name.startsWith(DIR_PREFIX) ? ('policy_dir' as const) : ('built-in' as const),
    readOnly: true,
    ids: Object.keys(base.origins).filter((id) => base.origins[id] === src.name),
    text: src.text,
    sha256: sha256(src.text),
    updatedBy: null,
    updatedAt: null,
  }));
}

/** Policy id → the set that holds it, for ids another set may not reuse. */
function takenIds(base: PolicyBundle, others: readonly StoredPolicySet[], schema: string): Map<string, string> {
  const taken = new Map(Object.entries(base.origins).map(([id, src]) => [id, src.startsWith(DIR_PREFIX) ? src : `the built-in ${src}`]));
  for (const o of others) {
    const r = checkPolicyText(schema, orgSourceName(o.name), o.text);
    if (r.ok) for (const id of r.ids) taken.set(id, `the org's set "${o.name}"`);
  }
  return taken;
}

function refuseReadOnly(base: PolicyBundle, name: string, verb: string): void {
  const ro = baseViews(base).find((v) => v.name === name);
  if (ro) throw new AppError('conflict', `"${name}" is a ${ro.source === 'built-in' ? 'built-in policy set (policies/)' : 'WARROOM_POLICY_DIR policy set'}, read-only here; ${verb} a set of another name.`, { extra: { reason: 'read_only_policy_set' } });
}

function checkName(name: string): void {
  if (!POLICY_SET_NAME.test(name)) throw new AppError('invalid_input', `"${name}" is not a policy set name.`, { issues: [{ path: 'name', message: 'lowercase letters, digits, "-" and "_", 1-64 characters, starting with a letter or digit' }] });
}

/** The built-in sets and the org's own, each with its policy ids (scope `read`). */
export async function listPolicies(s: Session): Promise<PolicySetView[]> {
  requireScope(s.principal, 'read');
  const base = basePolicies(s);
  const sets = await s.org.listPolicySets();
  const compiled = await orgPolicies(s);
  const own = sets.map((p): PolicySetView => {
    const view = { name: p.name, source: 'org' as const, readOnly: false, text: p.text, sha256: p.sha256, updatedBy: p.updatedBy, updatedAt: p.updatedAt };
    if (compiled.ok) return { ...view, ids: Object.keys(compiled.bundle.origins).filter((id) => compiled.bundle.origins[id] === orgSourceName(p.name)) };
    const r = checkPolicyText(base.schema, orgSourceName(p.name), p.text, takenIds(base, sets.filter((o) => o.name !== p.name), base.schema));
    return { ...view, ids: r.ok ? r.ids : [], ...(r.ok ? {} : { problems: r.problems }) };
  });
  return [...baseViews(base), ...own];
}

/**
 * Stores the org's set `name` (scope `admin`), replacing one of that name: checked first, a 422
 * with every problem at its line and column when it does not validate. Audited `policy.put`.
 */
export async function putPolicy(s: Session, input: { name: string; text: string }): Promise<{ policySet: PolicySetView; created: boolean; warnings: PolicyProblem[] }> {
  requireScope(s.principal, 'admin');
  checkName(input.name);
  const base = basePolicies(s);
  refuseReadOnly(base, input.name, 'put');
  return s.commit(async ({ org }) => {
    const others = (await org.listPolicySets()).filter((p) => p.name !== input.name);
    const checked = checkPolicyText(base.schema, orgSourceName(input.name), input.text, takenIds(base, others, base.schema));
    if (!checked.ok) {
      throw new AppError('invalid_input', `The policy set "${input.name}" does not validate against policies/warroom.cedarschema: ${checked.problems.map(problemText).join('; ')}`, {
        issues: checked.problems.map((p) => ({ path: 'text', message: problemText(p) })),
        extra: { problems: checked.problems },
      });
    }
    // the whole set the org will run under must compile too (another stored set may itself no longer validate)
    const whole = compileOrgPolicies(base, [...others, { name: input.name, text: input.text }]);
    if (!whole.ok) {
      throw new AppError('invalid_input', `With the set "${input.name}" the org's policies do not validate: ${whole.errors.join('; ')}`, { issues: whole.errors.map((message) => ({ path: 'text', message })) });
    }
    const hash = sha256(input.text);
    const { policySet, created } = await org.putPolicySet({ name: input.name, text: input.text, sha256: hash, updatedBy: actorOf(s.principal) });
    await org.appendAudit({ actor: actorOf(s.principal), action: 'policy.put', target: `policy:${input.name}`, payload: { name: input.name, sha256: hash, created, ids: checked.ids } });
    const view: PolicySetView = { name: policySet.name, source: 'org', readOnly: false, ids: checked.ids, text: policySet.text, sha256: policySet.sha256, updatedBy: policySet.updatedBy, updatedAt: policySet.updatedAt };
    return { policySet: view, created, warnings: checked.warnings };
  });
}

/** Removes the org's set `name` (scope `admin`; 404 when there is none). Audited `policy.deleted`. */
export async function deletePolicy(s: Session, name: string): Promise<{ name: string; sha256: string }> {
  requireScope(s.principal, 'admin');
  checkName(name);
  refuseReadOnly(basePolicies(s), name, 'delete');
  return s.commit(async ({ org }) => {
    const gone = await org.deletePolicySet(name);
    if (!gone) throw new AppError('not_found', `The org has no policy set "${name}".`);
    await org.appendAudit({ actor: actorOf(s.principal), action: 'policy.deleted', target: `policy:${name}`, payload: { name, sha256: gone.sha256 } });
    return { name, sha256: gone.sha256 };
  });
}
