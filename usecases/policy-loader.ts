/**
 * Loads the preflight policies (app/runtime.ts at start-up; use cases given none fall back to the defaults): the product's own (policies/warroom.cedarschema and
 * policies/*.cedar) plus an org's (`WARROOM_POLICY_DIR`: every *.cedar in it), validated against
 * the schema. A bad policy stops the start with every error and the file it is in, rather than
 * running with a gate that silently skips it.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compilePolicies, type PolicyBundle, type PolicySource } from '../policies/evaluate.js';

/** Where the product's schema and default policies live. */
export const DEFAULT_POLICY_DIR = fileURLToPath(new URL('../policies/', import.meta.url));

function cedarFiles(dir: string, label: string): PolicySource[] {
  let names: string[];
  try {
    if (!statSync(dir).isDirectory()) throw new Error('not a directory');
    names = readdirSync(dir).filter((f) => f.endsWith('.cedar')).sort();
  } catch (e) {
    throw new Error(`${label} ${dir} cannot be read: ${(e as Error).message}`, { cause: e });
  }
  return names.map((f) => ({ name: `${label === 'WARROOM_POLICY_DIR' ? 'WARROOM_POLICY_DIR/' : ''}${f}`, text: readFileSync(join(dir, f), 'utf8') }));
}

/** The default policies and, when `orgDir` is set, the org's; throws with every error when one does not validate. */
export function loadPolicyBundle(orgDir?: string): PolicyBundle {
  if (!orgDir && defaultBundle) return defaultBundle;
  const schema = readFileSync(join(DEFAULT_POLICY_DIR, 'warroom.cedarschema'), 'utf8');
  const sources = [...cedarFiles(DEFAULT_POLICY_DIR, 'the policy folder'), ...(orgDir ? cedarFiles(orgDir, 'WARROOM_POLICY_DIR') : [])];
  const r = compilePolicies(schema, sources);
  if (!r.ok) throw new Error(`The preflight policies do not validate against policies/warroom.cedarschema:\n- ${r.errors.join('\n- ')}`);
  if (!orgDir) defaultBundle = r.bundle;
  return r.bundle;
}

/** The default policies, read once per process (use cases without `deps.policies` use them). */
let defaultBundle: PolicyBundle | undefined;
