/**
 * An org's own Cedar policies: listed with the built-in ones, put and deleted by an admin after a
 * check against the schema (422 with line and column), audited with the text's hash, and decisive
 * in the preflight at once — a change through the API or straight in the store, seen at the next
 * preflight; a stored set that no longer validates denies every plan, said plainly.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import type { OrgStore } from '../core/ports/index.js';
import type { FixPlan } from '../core/schemas.js';
import { AppError } from '../core/errors.js';
import { DEFAULT_SECRET_MASKS } from '../detectors/secrets.js';
import type { OpenedStore } from '../store/index.js';
import { closeOpened, openPgliteOrg } from '../test-support/pglite-org.js';
import { memoryAnalysisCache } from './analysis-cache.js';
import { openIncident } from './incidents.js';
import { deletePolicy, listPolicies, putPolicy } from './policies.js';
import { preflightFix } from './preflight.js';
import type { Principal } from './principal.js';
import { directSession, type UseCaseDeps } from './session.js';

let opened: OpenedStore;
let org: OrgStore;
let n = 0;
const deps: UseCaseDeps = {
  clock: { now: () => new Date('2026-12-07T12:00:00Z') }, // a Monday noon: no default freeze applies
  newId: () => `pol_${String(++n).padStart(4, '0')}`,
  masks: DEFAULT_SECRET_MASKS,
  runners: { dryrun: { name: 'dryrun', dryRun: true, execute: async () => ({ exitCode: 0, output: '' }) } },
  analysisCache: memoryAnalysisCache(),
};
const ADMIN: Principal['scopes'] = ['read', 'plan', 'approve', 'ingest', 'admin'];
const session = (userId: string, scopes: Principal['scopes']) => directSession({ orgId: 'o1', userId, scopes, via: 'api_key', ref: `key_${userId}` }, org, deps, () => undefined);
const admin = () => session('ada', ADMIN);
const sre = () => session('bob', ['read', 'plan', 'approve']);

async function failure(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error('expected a failure');
}

beforeAll(async () => ({ opened, org } = await openPgliteOrg()));
afterAll(() => closeOpened(opened));

async function stagingPlan(): Promise<FixPlan> {
  const inc = await openIncident(session('alice', ['read', 'plan']), { title: 'payments errors', service: 'payments', severity: 'sev2', started_at: '2026-12-07T11:50:00Z' });
  return org.createFixPlan({
    id: `plan_${++n}`,
    incidentId: inc.id,
    title: 'Restart payments',
    env: 'staging',
    runner: 'dryrun',
    risk: 'low',
    steps: [{ action: 'restart', target: 'payments', params: { namespace: 'shop' }, command: 'kubectl rollout restart deployment/payments -n shop' }],
    status: 'pending_approval',
    requestedBy: 'alice',
  });
}
const policyGate = async () => (await preflightFix(sre(), { planId: (await stagingPlan()).id })).gates.find((g) => g.name === 'policy')!;

const PAYMENTS_FREEZE = '// payments changes go through the payments team\n@id("org-no-payments")\n@reason("payments changes go through the payments team")\nforbid(principal, action, resource)\nwhen { resource.service == "payments" };\n';

describe('listPolicies', () => {
  it('lists the built-in set read-only with its ids, and nothing of the org yet', async () => {
    const sets = await listPolicies(session('viewer', ['read']));
    expect(sets.map((p) => [p.name, p.source, p.readOnly])).toEqual([['default', 'built-in', true]]);
    expect(sets[0].ids).toContain('permit-prod-sre');
    expect(sets[0].sha256).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('putPolicy', () => {
  it('is for admins only, under a valid name that is no built-in one', async () => {
    expect((await failure(putPolicy(sre(), { name: 'freeze', text: PAYMENTS_FREEZE }))).code).toBe('forbidden');
    expect((await failure(putPolicy(admin(), { name: 'Bad Name', text: PAYMENTS_FREEZE }))).code).toBe('invalid_input');
    const ro = await failure(putPolicy(admin(), { name: 'default', text: PAYMENTS_FREEZE }));
    expect([ro.code, ro.message]).toEqual(['conflict', '"default" is a built-in policy set (policies/), read-only here; put a set of another name.']);
  });

  it('refuses a syntax error and a schema error with the line and column, storing nothing', async () => {
    const syntax = await failure(putPolicy(admin(), { name: 'freeze', text: '@id("x")\npermit(principal, action, resource)\nwhen { context.risk >= };' }));
    expect(syntax.code).toBe('invalid_input');
    expect(syntax.message).toMatch(/^The policy set "freeze" does not validate against policies\/warroom.cedarschema: line 3, column 24: unexpected token `}`/);
    expect(syntax.extra?.problems).toEqual([expect.objectContaining({ line: 3, column: 24 })]);
    expect(syntax.issues?.[0]).toMatchObject({ path: 'text', message: expect.stringMatching(/^line 3, column 24: /) });
    const schema = await failure(putPolicy(admin(), { name: 'freeze', text: '@id("needs-ticket")\nforbid(principal, action, resource)\nunless { context.ticket == "CHG-1" };' }));
    expect(schema.extra?.problems).toEqual([{ line: 3, column: 10, message: 'for policy "needs-ticket", attribute `ticket` in context not found', help: 'did you mean `risk`?', policy: 'needs-ticket' }]);
    const clash = await failure(putPolicy(admin(), { name: 'freeze', text: '@id("permit-prod-sre") permit(principal, action, resource);' }));
    expect(clash.message).toMatch(/line 1, column 1: policy id "permit-prod-sre" is already used by the built-in default.cedar/);
    expect(await org.listPolicySets()).toEqual([]);
  });

  it('stores a valid set, audited with the hash of its text; a second put replaces it', async () => {
    const first = await putPolicy(admin(), { name: 'payments', text: PAYMENTS_FREEZE });
    const hash = createHash('sha256').update(PAYMENTS_FREEZE).digest('hex');
    expect(first).toMatchObject({ created: true, warnings: [], policySet: { name: 'payments', source: 'org', readOnly: false, ids: ['org-no-payments'], sha256: hash, updatedBy: 'user:ada' } });
    const again = await putPolicy(admin(), { name: 'payments', text: PAYMENTS_FREEZE });
    expect(again.created).toBe(false);
    const audit = await org.listAuditFor('policy:payments');
    expect(audit.map((e) => [e.action, e.actor, e.payload])).toEqual([
      ['policy.put', 'user:ada', { name: 'payments', sha256: hash, created: true, ids: ['org-no-payments'] }],
      ['policy.put', 'user:ada', { name: 'payments', sha256: hash, created: false, ids: ['org-no-payments'] }],
    ]);
    // another set may not reuse its ids
    const dup = await failure(putPolicy(admin(), { name: 'other', text: '@id("org-no-payments") permit(principal, action, resource);' }));
    expect(dup.message).toMatch(/already used by the org's set "payments"/);
    const sets = await listPolicies(session('viewer', ['read']));
    expect(sets.map((p) => [p.name, p.source, p.ids])).toEqual([['default', 'built-in', expect.any(Array)], ['payments', 'org', ['org-no-payments']]]);
  });
});

describe('the preflight with the org policies', () => {
  it('quotes the org policy that denied, and passes again once it is deleted', async () => {
    const denied = await policyGate();
    expect(denied.passed).toBe(false);
    expect(denied.reason).toBe('denied: org-no-payments: "payments changes go through the payments team"');
    expect(denied.details.determining).toEqual(['org-no-payments']);
    expect(await deletePolicy(admin(), 'payments')).toEqual({ name: 'payments', sha256: createHash('sha256').update(PAYMENTS_FREEZE).digest('hex') });
    const allowed = await policyGate();
    expect([allowed.passed, allowed.reason]).toEqual([true, 'allowed for sre bob by permit-nonprod']);
    expect((await org.listAuditFor('policy:payments')).at(-1)).toMatchObject({ action: 'policy.deleted', payload: { name: 'payments' } });
  });

  it('sees a set stored by another process at the next preflight (the cache is keyed on the stored hashes)', async () => {
    await policyGate(); // caches the org's (empty) set
    await org.putPolicySet({ name: 'elsewhere', text: PAYMENTS_FREEZE, sha256: createHash('sha256').update(PAYMENTS_FREEZE).digest('hex'), updatedBy: 'user:ada' });
    expect((await policyGate()).details.determining).toEqual(['org-no-payments']);
    await org.deletePolicySet('elsewhere');
    expect((await policyGate()).passed).toBe(true);
  });

  it('denies every plan while a stored set no longer validates, and the list shows why', async () => {
    await org.putPolicySet({ name: 'stale', text: '@id("stale") forbid(principal, action, resource) when { context.ticket == "x" };', sha256: 'c'.repeat(64), updatedBy: 'user:ada' });
    const gate = await policyGate();
    expect(gate.passed).toBe(false);
    expect(gate.reason).toMatch(/^denied: the org's own policies no longer validate .*policy "stale" does not match the schema/);
    const stale = (await listPolicies(admin())).find((p) => p.name === 'stale')!;
    expect(stale.problems).toEqual([expect.objectContaining({ line: 1, column: 57, policy: 'stale', message: 'for policy "stale", attribute `ticket` in context not found' })]);
    await deletePolicy(admin(), 'stale');
    expect((await policyGate()).passed).toBe(true);
  });

  it('refuses to delete a built-in set or one the org does not have', async () => {
    expect((await failure(deletePolicy(admin(), 'default'))).code).toBe('conflict');
    expect((await failure(deletePolicy(admin(), 'nothing'))).code).toBe('not_found');
    expect((await failure(deletePolicy(sre(), 'nothing'))).code).toBe('forbidden');
  });
});
