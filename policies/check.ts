/**
 * Checks one policy set's Cedar text before it is stored (PUT /v1/policies/{name}): parsed and
 * validated against the schema with the Cedar WASM engine, each problem placed at its line and
 * column in the text as it was sent, so a person can find it. Pure: the schema, the text and the
 * ids other sets already use come in as plain data.
 *
 * Cedar reports byte offsets into the UTF-8 text (a comment with "é" shifts them); they are
 * turned into 1-based lines and columns counted in characters.
 */
import * as cedar from '@cedar-policy/cedar-wasm/nodejs';
import { policyIdOf } from './evaluate.js';

export interface PolicyProblem {
  /** 1-based; null when Cedar names no place (a problem of the whole set). */
  line: number | null;
  column: number | null;
  message: string;
  /** Cedar's hint, e.g. "did you mean `risk`?". */
  help: string | null;
  /** The policy it is in (its @id, or `<set>#<n>`), when it is in one. */
  policy: string | null;
}

export type PolicyCheck = { ok: true; ids: string[]; warnings: PolicyProblem[] } | { ok: false; problems: PolicyProblem[] };

/** Line and column (1-based, in characters) of a UTF-8 byte offset into `text`. */
export function lineColumn(text: string, byteOffset: number): { line: number; column: number } {
  const before = Buffer.from(text, 'utf8').subarray(0, Math.max(0, byteOffset)).toString('utf8');
  const lines = before.split('\n');
  return { line: lines.length, column: [...lines[lines.length - 1]].length + 1 };
}

/** Cedar names policies of a text policy0, policy1…; ours are their @id (or `<set>#<n>`). */
const CEDAR_ID = /policy `?policy(\d+)`?/g;

/** Cedar's errors (each with the Cedar id of its policy, if any) as problems, each said once. */
function problemsOf(text: string, errors: { error: cedar.DetailedError; policyId?: string }[], ids: string[]): PolicyProblem[] {
  const seen = new Set<string>();
  const out: PolicyProblem[] = [];
  for (const { error: e, policyId } of errors) {
    const at = e.sourceLocations?.[0];
    const place = at ? lineColumn(text, at.start) : { line: null, column: null };
    // the validator repeats one mistake for every action a policy applies to: said once
    const message = e.message.replace(CEDAR_ID, (_m, n: string) => `policy "${ids[Number(n)] ?? `policy${n}`}"`).replace(/ for Action::"[^"]*"/, '');
    const label = at && 'label' in at && at.label ? ` (${at.label})` : '';
    const key = `${place.line}:${place.column}:${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const n = /^policy(\d+)$/.exec(policyId ?? '')?.[1];
    out.push({ ...place, message: `${message}${label}`, help: e.help, policy: n !== undefined ? (ids[Number(n)] ?? policyId!) : null });
  }
  return out;
}

/**
 * Checks the text of the set `name` against `schema`: it must parse, hold at least one policy and
 * no template, use each @id once and none that `taken` (id → the set that has it) already holds,
 * and validate. Answers the policies' ids and the validator's warnings, or every problem found.
 */
export function checkPolicyText(schema: string, name: string, text: string, taken: ReadonlyMap<string, string> = new Map()): PolicyCheck {
  const parts = cedar.policySetTextToParts(text);
  if (parts.type === 'failure') return { ok: false, problems: problemsOf(text, parts.errors.map((error) => ({ error })), []) };
  const problems: PolicyProblem[] = [];
  let cursor = 0;
  const ids: string[] = [];
  const where = (snippet: string) => {
    const at = text.indexOf(snippet, cursor);
    return at < 0 ? { line: null, column: null } : lineColumn(text, Buffer.byteLength(text.slice(0, at)));
  };
  for (const tpl of parts.policy_templates) problems.push({ ...where(tpl), message: 'policy templates (with ?principal or ?resource) are not supported: nothing links them', help: 'name the principal or resource, or test it in a when clause', policy: null });
  parts.policies.forEach((p, i) => {
    const place = where(p);
    cursor = Math.max(cursor, text.indexOf(p, cursor) + p.length);
    const id = policyIdOf(p, name, i);
    ids.push(id);
    if (ids.indexOf(id) !== i) problems.push({ ...place, message: `policy id "${id}" is used twice in this set`, help: 'give each policy its own @id', policy: id });
    else if (taken.has(id)) problems.push({ ...place, message: `policy id "${id}" is already used by ${taken.get(id)}`, help: 'choose another @id', policy: id });
  });
  if (!parts.policies.length && !parts.policy_templates.length) problems.push({ line: 1, column: 1, message: 'the text holds no policy', help: 'write at least one permit or forbid', policy: null });
  if (problems.length) return { ok: false, problems };
  const v = cedar.validate({ schema, policies: { staticPolicies: text } });
  if (v.type === 'failure') return { ok: false, problems: problemsOf(text, v.errors.map((error) => ({ error })), ids) };
  if (v.validationErrors.length) return { ok: false, problems: problemsOf(text, v.validationErrors, ids) };
  return { ok: true, ids, warnings: problemsOf(text, v.validationWarnings, ids) };
}

/** "line 3, column 14: …" — a problem as one line of text. */
export const problemText = (p: PolicyProblem): string => `${p.line !== null ? `line ${p.line}, column ${p.column}: ` : ''}${p.message}${p.help ? ` (${p.help})` : ''}`;
