/** Idempotency keys and the transactional outbox. */
import { AppError } from '../../core/errors.js';
import type { IdempotencyRequest, OutboxMessage, StoredResponse, Subject } from '../../core/ports/index.js';
import { type Row, type SqlSession, iso, json, jsonOut, num } from '../sql.js';

/**
 * Claims the key by inserting its row first. A concurrent request with the same key blocks on
 * the primary key until the first transaction ends: after a commit it finds the stored response,
 * after a rollback its own insert goes through. Returns null when the key is newly claimed
 * (the caller then runs the handler and calls `saveIdempotentResponse` in the same transaction).
 */
export async function claimIdempotencyKey(s: SqlSession, orgId: string, req: IdempotencyRequest): Promise<StoredResponse | null> {
  const claimed = await s.query(
    `INSERT INTO idempotency_keys (org_id, key, method, path, request_hash) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (org_id, key) DO NOTHING RETURNING key`,
    [orgId, req.key, req.method, req.path, req.requestHash],
  );
  if (claimed.length > 0) return null;
  const [r] = await s.query('SELECT request_hash, status_code, response, response IS NULL AS no_body FROM idempotency_keys WHERE org_id = $1 AND key = $2', [orgId, req.key]);
  if (!r) throw new AppError('conflict', 'The idempotency key is in use; retry.', { extra: { key: req.key } });
  return storedOf(r, req);
}

/**
 * Reserves the key in a transaction of its own (see OrgStore.reserveIdempotencyKey): a new row
 * with no response, or a stale one (no response after `staleMs`: its holder died) taken over.
 */
export async function reserveIdempotencyKey(
  s: SqlSession,
  orgId: string,
  req: IdempotencyRequest,
  staleMs: number,
): Promise<{ state: 'reserved' } | { state: 'in_progress' } | { state: 'stored'; response: StoredResponse }> {
  const claimed = await s.query(
    `INSERT INTO idempotency_keys (org_id, key, method, path, request_hash) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (org_id, key) DO NOTHING RETURNING key`,
    [orgId, req.key, req.method, req.path, req.requestHash],
  );
  if (claimed.length > 0) return { state: 'reserved' };
  const [r] = await s.query('SELECT request_hash, status_code, response, response IS NULL AS no_body FROM idempotency_keys WHERE org_id = $1 AND key = $2', [orgId, req.key]);
  if (!r) return { state: 'in_progress' }; // held by a transaction that has not committed yet
  if (r.request_hash !== req.requestHash) {
    throw new AppError('idempotency_mismatch', 'This Idempotency-Key was already used with a different request.', { extra: { key: req.key } });
  }
  if (r.status_code !== null && r.status_code !== undefined) return { state: 'stored', response: storedOf(r, req) };
  const taken = await s.query(
    `UPDATE idempotency_keys SET created_at = now()
     WHERE org_id = $1 AND key = $2 AND status_code IS NULL AND created_at < now() - make_interval(secs => $3::float8 / 1000)
     RETURNING key`,
    [orgId, req.key, Math.max(0, staleMs)],
  );
  return taken.length > 0 ? { state: 'reserved' } : { state: 'in_progress' };
}

/** A reservation given up: dated back so that the next caller takes it over. */
export async function releaseIdempotencyKey(s: SqlSession, orgId: string, req: IdempotencyRequest): Promise<void> {
  await s.query(`UPDATE idempotency_keys SET created_at = '-infinity' WHERE org_id = $1 AND key = $2 AND status_code IS NULL AND request_hash = $3`, [orgId, req.key, req.requestHash]);
}

/** The final commit of a reserved run: the row is locked for the response (a stored one is replayed). */
export async function claimReservedKey(s: SqlSession, orgId: string, req: IdempotencyRequest): Promise<StoredResponse | null> {
  const [r] = await s.query('SELECT request_hash, status_code, response, response IS NULL AS no_body FROM idempotency_keys WHERE org_id = $1 AND key = $2 FOR UPDATE', [orgId, req.key]);
  if (!r) return claimIdempotencyKey(s, orgId, req); // the reservation is gone (cleaned up): claim anew
  if (r.request_hash !== req.requestHash) {
    throw new AppError('idempotency_mismatch', 'This Idempotency-Key was already used with a different request.', { extra: { key: req.key } });
  }
  return r.status_code === null || r.status_code === undefined ? null : storedOf(r, req);
}

/**
 * The response stored under the key, without claiming it: null when none is stored (or the
 * request holding it has not committed); a key used with another request is an error.
 */
export async function findIdempotentResponse(s: SqlSession, orgId: string, req: IdempotencyRequest): Promise<StoredResponse | null> {
  const [r] = await s.query('SELECT request_hash, status_code, response, response IS NULL AS no_body FROM idempotency_keys WHERE org_id = $1 AND key = $2', [orgId, req.key]);
  if (!r) return null;
  if (r.status_code === null || r.status_code === undefined) return null;
  return storedOf(r, req);
}

function storedOf(r: Row, req: IdempotencyRequest): StoredResponse {
  if (r.request_hash !== req.requestHash) {
    throw new AppError('idempotency_mismatch', 'This Idempotency-Key was already used with a different request.', { extra: { key: req.key } });
  }
  if (r.status_code === null || r.status_code === undefined) {
    // Only possible inside the transaction that claimed it (a nested call with the same key).
    throw new AppError('conflict', 'A request with this Idempotency-Key is still in progress.', { extra: { key: req.key } });
  }
  return { status: num(r.status_code), body: r.no_body === true ? undefined : jsonOut<unknown>(r.response, null) };
}

/** Stores the response; a body of `undefined` is kept as SQL NULL and reads back as undefined. */
export async function saveIdempotentResponse(s: SqlSession, orgId: string, key: string, res: StoredResponse): Promise<void> {
  await s.query('UPDATE idempotency_keys SET status_code = $3, response = $4::jsonb WHERE org_id = $1 AND key = $2', [orgId, key, res.status, json(res.body)]);
}

export async function enqueueOutbox(s: SqlSession, orgId: string, m: { id: string; subject: Subject; payload: unknown }): Promise<void> {
  await s.query(
    `INSERT INTO outbox (id, org_id, subject, payload) VALUES ($1, $2, $3, $4::jsonb)
     ON CONFLICT (id) DO NOTHING`,
    [m.id, orgId, m.subject, json(m.payload ?? null) ?? 'null'],
  );
}

const toOutbox = (r: Row): OutboxMessage => ({
  id: String(r.id),
  orgId: String(r.org_id),
  subject: r.subject as Subject,
  payload: jsonOut<unknown>(r.payload, null),
  createdAt: iso(r.created_at),
});

/** Across orgs via the security-definer function; oldest first. */
export async function pendingOutbox(s: SqlSession, limit: number, minAgeMs = 0): Promise<OutboxMessage[]> {
  const rows = await s.query('SELECT id, org_id, subject, payload, created_at FROM warroom_outbox_pending($1::int, $2::int)', [
    Math.max(0, Math.trunc(limit)),
    Math.max(0, Math.trunc(minAgeMs)),
  ]);
  return rows.map(toOutbox);
}

export async function markOutboxPublished(s: SqlSession, ids: string[]): Promise<number> {
  if (ids.length === 0) return 0;
  const [r] = await s.query('SELECT warroom_outbox_mark_published($1::text[]) AS n', [ids]);
  return num(r?.n ?? 0);
}
