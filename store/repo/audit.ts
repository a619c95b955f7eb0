/**
 * The audit hash chain. Appends for one org are serialised by a transaction-scoped advisory
 * lock (taken here, and again — re-entrantly — by the database function); the entry's digest is
 * computed over the content exactly as it will read back (ts as an ISO string with milliseconds,
 * payload after its JSON round trip), and `warroom_audit_append` computes the chain hash and moves
 * the head: the application role has no other way to write either table.
 */
import { GENESIS_HASH, auditDigest, auditSignature } from '../../core/audit-chain.js';
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
  digest: r.digest === null || r.digest === undefined ? null : String(r.digest),
  sig: r.sig === null || r.sig === undefined ? null : String(r.sig),
});

const AUDIT_COLS = 'org_id, seq, ts, actor, action, target, payload, prev_hash, hash, digest, sig';

/** Appends one entry; `key` is the audit key (null: the entry is not signed). */
export async function appendAudit(s: SqlSession, orgId: string, e: AuditInput & { ts?: string }, key: Uint8Array | null): Promise<AuditEntry> {
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
  const digest = auditDigest(body);
  const sig = key ? auditSignature(body, key) : null;
  const [r] = await s.query<{ hash: string }>('SELECT warroom_audit_append($1, $2, $3, $4::timestamptz, $5, $6, $7, $8::jsonb, $9, $10) AS hash', [
    orgId,
    body.seq,
    body.prevHash,
    body.ts,
    body.actor,
    body.action,
    body.target,
    payloadText,
    digest,
    sig,
  ]);
  return { ...body, hash: String(r.hash), digest, sig };
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
