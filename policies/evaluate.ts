/**
 * The preflight's policy gate, evaluated with Cedar (`@cedar-policy/cedar-wasm`): every step of a
 * plan is one request — principal the person it runs for (a User in their Role), action the
 * step's action, resource the workload (env, namespace, service, runner), context the risk, the
 * time and the approval — and the plan is allowed when every step is. The answer quotes the
 * policies that determined it and the `@reason` of each forbid that denied.
 *
 * Pure: the policy texts come in as strings (usecases/policy-loader.ts reads policies/*.cedar and
 * WARROOM_POLICY_DIR, usecases/org-policies.ts adds an org's stored sets); `compilePolicies` checks
 * them against the schema once, `evaluatePlan` answers per plan. Cedar has no floats, so the risk is a Long: 1 low, 2 medium, 3 high.
 */
import { createHash } from 'node:crypto';
import * as cedar from '@cedar-policy/cedar-wasm/nodejs';

/** Policies checked against the schema, keyed by their @id (or `<file>#<n>` without one). */
export interface PolicyBundle {
  schema: string;
  policies: Record<string, string>;
  /** The @reason annotation of each policy that has one (deny reasons are quoted from it). */
  reasons: Record<string, string>;
  /** The texts it was compiled from, in order (an org's own sets are compiled onto them). */
  sources: PolicySource[];
  /** The source each policy came from: policy id → source name. */
  origins: Record<string, string>;
}

export interface PolicySource {
  /** The file it came from (for error messages and ids without @id). */
  name: string;
  text: string;
}

export type Role = 'viewer' | 'responder' | 'sre' | 'admin';
export const RISK_LONG = { low: 1, medium: 2, high: 3 } as const;

export interface PolicyStep {
  action: string;
  target: string;
  params: Record<string, unknown>;
}

/** What one plan's policy check needs, as plain data. */
export interface PolicyRequest {
  /** Who it runs for: the approver of an approved plan, else who asks. */
  principal: { id: string; role: Role };
  plan: { env: string; runner: string; risk: 'low' | 'medium' | 'high'; requestedBy: string; approved: boolean; approvedBy?: string | null; steps: PolicyStep[] };
  /** Whether the runner changes nothing (the dry run). */
  dryRun: boolean;
  now: Date;
}

export interface StepDecision {
  step: number;
  action: string;
  target: string;
  namespace: string;
  allowed: boolean;
  determining: string[];
  /** Why it was denied, quoted from the forbids' @reason (or "no policy permits …"). */
  denyReasons: string[];
}

export interface PolicyDecision {
  allowed: boolean;
  /** The ids of the policies that determined the decision, over every step. */
  determining: string[];
  denyReasons: string[];
  /** Policies that erred while evaluating (skipped by Cedar), as "id: message". */
  errors: string[];
  steps: StepDecision[];
}

const ROLE_PARENT: Record<Role, Role | null> = { viewer: null, responder: 'viewer', sre: 'responder', admin: 'sre' };
const ID_ANNOTATION = /@id\(\s*"((?:[^"\\]|\\.)*)"\s*\)/;
const REASON_ANNOTATION = /@reason\(\s*"((?:[^"\\]|\\.)*)"\s*\)/;
const errText = (e: { message: string }[]) => e.map((x) => x.message).join('; ');

/** A policy's id: its @id annotation, else `<source>#<n>` (n 1-based, its place in the source). */
export const policyIdOf = (text: string, source: string, index: number): string => ID_ANNOTATION.exec(text)?.[1] ?? `${source}#${index + 1}`;

/**
 * Parses and validates policy files against the schema: a bundle, or every error with the file
 * it is in (start-up refuses a bad org policy with these).
 */
export function compilePolicies(schema: string, sources: PolicySource[]): { ok: true; bundle: PolicyBundle } | { ok: false; errors: string[] } {
  const sch = cedar.checkParseSchema(schema);
  if (sch.type === 'failure') return { ok: false, errors: [`schema: ${errText(sch.errors)}`] };
  const policies: Record<string, string> = {};
  const reasons: Record<string, string> = {};
  const origins: Record<string, string> = {};
  const errors: string[] = [];
  for (const src of sources) {
    const parts = cedar.policySetTextToParts(src.text);
    if (parts.type === 'failure') {
      errors.push(`${src.name}: ${errText(parts.errors)}`);
      continue;
    }
    parts.policies.forEach((text, i) => {
      const id = policyIdOf(text, src.name, i);
      if (policies[id] !== undefined) {
        errors.push(`${src.name}: policy id "${id}" is used twice${origins[id] !== src.name ? ` (also in ${origins[id]})` : ''}`);
        return;
      }
      policies[id] = text;
      origins[id] = src.name;
      const reason = REASON_ANNOTATION.exec(text)?.[1];
      if (reason) reasons[id] = reason;
    });
    if (parts.policy_templates.length) errors.push(`${src.name}: policy templates are not supported (no links are made)`);
  }
  if (errors.length) return { ok: false, errors };
  const v = cedar.validate({ schema, policies: { staticPolicies: policies } });
  if (v.type === 'failure') return { ok: false, errors: [errText(v.errors)] };
  if (v.validationErrors.length) return { ok: false, errors: v.validationErrors.map((e) => `policy "${e.policyId}" does not match the schema: ${e.error.message}`) };
  return { ok: true, bundle: { schema, policies, reasons, sources: sources.map((x) => ({ name: x.name, text: x.text })), origins } };
}

/** A whole number param (Cedar Long), or undefined. */
function long(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? Math.trunc(v) : undefined;
}

/** The request context of a step: risk, time (UTC), approval, the step's numbers. */
export function stepContext(req: PolicyRequest, step: PolicyStep): Record<string, unknown> {
  const t = req.now;
  const [y, m, d] = [t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate()];
  const ctx: Record<string, unknown> = {
    risk: RISK_LONG[req.plan.risk],
    risk_level: req.plan.risk,
    dry_run: req.dryRun,
    approved: req.plan.approved,
    requester_is_approver: req.plan.approved && (req.plan.approvedBy ?? req.principal.id) === req.plan.requestedBy,
    hour: t.getUTCHours(),
    weekday: t.getUTCDay(),
    date: y * 10_000 + m * 100 + d,
    month_day: m * 100 + d,
    steps: req.plan.steps.length,
  };
  for (const [key, param] of [['replicas', 'replicas'], ['memory_mb', 'memory_mb'], ['disk_gb', 'disk_gb']] as const) {
    const v = long(step.params[param]);
    if (v !== undefined) ctx[key] = v;
  }
  return ctx;
}

function entitiesOf(req: PolicyRequest, step: PolicyStep, namespace: string): cedar.EntityJson[] {
  const roles = (Object.keys(ROLE_PARENT) as Role[]).map((r) => ({ uid: { type: 'Role', id: r }, attrs: {}, parents: ROLE_PARENT[r] ? [{ type: 'Role', id: ROLE_PARENT[r]! }] : [] }));
  return [
    ...roles,
    { uid: { type: 'User', id: req.principal.id }, attrs: { role: req.principal.role }, parents: [{ type: 'Role', id: req.principal.role }] },
    { uid: { type: 'Workload', id: 'target' }, attrs: { env: req.plan.env, namespace, service: step.target, runner: req.plan.runner }, parents: [] },
  ];
}

/**
 * The bundle's policies and schema, parsed once into Cedar's cache (statefulIsAuthorized is
 * about five times faster than re-parsing them on every request), under a content hash.
 */
const prepared = new WeakMap<PolicyBundle, string>();
function preparedId(bundle: PolicyBundle): string {
  const known = prepared.get(bundle);
  if (known) return known;
  const id = createHash('sha256').update(bundle.schema).update(JSON.stringify(bundle.policies)).digest('hex').slice(0, 24);
  const ps = cedar.preparsePolicySet(id, { staticPolicies: bundle.policies });
  const sc = cedar.preparseSchema(id, bundle.schema);
  if (ps.type === 'failure' || sc.type === 'failure') throw new Error(`the policies could not be prepared: ${errText([...(ps.type === 'failure' ? ps.errors : []), ...(sc.type === 'failure' ? sc.errors : [])])}`);
  prepared.set(bundle, id);
  return id;
}

/** One step's decision. */
export function evaluateStep(bundle: PolicyBundle, req: PolicyRequest, step: PolicyStep, index: number): StepDecision & { errors: string[] } {
  const namespace = typeof step.params.namespace === 'string' && step.params.namespace ? step.params.namespace : 'default';
  const base = { step: index, action: step.action, target: step.target, namespace };
  const id = preparedId(bundle);
  const ans = cedar.statefulIsAuthorized({
    principal: { type: 'User', id: req.principal.id },
    action: { type: 'Action', id: step.action },
    resource: { type: 'Workload', id: 'target' },
    context: stepContext(req, step) as cedar.Context,
    preparsedSchemaName: id,
    validateRequest: true,
    preparsedPolicySetId: id,
    entities: entitiesOf(req, step, namespace),
  });
  if (ans.type === 'failure') {
    // an action the schema does not know, or a request of the wrong shape: denied, said plainly
    return { ...base, allowed: false, determining: [], denyReasons: [`step ${index + 1} (${step.action} ${step.target}) cannot be checked: ${errText(ans.errors)}`], errors: [] };
  }
  const { decision, diagnostics } = ans.response;
  const determining = diagnostics.reason;
  const allowed = decision === 'allow';
  const denyReasons = allowed
    ? []
    : determining.length
      ? determining.map((id) => `${id}: "${bundle.reasons[id] ?? 'denied'}"`)
      : [`no policy permits ${step.action} on ${step.target} in ${req.plan.env}/${namespace} for a ${req.principal.role}`];
  return { ...base, allowed, determining, denyReasons, errors: diagnostics.errors.map((e) => `${e.policyId}: ${e.error.message}`) };
}

/** The plan's decision: allowed when every step is; reasons and ids over all steps, each once. */
export function evaluatePlan(bundle: PolicyBundle, req: PolicyRequest): PolicyDecision {
  if (!req.plan.steps.length) return { allowed: false, determining: [], denyReasons: ['the plan has no steps'], errors: [], steps: [] };
  const steps = req.plan.steps.map((s, i) => evaluateStep(bundle, req, s, i));
  const uniq = (xs: string[]) => [...new Set(xs)];
  return {
    allowed: steps.every((s) => s.allowed),
    determining: uniq(steps.flatMap((s) => s.determining)),
    denyReasons: uniq(steps.flatMap((s) => s.denyReasons)),
    errors: uniq(steps.flatMap((s) => s.errors)),
    steps: steps.map(({ errors: _e, ...s }) => s),
  };
}

/** The role a principal's scopes give (usecases/principal.ts ROLE_SCOPES, read backwards). */
export function roleOfScopes(scopes: readonly string[]): Role {
  if (scopes.includes('admin')) return 'admin';
  if (scopes.includes('approve')) return 'sre';
  if (scopes.includes('plan')) return 'responder';
  return 'viewer';
}
