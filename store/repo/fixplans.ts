/** Fix plans (with a compare-and-set status transition), approvals and executed commands. */
import type { Approval, CommandRecord, FixPlan, PlanStatus, PreflightRecord } from '../../core/schemas.js';
import type { CommandSigner } from '../../core/signing.js';
import { type Row, type SqlSession, cleanText, iso, json, jsonOut, normTs, num, strOrNull } from '../sql.js';

export const toFixPlan = (r: Row): FixPlan => ({
  id: String(r.id),
  orgId: String(r.org_id),
  incidentId: String(r.incident_id),
  title: String(r.title),
  env: r.env as FixPlan['env'],
  runner: String(r.runner),
  risk: r.risk as FixPlan['risk'],
  steps: jsonOut<FixPlan['steps']>(r.steps, []),
  status: r.status as PlanStatus,
  requestedBy: String(r.requested_by),
  createdAt: iso(r.created_at),
  updatedAt: iso(r.updated_at),
  rollback: jsonOut<NonNullable<FixPlan['rollback']>>(r.rollback, []),
  why: strOrNull(r.why),
  analysisId: strOrNull(r.analysis_id),
  expectWithinMinutes: r.expect_within_minutes === null || r.expect_within_minutes === undefined ? null : num(r.expect_within_minutes),
});

export const toApproval = (r: Row): Approval => ({
  id: String(r.id),
  orgId: String(r.org_id),
  planId: String(r.plan_id),
  approver: String(r.approver),
  decision: r.decision as Approval['decision'],
  reason: strOrNull(r.reason),
  createdAt: iso(r.created_at),
});

export const toCommand = (r: Row): CommandRecord => ({
  id: String(r.id),
  orgId: String(r.org_id),
  planId: String(r.plan_id),
  step: num(r.step),
  runner: String(r.runner),
  command: String(r.command),
  output: String(r.output),
  exitCode: num(r.exit_code),
  status: r.status as CommandRecord['status'],
  startedAt: iso(r.started_at),
  finishedAt: iso(r.finished_at),
  signature: r.sig === null || r.sig === undefined ? null : { keyId: String(r.key_id), sig: String(r.sig) },
});

const PLAN_COLS = 'org_id, id, incident_id, title, env, runner, risk, steps, status, requested_by, created_at, updated_at, rollback, why, analysis_id, expect_within_minutes';

export async function createFixPlan(s: SqlSession, orgId: string, p: Omit<FixPlan, 'orgId' | 'createdAt' | 'updatedAt'>): Promise<FixPlan> {
  const [r] = await s.query(
    `INSERT INTO fix_plans (org_id, id, incident_id, title, env, runner, risk, steps, status, requested_by, rollback, why, analysis_id, expect_within_minutes)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9, $10, $11::jsonb, $12, $13, $14) RETURNING ${PLAN_COLS}`,
    [orgId, p.id, p.incidentId, p.title, p.env, p.runner, p.risk, json(p.steps ?? []), p.status, p.requestedBy, json(p.rollback ?? []), p.why ?? null, p.analysisId ?? null, p.expectWithinMinutes ?? null],
  );
  return toFixPlan(r);
}

export async function getFixPlan(s: SqlSession, orgId: string, id: string): Promise<FixPlan | null> {
  const [r] = await s.query(`SELECT ${PLAN_COLS} FROM fix_plans WHERE org_id = $1 AND id = $2`, [orgId, id]);
  return r ? toFixPlan(r) : null;
}

export async function listFixPlans(s: SqlSession, orgId: string, incidentId: string): Promise<FixPlan[]> {
  const rows = await s.query(`SELECT ${PLAN_COLS} FROM fix_plans WHERE org_id = $1 AND incident_id = $2 ORDER BY created_at DESC, id DESC`, [orgId, incidentId]);
  return rows.map(toFixPlan);
}

/**
 * Compare-and-set: one UPDATE guarded by the current status (and, with `idleMs`, by an updated_at
 * at least that old: a heartbeat renewed meanwhile wins); null when it did not match.
 */
export async function transitionFixPlan(s: SqlSession, orgId: string, id: string, from: PlanStatus[], to: PlanStatus, idleMs?: number): Promise<FixPlan | null> {
  const idle = idleMs === undefined ? '' : `AND updated_at < clock_timestamp() - make_interval(secs => $5::float8 / 1000.0)`;
  const [r] = await s.query(
    `UPDATE fix_plans SET status = $3, updated_at = clock_timestamp()
     WHERE org_id = $1 AND id = $2 AND status = ANY ($4::text[]) ${idle}
     RETURNING ${PLAN_COLS}`,
    idleMs === undefined ? [orgId, id, to, from] : [orgId, id, to, from, Math.max(0, idleMs)],
  );
  return r ? toFixPlan(r) : null;
}

/** Renews an executing plan's heartbeat (its updated_at); false when it is no longer executing. */
export async function heartbeatFixPlan(s: SqlSession, orgId: string, id: string): Promise<boolean> {
  const rows = await s.query(`UPDATE fix_plans SET updated_at = clock_timestamp() WHERE org_id = $1 AND id = $2 AND status = 'executing' RETURNING id`, [orgId, id]);
  return rows.length > 0;
}

/** Executing plans of any org whose heartbeat is older than `staleMs`, oldest first (security-definer function). */
export async function orphanedFixPlans(s: SqlSession, staleMs: number, limit: number): Promise<{ id: string; orgId: string; heartbeatAt: string }[]> {
  const rows = await s.query(`SELECT id, org_id, updated_at FROM warroom_fix_plans_orphaned($1, $2)`, [Math.round(staleMs), limit]);
  return rows.map((r) => ({ id: String(r.id), orgId: String(r.org_id), heartbeatAt: iso(r.updated_at) }));
}

const APPROVAL_COLS = 'org_id, id, plan_id, approver, decision, reason, created_at';

export async function addApproval(s: SqlSession, orgId: string, a: Omit<Approval, 'orgId' | 'createdAt'>): Promise<Approval> {
  const [r] = await s.query(
    `INSERT INTO approvals (org_id, id, plan_id, approver, decision, reason) VALUES ($1, $2, $3, $4, $5, $6)
     RETURNING ${APPROVAL_COLS}`,
    [orgId, a.id, a.planId, a.approver, a.decision, a.reason ?? null],
  );
  return toApproval(r);
}

export async function listApprovals(s: SqlSession, orgId: string, planId: string): Promise<Approval[]> {
  const rows = await s.query(`SELECT ${APPROVAL_COLS} FROM approvals WHERE org_id = $1 AND plan_id = $2 ORDER BY pos`, [orgId, planId]);
  return rows.map(toApproval);
}

const COMMAND_COLS = 'org_id, id, plan_id, step, runner, command, output, exit_code, status, started_at, finished_at, key_id, sig';

/**
 * Records a command; with a signer, signed over exactly what is stored (times as the database
 * returns them, the output as it can hold it) so the row verifies as it reads back.
 */
export async function addCommand(s: SqlSession, orgId: string, c: Omit<CommandRecord, 'orgId' | 'signature'>, signer: CommandSigner | null = null): Promise<CommandRecord> {
  const row = { ...c, orgId, output: cleanText(c.output), startedAt: normTs(c.startedAt, 'startedAt'), finishedAt: normTs(c.finishedAt, 'finishedAt') };
  const signature = signer ? signer.sign(row) : null;
  const [r] = await s.query(
    `INSERT INTO commands (org_id, id, plan_id, step, runner, command, output, exit_code, status, started_at, finished_at, key_id, sig)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING ${COMMAND_COLS}`,
    [orgId, row.id, row.planId, row.step, row.runner, row.command, row.output, row.exitCode, row.status, row.startedAt, row.finishedAt, signature?.keyId ?? null, signature?.sig ?? null],
  );
  return toCommand(r);
}

export async function listCommands(s: SqlSession, orgId: string, planId: string): Promise<CommandRecord[]> {
  const rows = await s.query(`SELECT ${COMMAND_COLS} FROM commands WHERE org_id = $1 AND plan_id = $2 ORDER BY step, started_at, id`, [orgId, planId]);
  return rows.map(toCommand);
}

const PREFLIGHT_COLS = 'org_id, id, plan_id, passed, gates, ms, run_by, created_at';

export const toPreflight = (r: Row): PreflightRecord => ({
  id: String(r.id),
  orgId: String(r.org_id),
  planId: String(r.plan_id),
  passed: r.passed === true || r.passed === 't',
  gates: jsonOut<PreflightRecord['gates']>(r.gates, []),
  ms: num(r.ms),
  runBy: String(r.run_by),
  createdAt: iso(r.created_at),
});

export async function addPreflight(s: SqlSession, orgId: string, p: Omit<PreflightRecord, 'orgId' | 'createdAt'>): Promise<PreflightRecord> {
  const [r] = await s.query(
    `INSERT INTO fix_plan_preflights (org_id, id, plan_id, passed, gates, ms, run_by) VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7) RETURNING ${PREFLIGHT_COLS}`,
    [orgId, p.id, p.planId, p.passed, json(p.gates), Math.max(0, Math.round(p.ms)), p.runBy],
  );
  return toPreflight(r);
}

export async function latestPreflight(s: SqlSession, orgId: string, planId: string): Promise<PreflightRecord | null> {
  const [r] = await s.query(`SELECT ${PREFLIGHT_COLS} FROM fix_plan_preflights WHERE org_id = $1 AND plan_id = $2 ORDER BY pos DESC LIMIT 1`, [orgId, planId]);
  return r ? toPreflight(r) : null;
}

/** Every command of one org, oldest first (admin: runs as the owner, for `warroom audit verify`). */
export async function allCommands(s: SqlSession, orgId: string): Promise<CommandRecord[]> {
  const rows = await s.query(`SELECT ${COMMAND_COLS} FROM commands WHERE org_id = $1 ORDER BY started_at, id`, [orgId]);
  return rows.map(toCommand);
}
