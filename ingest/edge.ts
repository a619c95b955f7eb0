/**
 * The ingest edge: the one place where outside input becomes stored signals. Every source (the
 * HTTP route, and later OTLP, webhooks, the CLI, NATS) hands it plain items and the ports it
 * needs; it validates each item on its own (a bad item is reported by index and reason, the good
 * ones are kept), maps the good ones to `Signal` (id, org, truncated text, masked secrets),
 * stores them and queues their ids on the outbox in bus-sized parts. No transport types here:
 * a caller maps the result to its own reply.
 */
import { z } from 'zod';
import type { Clock, IdSource } from '../core/clock.js';
import { AppError, type FieldIssue } from '../core/errors.js';
import { MAX_SIGNAL_TEXT, SignalInput, type Signal } from '../core/schemas.js';
import { maskDeep, maskSecrets, type CompiledMask } from '../detectors/secrets.js';
import type { IngestLocal, IngestPayload } from './pipeline.js';
import { storableIssues, toStorableText } from './storable.js';

/** Signals per outbox message: keeps each bus message well under NATS's 1 MB default. */
export const SIGNALS_PER_MESSAGE = 500;

export interface EdgeLimits {
  /** Most items per call; a larger batch is refused whole (payload_too_large) before any work. */
  maxBatch: number;
  /** Longest text kept per signal (default MAX_SIGNAL_TEXT); longer text is cut with a visible mark. */
  maxText?: number;
  /** Signals per outbox message (default SIGNALS_PER_MESSAGE). */
  perMessage?: number;
}

/** What the edge needs of the org's store (the signals port of OrgStore). */
export interface EdgeSignalStore {
  readonly orgId: string;
  /**
   * Stores new ids, skips known ones (each skipped copy is listed in `duplicates`); a signal the
   * database refuses is listed in `failed` (its position in `signals`) and costs no other.
   */
  insertSignals(signals: Signal[]): Promise<{ inserted: number; duplicates: string[]; failed: { at: number; reason: string }[] }>;
}

export interface EdgePorts {
  /** The org's store, bound to the caller's transaction (the stored signals and the outbox rows commit together). */
  org: EdgeSignalStore;
  /** Queues one outbox message in the caller's transaction: the signals for this process, their ids for the bus. */
  emit(subject: 'signal.ingest', local: IngestLocal, durable: IngestPayload): Promise<void>;
  newId: IdSource;
  clock: Clock;
  masks: CompiledMask[];
  limits: EdgeLimits;
}

/** One refused item: its index in the batch and every reason. */
export interface ItemRejection {
  index: number;
  errors: FieldIssue[];
}

export interface EdgeResult {
  /** Signals stored by this call. */
  accepted: number;
  /** Signals whose id was already stored (skipped, not an error). */
  duplicates: number;
  rejected: ItemRejection[];
  /** The signals stored by this call, as stored (for counts by kind and the like). */
  stored: Signal[];
}

const issuesOf = (error: z.ZodError): FieldIssue[] => error.issues.map((i) => ({ path: i.path.join('.') || '(item)', message: i.message }));

/** Cuts text past `max` characters and says how much was cut; never between the two halves of a surrogate pair. */
export function truncateText(text: string, max = MAX_SIGNAL_TEXT): string {
  if (text.length <= max) return text;
  const code = text.charCodeAt(max - 1);
  const keep = code >= 0xd800 && code <= 0xdbff ? max - 1 : max;
  return `${text.slice(0, keep)} …[truncated ${text.length - keep} chars]`;
}

/** A validated item as the signal this org stores: its own id or a new one, text cut and masked, labels and meta masked. */
export function toSignal(s: z.output<typeof SignalInput>, orgId: string, o: { newId: IdSource; masks: CompiledMask[]; maxText?: number }): Signal {
  return {
    id: s.id ?? o.newId(),
    orgId,
    source: s.source,
    kind: s.kind,
    ts: s.ts,
    key: s.key,
    value: s.value ?? null,
    text: s.text == null ? null : maskSecrets(truncateText(s.text, o.maxText), o.masks),
    labels: maskDeep(s.labels ?? {}, o.masks),
    meta: maskDeep(s.meta ?? {}, o.masks),
  };
}

/**
 * Validates and maps every item on its own: the good ones as signals, the others by index with
 * their reasons. An item is good only if the schema takes it and the store can hold it
 * (ingest/storable.ts), and whatever one item throws costs only that item. Pure.
 */
export function prepareBatch(items: readonly unknown[], orgId: string, o: { newId: IdSource; masks: CompiledMask[]; maxText?: number }): { good: Signal[]; goodIndex: number[]; rejected: ItemRejection[] } {
  const good: Signal[] = [];
  /** Each good signal's index in `items`. */
  const goodIndex: number[] = [];
  const rejected: ItemRejection[] = [];
  items.forEach((item, index) => {
    let errors: FieldIssue[];
    try {
      errors = storableIssues(item);
      // A time past JavaScript's range makes the schema's own conversion throw: its reason is given already.
      const parsed = errors.some((e) => e.path === 'ts') ? null : SignalInput.safeParse(item);
      if (parsed && !parsed.success) errors.push(...issuesOf(parsed.error));
      if (parsed?.success && errors.length === 0) {
        good.push(toSignal(parsed.data, orgId, o));
        goodIndex.push(index);
        return;
      }
    } catch (e) {
      errors = [{ path: '(item)', message: `could not be read: ${e instanceof Error ? e.message : String(e)}` }];
    }
    // Paths name the caller's keys: made storable, so a reply kept under an Idempotency-Key can hold them.
    rejected.push({ index, errors: errors.map((x) => ({ path: toStorableText(x.path), message: toStorableText(x.message) })) });
  });
  return { good, goodIndex, rejected };
}

/**
 * Ingests one batch: refuses it whole only when it is larger than `limits.maxBatch`; otherwise
 * stores the good items, queues their ids on `signal.ingest`, and reports the rest by index.
 * With no good item nothing is written (the caller decides whether that is an error).
 */
export async function ingestBatch(items: readonly unknown[], p: EdgePorts): Promise<EdgeResult> {
  if (items.length > p.limits.maxBatch) {
    throw new AppError('payload_too_large', `At most ${p.limits.maxBatch} signals per request; this one has ${items.length}.`, {
      extra: { max_batch: p.limits.maxBatch },
    });
  }
  const prepared = prepareBatch(items, p.org.orgId, { newId: p.newId, masks: p.masks, maxText: p.limits.maxText });
  const { goodIndex } = prepared;
  let { good, rejected } = prepared;
  if (good.length === 0) return { accepted: 0, duplicates: 0, rejected, stored: [] };
  const { inserted, duplicates, failed } = await p.org.insertSignals(good);
  if (failed.length) {
    // refused by the database although validation passed: reported like any bad item, the rest kept
    const refused = new Set(failed.map((f) => f.at));
    rejected = [...rejected, ...failed.map((f) => ({ index: goodIndex[f.at], errors: [{ path: '(item)', message: toStorableText(`the store refused it: ${f.reason}`) }] }))].sort((a, b) => a.index - b.index);
    good = good.filter((_, i) => !refused.has(i));
  }
  const stored = duplicates.length ? freshOnes(good, duplicates) : good;
  // acceptedAt lets the pipeline measure ingest → anomaly latency (wall time, this process's clock).
  const acceptedAt = p.clock.now().getTime();
  const per = p.limits.perMessage ?? SIGNALS_PER_MESSAGE;
  for (let i = 0; i < stored.length; i += per) {
    const part = stored.slice(i, i + per);
    // The bus message and the outbox row carry only the ids (the signals are stored); the
    // signals themselves reach a detect consumer in this process through the LocalHandoff.
    await p.emit('signal.ingest', { signals: part }, { signalIds: part.map((s) => s.id), acceptedAt });
  }
  return { accepted: inserted, duplicates: duplicates.length, rejected, stored };
}

/**
 * The signals of `batch` that this insert stored, once each. The store names a duplicate once per
 * copy it skipped, so an id sent twice in one new batch is listed once and its first copy is fresh.
 */
function freshOnes(batch: Signal[], duplicates: string[]): Signal[] {
  const skipped = new Map<string, number>();
  for (const id of duplicates) skipped.set(id, (skipped.get(id) ?? 0) + 1);
  const copies = new Map<string, number>();
  for (const s of batch) copies.set(s.id, (copies.get(s.id) ?? 0) + 1);
  const seen = new Set<string>();
  return batch.filter((s) => {
    if (seen.has(s.id)) return false;
    seen.add(s.id);
    return (skipped.get(s.id) ?? 0) < copies.get(s.id)!;
  });
}
