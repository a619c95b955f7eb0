/**
 * POST /v1/gitops/pr through a whole instance (startEmbedded) whose GITHUB_API_URL is the local
 * GitHub REST server (test-support/fake-github.ts): the real Octokit client, the real config and
 * wiring. What the pull request holds is read from the repository's side.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbedded, type Embedded } from '../../app/embedded.js';
import type { FixStep } from '../../core/schemas.js';
import { kubectl } from '../../remediate/commands.js';
import { planMarker } from '../../remediate/gitops/pr-body.js';
import { startFakeGitHub, type FakeGitHub } from '../../test-support/fake-github.js';

const MANIFEST = ['apiVersion: apps/v1', 'kind: Deployment', 'metadata:', '  name: payments', 'spec:', '  replicas: 3', '  template:', '    spec:', '      containers:', '        - name: payments', '          image: registry.local/shop/payments:1.43.0', ''].join('\n');
const t = { namespace: 'shop', service: 'payments' };
const rollback: FixStep = { action: 'rollback', target: 'payments', params: { namespace: 'shop', to_version: '1.42.0' }, command: kubectl.rolloutUndo(t).command };

let gh: FakeGitHub;
let e: Embedded;
let seq = 0;

beforeAll(async () => {
  gh = await startFakeGitHub();
  gh.addRepo('acme/deploy', { 'deploy/payments/deployment.yaml': MANIFEST, 'README.md': '# deploy\n' });
  e = await startEmbedded('pglite', { GITHUB_TOKEN: gh.token, GITHUB_API_URL: gh.url, WARROOM_PUBLIC_URL: 'https://warroom.example' });
}, 120_000);
afterAll(async () => {
  await e?.stop();
  await gh?.close();
});

/** A stored plan of a fresh incident; approved unless told otherwise. */
async function plan(steps: FixStep[], status: 'approved' | 'pending_approval' = 'approved', env: 'staging' | 'prod' = 'staging', runner = 'dryrun'): Promise<string> {
  const inc = await e.client().post('/v1/incidents/open', { title: 'payments 5xx', service: 'payments', started_at: Date.now() - 60_000 });
  expect(inc.status).toBe(201);
  const id = `01GITOPS${String(++seq).padStart(4, '0')}`;
  await e.w.store().forOrg('default').createFixPlan({
    id,
    incidentId: inc.body.id,
    title: 'Roll back payments to 1.42.0 (undo payments@1.43.0)',
    env,
    runner,
    risk: 'medium',
    steps,
    // a prod plan is approved by someone else (four-eyes): stored approved here
    status: env === 'prod' ? status : 'pending_approval',
    requestedBy: env === 'prod' ? 'alice' : 'admin',
    rollback: [{ action: 'undo rollback', target: 'payments', command: kubectl.rolloutUndo(t).rollback }],
    why: 'the analysis blames deploy payments@1.43.0: undoing it removes the cause',
  });
  if (status === 'approved' && env === 'prod') await e.w.store().forOrg('default').addApproval({ id: `${id}-a`, planId: id, approver: 'bob', decision: 'approve', reason: null });
  if (status === 'approved' && env !== 'prod') expect((await e.client().post('/v1/fix/approve', { plan_id: id })).status).toBe(200);
  return id;
}
const writes = () => gh.calls.filter((c) => c.method !== 'GET').map((c) => `${c.method} ${c.path} ${c.status}`);

describe('POST /v1/gitops/pr', () => {
  it('opens the pull request: a branch off main with one commit of the change, a body with the plan, and an audit entry with its URL', async () => {
    const id = await plan([rollback]);
    const mainBefore = gh.headOf('acme/deploy', 'main')!;
    gh.calls.length = 0;
    const res = await e.client().post('/v1/gitops/pr', { plan_id: id, repo: 'acme/deploy' });
    expect(res.status).toBe(201);
    const branch = `warroom/fix-${id.toLowerCase()}`;
    expect(res.body).toEqual({
      number: 1,
      url: 'https://github.example/acme/deploy/pull/1',
      branch,
      base: 'main',
      head_sha: gh.headOf('acme/deploy', branch)!.sha,
      files: ['deploy/payments/deployment.yaml'],
      manual_steps: [],
      existing: false,
    });
    expect(writes()).toEqual([
      'POST /repos/acme/deploy/git/blobs 201',
      'POST /repos/acme/deploy/git/trees 201',
      'POST /repos/acme/deploy/git/commits 201',
      'POST /repos/acme/deploy/git/refs 201',
      'POST /repos/acme/deploy/pulls 201',
    ]);
    const head = gh.headOf('acme/deploy', branch)!;
    expect(head.parents).toEqual([mainBefore.sha]);
    expect(head.message.split('\n')).toContain(`Warroom-Plan: ${id}`);
    expect(head.files['deploy/payments/deployment.yaml']).toBe(MANIFEST.replace('payments:1.43.0', 'payments:1.42.0'));
    expect(head.files['README.md']).toBe('# deploy\n');
    expect(gh.fileAt('acme/deploy', 'main', 'deploy/payments/deployment.yaml')).toBe(MANIFEST);

    const [pr] = gh.pulls('acme/deploy');
    expect(pr).toMatchObject({ head: branch, base: 'main', state: 'open', title: 'Roll back payments to 1.42.0 (undo payments@1.43.0)' });
    expect(pr.body.startsWith(planMarker(id))).toBe(true);
    expect(pr.body).toContain('kubectl rollout undo deployment/payments -n shop');
    expect(pr.body).toContain('the analysis blames deploy payments@1.43.0');
    expect(pr.body).toContain(`(https://warroom.example/v1/fix/plans/${id})`);
    expect(pr.body).toMatch(/\[incident payments 5xx\]\(https:\/\/warroom\.example\/v1\/incidents\/[^)]+\)/);
    expect(pr.body).toContain('Approved by `admin`');
    expect(pr.body).toContain('### Rollback');

    const audit = (await e.w.store().forOrg('default').listAuditFor(`plan:${id}`)).filter((a) => a.action === 'gitops.pr_opened');
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor: 'user:admin', payload: { repo: 'acme/deploy', branch, number: 1, url: 'https://github.example/acme/deploy/pull/1' } });
  });

  it('a retry with the same plan and branch answers with the same pull request and changes nothing on GitHub', async () => {
    const id = await plan([rollback]);
    const first = await e.client().post('/v1/gitops/pr', { plan_id: id, repo: 'acme/deploy', branch: 'fix/payments-retry' });
    expect(first.status).toBe(201);
    gh.calls.length = 0;
    const again = await e.client().post('/v1/gitops/pr', { plan_id: id, repo: 'acme/deploy', branch: 'fix/payments-retry' });
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ ...first.body, existing: true });
    expect(writes()).toEqual([]);
    expect(gh.pulls('acme/deploy').filter((p) => p.head === 'fix/payments-retry')).toHaveLength(1);
    expect((await e.w.store().forOrg('default').listAuditFor(`plan:${id}`)).filter((a) => a.action === 'gitops.pr_opened')).toHaveLength(1);
  });

  it('a call that died after its commit is finished by the retry: the branch is reused, one pull request is opened', async () => {
    const id = await plan([rollback, { action: 'restart', target: 'payments', params: { namespace: 'shop' }, command: kubectl.rolloutRestart(t).command }]);
    gh.failNext(/^POST \/repos\/acme\/deploy\/pulls$/, 500, 'Server Error');
    const failed = await e.client().post('/v1/gitops/pr', { plan_id: id, repo: 'acme/deploy', branch: 'fix/half-way' });
    expect(failed.status).toBe(502);
    expect(failed.headers.get('content-type')).toMatch(/problem\+json/);
    expect(failed.body).toMatchObject({ detail: 'Could not open the pull request: GitHub answered 500: Server Error.', github_status: 500 });
    const commit = gh.headOf('acme/deploy', 'fix/half-way')!.sha;
    gh.calls.length = 0;
    const res = await e.client().post('/v1/gitops/pr', { plan_id: id, repo: 'acme/deploy', branch: 'fix/half-way' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ head_sha: commit, files: ['deploy/payments/deployment.yaml', `deploy/payments/warroom-fix-${id}.yaml`] });
    expect(writes()).toEqual(['POST /repos/acme/deploy/pulls 201']);
    expect(gh.headOf('acme/deploy', 'fix/half-way')!.files[`deploy/payments/warroom-fix-${id}.yaml`]).toContain('kubectl.kubernetes.io/restartedAt');
  });

  it('refuses a plan that is not approved (409), one with nothing Git can hold (409), and a branch that holds something else (409)', async () => {
    const pending = await plan([rollback], 'pending_approval');
    const r1 = await e.client().post('/v1/gitops/pr', { plan_id: pending, repo: 'acme/deploy' });
    expect(r1.status).toBe(409);
    expect(r1.body).toMatchObject({ reason: 'not_approved', plan_status: 'pending_approval' });

    const podOnly = await plan([{ action: 'restart', target: 'payments', params: { namespace: 'shop', instance: 'payments-1' }, command: kubectl.deletePod(t, 'payments-1').command }]);
    const r2 = await e.client().post('/v1/gitops/pr', { plan_id: podOnly, repo: 'acme/deploy' });
    expect(r2.status).toBe(409);
    expect(r2.body).toMatchObject({ reason: 'nothing_to_commit' });
    expect(r2.body.detail).toMatch(/a pod is not declared in Git/);

    const id = await plan([rollback]);
    const r3 = await e.client().post('/v1/gitops/pr', { plan_id: id, repo: 'acme/deploy', branch: 'main' });
    expect(r3.status).toBe(409);
    expect(r3.body).toMatchObject({ reason: 'branch_taken' });
    expect((await e.client().post('/v1/gitops/pr', { plan_id: 'nope', repo: 'acme/deploy' })).status).toBe(404);
  });

  it('a prod plan passes the preflight first (run now when missing, stored with the plan) and its gates are in the body', async () => {
    const id = await plan([rollback], 'approved', 'prod');
    const res = await e.client().post('/v1/gitops/pr', { plan_id: id, repo: 'acme/deploy' });
    expect(res.status).toBe(201);
    const preflight = await e.w.store().forOrg('default').latestPreflight(id);
    expect(preflight).toMatchObject({ passed: true, runBy: 'user:admin' });
    const body = gh.pulls('acme/deploy').find((p) => p.number === res.body.number)!.body;
    expect(body).toContain(`### Preflight\n\nPassed at ${preflight!.createdAt}.`);
    expect(body).toContain('| policy | passed | allowed for admin admin by permit-prod-sre |');
    expect(body).toContain('Approved by `bob`');
    expect(body).toContain('requested by `alice`');
  });

  it('a plan the policies deny opens nothing (409 with the deny reason)', async () => {
    // the sandbox runner acts only on the simulated shop (policies/default.cedar)
    const id = await plan([{ ...rollback, params: { namespace: 'payments-prod', to_version: '1.42.0' }, command: kubectl.rolloutUndo({ namespace: 'payments-prod', service: 'payments' }).command }], 'approved', 'staging', 'sandbox');
    gh.calls.length = 0;
    const res = await e.client().post('/v1/gitops/pr', { plan_id: id, repo: 'acme/deploy' });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ reason: 'policy_denied' });
    expect(res.body.detail).toMatch(/simulated shop/);
    expect(gh.calls).toEqual([]);
  });

  it("GitHub's refusals are 502s quoting GitHub: an unknown repository, a revoked token", async () => {
    const id = await plan([rollback]);
    const r1 = await e.client().post('/v1/gitops/pr', { plan_id: id, repo: 'acme/nope' });
    expect(r1.status).toBe(502);
    expect(r1.body).toMatchObject({ type: 'urn:warroom:problem:bad_gateway', detail: 'Could not read repository acme/nope: GitHub answered 404: Not Found.', github_status: 404 });
    gh.failNext(/^GET \/repos\/acme\/deploy$/, 401, 'Bad credentials');
    const r2 = await e.client().post('/v1/gitops/pr', { plan_id: id, repo: 'acme/deploy' });
    expect(r2.status).toBe(502);
    expect(r2.body.detail).toContain('GitHub answered 401: Bad credentials');
  });

  it.each([
    ['no repo', { plan_id: 'p' }, 'repo'],
    ['a repo that is not owner/name', { plan_id: 'p', repo: 'acme' }, 'repo'],
    ['a repo that climbs out', { plan_id: 'p', repo: '../x' }, 'repo'],
    ['a branch git refuses', { plan_id: 'p', repo: 'acme/deploy', branch: 'a..b' }, 'branch'],
    ['a branch with a space', { plan_id: 'p', repo: 'acme/deploy', branch: 'a b' }, 'branch'],
  ])('rejects %s with a field error (422)', async (_n, body, field) => {
    const res = await e.client().post('/v1/gitops/pr', body);
    expect(res.status).toBe(422);
    expect(res.body.errors.map((x: { path: string }) => x.path)).toContain(field);
  });
});

describe('POST /v1/gitops/pr without GITHUB_TOKEN', () => {
  it('answers 503 naming the variable to set', async () => {
    const bare = await startEmbedded('pglite');
    try {
      const res = await bare.client().post('/v1/gitops/pr', { plan_id: 'p', repo: 'acme/deploy' });
      expect(res.status).toBe(503);
      expect(res.body.detail).toMatch(/set GITHUB_TOKEN/);
    } finally {
      await bare.stop();
    }
  });
});
