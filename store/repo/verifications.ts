/** Verifications of executed fix plans (the canary judge's verdicts), one per plan, and the sweep's listing. */
import type { VerificationRecord } from '../../core/schemas.js';
import { type Row, type SqlSession, iso, json, jsonOut, normTs, num } from '../sql.js';

const COLS = 'org_id, id, plan_id, incident_id, decision, healed, message, checks, services, windows, ms, run_by, created_at';

export const toVerification = (r: Row): VerificationRecord => ({
  id: String(r.id),
  orgId: String(r.org_id),
  planId: String(r.plan_id),
  incidentId: String(r.incident_id),
  decision: r.decision as VerificationRecord['decision'],
  healed: r.healed === true || r.healed === 't',
  message: String(r.message),
  checks: jsonOut<VerificationRecord['checks']>(r.checks, []),
  services: jsonOut<string[]>(r.services, []),
  windows: jsonOut<VerificationRecord['windows']>(r.windows, { pre: { from: '', to: '' }, post: { from: '', to: '' } }),
  ms: num(r.ms),
  runBy: String(r.run_by),
  createdAt: iso(r.created_at),
});

export async function addVerification(s: SqlSession, orgId: string, v: Omit<VerificationRecord, 'orgId' | 'createdAt'>): Promise<VerificationRecord> {
  const [r] = await s.query(
    `INSERT INTO verifications (org_id, id, plan_id, incident_id, decision, healed, message, checks, services, windows, ms, run_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9::jsonb, $10::jsonb, $11, $12) RETURNING ${COLS}`,
    [orgId, v.id, v.planId, v.incidentId, v.decision, v.healed, v.message, json(v.checks), json(v.services), json(v.windows), Math.max(0, v.ms), v.runBy],
  );
  return toVerification(r);
}

export async function getVerification(s: SqlSession, orgId: string, planId: string): Promise<VerificationRecord | null> {
  const [r] = await s.query(`SELECT ${COLS} FROM verifications WHERE org_id = $1 AND plan_id = $2`, [orgId, planId]);
  return r ? toVerification(r) : null;
}

/** Executed plans of any org, unverified, whose last command finished before `before` (security-definer function). */
export async function unverifiedFixPlans(s: SqlSession, before: string, limit: number): Promise<{ id: string; orgId: string; executedAt: string }[]> {
  const rows = await s.query(`SELECT id, org_id, executed_at FROM warroom_fix_plans_unverified($1::timestamptz, $2)`, [normTs(before, 'before'), limit]);
  return rows.map((r) => ({ id: String(r.id), orgId: String(r.org_id), executedAt: iso(r.executed_at) }));
}
