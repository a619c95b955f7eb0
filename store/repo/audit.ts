/**
 * The audit hash chain. Appends for one org are serialised by a transaction-scoped advisory
 * lock; the entry is hashed exactly as it will read back (ts as an ISO string with
 * milliseconds, payload after its JSON round trip), so verifyChain over stored rows is clean.
 */
import { GENESIS_HASH, auditHash } from '../../core/audit-chain.js';
import type { AuditEntry, AuditInput } from '../../core/schemas.js';
import { LOCK_CLASS_AUDIT } from '../migrate.js';
import { type Row, type SqlSession, iso, json, jsonOut, normTs, num } from '../sql.js';

export const toAuditEntry = (r: Row): AuditEntry => ({
  orgId: String(r.org_id),
  seq: num(r.seq),
  ts: iso(r.ts),
  actor: String(r.actor),
  action: String(r.action),
  target: String(r.target),
  payload: jsonOut<Record<string, unknown>>(r.payload, {}),
  prevHash: String(r.prev_hash),
  hash: String(r.hash),
});

const AUDIT_COLS = 'org_id, seq, ts, actor, action, target, payload, prev_hash, hash';

export async function appendAudit(s: SqlSession, orgId: string, e: AuditInput & { ts?: string }): Promise<AuditEntry> {
  await s.query('SELECT pg_advisory_xact_lock($1::int4, hashtext($2::text))', [LOCK_CLASS_AUDIT, orgId]);
  const [head] = await s.query('SELECT seq, hash FROM audit_heads WHERE org_id = $1', [orgId]);
  const payloadText = json(e.payload ?? {}) ?? '{}';
  const body: Omit<AuditEntry, 'hash'> = {
    orgId,
    seq: head ? num(head.seq) + 1 : 1,
    ts: normTs(e.ts ?? new Date()),
    actor: e.actor,
    action: e.action,
    target: e.target,
    payload: JSON.parse(payloadText) as Record<string, unknown>,
    prevHash: head ? String(head.hash) : GENESIS_HASH,
  };
  const entry: AuditEntry = { ...body, hash: auditHash(body) };
  await s.query(
    `INSERT INTO audit_log (org_id, seq, ts, actor, action, target, payload, prev_hash, hash)
     VALUES ($1, $2, $3::timestamptz, $4, $5, $6, $7::jsonb, $8, $9)`,
    [orgId, entry.seq, entry.ts, entry.actor, entry.action, entry.target, payloadText, entry.prevHash, entry.hash],
  );
  await s.query(
    `INSERT INTO audit_heads (org_id, seq, hash) VALUES ($1, $2, $3)
     ON CONFLICT (org_id) DO UPDATE SET seq = EXCLUDED.seq, hash = EXCLUDED.hash`,
    [orgId, entry.seq, entry.hash],
  );
  return entry;
}

export async function listAudit(s: SqlSession, orgId: string, q: { afterSeq?: number; limit?: number } = {}): Promise<AuditEntry[]> {
  const limit = Math.min(Math.max(Math.trunc(q.limit ?? 1000), 0), 100_000);
  const rows = await s.query(`SELECT ${AUDIT_COLS} FROM audit_log WHERE org_id = $1 AND seq > $2 ORDER BY seq LIMIT $3`, [orgId, q.afterSeq ?? 0, limit]);
  return rows.map(toAuditEntry);
}

/** The entries targeting one thing, oldest first (index audit_log_org_target, migration 016). */
export async function listAuditFor(s: SqlSession, orgId: string, target: string, q: { limit?: number } = {}): Promise<AuditEntry[]> {
  const limit = Math.min(Math.max(Math.trunc(q.limit ?? 1000), 0), 100_000);
  const rows = await s.query(`SELECT ${AUDIT_COLS} FROM audit_log WHERE org_id = $1 AND target = $2 ORDER BY seq LIMIT $3`, [orgId, target, limit]);
  return rows.map(toAuditEntry);
}

/** Every entry of one org, by seq (admin: runs as owner). */
export async function allAuditEntries(s: SqlSession, orgId: string): Promise<AuditEntry[]> {
  const rows = await s.query(`SELECT ${AUDIT_COLS} FROM audit_log WHERE org_id = $1 ORDER BY seq`, [orgId]);
  return rows.map(toAuditEntry);
}

export async function auditHead(s: SqlSession, orgId: string): Promise<{ seq: number; hash: string } | null> {
  const [r] = await s.query('SELECT seq, hash FROM audit_heads WHERE org_id = $1', [orgId]);
  return r ? { seq: num(r.seq), hash: String(r.hash) } : null;
}
