/**
 * POST /v1/signals/ingest: a batch of signals, validated per item; the good items are kept. The
 * work is the ingest edge's (ingest/edge.ts); this route reads the body in either of its forms
 * and maps the edge's result to the reply.
 */
import { z } from 'zod';
import { AppError } from '../../core/errors.js';
import { SignalInput } from '../../core/schemas.js';
import { ingestBatch } from '../../ingest/edge.js';
import { route } from '../context.js';

export const IngestResult = z.object({
  accepted: z.number().int().describe('Signals stored by this request'),
  duplicates: z.number().int().describe('Signals whose id was already stored (skipped, not an error)'),
  rejected: z
    .array(z.object({ index: z.number().int(), errors: z.array(z.object({ path: z.string(), message: z.string() })) }))
    .describe('Items that failed validation, by their index in the batch; the other items were kept'),
});

const atLeastOne = 'send at least one signal';

/** The seed's bare array of signals is read as `{signals: [...]}`; both forms get the same answer. */
const IngestBody = z.preprocess((v) => (Array.isArray(v) ? { signals: v } : v), z.object({ signals: z.array(z.unknown()).min(1, atLeastOne) }));

export const ingestRoute = route({
  method: 'post',
  path: '/v1/signals/ingest',
  summary: 'Ingest a batch of signals (logs, metrics, events, deploys, flags)',
  tag: 'signals',
  scope: 'ingest',
  body: IngestBody,
  docBody: z
    .union([z.object({ signals: z.array(SignalInput).min(1) }), z.array(SignalInput).min(1).describe('The bare array form: the same signals without the wrapper')])
    .describe('`{"signals": [...]}` or a bare JSON array of signals'),
  response: { status: 202, schema: IngestResult, description: 'Stored; per-item rejections are listed (when every item is invalid the answer is 422)' },
  async handler({ body, org, deps, emit }) {
    const r = await ingestBatch(body.signals, {
      org,
      emit,
      newId: deps.newId,
      clock: deps.clock,
      masks: deps.masks,
      limits: { maxBatch: deps.maxBatch },
    });
    deps.metrics.signalsRejected.inc(r.rejected.length);
    if (r.rejected.length === body.signals.length) {
      throw new AppError('invalid_input', `All ${r.rejected.length} signals were rejected.`, {
        issues: r.rejected.flatMap((x) => x.errors.map((e) => ({ index: x.index, ...e }))),
      });
    }
    const byKind = new Map<string, number>();
    for (const s of r.stored) byKind.set(s.kind, (byKind.get(s.kind) ?? 0) + 1);
    for (const [kind, n] of byKind) deps.metrics.signalsAccepted.inc({ kind }, n);
    return { status: 202, body: { accepted: r.accepted, duplicates: r.duplicates, rejected: r.rejected } };
  },
});
