/**
 * GitOps (`POST /v1/gitops/pr`): an approved fix plan as a pull request on a deployment
 * repository — a branch off the default branch, one commit of the plan's change
 * (remediate/gitops/change.ts) and a pull request whose body holds the plan, its evidence links
 * and its rollback (remediate/gitops/pr-body.ts). Merging it is the execution, so the plan keeps
 * its status; the pull request is audited as `gitops.pr_opened` with its URL.
 *
 * Idempotent per plan, repository and branch: a retry answers with the pull request already
 * opened (`existing: true`) rather than a second one — from the audit log when the first call
 * finished, from GitHub when it died half-way (its branch carries the plan's commit trailer, its
 * pull request the plan's marker), and a branch or pull request of anything else is a 409.
 */
import { AppError } from '../core/errors.js';
import { GitHostError, type PullRequestRef, type RepoRef } from '../core/ports/git-host.js';
import type { FixPlan } from '../core/schemas.js';
import { maskSecrets } from '../detectors/secrets.js';
import { filesToRead, isEmptyChange, renderChange, UnrenderablePlanError, type ManualStep, type RenderedChange } from '../remediate/gitops/change.js';
import { hasPlanMarker, renderPullRequestBody, type BodyLinks } from '../remediate/gitops/pr-body.js';
import { requirePreflight } from './preflight.js';
import { actorOf, requireScope } from './principal.js';
import type { Session } from './session.js';

export interface OpenPullRequestInput {
  planId: string;
  /** `owner/name`. */
  repo: string;
  /** Default `warroom/fix-<plan id>`. */
  branch?: string;
  /** Default the plan's title. */
  title?: string;
}

export interface OpenedPullRequest {
  pr: Pick<PullRequestRef, 'number' | 'url' | 'branch' | 'base' | 'headSha'>;
  /** The files the commit wrote. */
  files: string[];
  /** Steps Git cannot hold: run by hand after the merge. */
  manual: ManualStep[];
  /** True when an earlier call opened it. */
  existing: boolean;
}

/** GitHub's owner and repository names: letters, digits, `-`, `_`, `.` (neither may be `.` or `..`). */
export const REPO_NAME = /^(?!\.{1,2}\/)[A-Za-z0-9_.-]{1,100}\/(?!\.{1,2}$)[A-Za-z0-9_.-]{1,100}$/;
/** Branch names git accepts (check-ref-format, the common subset): no `..`, `@{`, `//`, no leading `/`, `.` or `-`, no trailing `/` or `.`, no `.lock` end. */
export const BRANCH_NAME = /^(?!.*\.\.)(?!.*@\{)(?!.*\/\/)(?![/.-])[A-Za-z0-9._/-]{1,200}(?<![/.]|\.lock)$/;

const AUDIT_ACTION = 'gitops.pr_opened';
/** The commit trailer that marks a branch as this plan's (a retry after a crash recognises it). */
const trailer = (planId: string) => `Warroom-Plan: ${planId}`;
export const defaultBranchName = (planId: string): string => `warroom/fix-${planId.toLowerCase()}`;

/** The card links' shapes (bot/cards/links.ts), restated: usecases/ may not import bot/. */
function linksOf(base: string | undefined, plan: FixPlan): BodyLinks | undefined {
  if (!base) return undefined;
  const b = base.replace(/\/+$/, '');
  const enc = encodeURIComponent;
  return {
    incident: `${b}/v1/incidents/${enc(plan.incidentId)}`,
    evidence: (id) => `${b}/v1/incidents/${enc(plan.incidentId)}/evidence#${enc(id)}`,
    evidenceList: `${b}/v1/incidents/${enc(plan.incidentId)}/evidence`,
    plan: `${b}/v1/fix/plans/${enc(plan.id)}`,
  };
}

/** A GitHub refusal as a 502 quoting GitHub (status 0: it did not answer); anything else as it is. */
function fromGitHub(what: string, e: unknown): unknown {
  if (!(e instanceof GitHostError)) return e;
  const said = e.status === 0 ? `GitHub did not answer (${e.message})` : `GitHub answered ${e.status}: ${e.message}`;
  return new AppError('bad_gateway', `Could not ${what}: ${said}.`, { extra: { github_status: e.status, github_message: e.message } });
}

async function viaGitHub<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw fromGitHub(what, e);
  }
}

/** The pull request the audit log says this plan opened on this repository and branch, if any. */
async function recorded(org: Session['org'], planId: string, repo: string, branch: string): Promise<OpenedPullRequest | null> {
  const entries = await org.listAuditFor(`plan:${planId}`);
  const hit = entries.find((e) => e.action === AUDIT_ACTION && e.payload.repo === repo && e.payload.branch === branch);
  if (!hit) return null;
  const p = hit.payload as { number: number; url: string; base: string; headSha: string; files: string[]; manual: ManualStep[] };
  return { pr: { number: p.number, url: p.url, branch, base: p.base, headSha: p.headSha }, files: p.files, manual: p.manual, existing: true };
}

/**
 * Opens the pull request of an approved plan (scope `approve`; a prod plan's four-eyes approval
 * was enforced when it was approved), after the gates execution has (usecases/preflight.ts
 * `requirePreflight`). Errors: 503 without GitHub configured, 409 for a plan not approved, one
 * that fails its preflight or policies, one with nothing Git can hold, or a branch taken by
 * something else; 502 quoting GitHub when it refuses (an unknown repository, a bad token…).
 */
export async function openPullRequest(s: Session, input: OpenPullRequestInput): Promise<OpenedPullRequest> {
  requireScope(s.principal, 'approve');
  const gitops = s.deps.gitops;
  if (!gitops) throw new AppError('unavailable', 'GitOps is not configured on this instance: set GITHUB_TOKEN (and GITHUB_API_URL for GitHub Enterprise).');
  if (!REPO_NAME.test(input.repo)) throw new AppError('invalid_input', `"${input.repo}" is not a repository: owner/name, e.g. acme/deploy.`, { issues: [{ path: 'repo', message: 'owner/name, e.g. acme/deploy' }] });
  if (input.branch !== undefined && !BRANCH_NAME.test(input.branch)) throw new AppError('invalid_input', `"${input.branch}" is not a branch name git accepts.`, { issues: [{ path: 'branch', message: 'a valid git branch name, e.g. warroom/fix-payments' }] });
  const [owner, name] = input.repo.split('/');
  const repo: RepoRef = { owner, name };
  const plan = await s.org.getFixPlan(input.planId);
  if (!plan) throw new AppError('not_found', `No plan ${input.planId}.`);
  const branch = input.branch ?? defaultBranchName(plan.id);
  const done = await recorded(s.org, plan.id, input.repo, branch);
  if (done) return done;
  if (plan.status !== 'approved') {
    throw new AppError('conflict', `The plan is ${plan.status}; only an approved plan can be opened as a pull request.`, { extra: { reason: 'not_approved', plan_status: plan.status } });
  }
  // merging is the execution: the gates execution has (prod: a passed preflight, run now when
  // missing; elsewhere: the policies) come before anything is written to the repository
  const gated = await requirePreflight(s, plan);
  const host = gitops.host;
  const base = await viaGitHub(`read repository ${input.repo}`, () => host.defaultBranch(repo));

  const render = async (): Promise<RenderedChange> => {
    const files = new Map<string, string | null>();
    for (const path of filesToRead(plan)) files.set(path, await viaGitHub(`read ${path}`, () => host.readFile(repo, path, base)));
    try {
      return renderChange(plan, files, s.deps.clock.now());
    } catch (e) {
      if (e instanceof UnrenderablePlanError) throw new AppError('conflict', `${e.message}.`, { extra: { reason: 'unrenderable' } });
      throw e;
    }
  };
  const ours = (pr: PullRequestRef) => {
    if (!hasPlanMarker(pr.body, plan.id)) throw new AppError('conflict', `Branch ${branch} of ${input.repo} already has pull request #${pr.number} (${pr.url}), not of plan ${plan.id}; choose another branch.`, { extra: { reason: 'branch_taken', pull_request: pr.url } });
    return pr;
  };

  let pr = await viaGitHub('look for an existing pull request', () => host.findPullRequest(repo, branch));
  const existing = pr !== null;
  if (pr) ours(pr);
  const change = await render();
  if (!pr) {
    if (isEmptyChange(change)) {
      throw new AppError('conflict', `Nothing of plan ${plan.id} can live in a repository (${change.manual.map((m) => `step ${m.step}: ${m.why}`).join('; ')}); execute it with a runner instead.`, { extra: { reason: 'nothing_to_commit' } });
    }
    const title = maskSecrets(input.title ?? plan.title, s.deps.masks).replace(/\s+/g, ' ').trim();
    const branchIsOurs = async () => {
      const head = await viaGitHub(`read branch ${branch}`, () => host.branchHead(repo, branch));
      if (head && !head.message.split('\n').includes(trailer(plan.id))) {
        throw new AppError('conflict', `Branch ${branch} already exists in ${input.repo} with commits that are not plan ${plan.id}'s; choose another branch.`, { extra: { reason: 'branch_taken' } });
      }
      return head !== null;
    };
    // a branch left by an interrupted call carries our commit: reuse it
    if (!(await branchIsOurs())) {
      const message = `${title}\n\n${plan.why ? `${plan.why.replace(/\s+/g, ' ')}\n\n` : ''}${trailer(plan.id)}\nWarroom-Incident: ${plan.incidentId}`;
      try {
        await host.commitToNewBranch(repo, { base, branch, files: change.files, message });
      } catch (e) {
        // another call created the branch meanwhile: fine if it is ours
        if (!(e instanceof GitHostError && e.status === 422 && (await branchIsOurs()))) throw fromGitHub(`commit to branch ${branch}`, e);
      }
    }
    const [incident, evidence, approvals, latest] = await Promise.all([s.org.getIncident(plan.incidentId), s.org.listEvidence(plan.incidentId), s.org.listApprovals(plan.id), gated ? null : s.org.latestPreflight(plan.id)]);
    const preflight = gated ?? latest;
    const body = renderPullRequestBody({ plan, incident, evidence, approvals, preflight, change, links: linksOf(gitops.baseUrl(), plan) });
    try {
      pr = await host.openPullRequest(repo, { base, branch, title, body });
    } catch (e) {
      // another call opened it meanwhile
      const raced = e instanceof GitHostError && e.status === 422 ? await viaGitHub('look for the pull request', () => host.findPullRequest(repo, branch)) : null;
      if (!raced) throw fromGitHub('open the pull request', e);
      pr = ours(raced);
    }
  }
  const opened = pr;
  const files = change.files.map((f) => f.path);
  return s.commit(async ({ org }) => {
    // a concurrent call may have recorded it first: one entry per pull request
    const again = await recorded(org, plan.id, input.repo, branch);
    if (again) return again;
    await org.appendAudit({
      actor: actorOf(s.principal),
      action: AUDIT_ACTION,
      target: `plan:${plan.id}`,
      payload: { repo: input.repo, branch, base: opened.base, number: opened.number, url: opened.url, headSha: opened.headSha, files, manual: change.manual, incidentId: plan.incidentId },
    });
    return { pr: { number: opened.number, url: opened.url, branch: opened.branch, base: opened.base, headSha: opened.headSha }, files, manual: change.manual, existing };
  });
}
