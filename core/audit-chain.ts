/**
 * The audit log is a hash chain per org: each entry's hash covers its content and the previous
 * entry's hash, so editing, inserting or deleting any row breaks every hash after it.
 *
 * Since migration 017 an entry carries a `digest` (SHA-256 of its content) and a `sig` (HMAC-SHA256
 * of its content under the audit key, which the database never holds; null when no key is in use),
 * and the database computes the chain hash itself from (previous hash, seq, digest, sig) in
 * `warroom_audit_append`, the only way the application role can append. So:
 * - an edited row no longer matches its digest (without the key: unless the editor recomputed the
 *   digests and hashes of every later row) nor, with the key, its signature;
 * - a row appended by someone holding the database role but not the key carries a digest the
 *   verifier's HMAC does not reproduce;
 * - deleting the newest rows and moving the head back is caught by a signed checkpoint kept
 *   outside the database (`AuditCheckpoint`), which names a seq and hash the chain must contain.
 * Rows written before migration 017 (`digest` null) keep the original unkeyed formula.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { canonicalJson } from './hash.js';
import type { AuditEntry } from './schemas.js';

export const GENESIS_HASH = '0'.repeat(64);

type Body = Omit<AuditEntry, 'hash' | 'digest'>;

const bodyJson = (e: Body): string =>
  canonicalJson({ orgId: e.orgId, seq: e.seq, ts: e.ts, actor: e.actor, action: e.action, target: e.target, payload: e.payload, prevHash: e.prevHash });

const sha256 = (s: string): string => createHash('sha256').update(s, 'utf8').digest('hex');
const hmac = (key: Uint8Array, s: string): string => createHmac('sha256', key).update(s, 'utf8').digest('hex');

/** The hash of a row written before migration 017 (no digest): SHA-256 of its canonical content. */
export function auditHash(e: Body): string {
  return sha256(bodyJson(e));
}

/** The digest stored with an entry: SHA-256 (hex) of its canonical content. */
export function auditDigest(e: Body): string {
  return sha256(bodyJson(e));
}

/** The signature stored with an entry: HMAC-SHA256 (hex) of its canonical content under the audit key. */
export function auditSignature(e: Body, key: Uint8Array): string {
  return hmac(key, bodyJson(e));
}

/** The chain hash the database computes in `warroom_audit_append` (migration 017); same formula. */
export function chainHash(prevHash: string, seq: number, digest: string, sig: string | null): string {
  return sha256(`${prevHash}:${seq}:${digest}:${sig ?? ''}`);
}

/** A digest's or signature's shape, as the database function also checks it. */
export const HEX64_RE = /^[0-9a-f]{64}$/;

/** An anchor of one org's chain kept outside the database: the head at a time, signed with the audit key. */
export interface AuditCheckpoint {
  orgId: string;
  seq: number;
  hash: string;
  at: string;
  /** HMAC-SHA256 (hex) of the other fields under the audit key. */
  sig: string;
}

const checkpointBody = (c: Omit<AuditCheckpoint, 'sig'>) => canonicalJson({ orgId: c.orgId, seq: c.seq, hash: c.hash, at: c.at });

export function signCheckpoint(c: Omit<AuditCheckpoint, 'sig'>, key: Uint8Array): AuditCheckpoint {
  return { orgId: c.orgId, seq: c.seq, hash: c.hash, at: c.at, sig: hmac(key, checkpointBody(c)) };
}

const sameHex = (a: string, b: string): boolean => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/** Whether a checkpoint was signed with `key` and is unaltered. */
export function checkpointValid(c: AuditCheckpoint, key: Uint8Array): boolean {
  return typeof c.sig === 'string' && sameHex(c.sig, hmac(key, checkpointBody(c)));
}

export type AuditProblemKind = 'edited' | 'inserted_or_reordered' | 'deleted_before' | 'bad_link' | 'deleted_tail' | 'unsigned' | 'rewound' | 'rewritten';

export interface AuditProblem {
  seq: number;
  problem: AuditProblemKind;
  detail: string;
}

export interface VerifyOptions {
  /** The audit key: keyed digests are checked against it, and unkeyed rows after the first keyed one are flagged. */
  key?: Uint8Array | null;
  /** The latest valid checkpoint of this org: the chain must still contain its seq with its hash. */
  checkpoint?: AuditCheckpoint | null;
}

/** What a verification could and could not check, beside the problems. */
export interface ChainSummary {
  /** Rows signed with the audit key (checked when the verifier holds the key). */
  keyed: number;
  /** Keyed rows whose signature was not checked: the verifier has no key. */
  unchecked: number;
  /** Rows written with no key (plain SHA-256 digest or the pre-017 formula). */
  unkeyed: number;
  /** Rows after the checkpoint (null: no checkpoint). */
  sinceCheckpoint: number | null;
}

/** The content check of one row: null when it holds, else why not. */
function contentProblem(e: AuditEntry, key: Uint8Array | null): string | null {
  const digest = e.digest ?? null;
  const sig = e.sig ?? null;
  if (digest === null) return auditHash(e) === e.hash ? null : 'stored hash does not match the row content';
  if (!HEX64_RE.test(digest) || (sig !== null && !HEX64_RE.test(sig))) return 'the digest or signature is malformed';
  if (digest !== auditDigest(e)) return 'the row content does not match its digest';
  if (chainHash(e.prevHash, e.seq, digest, sig) !== e.hash) return 'stored hash does not match the row digest';
  if (sig === null || !key) return null;
  return sameHex(sig, auditSignature(e, key)) ? null : 'the signature does not match the row: edited, or appended without the audit key';
}

/**
 * Checks one org's chain, given its entries ordered by seq. A row whose own hash or digest no
 * longer matches its content was edited (or, keyed, forged); a gap in seq means rows were
 * deleted; a row whose prevHash does not match the row before was inserted, reordered or follows
 * a deletion; a head that points past the last row means the newest rows were deleted; a chain
 * that no longer holds a checkpoint's seq and hash was rewound or rewritten.
 */
export function verifyChain(entries: AuditEntry[], head?: { seq: number; hash: string } | null, opts: VerifyOptions = {}): AuditProblem[] {
  const key = opts.key ?? null;
  const problems: AuditProblem[] = [];
  let prevHash = GENESIS_HASH;
  let expectedSeq = 1;
  let keyedSeen = false;
  for (const e of entries) {
    if (e.seq !== expectedSeq) {
      problems.push({ seq: e.seq, problem: e.seq > expectedSeq ? 'deleted_before' : 'inserted_or_reordered', detail: `expected seq ${expectedSeq}, found ${e.seq}` });
    }
    const bad = contentProblem(e, key);
    if (bad) problems.push({ seq: e.seq, problem: 'edited', detail: bad });
    const keyed = typeof e.sig === 'string';
    // A deployment may start using a key; it never stops. An unkeyed row after a keyed one was
    // written by someone without the key.
    if (key && keyedSeen && !keyed) problems.push({ seq: e.seq, problem: 'unsigned', detail: 'appended without the audit key after keyed entries' });
    keyedSeen ||= keyed;
    if (e.prevHash !== prevHash) problems.push({ seq: e.seq, problem: 'bad_link', detail: 'prev_hash does not match the previous row' });
    prevHash = e.hash;
    expectedSeq = e.seq + 1;
  }
  // The head row (kept apart, updated on every append) catches deletion of the newest rows
  // when the head was left alone; the checkpoint catches it when the head was moved back too.
  if (head && (head.seq !== expectedSeq - 1 || head.hash !== prevHash)) {
    problems.push({ seq: head.seq, problem: 'deleted_tail', detail: `head says seq ${head.seq}, chain ends at ${expectedSeq - 1}` });
  }
  const cp = opts.checkpoint;
  if (cp) {
    const at = entries.find((e) => e.seq === cp.seq);
    if (!at && expectedSeq - 1 < cp.seq) {
      problems.push({ seq: cp.seq, problem: 'rewound', detail: `the checkpoint of ${cp.at} anchors seq ${cp.seq}; the chain now ends at ${expectedSeq - 1}` });
    } else if (!at || at.hash !== cp.hash) {
      problems.push({ seq: cp.seq, problem: 'rewritten', detail: `seq ${cp.seq} no longer has the hash the checkpoint of ${cp.at} recorded` });
    }
  }
  return problems;
}

export function summarizeChain(entries: AuditEntry[], opts: VerifyOptions = {}): ChainSummary {
  const keyed = entries.filter((e) => typeof e.sig === 'string').length;
  const cp = opts.checkpoint;
  return {
    keyed,
    unchecked: opts.key ? 0 : keyed,
    unkeyed: entries.length - keyed,
    sinceCheckpoint: cp ? entries.filter((e) => e.seq > cp.seq).length : null,
  };
}

/** One org's verification: the chain, its head, the key and what the checkpoint store holds. */
export interface ChainReport {
  checkpoint: { seq: number; at: string } | null;
  summary: ChainSummary;
  problems: AuditProblem[];
}

export function reportChain(
  entries: AuditEntry[],
  head: { seq: number; hash: string } | null,
  key: Uint8Array | null,
  anchored: { checkpoint: AuditCheckpoint | null; invalid: number } = { checkpoint: null, invalid: 0 },
): ChainReport {
  const { checkpoint, invalid } = anchored;
  const problems = verifyChain(entries, head, { key, checkpoint });
  // A head with no rows at all (every row deleted) is a deleted tail too.
  if (!head && entries.length > 0) problems.push({ seq: entries[entries.length - 1].seq, problem: 'deleted_tail', detail: 'the chain has rows but no head' });
  // A checkpoint that does not verify was altered (or written with another key): the anchor itself was tampered with.
  if (invalid > 0) problems.push({ seq: checkpoint?.seq ?? 0, problem: 'rewritten', detail: `${invalid} recorded checkpoint(s) do not verify under the audit key` });
  return { checkpoint: checkpoint ? { seq: checkpoint.seq, at: checkpoint.at } : null, summary: summarizeChain(entries, { key, checkpoint }), problems };
}
