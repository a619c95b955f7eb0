/** The real Octokit client against the local GitHub REST server (test-support/fake-github.ts), which validates every call. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GitHostError } from '../../core/ports/git-host.js';
import { startFakeGitHub, type FakeGitHub } from '../../test-support/fake-github.js';
import { githubHost } from './github.js';

const REPO = { owner: 'acme', name: 'deploy' };
const MANIFEST = 'kind: Deployment\nspec:\n  replicas: 3\n';

describe('githubHost (@octokit/rest) against a validating GitHub', () => {
  let gh: FakeGitHub;
  beforeAll(async () => {
    gh = await startFakeGitHub();
    gh.addRepo('acme/deploy', { 'deploy/payments/deployment.yaml': MANIFEST, 'README.md': '# deploy\n' }, 'trunk');
  });
  afterAll(async () => gh?.close());
  const host = () => githubHost({ token: gh.token, baseUrl: gh.url, timeoutMs: 5_000 });

  it('reads the default branch and a file at it; a missing file is null, not an error', async () => {
    expect(await host().defaultBranch(REPO)).toBe('trunk');
    expect(await host().readFile(REPO, 'deploy/payments/deployment.yaml', 'trunk')).toBe(MANIFEST);
    expect(await host().readFile(REPO, 'deploy/cart/deployment.yaml', 'trunk')).toBeNull();
    expect(await host().branchHead(REPO, 'nope')).toBeNull();
  });

  it('commits edited and new files on a new branch off the base tip (blobs, tree on the base tree, commit, ref), then opens the pull request', async () => {
    const base = gh.headOf('acme/deploy', 'trunk')!;
    gh.calls.length = 0;
    const sha = await host().commitToNewBranch(REPO, {
      base: 'trunk',
      branch: 'warroom/fix-1',
      message: 'Scale payments\n\nWarroom-Plan: p1',
      files: [
        { path: 'deploy/payments/deployment.yaml', content: MANIFEST.replace('3', '6') },
        { path: 'deploy/payments/warroom-fix-p1.yaml', content: 'kind: ConfigMap\n' },
      ],
    });
    expect(gh.calls.map((c) => `${c.method} ${c.path} ${c.status}`)).toEqual([
      'GET /repos/acme/deploy/git/ref/heads/trunk 200',
      `GET /repos/acme/deploy/git/commits/${base.sha} 200`,
      'POST /repos/acme/deploy/git/blobs 201',
      'POST /repos/acme/deploy/git/blobs 201',
      'POST /repos/acme/deploy/git/trees 201',
      'POST /repos/acme/deploy/git/commits 201',
      'POST /repos/acme/deploy/git/refs 201',
    ]);
    const head = gh.headOf('acme/deploy', 'warroom/fix-1')!;
    expect(head).toMatchObject({ sha, message: 'Scale payments\n\nWarroom-Plan: p1', parents: [base.sha] });
    // the base tree's other files are kept
    expect(head.files).toEqual({ 'README.md': '# deploy\n', 'deploy/payments/deployment.yaml': MANIFEST.replace('3', '6'), 'deploy/payments/warroom-fix-p1.yaml': 'kind: ConfigMap\n' });
    expect(gh.fileAt('acme/deploy', 'trunk', 'deploy/payments/deployment.yaml')).toBe(MANIFEST); // the base is untouched
    expect(await host().branchHead(REPO, 'warroom/fix-1')).toEqual({ sha, message: 'Scale payments\n\nWarroom-Plan: p1' });

    const pr = await host().openPullRequest(REPO, { base: 'trunk', branch: 'warroom/fix-1', title: 'Scale payments', body: 'the plan' });
    expect(pr).toEqual({ number: 1, url: 'https://github.example/acme/deploy/pull/1', branch: 'warroom/fix-1', base: 'trunk', headSha: sha, state: 'open', body: 'the plan' });
    expect(await host().findPullRequest(REPO, 'warroom/fix-1')).toEqual(pr);
    expect(await host().findPullRequest(REPO, 'warroom/other')).toBeNull();
  });

  it.each([
    ['an unknown repository', () => host().defaultBranch({ owner: 'acme', name: 'nope' }), 404, 'Not Found'],
    ['a bad token', () => githubHost({ token: 'ghp_wrong', baseUrl: gh.url }).defaultBranch(REPO), 401, 'Bad credentials'],
    ['a branch that exists', () => host().commitToNewBranch(REPO, { base: 'trunk', branch: 'trunk', files: [{ path: 'a', content: 'b' }], message: 'm' }), 422, 'Reference already exists'],
    ['an invalid branch name', () => host().commitToNewBranch(REPO, { base: 'trunk', branch: 'a..b', files: [{ path: 'a', content: 'b' }], message: 'm' }), 422, 'refs/heads/a..b is not a valid ref name.'],
    ['a file path outside the tree', () => host().commitToNewBranch(REPO, { base: 'trunk', branch: 'x1', files: [{ path: '../etc/passwd', content: 'b' }], message: 'm' }), 422, 'malformed path component'],
    ['a second pull request of one branch', () => host().openPullRequest(REPO, { base: 'trunk', branch: 'warroom/fix-1', title: 't', body: '' }), 422, 'Validation Failed: A pull request already exists for acme:warroom/fix-1.'],
  ])('%s is a GitHostError with GitHub\'s status and message', async (_n, run, status, message) => {
    const e = await run().catch((x: unknown) => x);
    expect(e).toBeInstanceOf(GitHostError);
    expect((e as GitHostError).status).toBe(status);
    expect((e as GitHostError).message).toContain(message);
  });

  it('an unreachable GitHub is a GitHostError too (status 0: no answer), not a crash', async () => {
    const e = await githubHost({ token: 't', baseUrl: 'http://127.0.0.1:9' }).defaultBranch(REPO).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(GitHostError);
    expect((e as GitHostError).status).toBe(0);
    expect((e as GitHostError).message).toMatch(/^no answer: /);
  });
});
