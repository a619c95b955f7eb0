/** An org's own Cedar policy sets (org_policies, migration 024). */
import type { StoredPolicySet } from '../../core/ports/index.js';
import { type Row, type SqlSession, cleanText, iso } from '../sql.js';

const COLS = 'org_id, name, text, sha256, updated_by, created_at, updated_at';

const toPolicySet = (r: Row): StoredPolicySet => ({
  orgId: String(r.org_id),
  name: String(r.name),
  text: String(r.text),
  sha256: String(r.sha256),
  updatedBy: String(r.updated_by),
  createdAt: iso(r.created_at),
  updatedAt: iso(r.updated_at),
});

/** Inserts or replaces a set; `created` tells which (xmax is 0 only on a row this statement inserted). */
export async function putPolicySet(s: SqlSession, orgId: string, p: { name: string; text: string; sha256: string; updatedBy: string }): Promise<{ policySet: StoredPolicySet; created: boolean }> {
  const [r] = await s.query(
    `INSERT INTO org_policies (org_id, name, text, sha256, updated_by) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (org_id, name) DO UPDATE SET text = EXCLUDED.text, sha256 = EXCLUDED.sha256, updated_by = EXCLUDED.updated_by, updated_at = clock_timestamp()
     RETURNING ${COLS}, (xmax = 0) AS created`,
    [orgId, p.name, cleanText(p.text), p.sha256, p.updatedBy],
  );
  return { policySet: toPolicySet(r), created: r.created === true || r.created === 't' };
}

export async function listPolicySets(s: SqlSession, orgId: string): Promise<StoredPolicySet[]> {
  return (await s.query(`SELECT ${COLS} FROM org_policies WHERE org_id = $1 ORDER BY name`, [orgId])).map(toPolicySet);
}

export async function deletePolicySet(s: SqlSession, orgId: string, name: string): Promise<StoredPolicySet | null> {
  const [r] = await s.query(`DELETE FROM org_policies WHERE org_id = $1 AND name = $2 RETURNING ${COLS}`, [orgId, name]);
  return r ? toPolicySet(r) : null;
}
