/** Checking one policy set's text: every problem at its line and column, the schema's and the parser's. */
import { describe, expect, it } from 'vitest';
import { loadPolicyBundle } from '../usecases/policy-loader.js';
import { checkPolicyText, lineColumn, problemText } from './check.js';

const { schema } = loadPolicyBundle();

describe('checkPolicyText', () => {
  it('accepts a valid set and names its policies (@id, else <set>#<n>)', () => {
    const r = checkPolicyText(schema, 'org/freeze', '@id("org-freeze")\n@reason("December freeze")\nforbid(principal, action, resource)\nwhen { context.month_day >= 1215 };\n\npermit(principal in Role::"admin", action in Action::"change", resource);');
    expect(r).toEqual({ ok: true, ids: ['org-freeze', 'org/freeze#2'], warnings: [] });
  });

  it('places a syntax error at its line and column, with what was expected', () => {
    const r = checkPolicyText(schema, 'org/x', '@id("a")\npermit(principal, action, resource)\nwhen { context.risk >= };');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]).toMatchObject({ line: 3, column: 24, message: expect.stringMatching(/^unexpected token `}` \(expected .*number/) });
  });

  it('places a schema error at the attribute, once (not once per action), with the policy and the hint', () => {
    const r = checkPolicyText(schema, 'org/x', '@id("ok")\npermit(principal, action, resource);\n\n@id("needs-ticket")\nforbid(principal, action, resource)\n  unless { context.ticket == "CHG-1" };');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems).toEqual([{ line: 6, column: 12, message: 'for policy "needs-ticket", attribute `ticket` in context not found', help: 'did you mean `risk`?', policy: 'needs-ticket' }]);
    expect(problemText(r.problems[0])).toBe('line 6, column 12: for policy "needs-ticket", attribute `ticket` in context not found (did you mean `risk`?)');
  });

  it('counts columns in characters when the text has non-ASCII characters before the error (Cedar counts bytes)', () => {
    const r = checkPolicyText(schema, 'org/x', '// équipe paiements ✓\npermit(principal, action, resource) when { 1 + };');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems[0]).toMatchObject({ line: 2, column: 48, message: expect.stringMatching(/^unexpected token `}`/) });
  });

  it('refuses an unknown action and an unknown entity type, naming them', () => {
    const r = checkPolicyText(schema, 'org/x', '@id("p") permit(principal, action == Action::"reboot", resource);');
    expect(!r.ok && r.problems[0]).toMatchObject({ line: 1, column: 38, policy: 'p', message: expect.stringMatching(/unrecognized action `Action::"reboot"`/) });
    const t = checkPolicyText(schema, 'org/x', '@id("q") permit(principal is Robot, action, resource);');
    expect(!t.ok && t.problems[0].message).toMatch(/Robot/);
  });

  it('refuses an @id used twice in the set, or one another set already has, at the policy', () => {
    const dup = checkPolicyText(schema, 'org/x', '@id("a") permit(principal, action, resource);\n@id("a") permit(principal, action, resource);');
    expect(!dup.ok && dup.problems).toEqual([{ line: 2, column: 1, message: 'policy id "a" is used twice in this set', help: 'give each policy its own @id', policy: 'a' }]);
    const taken = checkPolicyText(schema, 'org/x', '\n\n@id("permit-prod-sre") permit(principal, action, resource);', new Map([['permit-prod-sre', 'default.cedar']]));
    expect(!taken.ok && taken.problems[0]).toMatchObject({ line: 3, column: 1, message: 'policy id "permit-prod-sre" is already used by default.cedar' });
  });

  it('refuses an empty text and a template', () => {
    expect(checkPolicyText(schema, 'org/x', '  // nothing\n')).toMatchObject({ ok: false, problems: [{ line: 1, column: 1, message: 'the text holds no policy' }] });
    const t = checkPolicyText(schema, 'org/x', '\npermit(principal == ?principal, action, resource);');
    expect(!t.ok && t.problems[0]).toMatchObject({ line: 2, column: 1, message: expect.stringMatching(/templates .* are not supported/) });
  });

  it('passes the validator\'s warnings on without refusing', () => {
    const r = checkPolicyText(schema, 'org/x', '@id("never") forbid(principal, action, resource) when { false };');
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.warnings).toEqual([expect.objectContaining({ line: 1, column: 1, policy: 'never', message: expect.stringMatching(/policy "never", policy is impossible/) })]);
  });
});

describe('lineColumn', () => {
  it.each([
    ['abc', 0, 1, 1],
    ['abc', 2, 1, 3],
    ['a\nbc', 2, 2, 1],
    ['a\nbc', 3, 2, 2],
    ['é\nx', 3, 2, 1],
    ['✓x', 3, 1, 2],
  ])('%j at byte %d is line %d column %d', (text, at, line, column) => {
    expect(lineColumn(text, at)).toEqual({ line, column });
  });
});
