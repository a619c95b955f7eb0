/** WARROOM_POLICY_DIR: an org's Cedar policies join the defaults, or stop the start with a clear error. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadPolicyBundle } from './policy-loader.js';

const dirs: string[] = [];
const orgDir = (files: Record<string, string>) => {
  const d = mkdtempSync(join(tmpdir(), 'wr-policies-'));
  dirs.push(d);
  for (const [f, text] of Object.entries(files)) writeFileSync(join(d, f), text);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('loadPolicyBundle', () => {
  it('loads the default policies, each by its @id with its @reason', () => {
    const b = loadPolicyBundle();
    expect(Object.keys(b.policies)).toContain('forbid-system-namespaces');
    expect(b.reasons['forbid-prod-high-risk-non-admin']).toBe('a high-risk change in prod needs an admin');
  });

  it("adds an org's *.cedar files (other files ignored)", () => {
    const b = loadPolicyBundle(orgDir({ 'org.cedar': '@id("org-freeze")\n@reason("release freeze")\nforbid(principal, action, resource) when { context.date >= 20261201 };', 'notes.txt': 'not a policy' }));
    expect(b.reasons['org-freeze']).toBe('release freeze');
    expect(Object.keys(b.policies)).toContain('permit-prod-sre');
  });

  it('refuses a policy that does not match the schema, naming the policy and the schema', () => {
    const dir = orgDir({ 'bad.cedar': '@id("needs-ticket")\nforbid(principal, action, resource) unless { context.ticket == "CHG-1" };' });
    expect(() => loadPolicyBundle(dir)).toThrow(/do not validate against policies\/warroom.cedarschema:\n- policy "needs-ticket" does not match the schema/);
  });

  it('refuses a syntax error with the file, and a folder that cannot be read', () => {
    expect(() => loadPolicyBundle(orgDir({ 'broken.cedar': 'permit(principal, action' }))).toThrow(/- WARROOM_POLICY_DIR\/broken.cedar: /);
    expect(() => loadPolicyBundle('/nonexistent/policies')).toThrow(/WARROOM_POLICY_DIR \/nonexistent\/policies cannot be read/);
  });
});
