/**
 * Pieces both bus adapters share, so the in-process bus and NATS accept, reject and encode
 * exactly the same messages (the contract suite runs against both).
 */
import { AppError } from '../core/errors.js';
import { SUBJECTS, type Subject, type SubscribeOptions } from '../core/ports/index.js';

export const DEFAULT_MAX_DELIVER = 5;
export const DEFAULT_RETRY_DELAY_MS = 1000;
export const DEFAULT_CONCURRENCY = 1;
/** NATS's default duplicate window; the in-process bus uses the same so tests mean the same thing. */
export const DEFAULT_DEDUPE_WINDOW_MS = 2 * 60_000;
/** NATS's default max_payload. */
export const DEFAULT_MAX_PAYLOAD_BYTES = 1024 * 1024;
/**
 * Room kept for the NATS subject and headers (Nats-Msg-Id and friends), which count against
 * max_payload. Both adapters subtract it, so a message one bus accepts the other accepts too.
 */
const HEADER_ROOM_BYTES = 1024;

/** How the bus reports its own failures (never handler errors: those become dead letters). */
export type BusErrorHook = (err: unknown, where: string) => void;

export const stderrErrorHook: BusErrorHook = (err, where) => {
  // The bus has no logger of its own; the app passes one. Without it, stderr is better than silence.
  console.error(`[bus] ${where}:`, err);
};

/** Calls the hook without letting a faulty hook take the delivery loop down. */
export const report = (hook: BusErrorHook, err: unknown, where: string): void => {
  try {
    hook(err, where);
  } catch {
    // nothing sensible left to do
  }
};

/** The message body on the wire (and in the in-process queues). */
export interface Envelope {
  id: string;
  orgId: string;
  payload: unknown;
}

const SUBJECT_SET: ReadonlySet<string> = new Set(SUBJECTS);

export function assertSubject(subject: string): asserts subject is Subject {
  // Callers are typed, but subjects also arrive from config and casts; fail loudly, not silently.
  if (!SUBJECT_SET.has(subject)) throw new AppError('bad_request', `unknown bus subject "${subject}"`);
}

/** Validates and serialises a publish; throws AppError with a precise code when it cannot go out. */
export function encodeEnvelope(m: { id: string; orgId: string; payload: unknown }, maxPayloadBytes: number): string {
  if (typeof m.id !== 'string' || m.id.length === 0) throw new AppError('bad_request', 'bus message id must be a non-empty string');
  if (typeof m.orgId !== 'string' || m.orgId.length === 0) throw new AppError('bad_request', 'bus message orgId must be a non-empty string');
  let body: string;
  try {
    body = JSON.stringify({ id: m.id, orgId: m.orgId, payload: m.payload });
  } catch (err) {
    throw new AppError('invalid_input', `bus payload is not JSON-serialisable: ${errorReason(err)}`, { cause: err });
  }
  const bytes = Buffer.byteLength(body, 'utf8');
  const limit = maxPayloadBytes - HEADER_ROOM_BYTES;
  if (bytes > limit) {
    throw new AppError('payload_too_large', `bus message ${m.id} is ${bytes} bytes encoded; the limit is ${limit} bytes (max_payload ${maxPayloadBytes} minus ${HEADER_ROOM_BYTES} for headers). Store large data elsewhere and publish a reference.`, {
      extra: { bytes, limit },
    });
  }
  return body;
}

export function decodeEnvelope(body: string): Envelope {
  const v = JSON.parse(body) as Partial<Envelope> | null;
  if (!v || typeof v.id !== 'string' || typeof v.orgId !== 'string') throw new Error('malformed bus envelope');
  return { id: v.id, orgId: v.orgId, payload: v.payload };
}

/** Fills defaults and rejects nonsense up front rather than misbehaving later. */
export function resolveSubscribeOptions(o: SubscribeOptions): Required<SubscribeOptions> {
  if (typeof o?.group !== 'string' || o.group.length === 0) throw new AppError('bad_request', 'subscribe needs a non-empty group');
  const r = {
    group: o.group,
    maxDeliver: o.maxDeliver ?? DEFAULT_MAX_DELIVER,
    retryDelayMs: o.retryDelayMs ?? DEFAULT_RETRY_DELAY_MS,
    concurrency: o.concurrency ?? DEFAULT_CONCURRENCY,
  };
  if (!Number.isInteger(r.maxDeliver) || r.maxDeliver < 1) throw new AppError('bad_request', 'maxDeliver must be an integer >= 1');
  if (!Number.isFinite(r.retryDelayMs) || r.retryDelayMs < 0) throw new AppError('bad_request', 'retryDelayMs must be >= 0');
  if (!Number.isInteger(r.concurrency) || r.concurrency < 1) throw new AppError('bad_request', 'concurrency must be an integer >= 1');
  return r;
}

/** A dead letter's reason: the error's message, or something readable for non-Error throws. */
export function errorReason(err: unknown): string {
  if (err instanceof Error) return err.message || err.name;
  if (typeof err === 'string') return err || 'empty error';
  try {
    return `non-error thrown: ${JSON.stringify(err) ?? String(err)}`;
  } catch {
    return `non-error thrown: ${String(err)}`;
  }
}

/**
 * A bounded set of recently seen ids. Entries leave when older than `ttlMs` or, oldest first,
 * when more than `max` are held, so memory stays flat however long the process runs. `has`
 * refreshes recency only when `touchOnHit` is set (LRU); publish dedupe must not, because
 * NATS's duplicate window counts from the first publish.
 */
export class RecentIds {
  private readonly ids = new Map<string, number>();

  constructor(
    private readonly max: number,
    private readonly ttlMs = Infinity,
    private readonly touchOnHit = false,
    private readonly now: () => number = () => Date.now(),
  ) {}

  has(id: string): boolean {
    this.expire();
    if (!this.ids.has(id)) return false;
    if (this.touchOnHit) {
      this.ids.delete(id);
      this.ids.set(id, this.now());
    }
    return true;
  }

  add(id: string): void {
    this.ids.delete(id);
    this.ids.set(id, this.now());
    while (this.ids.size > this.max) this.ids.delete(this.ids.keys().next().value as string);
  }

  get size(): number {
    return this.ids.size;
  }

  private expire(): void {
    if (this.ttlMs === Infinity) return;
    const cutoff = this.now() - this.ttlMs;
    // Map keeps insertion order and add() re-inserts, so the oldest entries come first.
    for (const [id, t] of this.ids) {
      if (t > cutoff) break;
      this.ids.delete(id);
    }
  }
}
