/** POST /v1/gitops/pr: an approved fix plan as a GitHub pull request. The rules live in usecases/gitops.ts. */
import { z } from 'zod';
import { BRANCH_NAME, REPO_NAME, openPullRequest } from '../../usecases/gitops.js';
import { route } from '../context.js';
import { runUseCase } from '../session.js';

export const PullRequestView = z.object({
  number: z.number().int(),
  url: z.string().describe('The pull request on GitHub'),
  branch: z.string(),
  base: z.string().describe('The default branch it merges into'),
  head_sha: z.string().describe('The commit of the plan\'s change'),
  files: z.array(z.string()).describe('The files the commit wrote'),
  manual_steps: z.array(z.object({ step: z.number().int(), command: z.string(), why: z.string() })).describe('Steps Git cannot hold: run them by hand after the merge'),
  existing: z.boolean().describe('True when an earlier call opened it (a retry never opens a second one)'),
});

export const gitopsPullRequestRoute = route({
  method: 'post',
  path: '/v1/gitops/pr',
  summary: "Open an approved fix plan as a pull request: a branch off the repository's default branch, one commit of the plan's change, a body with the plan, its evidence links and its rollback",
  tag: 'fix',
  scope: 'approve',
  body: z.object({
    plan_id: z.string().min(1),
    repo: z.string().regex(REPO_NAME, 'owner/name, e.g. acme/deploy').describe('The deployment repository, owner/name'),
    branch: z.string().regex(BRANCH_NAME, 'a valid git branch name, e.g. warroom/fix-payments').optional().describe('Default warroom/fix-<plan id>'),
    title: z.string().trim().min(1).max(256).optional().describe("Default the plan's title"),
  }),
  response: { status: 201, schema: PullRequestView, description: 'The pull request opened (200 with existing: true when a retry found it)' },
  errors: [404, 409, 502],
  // GitHub calls take seconds: no transaction is held meanwhile; the audit entry is the one commit
  transaction: 'manual',
  handler: (ctx) =>
    runUseCase(
      ctx,
      (s) => openPullRequest(s, { planId: ctx.body.plan_id, repo: ctx.body.repo, ...(ctx.body.branch ? { branch: ctx.body.branch } : {}), ...(ctx.body.title ? { title: ctx.body.title } : {}) }),
      (r) => ({
        status: r.existing ? 200 : 201,
        body: { number: r.pr.number, url: r.pr.url, branch: r.pr.branch, base: r.pr.base, head_sha: r.pr.headSha, files: r.files, manual_steps: r.manual, existing: r.existing },
      }),
    ),
});
