/**
 * An org's own Cedar policies (issue 17 §4): GET lists them with the built-in ones (read-only);
 * PUT and DELETE /v1/policies/{name} are for admins. The rules — the schema check with line and
 * column, ids used once, the audit — live in usecases/policies.ts.
 */
import { z } from 'zod';
import { deletePolicy, listPolicies, putPolicy, type PolicySetView as SetView } from '../../usecases/policies.js';
import type { PolicyProblem } from '../../policies/check.js';
import { route } from '../context.js';
import { runUseCase } from '../session.js';

/** The largest policy set text accepted, in characters. */
export const MAX_POLICY_TEXT = 65_536;

const ProblemView = z.object({
  line: z.number().int().nullable().describe('1-based line in the text; null when Cedar names no place'),
  column: z.number().int().nullable().describe('1-based column (characters)'),
  message: z.string(),
  help: z.string().nullable().describe("Cedar's hint, e.g. \"did you mean `risk`?\""),
  policy: z.string().nullable().describe('The policy it is in (@id, or <set>#<n>)'),
});

export const PolicySetView = z.object({
  name: z.string(),
  source: z.enum(['built-in', 'policy_dir', 'org']).describe('built-in: policies/ of the product; policy_dir: WARROOM_POLICY_DIR; org: stored through this API'),
  read_only: z.boolean(),
  ids: z.array(z.string()).describe('The policy ids, as the preflight quotes them'),
  text: z.string(),
  sha256: z.string(),
  updated_by: z.string().nullable(),
  updated_at: z.string().nullable(),
  problems: z.array(ProblemView).optional().describe('A stored set that no longer validates with the others: why (the preflight denies every plan until it is fixed)'),
});

const problemView = (p: PolicyProblem): z.infer<typeof ProblemView> => ({ line: p.line, column: p.column, message: p.message, help: p.help, policy: p.policy });
const setView = (p: SetView): z.infer<typeof PolicySetView> => ({
  name: p.name,
  source: p.source,
  read_only: p.readOnly,
  ids: p.ids,
  text: p.text,
  sha256: p.sha256,
  updated_by: p.updatedBy,
  updated_at: p.updatedAt,
  ...(p.problems ? { problems: p.problems.map(problemView) } : {}),
});

export const listPoliciesRoute = route({
  method: 'get',
  path: '/v1/policies',
  summary: "The preflight's Cedar policy sets: the built-in ones (read-only) and the org's own",
  tag: 'policies',
  scope: 'read',
  response: { status: 200, schema: z.object({ policies: z.array(PolicySetView) }), description: 'Built-in sets first, then the org\'s by name' },
  handler: (ctx) => runUseCase(ctx, (s) => listPolicies(s), (sets) => ({ status: 200, body: { policies: sets.map(setView) } })),
});

export const putPolicyRoute = route({
  method: 'put',
  path: '/v1/policies/:name',
  summary: "Store one of the org's own Cedar policy sets (replacing one of that name), checked against policies/warroom.cedarschema",
  tag: 'policies',
  scope: 'admin',
  body: z.object({ text: z.string().min(1).max(MAX_POLICY_TEXT).describe('Cedar policies (permit/forbid with @id and @reason annotations), as policies/default.cedar') }).strict(),
  response: {
    status: 200,
    schema: z.object({ policy_set: PolicySetView, created: z.boolean(), warnings: z.array(ProblemView).describe("The validator's warnings (e.g. a policy that can never apply); stored all the same") }),
    description: 'The stored set; the preflight uses it from its next run',
  },
  errors: [409],
  handler: (ctx) =>
    runUseCase(
      ctx,
      (s) => putPolicy(s, { name: ctx.params.name, text: ctx.body.text }),
      (r) => ({ status: 200, body: { policy_set: setView(r.policySet), created: r.created, warnings: r.warnings.map(problemView) } }),
    ),
});

export const deletePolicyRoute = route({
  method: 'delete',
  path: '/v1/policies/:name',
  summary: "Remove one of the org's own Cedar policy sets",
  tag: 'policies',
  scope: 'admin',
  response: { status: 200, schema: z.object({ name: z.string(), sha256: z.string().describe('The hash of the removed text'), deleted: z.literal(true) }), description: 'Removed' },
  errors: [404, 409],
  handler: (ctx) => runUseCase(ctx, (s) => deletePolicy(s, ctx.params.name), (r) => ({ status: 200, body: { ...r, deleted: true as const } })),
});

export const POLICY_ROUTES = [listPoliciesRoute, putPolicyRoute, deletePolicyRoute];
