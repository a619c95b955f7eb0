/** Verifications of executed fix plans (the canary judge's verdicts), one row per plan and round, and the sweep's listings. */
import type { NewVerification } from '../../core/ports/fixplans.js';
import type { VerificationRecord } from '../../core/schemas.js';
import { type Row, type SqlSession, iso, isoOrNull, json, jsonOut, normTs, num } from '../sql.js';

const COLS = 'org_id, id, plan_id, incident_id, round, decision, basis, next_round_at, healed, message, checks, services, windows, ms, run_by, created_at';

export const toVerification = (r: Row): VerificationRecord => ({
  id: String(r.id),
  orgId: String(r.org_id),
  planId: String(r.plan_id),
  incidentId: String(r.incident_id),
  round: num(r.round),
  decision: r.decision as VerificationRecord['decision'],
  basis: r.basis === null || r.basis === undefined ? null : (r.basis as VerificationRecord['basis']),
  nextRoundAt: isoOrNull(r.next_round_at),
  healed: r.healed === true || r.healed === 't',
  message: String(r.message),
  checks: jsonOut<VerificationRecord['checks']>(r.checks, []),
  services: jsonOut<string[]>(r.services, []),
  windows: jsonOut<VerificationRecord['windows']>(r.windows, { pre: { from: '', to: '' }, post: { from: '', to: '' } }),
  ms: num(r.ms),
  runBy: String(r.run_by),
  createdAt: iso(r.created_at),
});

export async function addVerification(s: SqlSession, orgId: string, v: NewVerification): Promise<VerificationRecord> {
  const nextRoundAt = v.nextRoundAt ? normTs(v.nextRoundAt, 'nextRoundAt') : null;
  const [r] = await s.query(
    `INSERT INTO verifications (org_id, id, plan_id, incident_id, round, decision, basis, next_round_at, healed, message, checks, services, windows, ms, run_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8::timestamptz, $9, $10, $11::jsonb, $12::jsonb, $13::jsonb, $14, $15) RETURNING ${COLS}`,
    [orgId, v.id, v.planId, v.incidentId, v.round ?? 1, v.decision, v.basis ?? null, nextRoundAt, v.healed, v.message, json(v.checks), json(v.services), json(v.windows), Math.max(0, v.ms), v.runBy],
  );
  return toVerification(r);
}

/** The plan's latest round, or null before the first. */
export async function getVerification(s: SqlSession, orgId: string, planId: string): Promise<VerificationRecord | null> {
  const [r] = await s.query(`SELECT ${COLS} FROM verifications WHERE org_id = $1 AND plan_id = $2 ORDER BY round DESC LIMIT 1`, [orgId, planId]);
  return r ? toVerification(r) : null;
}

/** Every round of the plan's verification, the first first. */
export async function listVerifications(s: SqlSession, orgId: string, planId: string): Promise<VerificationRecord[]> {
  const rows = await s.query(`SELECT ${COLS} FROM verifications WHERE org_id = $1 AND plan_id = $2 ORDER BY round`, [orgId, planId]);
  return rows.map(toVerification);
}

/** Plans of any org whose latest round calls for another, due by `now` (security-definer function). */
export async function verificationsDue(s: SqlSession, now: string, limit: number): Promise<{ planId: string; orgId: string; round: number; dueAt: string }[]> {
  const rows = await s.query(`SELECT plan_id, org_id, round, due_at FROM warroom_verifications_due($1::timestamptz, $2)`, [normTs(now, 'now'), limit]);
  return rows.map((r) => ({ planId: String(r.plan_id), orgId: String(r.org_id), round: num(r.round), dueAt: iso(r.due_at) }));
}

/** Executed plans of any org, unverified, whose last command finished before `before` (security-definer function). */
export async function unverifiedFixPlans(s: SqlSession, before: string, limit: number): Promise<{ id: string; orgId: string; executedAt: string }[]> {
  const rows = await s.query(`SELECT id, org_id, executed_at FROM warroom_fix_plans_unverified($1::timestamptz, $2)`, [normTs(before, 'before'), limit]);
  return rows.map((r) => ({ id: String(r.id), orgId: String(r.org_id), executedAt: iso(r.executed_at) }));
}
