/**
 * The GitHost port on GitHub (or GitHub Enterprise: `baseUrl` is its API, e.g.
 * https://ghe.example.com/api/v3) through @octokit/rest, with the Git data API: one blob per
 * file, a tree on the base commit's tree, a commit on the base commit, a new branch ref at it.
 * Every refusal becomes a GitHostError carrying GitHub's status and its own message.
 */
import { Octokit } from '@octokit/rest';
import { GitHostError, type GitHost, type PullRequestRef, type RepoRef } from '../../core/ports/git-host.js';

export interface GitHubOptions {
  token: string;
  /** The REST API base (default https://api.github.com). */
  baseUrl?: string;
  /** Per-request timeout; GitHub answering slowly should fail the request, not hang it. */
  timeoutMs?: number;
}

/** A RequestError (or a network failure) as a GitHostError with GitHub's own words. */
function hostError(e: unknown): GitHostError {
  const err = e as { status?: number; message?: string; response?: { data?: { message?: unknown; errors?: unknown } } };
  const data = err.response?.data;
  // "Validation Failed" alone says little: GitHub puts the reason in errors[].message
  const details = Array.isArray(data?.errors) ? data.errors.map((x: { message?: unknown; field?: unknown; code?: unknown }) => (typeof x?.message === 'string' ? x.message : [x?.field, x?.code].filter(Boolean).join(' '))).filter(Boolean) : [];
  // no response at all (refused, reset, timed out): Octokit calls it a 500, but GitHub said nothing
  if (!err.response) return new GitHostError(0, `no answer: ${err.message ?? String(e)}`);
  const said = typeof data?.message === 'string' ? data.message : (err.message ?? String(e));
  return new GitHostError(err.status ?? 0, details.length ? `${said}: ${details.join('; ')}` : said);
}

async function call<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw hostError(e);
  }
}

const toPull = (p: { number: number; html_url: string; head: { ref: string; sha: string }; base: { ref: string }; state: string; body?: string | null }): PullRequestRef => ({
  number: p.number,
  url: p.html_url,
  branch: p.head.ref,
  base: p.base.ref,
  headSha: p.head.sha,
  state: p.state === 'closed' ? 'closed' : 'open',
  body: p.body ?? '',
});

export function githubHost(opts: GitHubOptions): GitHost {
  const gh = new Octokit({
    auth: opts.token,
    baseUrl: (opts.baseUrl ?? 'https://api.github.com').replace(/\/+$/, ''),
    userAgent: 'warroom-gitops',
    // Octokit logs every 4xx to the console otherwise; our caller reports them
    log: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
    ...(opts.timeoutMs ? { request: { fetch: timedFetch(opts.timeoutMs) } } : {}),
  });
  const of = (r: RepoRef) => ({ owner: r.owner, repo: r.name });

  return {
    async defaultBranch(repo) {
      const { data } = await call(() => gh.rest.repos.get(of(repo)));
      return data.default_branch;
    },
    async readFile(repo, path, branch) {
      try {
        const { data } = await gh.rest.repos.getContent({ ...of(repo), path, ref: branch });
        if (Array.isArray(data) || data.type !== 'file' || !('content' in data)) return null;
        return Buffer.from(data.content, 'base64').toString('utf8');
      } catch (e) {
        if ((e as { status?: number }).status === 404) return null;
        throw hostError(e);
      }
    },
    async findPullRequest(repo, branch) {
      const { data } = await call(() => gh.rest.pulls.list({ ...of(repo), head: `${repo.owner}:${branch}`, state: 'all', per_page: 10 }));
      const mine = data.filter((p) => p.head.ref === branch).sort((a, b) => b.number - a.number);
      return mine.length ? toPull(mine[0]) : null;
    },
    async branchHead(repo, branch) {
      try {
        const { data: ref } = await gh.rest.git.getRef({ ...of(repo), ref: `heads/${branch}` });
        const { data: commit } = await gh.rest.git.getCommit({ ...of(repo), commit_sha: ref.object.sha });
        return { sha: commit.sha, message: commit.message };
      } catch (e) {
        if ((e as { status?: number }).status === 404) return null;
        throw hostError(e);
      }
    },
    async commitToNewBranch(repo, input) {
      return call(async () => {
        const { data: baseRef } = await gh.rest.git.getRef({ ...of(repo), ref: `heads/${input.base}` });
        const { data: baseCommit } = await gh.rest.git.getCommit({ ...of(repo), commit_sha: baseRef.object.sha });
        const tree = [];
        for (const f of input.files) {
          const { data: blob } = await gh.rest.git.createBlob({ ...of(repo), content: Buffer.from(f.content, 'utf8').toString('base64'), encoding: 'base64' });
          tree.push({ path: f.path, mode: '100644' as const, type: 'blob' as const, sha: blob.sha });
        }
        const { data: newTree } = await gh.rest.git.createTree({ ...of(repo), base_tree: baseCommit.tree.sha, tree });
        const { data: commit } = await gh.rest.git.createCommit({ ...of(repo), message: input.message, tree: newTree.sha, parents: [baseCommit.sha] });
        await gh.rest.git.createRef({ ...of(repo), ref: `refs/heads/${input.branch}`, sha: commit.sha });
        return commit.sha;
      });
    },
    async openPullRequest(repo, input) {
      const { data } = await call(() => gh.rest.pulls.create({ ...of(repo), title: input.title, head: input.branch, base: input.base, body: input.body, maintainer_can_modify: true }));
      return toPull(data);
    },
  };
}

/** fetch with a timeout per request (AbortSignal.timeout), so a GitHub that stops answering fails the call. */
function timedFetch(ms: number): typeof fetch {
  return (input, init) => fetch(input, { ...init, signal: init?.signal ?? AbortSignal.timeout(ms) });
}
