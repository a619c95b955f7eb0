/** query_metric: one metric series of a service, downsampled, with a summary (split at the incident's start). */
import { z } from 'zod';
import { contentId } from '../core/hash.js';
import { isAppError } from '../core/errors.js';
import type { MetricBucket } from '../core/ports/index.js';
import { Timestamp } from '../core/schemas.js';
import { type MetricSeriesView, readMetricSeries } from '../usecases/metrics.js';
import { unknownIncidentError } from './incident-view.js';
import { isoDescription, signalWindow } from './signal-window.js';
import { type AgentTool, type Citation, noData, ok, refs, toolError } from './types.js';

const schema = z.object({
  service: z.string().min(1).max(200).describe('The service whose metric to read (exact name, as in incidents and anomalies).'),
  metric: z.string().min(1).max(200).describe('The metric name, e.g. http_error_rate or latency_p95_ms; an unknown name gets an error listing the metrics the service has.'),
  instance: z.string().min(1).max(200).optional().describe('One instance (pod, host) of the service; omit for the service-level series.'),
  incidentId: z.string().min(1).max(128).optional().describe("An incident id: reads the incident's window (an hour before it started until it was resolved, or now) unless from/to are given, and splits the summary into before/after the start."),
  from: Timestamp.optional().describe(isoDescription('Start of the range (default: an hour before `to`)')),
  to: Timestamp.optional().describe(isoDescription('End of the range, exclusive (default: now)')),
  maxPoints: z.number().int().min(2).max(500).default(60).describe('Most points (buckets of min/avg/max) to return (2–500, default 60).'),
});

/** The stable id of one series read: the same series and range is the same citation. */
export const metricCitationId = (q: { service: string; metric: string; instance: string | null; from: string; to: string }): string =>
  contentId('met_', q.service, q.metric, q.instance ?? '', q.from, q.to);

export const metricCitation = (r: MetricSeriesView): Citation => ({
  id: metricCitationId(r),
  kind: 'metric',
  title: `${r.metric} of ${r.service}${r.instance ? ` (${r.instance})` : ''} ${r.from} – ${r.to}`.slice(0, 200),
  ref: refs.metric(r),
});

const round = (x: number): number => (Number.isFinite(x) ? Number(x.toPrecision(6)) : x);

/** n-weighted mean of the buckets' averages. */
function meanOf(points: readonly MetricBucket[]): number {
  let sum = 0;
  let n = 0;
  for (const p of points) {
    sum += p.avg * p.n;
    n += p.n;
  }
  return n > 0 ? sum / n : NaN;
}

function summarize(points: readonly MetricBucket[], splitAt: number | null) {
  const base = {
    min: round(Math.min(...points.map((p) => p.min))),
    max: round(Math.max(...points.map((p) => p.max))),
    mean: round(meanOf(points)),
    last: round(points[points.length - 1].avg),
  };
  if (splitAt === null) return base;
  const before = points.filter((p) => Date.parse(p.t) < splitAt);
  const after = points.filter((p) => Date.parse(p.t) >= splitAt);
  return { ...base, ...(before.length ? { before: { mean: round(meanOf(before)) } } : {}), ...(after.length ? { after: { mean: round(meanOf(after)) } } : {}) };
}

export const queryMetricTool: AgentTool<typeof schema> = {
  name: 'query_metric',
  description:
    'Read one metric series of a service over a time range, downsampled to at most maxPoints buckets (t, min, avg, max, n), with a summary (min, max, mean, last; with incidentId also the mean before and after the incident started). Use it to check a symptom or a suspected cause ("did payments latency rise before checkout errors?"). Find the service and metric names in list_anomalies or the incident first; an unknown metric gets an error listing the metrics the service has.',
  schema,
  async handler(ctx, { service, metric, instance, incidentId, from, to, maxPoints }) {
    let w;
    try {
      w = await signalWindow(ctx.session, { incidentId, from, to });
    } catch (e) {
      if (isAppError(e) && e.code === 'not_found' && incidentId) return toolError(await unknownIncidentError(ctx, incidentId));
      throw e;
    }
    let r: MetricSeriesView;
    try {
      r = await readMetricSeries(ctx.session, { service, metric, instance, from: w.from, to: w.to, maxPoints });
    } catch (e) {
      if (isAppError(e) && (e.code === 'not_found' || e.code === 'invalid_input')) return toolError(e.message);
      throw e;
    }
    const splitAt = w.incident ? Date.parse(w.incident.startedAt) : null;
    const data = {
      // the citation's id: the registry offers only citations whose id the data shows
      id: metricCitationId(r),
      service: r.service,
      metric: r.metric,
      instance: r.instance,
      from: r.from,
      to: r.to,
      stepSeconds: r.stepSeconds,
      points: r.points.map((p) => ({ t: p.t, min: round(p.min), avg: round(p.avg), max: round(p.max), n: p.n })),
      summary: r.points.length ? summarize(r.points, splitAt) : null,
    };
    return r.points.length ? ok(data, [metricCitation(r)]) : noData(data);
  },
};
