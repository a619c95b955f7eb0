/** The Cedar policy gate on the default policies: who may change what, where, when, and the quoted reasons. */
import { describe, expect, it } from 'vitest';
import { loadPolicyBundle } from '../usecases/policy-loader.js';
import { compilePolicies, evaluatePlan, roleOfScopes, type PolicyRequest } from './evaluate.js';

const bundle = loadPolicyBundle();
const MONDAY_NOON = new Date('2026-12-07T12:00:00Z');
const SATURDAY = new Date('2026-12-12T12:00:00Z');

const req = (over: Partial<PolicyRequest['plan']> = {}, o: Partial<Omit<PolicyRequest, 'plan'>> = {}): PolicyRequest => ({
  principal: { id: 'bob', role: 'sre' },
  dryRun: false,
  now: MONDAY_NOON,
  ...o,
  plan: { env: 'prod', runner: 'kubernetes', risk: 'low', requestedBy: 'alice', approved: true, steps: [{ action: 'restart', target: 'cart', params: { namespace: 'shop' } }], ...over },
});

describe('evaluatePlan (default policies)', () => {
  it('allows an sre a low-risk prod restart and names the permit that decided', () => {
    const d = evaluatePlan(bundle, req());
    expect(d.allowed).toBe(true);
    expect(d.determining).toEqual(['permit-prod-sre']);
    expect(d.denyReasons).toEqual([]);
  });

  it('denies a responder in prod: no policy permits it, said plainly', () => {
    const d = evaluatePlan(bundle, req({}, { principal: { id: 'rita', role: 'responder' } }));
    expect(d.allowed).toBe(false);
    expect(d.denyReasons[0]).toMatch(/no policy permits restart on cart in prod\/shop for a responder/);
  });

  it('quotes the @reason of the forbid that denied (system namespace)', () => {
    const d = evaluatePlan(bundle, req({ steps: [{ action: 'scale', target: 'coredns', params: { namespace: 'kube-system', replicas: 3 } }] }));
    expect(d.allowed).toBe(false);
    expect(d.determining).toEqual(['forbid-system-namespaces']);
    expect(d.denyReasons[0]).toContain('forbid-system-namespaces: "system namespaces');
  });

  it('keeps a high-risk prod change to admins, and to the change window', () => {
    expect(evaluatePlan(bundle, req({ risk: 'high' })).determining).toContain('forbid-prod-high-risk-non-admin');
    expect(evaluatePlan(bundle, req({ risk: 'high' }, { principal: { id: 'ada', role: 'admin' } })).allowed).toBe(true);
    const night = evaluatePlan(bundle, req({ risk: 'high' }, { principal: { id: 'ada', role: 'admin' }, now: new Date('2026-12-07T22:00:00Z') }));
    expect(night.determining).toEqual(['forbid-prod-high-risk-outside-window']);
  });

  it('freezes medium-risk prod changes at the weekend, but not the dry run or the sandbox', () => {
    expect(evaluatePlan(bundle, req({ risk: 'medium' }, { now: SATURDAY })).determining).toEqual(['forbid-prod-weekend-freeze']);
    expect(evaluatePlan(bundle, req({ risk: 'medium', runner: 'dryrun' }, { now: SATURDAY, dryRun: true })).allowed).toBe(true);
    expect(evaluatePlan(bundle, req({ risk: 'medium', runner: 'sandbox' }, { now: SATURDAY })).allowed).toBe(true);
  });

  it('keeps the sandbox runner to namespace shop', () => {
    expect(evaluatePlan(bundle, req({ runner: 'sandbox' })).allowed).toBe(true);
    const d = evaluatePlan(bundle, req({ runner: 'sandbox', steps: [{ action: 'restart', target: 'cart', params: { namespace: 'default' } }] }));
    expect(d.determining).toEqual(['forbid-sandbox-outside-shop']);
  });

  it('denies an action the schema does not know, with the reason', () => {
    const d = evaluatePlan(bundle, req({ steps: [{ action: 'pray', target: 'cart', params: {} }] }));
    expect(d.allowed).toBe(false);
    expect(d.denyReasons[0]).toMatch(/step 1 \(pray cart\) cannot be checked: .*pray/);
  });

  it('denies when any one step is denied, and a plan with no steps', () => {
    const d = evaluatePlan(bundle, req({ steps: [{ action: 'restart', target: 'cart', params: { namespace: 'shop' } }, { action: 'scale', target: 'cart', params: { namespace: 'shop', replicas: 0 } }] }));
    expect(d.allowed).toBe(false);
    expect(d.steps.map((s) => s.allowed)).toEqual([true, false]);
    expect(evaluatePlan(bundle, req({ steps: [] })).allowed).toBe(false);
  });

  it('reads a role from scopes', () => {
    expect(['read', 'plan', 'approve', 'ingest', 'admin'].length && roleOfScopes(['read', 'plan', 'approve', 'ingest', 'admin'])).toBe('admin');
    expect(roleOfScopes(['read', 'plan', 'approve'])).toBe('sre');
    expect(roleOfScopes(['read'])).toBe('viewer');
  });
});

describe('compilePolicies', () => {
  it('refuses a policy that does not match the schema, naming it', () => {
    const r = compilePolicies(bundle.schema, [{ name: 'org.cedar', text: '@id("bad") forbid(principal, action, resource) when { context.ticket == "x" };' }]);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.join()).toMatch(/policy "bad" does not match the schema/);
  });

  it('refuses a syntax error and a duplicate id, with the file', () => {
    const bad = compilePolicies(bundle.schema, [{ name: 'org.cedar', text: 'permit(principal, action, resource' }]);
    expect(!bad.ok && bad.errors[0]).toMatch(/^org.cedar: /);
    const dup = compilePolicies(bundle.schema, [{ name: 'a.cedar', text: '@id("x") permit(principal, action, resource);\n@id("x") permit(principal, action, resource);' }]);
    expect(!dup.ok && dup.errors[0]).toMatch(/"x" is used twice/);
  });

  it('adds an org policy that then decides', () => {
    const r = compilePolicies(bundle.schema, [
      ...Object.entries(bundle.policies).map(([id, text]) => ({ name: id, text })),
      { name: 'org.cedar', text: '@id("org-no-payments")\n@reason("payments changes go through the payments team")\nforbid(principal, action, resource) when { resource.service == "payments" };' },
    ]);
    expect(r.ok).toBe(true);
    if (r.ok) expect(evaluatePlan(r.bundle, req({ steps: [{ action: 'restart', target: 'payments', params: {} }] })).denyReasons).toEqual(['org-no-payments: "payments changes go through the payments team"']);
  });
});
