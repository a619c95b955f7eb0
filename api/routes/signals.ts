/** POST /v1/signals/ingest: a batch of signals, validated per item; the good items are kept. */
import { z } from 'zod';
import { AppError, type FieldIssue } from '../../core/errors.js';
import { MAX_SIGNAL_TEXT, SignalInput, type Signal } from '../../core/schemas.js';
import { maskDeep, maskSecrets } from '../../detectors/secrets.js';
import type { IngestLocal, IngestPayload } from '../../ingest/pipeline.js';
import { route } from '../context.js';
import { toIssues } from '../problem.js';

/** Signals per outbox message: keeps each bus message well under NATS's 1 MB default. */
const SIGNALS_PER_MESSAGE = 500;

export const IngestResult = z.object({
  accepted: z.number().int().describe('Signals stored by this request'),
  duplicates: z.number().int().describe('Signals whose id was already stored (skipped, not an error)'),
  rejected: z
    .array(z.object({ index: z.number().int(), errors: z.array(z.object({ path: z.string(), message: z.string() })) }))
    .describe('Items that failed validation, by their index in the batch; the other items were kept'),
});

const truncate = (text: string): string => {
  if (text.length <= MAX_SIGNAL_TEXT) return text;
  return `${text.slice(0, MAX_SIGNAL_TEXT)} …[truncated ${text.length - MAX_SIGNAL_TEXT} chars]`;
};

export const ingestRoute = route({
  method: 'post',
  path: '/v1/signals/ingest',
  summary: 'Ingest a batch of signals (logs, metrics, events, deploys, flags)',
  tag: 'signals',
  scope: 'ingest',
  body: z.object({ signals: z.array(z.unknown()).min(1, 'send at least one signal') }),
  docBody: z.object({ signals: z.array(SignalInput).min(1) }),
  response: { status: 202, schema: IngestResult, description: 'Stored; per-item rejections are listed (when every item is invalid the answer is 422)' },
  async handler({ body, org, deps, emit }) {
    if (body.signals.length > deps.maxBatch) {
      throw new AppError('payload_too_large', `At most ${deps.maxBatch} signals per request; this one has ${body.signals.length}.`, {
        extra: { max_batch: deps.maxBatch },
      });
    }
    const good: Signal[] = [];
    const rejected: { index: number; errors: FieldIssue[] }[] = [];
    body.signals.forEach((item, index) => {
      const r = SignalInput.safeParse(item);
      if (!r.success) {
        rejected.push({ index, errors: toIssues(r.error) });
        return;
      }
      const s = r.data;
      good.push({
        id: s.id ?? deps.newId(),
        orgId: org.orgId,
        source: s.source,
        kind: s.kind,
        ts: s.ts,
        key: s.key,
        value: s.value ?? null,
        text: s.text == null ? null : maskSecrets(truncate(s.text), deps.masks),
        labels: maskDeep(s.labels ?? {}, deps.masks),
        meta: maskDeep(s.meta ?? {}, deps.masks),
      });
    });
    deps.metrics.signalsRejected.inc(rejected.length);
    if (good.length === 0) {
      throw new AppError('invalid_input', `All ${rejected.length} signals were rejected.`, {
        issues: rejected.flatMap((r) => r.errors.map((e) => ({ index: r.index, ...e }))),
      });
    }
    const { inserted, duplicates } = await org.insertSignals(good);
    const dup = new Set(duplicates);
    const stored = dup.size ? good.filter((s) => !dup.has(s.id)) : good;
    // acceptedAt lets the pipeline measure ingest → anomaly latency (wall time, this process's clock).
    const acceptedAt = deps.clock.now().getTime();
    for (let i = 0; i < stored.length; i += SIGNALS_PER_MESSAGE) {
      const part = stored.slice(i, i + SIGNALS_PER_MESSAGE);
      // The bus message and the outbox row carry only the ids (the signals are stored); the
      // signals themselves reach a detect consumer in this process through the LocalHandoff.
      await emit('signal.ingest', { signals: part } satisfies IngestLocal, { signalIds: part.map((s) => s.id), acceptedAt } satisfies IngestPayload);
    }
    const byKind = new Map<string, number>();
    for (const s of stored) byKind.set(s.kind, (byKind.get(s.kind) ?? 0) + 1);
    for (const [kind, n] of byKind) deps.metrics.signalsAccepted.inc({ kind }, n);
    return { status: 202, body: { accepted: inserted, duplicates: duplicates.length, rejected } };
  },
});
