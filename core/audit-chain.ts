/**
 * The audit log is a hash chain per org: each entry's hash covers its content and the previous
 * entry's hash, so editing, inserting or deleting any row breaks every hash after it.
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from './hash.js';
import type { AuditEntry } from './schemas.js';

export const GENESIS_HASH = '0'.repeat(64);

/** The hash of one entry, given the hash of the entry before it. */
export function auditHash(e: Omit<AuditEntry, 'hash'>): string {
  const body = canonicalJson({
    orgId: e.orgId,
    seq: e.seq,
    ts: e.ts,
    actor: e.actor,
    action: e.action,
    target: e.target,
    payload: e.payload,
    prevHash: e.prevHash,
  });
  return createHash('sha256').update(body).digest('hex');
}

export interface AuditProblem {
  seq: number;
  problem: 'edited' | 'inserted_or_reordered' | 'deleted_before' | 'bad_link' | 'deleted_tail';
  detail: string;
}

/**
 * Checks one org's chain, given its entries ordered by seq. A row whose own hash no longer
 * matches its content was edited; a gap in seq means rows were deleted; a row whose prevHash
 * does not match the row before was inserted, reordered or follows a deletion; a head that
 * points past the last row means the newest rows were deleted.
 */
export function verifyChain(entries: AuditEntry[], head?: { seq: number; hash: string } | null): AuditProblem[] {
  const problems: AuditProblem[] = [];
  let prevHash = GENESIS_HASH;
  let expectedSeq = 1;
  for (const e of entries) {
    if (e.seq !== expectedSeq) {
      problems.push({
        seq: e.seq,
        problem: e.seq > expectedSeq ? 'deleted_before' : 'inserted_or_reordered',
        detail: `expected seq ${expectedSeq}, found ${e.seq}`,
      });
    }
    if (auditHash(e) !== e.hash) {
      problems.push({ seq: e.seq, problem: 'edited', detail: 'stored hash does not match the row content' });
    }
    if (e.prevHash !== prevHash) {
      problems.push({ seq: e.seq, problem: 'bad_link', detail: 'prev_hash does not match the previous row' });
    }
    prevHash = e.hash;
    expectedSeq = e.seq + 1;
  }
  // The head row (kept apart, updated on every append) catches deletion of the newest rows,
  // which the chain alone cannot see.
  if (head && (head.seq !== expectedSeq - 1 || head.hash !== prevHash)) {
    problems.push({ seq: head.seq, problem: 'deleted_tail', detail: `head says seq ${head.seq}, chain ends at ${expectedSeq - 1}` });
  }
  return problems;
}
