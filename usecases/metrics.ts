/** Metric series for people and the agent: one series of one service, downsampled (scope `read`). */
import { AppError } from '../core/errors.js';
import type { MetricBucket } from '../core/ports/index.js';
import { requireScope } from './principal.js';
import type { Session } from './session.js';

export interface MetricSeriesView {
  service: string;
  metric: string;
  instance: string | null;
  from: string;
  to: string;
  stepSeconds: number;
  /** Buckets holding at least one point, oldest first. */
  points: MetricBucket[];
}

/** The look-back when no start is given. */
export const DEFAULT_METRIC_WINDOW_MS = 3600_000;
/** The longest range one read covers (a month): beyond it the read scans too much for a chart. */
export const MAX_METRIC_RANGE_MS = 31 * 24 * 3600_000;
export const DEFAULT_MAX_POINTS = 60;
export const MAX_POINTS = 1_000;
/** How far before `from` names are looked for when the metric is absent from the range (a quiet series is not an unknown one). */
const NAMES_LOOKBACK_MS = 24 * 3600_000;
/** Metric names quoted in an error. */
const NAMES_IN_ERROR = 40;

/**
 * One series over [from, to) (default: the hour before now) in at most `maxPoints` buckets.
 * A metric the service did not send around the range (from a day before it to its end) is
 * not_found naming the metrics it did send (extra.metrics); a metric sent only per instance,
 * asked for without one, is not_found naming its instances (extra.instances).
 */
export async function readMetricSeries(
  s: Session,
  q: { service: string; metric: string; instance?: string | null; from?: string; to?: string; maxPoints?: number },
): Promise<MetricSeriesView> {
  requireScope(s.principal, 'read');
  const to = q.to ?? s.deps.clock.now().toISOString();
  const from = q.from ?? new Date(Date.parse(to) - DEFAULT_METRIC_WINDOW_MS).toISOString();
  const span = Date.parse(to) - Date.parse(from);
  if (!(span > 0)) throw new AppError('invalid_input', `from (${from}) must be before to (${to}).`);
  if (span > MAX_METRIC_RANGE_MS) throw new AppError('invalid_input', `The range is ${Math.round(span / 86_400_000)} days; at most 31 days are read at once.`);
  const maxPoints = Math.min(Math.max(Math.trunc(q.maxPoints ?? DEFAULT_MAX_POINTS), 2), MAX_POINTS);
  const instance = q.instance ? q.instance : null;
  const series = await s.org.readMetricSeries({ service: q.service, metric: q.metric, instance, from, to, maxPoints });
  if (series.points.length === 0) await explainEmpty(s, q.service, q.metric, instance, from, to);
  return { service: q.service, metric: q.metric, instance, from, to, stepSeconds: series.stepSeconds, points: series.points };
}

/** An empty read is fine for a known series that was quiet; otherwise says what exists. */
async function explainEmpty(s: Session, service: string, metric: string, instance: string | null, from: string, to: string): Promise<void> {
  const lookFrom = new Date(Date.parse(from) - NAMES_LOOKBACK_MS).toISOString();
  const names = await s.org.listMetricNames({ service, from: lookFrom, to });
  const known = names.find((n) => n.metric === metric);
  const around = `between ${lookFrom} and ${to}`;
  if (!known) {
    const metrics = names.map((n) => n.metric);
    const list = metrics.length === 0 ? `${service} sent no metrics ${around}` : `its metrics: ${metrics.slice(0, NAMES_IN_ERROR).join(', ')}${metrics.length > NAMES_IN_ERROR ? ` (and ${metrics.length - NAMES_IN_ERROR} more)` : ''}`;
    throw new AppError('not_found', `Service ${service} has no metric ${metric} ${around}; ${list}.`, { extra: { service, metrics } });
  }
  if (instance === null && !known.serviceLevel && known.instances.length > 0) {
    throw new AppError('not_found', `Metric ${metric} of ${service} is sent per instance only; pass instance, one of: ${known.instances.join(', ')}.`, { extra: { service, metric, instances: known.instances } });
  }
  if (instance !== null && !known.instances.includes(instance) && !(known.instances.length === 0 && known.serviceLevel)) {
    throw new AppError('not_found', `Metric ${metric} of ${service} has no instance ${instance} ${around}; its instances: ${known.instances.join(', ') || 'none (service level only: leave instance out)'}.`, {
      extra: { service, metric, instances: known.instances },
    });
  }
}
