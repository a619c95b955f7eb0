/**
 * Verifying a fix (issue 17 §6): once the post window of an executed plan has closed, the canary
 * judge (remediate/verify/judge.ts) compares the impacted services before and after the change,
 * and its verdict is stored as a round of the plan's verification (`verifications`, one row per
 * plan and round), audited (`verify.decided`) and published (`verify.run`, and
 * `incident.updated` {change: 'verify'} for the war rooms). What follows (remediate/verify/rounds.ts):
 *  - healed: the incident, if still open, is marked mitigated (audited as `incident.status`);
 *  - worse (rollback) or no effect (halt): the plan's recorded rollback steps run with the plan's
 *    runner right after the verdict commits, each recorded as a command (steps numbered after the
 *    plan's own and any earlier rollback's) and audited, then `fix.rolled_back` (or
 *    `fix.rollback_failed` with the reason). No fix that did not heal is left in place;
 *  - improving but not healed, too few samples, or no effect before the fix was due to show it
 *    (the plan's `expectWithinMinutes` after its last command): another round is due after another window
 *    (`nextRoundAt`), up to `verify.rounds`; the sweep runs it. After the last, the verdict is
 *    final and the incident waits for a person.
 * The stored round is the claim: a second run (another process, a retried request) finds it,
 * or loses the insert on the unique (plan, round), and returns the stored one without running anything.
 * The claim commits first (with the incident's status change); the rollback's commands commit as
 * they run; the bus messages go with the session's one commit at the end (HTTP's idempotent
 * transaction), so a process that dies mid-rollback leaves the verdict and the commands on record.
 */
import { performance } from 'node:perf_hooks';
import { AppError, isAppError } from '../core/errors.js';
import type { OrgStore } from '../core/ports/index.js';
import type { CommandRecord, FixPlan, Hypothesis, Incident, VerificationRecord } from '../core/schemas.js';
import { judge } from '../remediate/verify/judge.js';
import type { AnalysisResult } from '../rca/types.js';
import { rollbackSteps } from '../remediate/verify/rollback.js';
import { DEFAULT_VERIFY_ROUNDS, effectExpectedBy, followUpWindows, nextRoundAt, roundMessage, undoPreview } from '../remediate/verify/rounds.js';
import { runStep } from './fix-run.js';
import { actorOf, requireScope } from './principal.js';
import type { Session } from './session.js';
import { DEFAULT_VERIFY_SETTLE_MS, DEFAULT_VERIFY_WINDOW_MS, hasData, normalWindow, readServiceWindows, verifyWindows, type VerifyWindows } from './verify-windows.js';

/** Most services one verification reads (the incident's, the top hypothesis's, the plan's targets). */
const MAX_SERVICES = 8;

export interface RollbackRun {
  commands: CommandRecord[];
  ok: boolean;
  reason: string;
}

export interface VerifyOutcome {
  verification: VerificationRecord;
  /** false: it was already verified (by another process or an earlier call); nothing ran now. */
  created: boolean;
  /** The rollback this call ran (a `rollback` verdict, or a no-effect `halt` undone), else null. */
  rollback: RollbackRun | null;
}

/** When the plan's change landed: its last command's end (the plan's last update if it has none). */
export function executedAtOf(plan: Pick<FixPlan, 'updatedAt'>, commands: Pick<CommandRecord, 'finishedAt'>[]): string {
  const ends = commands.map((c) => Date.parse(c.finishedAt)).filter(Number.isFinite);
  return ends.length ? new Date(Math.max(...ends)).toISOString() : plan.updatedAt;
}

/**
 * The services a fix could have moved: the incident's, the top hypothesis's, the ones its steps
 * changed, then the latest analysis's blast radius (its impacted services), at most 8.
 */
export function impactedServices(inc: Pick<Incident, 'service'>, hypotheses: Pick<Hypothesis, 'rank' | 'service'>[], plan: Pick<FixPlan, 'steps'>, blastRadius: string[] = []): string[] {
  const top = [...hypotheses].sort((a, b) => a.rank - b.rank)[0];
  const all = [inc.service, top?.service, ...plan.steps.map((s) => s.target), ...blastRadius].filter((x): x is string => typeof x === 'string' && x.length > 0);
  return [...new Set(all)].slice(0, MAX_SERVICES);
}

/** The windows' lengths and the rounds this instance judges with (WARROOM_VERIFY_WINDOW_SECONDS, WARROOM_VERIFY_SETTLE_SECONDS, WARROOM_VERIFY_ROUNDS). */
function windowsOf(s: Session): { windowMs: number; settleMs: number; rounds: number } {
  const v = s.deps.verify;
  return { windowMs: v?.windowMs ?? DEFAULT_VERIFY_WINDOW_MS, settleMs: v?.settleMs ?? DEFAULT_VERIFY_SETTLE_MS, rounds: Math.max(1, v?.rounds ?? DEFAULT_VERIFY_ROUNDS) };
}

/** The plan's latest verification round, or null before the first (scope `read`). */
export async function getVerification(s: Session, planId: string): Promise<VerificationRecord | null> {
  requireScope(s.principal, 'read');
  return s.org.getVerification(planId);
}

/** Every round of the plan's verification, the first first; empty before the first (scope `read`). */
export async function listVerificationRounds(s: Session, planId: string): Promise<VerificationRecord[]> {
  requireScope(s.principal, 'read');
  return s.org.listVerifications(planId);
}

/**
 * Verifies an executed plan (scope `approve`: a rollback may follow): its first round, or the next
 * one once it is due. Refused (conflict) for a plan that is not `executed` (a dry run changed
 * nothing to verify) and before the first post window has closed (extra.closes_at says when). A
 * final round, or a next round not due yet: the stored latest round, nothing run.
 */
export async function verifyFix(s: Session, input: { planId: string }): Promise<VerifyOutcome> {
  requireScope(s.principal, 'approve');
  const plan = await s.org.getFixPlan(input.planId);
  if (!plan) throw new AppError('not_found', `No plan ${input.planId}.`);
  const latest = await s.org.getVerification(plan.id);
  const now = s.deps.clock.now().getTime();
  if (latest && (latest.nextRoundAt === null || now < Date.parse(latest.nextRoundAt))) return { verification: latest, created: false, rollback: null };
  if (plan.status !== 'executed') {
    throw new AppError('conflict', `The plan is ${plan.status}; only an executed plan is verified${plan.status === 'dry_run' ? ' (a dry run changed nothing)' : ''}.`, { extra: { plan_status: plan.status } });
  }
  const commands = await s.org.listCommands(plan.id);
  const { windowMs, settleMs, rounds } = windowsOf(s);
  const inc = await s.org.getIncident(plan.incidentId);
  if (!inc) throw new AppError('not_found', `No incident ${plan.incidentId}.`);
  const round = latest ? latest.round + 1 : 1;
  const w: VerifyWindows = latest?.nextRoundAt ? followUpWindows({ ...latest, nextRoundAt: latest.nextRoundAt }) : verifyWindows(Date.parse(executedAtOf(plan, commands)), windowMs, settleMs, Date.parse(inc.startedAt));
  if (now < Date.parse(w.post.to)) {
    throw new AppError('conflict', `The post window of plan ${plan.id} closes at ${w.post.to}; it is verified then.`, { extra: { reason: 'window_open', closes_at: w.post.to } });
  }
  const [hypotheses, topology, analysis] = await Promise.all([s.org.listHypotheses(inc.id), s.org.getTopology(), s.org.latestAnalysis(inc.id)]);
  const blast = ((analysis?.result as Partial<AnalysisResult> | undefined)?.blastRadius?.impacted ?? []).map((x) => x.service);
  const windows = (await readServiceWindows(s.org, impactedServices(inc, hypotheses, plan, blast), w, topology, normalWindow(Date.parse(inc.startedAt), windowMs))).filter(hasData);
  const t0 = performance.now();
  const verdict = judge(windows);
  const ms = performance.now() - t0;
  const actor = actorOf(s.principal);
  const effectBy = effectExpectedBy(executedAtOf(plan, commands), plan.expectWithinMinutes);
  const next = nextRoundAt(verdict.basis, round, rounds, w.post, windowMs, effectBy);
  // a fix that did not heal is not left in place: made worse → rolled back, no effect (once it was due) → undone
  const undo = verdict.decision === 'rollback' || (verdict.basis === 'no_effect' && next === null);
  const preview = undoPreview(rollbackSteps(plan));
  const message = roundMessage(verdict, { round, maxRounds: rounds, nextRoundAt: next, effectBy, undo: { ...preview, runner: Boolean(s.deps.runners[plan.runner]) } });

  // the claim: the round (unique per plan and round) with its audit entries, committed before any rollback runs
  let claim: { verification: VerificationRecord; mitigated: boolean };
  try {
    claim = await s.org.transaction(async (tx) => {
      const v = await tx.addVerification({
        id: s.deps.newId(),
        planId: plan.id,
        incidentId: inc.id,
        round,
        decision: verdict.decision,
        basis: verdict.basis,
        nextRoundAt: next,
        healed: verdict.healed,
        message,
        checks: verdict.checks,
        services: windows.map((x) => x.service),
        windows: w,
        ms,
        runBy: actor,
      });
      await tx.appendAudit({ actor, action: 'verify.decided', target: `plan:${plan.id}`, payload: { verificationId: v.id, round, decision: v.decision, basis: v.basis, healed: v.healed, nextRoundAt: next, message: v.message, services: v.services, windows: w } });
      return { verification: v, mitigated: v.healed && (await markMitigated(s, tx, inc.id, v)) };
    });
  } catch (e) {
    // lost the race for this round: the winner's verdict (and rollback) stand
    const stored = isAppError(e) && e.code === 'conflict' ? await s.org.getVerification(plan.id) : null;
    if (stored) return { verification: stored, created: false, rollback: null };
    throw e;
  }
  const { verification } = claim;
  // nothing to run for a no-effect fix whose steps leave nothing to undo (a restart): its message says so
  const rollback = undo && (verification.decision === 'rollback' || preview.steps.length > 0) ? await runRollback(s, plan) : null;
  // the session's one commit: the rollback's outcome on record, and the news for the bus and the war rooms
  return s.commit(async ({ org, emit }) => {
    if (rollback) {
      await org.appendAudit({
        actor,
        action: rollback.ok ? 'fix.rolled_back' : 'fix.rollback_failed',
        target: `plan:${plan.id}`,
        payload: { verificationId: verification.id, round, why: verification.basis, commands: rollback.commands.map((c) => c.id), reason: rollback.reason },
      });
    }
    const v = verification;
    await emit('verify.run', {
      verificationId: v.id,
      planId: plan.id,
      incidentId: inc.id,
      round: v.round,
      decision: v.decision,
      basis: v.basis,
      healed: v.healed,
      final: v.nextRoundAt === null,
      nextRoundAt: v.nextRoundAt,
      message: v.message,
      rollback: rollback ? { ok: rollback.ok, reason: rollback.reason } : null,
    });
    if (claim.mitigated) await emit('incident.updated', { incidentId: inc.id, change: 'status' });
    await emit('incident.updated', { incidentId: inc.id, change: 'verify', planId: plan.id });
    return { verification, created: true, rollback };
  });
}

/** A healed incident still open becomes mitigated, on the record (a person resolves it); true when it changed. */
async function markMitigated(s: Session, org: OrgStore, incidentId: string, v: VerificationRecord): Promise<boolean> {
  const inc = await org.getIncident(incidentId);
  if (inc?.status !== 'open') return false;
  await org.setIncidentStatus(inc.id, 'mitigated', s.deps.clock.now().toISOString());
  await org.appendAudit({ actor: actorOf(s.principal), action: 'incident.status', target: `incident:${inc.id}`, payload: { from: 'open', to: 'mitigated', why: `plan ${v.planId} healed it (verification ${v.id})` } });
  return true;
}

/**
 * Runs the plan's rollback (remediate/verify/rollback.ts: the inverse of each step, last first)
 * with the plan's runner, like executeFix runs steps: no
 * transaction open while the runner works, each command and its audit entry committed as it
 * returns, the first failure stops the rest. Its outcome is audited by the caller's commit.
 */
async function runRollback(s: Session, plan: FixPlan): Promise<RollbackRun> {
  const actor = actorOf(s.principal);
  const runner = s.deps.runners[plan.runner];
  const items = rollbackSteps(plan);
  const skipped = items.flatMap((x) => ('skipped' in x ? [x.skipped] : []));
  const steps = items.flatMap((x) => ('step' in x ? [x.step] : []));
  const commands: CommandRecord[] = [];
  // numbered after the plan's own steps and any command recorded since (an earlier rollback)
  const first = Math.max(plan.steps.length, ...(await s.org.listCommands(plan.id)).map((c) => c.step + 1));
  let reason = '';
  if (!runner) reason = `runner "${plan.runner}" is not configured on this instance`;
  else if (steps.length === 0) reason = (plan.rollback ?? []).length === 0 ? 'the plan recorded no rollback steps' : `nothing the runner can undo: ${skipped.join('; ')}`;
  for (const [i, r] of (runner ? steps : []).entries()) {
    const step = first + i;
    const { command: cmd, result } = await runStep(s, { plan, runner: runner!, step: r, index: step, actor, signal: new AbortController().signal, rollback: true });
    commands.push(cmd);
    if (result.exitCode !== 0) {
      reason = `rollback step ${i + 1} (${r.command}) failed with exit code ${result.exitCode}`;
      break;
    }
  }
  const ok = reason === '';
  return { commands, ok, reason: ok ? `${commands.length} rollback step(s) ran${skipped.length ? `; skipped ${skipped.join('; ')}` : ''}` : reason };
}
