/**
 * The one seam between the repository code and a database engine. Every SQL statement the
 * store runs goes through a `SqlSession`; each engine (PGlite, Postgres) only knows how to open
 * a transaction as the application role (tenant) or as the table owner.
 */
import { AppError } from '../core/errors.js';
import type { Lead } from '../core/ports/index.js';

export type Row = Record<string, unknown>;

/** One open transaction. */
export interface SqlSession {
  /** One statement with $n parameters; returns its rows. */
  query<R extends Row = Row>(sql: string, params?: unknown[]): Promise<R[]>;
  /** Several statements, no parameters (migrations). */
  exec(sql: string): Promise<void>;
}

export interface Db {
  readonly engine: 'pglite' | 'postgres';
  /** The role tenant transactions run as. */
  readonly appRole: string;
  /**
   * Runs fn in a transaction as the application role with row-level security set to `orgId`
   * (`null`: no org, so tenant tables show no rows). Commits when fn resolves (deferred
   * constraints are checked then), rolls back when it throws.
   */
  tenant<T>(orgId: string | null, fn: (s: SqlSession) => Promise<T>): Promise<T>;
  /** Runs fn in a transaction as the table owner (bypasses row-level security). */
  owner<T>(fn: (s: SqlSession) => Promise<T>): Promise<T>;
  /** An exclusive role among the processes sharing this database (see `Store.lead`). */
  lead(role: string): Promise<Lead | null>;
  close(): Promise<void>;
}

// ---- value helpers ----------------------------------------------------------------------

/** A timestamp from the driver (Date or string) as an ISO string with millisecond precision. */
export function iso(v: unknown): string {
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'string' || typeof v === 'number') return new Date(v).toISOString();
  throw new Error(`not a timestamp: ${String(v)}`);
}

export const isoOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : iso(v));

/** Normalises a caller's timestamp to the exact ISO form the database returns. */
export function normTs(v: string | number | Date, field = 'ts'): string {
  const d = v instanceof Date ? v : new Date(v);
  if (Number.isNaN(d.getTime())) throw new AppError('invalid_input', `${field} is not a valid timestamp`, { issues: [{ path: field, message: 'invalid timestamp' }] });
  return d.toISOString();
}

/** int8 comes back as a string from pg and as a number from PGlite. */
export const num = (v: unknown): number => (typeof v === 'number' ? v : Number(v));
export const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : num(v));
export const strOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

const NUL = '\u0000';
/** PostgreSQL text and jsonb cannot hold U+0000; it is replaced by U+FFFD, never rejected. */
export const cleanText = (t: string): string => (t.includes(NUL) ? t.replaceAll(NUL, '\uFFFD') : t);

/**
 * JSON text for a jsonb parameter (both drivers pass strings through unchanged); undefined
 * gives SQL NULL. U+0000 in string values is replaced (jsonb refuses it).
 */
export function json(v: unknown): string | null {
  if (v === undefined) return null;
  const out = JSON.stringify(v);
  if (out === undefined) return null;
  if (!out.includes('\\u0000')) return out;
  return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'string' ? cleanText(x) : x));
}

/** A jsonb column value (already parsed by both drivers). */
export function jsonOut<T>(v: unknown, fallback: T): T {
  if (v === null || v === undefined) return fallback;
  if (typeof v === 'string') return JSON.parse(v) as T;
  return v as T;
}

export const quoteIdent = (name: string): string => `"${name.replace(/"/g, '""')}"`;
export const quoteLiteral = (s: string): string => `'${s.replace(/'/g, "''")}'`;

// ---- errors -----------------------------------------------------------------------------

interface PgErrorLike {
  code?: string;
  constraint?: string;
  message?: string;
  detail?: string;
  table?: string;
}

const isPgError = (e: unknown): e is PgErrorLike & Error =>
  e instanceof Error && typeof (e as PgErrorLike).code === 'string' && /^[0-9A-Z]{5}$/.test((e as PgErrorLike).code!);

/**
 * Turns the database errors a caller can act on into AppErrors (the original is the cause);
 * anything else is returned unchanged.
 */
export function mapDbError(e: unknown): unknown {
  if (e instanceof AppError) return e;
  const netCode = e instanceof Error ? (e as { code?: unknown }).code : undefined;
  if (netCode === 'ECONNREFUSED' || netCode === 'ECONNRESET' || netCode === 'ETIMEDOUT' || netCode === 'EPIPE') {
    return new AppError('unavailable', 'The database is unavailable.', { cause: e });
  }
  if (!isPgError(e)) return e;
  const constraint = e.constraint ?? '';
  switch (e.code) {
    case '23505':
      return new AppError('conflict', `Already exists${e.table ? ` (${e.table})` : ''}.`, { cause: e, extra: { constraint } });
    case '23503':
      if (constraint === 'hypothesis_evidence_same_incident') {
        return new AppError('invalid_input', 'A hypothesis may only cite evidence of its own incident.', { cause: e, extra: { constraint } });
      }
      return new AppError('invalid_input', `Refers to something that does not exist${e.table ? ` (${e.table})` : ''}.`, { cause: e, extra: { constraint } });
    case '23514':
      if (constraint === 'hypothesis_needs_evidence') {
        return new AppError('invalid_input', e.message, { cause: e, extra: { constraint } });
      }
      return new AppError('invalid_input', `Value out of range${constraint ? ` (${constraint})` : ''}.`, { cause: e, extra: { constraint } });
    case '23502':
      return new AppError('invalid_input', `A required value is missing${e.table ? ` (${e.table})` : ''}.`, { cause: e });
    case '22P02':
    case '22007':
    case '22008':
    case '22003':
    case '22023':
      return new AppError('invalid_input', e.message ?? 'invalid value', { cause: e });
    case '42501':
      return new AppError('forbidden', 'Not permitted by the database (row-level security or privileges).', { cause: e });
    case '57P01':
    case '57P03':
    case '08000':
    case '08003':
    case '08006':
    case '53300':
      return new AppError('unavailable', 'The database is unavailable.', { cause: e });
    default:
      return e;
  }
}
