/**
 * A Git hosting service (GitHub, GitHub Enterprise) as the GitOps path needs it: read a file of
 * the default branch, find the pull request of a branch, and open one from a commit of edited
 * files. The adapter is remediate/runners/github.ts (@octokit/rest); usecases/gitops.ts drives it.
 */

/** A repository on the host: `owner/name`. */
export interface RepoRef {
  owner: string;
  name: string;
}

/** One file as the commit leaves it (whole content, UTF-8). */
export interface FileEdit {
  path: string;
  content: string;
}

export interface PullRequestRef {
  number: number;
  /** Where a person reads it (html_url). */
  url: string;
  /** The branch it merges and the one it merges into. */
  branch: string;
  base: string;
  /** The commit at the head of its branch. */
  headSha: string;
  state: 'open' | 'closed';
  /** Its description as the host holds it (the idempotency check reads its plan marker). */
  body: string;
}

/**
 * What the host answered when it refused or failed: its HTTP status and its own message, so the
 * caller can say "GitHub said …" (a 502 to our client) rather than guess.
 */
export class GitHostError extends Error {
  constructor(
    /** The host's HTTP status; 0 when it did not answer (unreachable, timed out). */
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'GitHostError';
  }
}

export interface GitHost {
  /** The repository's default branch (its name); GitHostError 404 for an unknown repository. */
  defaultBranch(repo: RepoRef): Promise<string>;
  /** A file's text at a branch, or null when it does not exist there. */
  readFile(repo: RepoRef, path: string, branch: string): Promise<string | null>;
  /** The most recent pull request (open or closed) whose head is `branch` of this repository, or null. */
  findPullRequest(repo: RepoRef, branch: string): Promise<PullRequestRef | null>;
  /** The tip commit of `branch`, with its message, or null when the branch does not exist. */
  branchHead(repo: RepoRef, branch: string): Promise<{ sha: string; message: string } | null>;
  /**
   * One commit of `files` on top of `base`'s tip, on a new branch `branch` (GitHostError 422 when
   * it already exists). Returns the new commit's sha.
   */
  commitToNewBranch(repo: RepoRef, input: { base: string; branch: string; files: FileEdit[]; message: string }): Promise<string>;
  /** Opens a pull request of `branch` into `base`. */
  openPullRequest(repo: RepoRef, input: { base: string; branch: string; title: string; body: string }): Promise<PullRequestRef>;
}
