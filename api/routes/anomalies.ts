/** GET /v1/anomalies and /v1/anomalies/:id: what the detectors found. */
import { z } from 'zod';
import { SEVERITIES, Timestamp } from '../../core/schemas.js';
import { type AnomalyView as Anomaly, getAnomaly, listAnomalies, MAX_ANOMALY_LIMIT } from '../../usecases/anomalies.js';
import { route } from '../context.js';
import { runUseCase } from '../session.js';

const AnomalyView = z.object({
  id: z.string(),
  service: z.string(),
  series: z.string().describe('The metric, or log.template.<id>, log.errors, k8s.<reason>'),
  ts: z.string(),
  value: z.number(),
  baseline: z.number().describe('What was expected (or the threshold crossed)'),
  score: z.number(),
  direction: z.string(),
  detector: z.string(),
  signal_id: z.string().nullable(),
  severity: z.enum(SEVERITIES).describe('The severity the correlator gives this score'),
  summary: z.string(),
});

const toView = (a: Anomaly) => ({
  id: a.id,
  service: a.service,
  series: a.series,
  ts: a.ts,
  value: a.value,
  baseline: a.baseline,
  score: a.score,
  direction: a.direction,
  detector: a.detector,
  signal_id: a.signalId,
  severity: a.severity,
  summary: a.summary,
});

export const listAnomaliesRoute = route({
  method: 'get',
  path: '/v1/anomalies',
  summary: 'Anomalies the detectors found, newest first',
  tag: 'incidents',
  scope: 'read',
  query: z.object({
    service: z.string().min(1).max(200).optional(),
    from: Timestamp.optional().describe('Start (inclusive)'),
    to: Timestamp.optional().describe('End (exclusive)'),
    limit: z.coerce.number().int().min(1).max(MAX_ANOMALY_LIMIT).default(100),
  }),
  response: { status: 200, schema: z.object({ anomalies: z.array(AnomalyView) }), description: 'The anomalies' },
  handler: (ctx) => runUseCase(ctx, (s) => listAnomalies(s, ctx.query), (list) => ({ status: 200, body: { anomalies: list.map(toView) } })),
});

export const getAnomalyRoute = route({
  method: 'get',
  path: '/v1/anomalies/:id',
  summary: 'One anomaly',
  tag: 'incidents',
  scope: 'read',
  response: { status: 200, schema: AnomalyView, description: 'The anomaly' },
  errors: [404],
  handler: (ctx) => runUseCase(ctx, (s) => getAnomaly(s, ctx.params.id), (a) => ({ status: 200, body: toView(a) })),
});
