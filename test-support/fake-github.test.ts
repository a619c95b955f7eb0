/** The local GitHub refuses wrong calls the way GitHub does, so a test of our client can fail. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeGitHub, type FakeGitHub } from './fake-github.js';

describe('fake GitHub validation', () => {
  let gh: FakeGitHub;
  let main: string;
  beforeAll(async () => {
    gh = await startFakeGitHub();
    gh.addRepo('acme/deploy', { 'a.txt': 'a\n' });
    main = gh.headOf('acme/deploy', 'main')!.sha;
  });
  afterAll(async () => gh?.close());

  const call = async (method: string, path: string, body?: unknown, token = gh.token) => {
    const res = await fetch(`${gh.url}${path}`, { method, headers: { authorization: `token ${token}`, 'content-type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}) });
    return { status: res.status, body: (await res.json()) as { message: string; errors?: { message?: string }[] } };
  };

  it.each([
    ['a wrong token', () => call('GET', '/repos/acme/deploy', undefined, 'nope'), 401, 'Bad credentials'],
    ['an unknown repository', () => call('GET', '/repos/acme/other'), 404, 'Not Found'],
    ['a tree on a base_tree it does not hold', () => call('POST', '/repos/acme/deploy/git/trees', { base_tree: 'f'.repeat(40), tree: [{ path: 'b', mode: '100644', type: 'blob', content: 'b' }] }), 422, 'base_tree'],
    ['a tree entry with an unknown blob', () => call('POST', '/repos/acme/deploy/git/trees', { tree: [{ path: 'b', mode: '100644', type: 'blob', sha: 'e'.repeat(40) }] }), 422, 'not a valid blob'],
    ['a tree entry with a bad mode', () => call('POST', '/repos/acme/deploy/git/trees', { tree: [{ path: 'b', mode: '644', type: 'blob', content: 'b' }] }), 422, 'tree.mode'],
    ['a commit without a message', () => call('POST', '/repos/acme/deploy/git/commits', { tree: 'x', parents: [] }), 422, '"message" wasn\'t supplied'],
    ['a commit whose parent it does not hold', async () => {
      const tree = await call('POST', '/repos/acme/deploy/git/trees', { tree: [{ path: 'b', mode: '100644', type: 'blob', content: 'b' }] });
      return call('POST', '/repos/acme/deploy/git/commits', { message: 'm', tree: (tree.body as unknown as { sha: string }).sha, parents: ['d'.repeat(40)] });
    }, 422, 'Parent SHA does not exist'],
    ['a ref outside refs/', () => call('POST', '/repos/acme/deploy/git/refs', { ref: 'heads/x', sha: main }), 422, "must start with 'refs/'"],
    ['a ref at an unknown commit', () => call('POST', '/repos/acme/deploy/git/refs', { ref: 'refs/heads/x', sha: 'c'.repeat(40) }), 422, 'Object does not exist'],
    ['a ref that exists', () => call('POST', '/repos/acme/deploy/git/refs', { ref: 'refs/heads/main', sha: main }), 422, 'Reference already exists'],
    ['a pull request with nothing to merge', () => call('POST', '/repos/acme/deploy/pulls', { title: 't', head: 'main', base: 'main' }), 422, 'No commits between main and main'],
    ['a pull request of a branch that does not exist', () => call('POST', '/repos/acme/deploy/pulls', { title: 't', head: 'nope', base: 'main' }), 422, 'Validation Failed'],
  ])('refuses %s', async (_n, run, status, message) => {
    const res = await run();
    expect(res.status).toBe(status);
    expect(JSON.stringify(res.body)).toContain(message.replace(/"/g, '\\"'));
  });

  it('moves a ref only forward unless forced', async () => {
    const tree = (await call('POST', '/repos/acme/deploy/git/trees', { tree: [{ path: 'c', mode: '100644', type: 'blob', content: 'c' }] })).body as unknown as { sha: string };
    const orphan = (await call('POST', '/repos/acme/deploy/git/commits', { message: 'orphan', tree: tree.sha, parents: [] })).body as unknown as { sha: string };
    expect((await call('PATCH', '/repos/acme/deploy/git/refs/heads%2Fmain', { sha: orphan.sha })).status).toBe(422);
    const child = (await call('POST', '/repos/acme/deploy/git/commits', { message: 'child', tree: tree.sha, parents: [main] })).body as unknown as { sha: string };
    expect((await call('PATCH', '/repos/acme/deploy/git/refs/heads%2Fmain', { sha: child.sha })).status).toBe(200);
    expect(gh.headOf('acme/deploy', 'main')!.sha).toBe(child.sha);
    expect(gh.fileAt('acme/deploy', 'main', 'c')).toBe('c');
  });
});
