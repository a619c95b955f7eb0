/** GET /v1/metrics/series: one metric series of a service over a range, downsampled to at most max_points buckets. */
import { z } from 'zod';
import { Timestamp } from '../../core/schemas.js';
import { MAX_POINTS, readMetricSeries } from '../../usecases/metrics.js';
import { route } from '../context.js';
import { runUseCase } from '../session.js';

const Bucket = z.object({
  t: z.string().describe('Start of the bucket'),
  min: z.number(),
  avg: z.number(),
  max: z.number(),
  n: z.number().int().describe('Points in the bucket'),
});

export const metricSeriesRoute = route({
  method: 'get',
  path: '/v1/metrics/series',
  summary: 'One metric series of a service (min/avg/max per step), oldest first; an unknown metric is a 404 naming the metrics the service has',
  tag: 'signals',
  scope: 'read',
  query: z.object({
    service: z.string().min(1).max(200).describe('The service (labels service, service_name, app or job)'),
    metric: z.string().min(1).max(200).describe('The metric name (the signal key)'),
    instance: z.string().min(1).max(200).optional().describe('One instance (labels instance, pod, host or shard); absent: the service-level series'),
    from: Timestamp.optional().describe('Start (default: one hour before `to`)'),
    to: Timestamp.optional().describe('End, exclusive (default: now)'),
    max_points: z.coerce.number().int().min(2).max(MAX_POINTS).default(60).describe('Most buckets returned'),
  }),
  response: {
    status: 200,
    schema: z.object({
      service: z.string(),
      metric: z.string(),
      instance: z.string().nullable(),
      from: z.string(),
      to: z.string(),
      step_seconds: z.number().int(),
      points: z.array(Bucket),
    }),
    description: 'The series',
  },
  errors: [404],
  handler: (ctx) =>
    runUseCase(
      ctx,
      (s) => readMetricSeries(s, { service: ctx.query.service, metric: ctx.query.metric, instance: ctx.query.instance, from: ctx.query.from, to: ctx.query.to, maxPoints: ctx.query.max_points }),
      (r) => ({ status: 200, body: { service: r.service, metric: r.metric, instance: r.instance, from: r.from, to: r.to, step_seconds: r.stepSeconds, points: r.points } }),
    ),
});
