/**
 * Reads of one metric series and of a service's metric names (query_metric, GET
 * /v1/metrics/series) through signals_org_ts (migration 015 says why there is no index of their
 * own). The series is downsampled in the database: a 1 h window of a 15 s series is 240
 * points, a day 5,760, and the reader asked for a chart of at most a few hundred.
 */
import type { MetricBatchQuery, MetricBucket, MetricName, MetricSeries, MetricSeriesQuery } from '../../core/ports/index.js';
import { type SqlSession, normTs, num } from '../sql.js';
import { INSTANCE, SERVICE } from './analysis.js';

/** Most buckets one read returns, whatever was asked. */
export const MAX_SERIES_POINTS = 5_000;
/** Most metric names (and instances per name) listed. */
const MAX_NAMES = 500;
const MAX_INSTANCES = 50;

/** One series, min/avg/max/count per bucket of `stepSeconds`, buckets counted from `from`. */
export async function readMetricSeries(s: SqlSession, orgId: string, q: MetricSeriesQuery): Promise<MetricSeries> {
  const from = normTs(q.from, 'from');
  const to = normTs(q.to, 'to');
  const fromMs = Date.parse(from);
  const span = Math.max(0, Date.parse(to) - fromMs) / 1000;
  const buckets = Math.min(Math.max(Math.trunc(q.maxPoints), 1), MAX_SERIES_POINTS);
  const stepSeconds = Math.max(1, Math.ceil(span / buckets));
  const rows = await s.query<{ b: unknown; min: unknown; avg: unknown; max: unknown; n: unknown }>(
    `SELECT floor((date_part('epoch', ts) - $6::float8) / $7::float8)::bigint AS b,
            min(value) AS min, avg(value) AS avg, max(value) AS max, count(*) AS n
     FROM signals
     WHERE org_id = $1 AND kind = 'metric' AND ${SERVICE} = $2 AND key = $3
       AND ts >= $4::timestamptz AND ts < $5::timestamptz AND value IS NOT NULL
       AND (CASE WHEN $8::text IS NULL THEN nullif(${INSTANCE}, '') IS NULL ELSE ${INSTANCE} = $8::text END)
     GROUP BY 1 ORDER BY 1`,
    [orgId, q.service, q.metric, from, to, fromMs / 1000, stepSeconds, q.instance ?? null],
  );
  return {
    stepSeconds,
    points: rows.map((r) => ({ t: new Date(fromMs + num(r.b) * stepSeconds * 1000).toISOString(), min: num(r.min), avg: num(r.avg), max: num(r.max), n: num(r.n) })),
  };
}

/** The metrics the service sent in [from, to), by name, each with its instances (at most 50) and whether it has service-level points. */
export async function listMetricNames(s: SqlSession, orgId: string, q: { service: string; from?: string; to?: string }): Promise<MetricName[]> {
  const rows = await s.query<{ key: string; service_level: boolean; instances: string[] | null }>(
    `SELECT key, bool_or(nullif(${INSTANCE}, '') IS NULL) AS service_level,
            array_remove(array_agg(DISTINCT nullif(${INSTANCE}, '')), NULL) AS instances
     FROM signals
     WHERE org_id = $1 AND kind = 'metric' AND ${SERVICE} = $2
       AND ($3::timestamptz IS NULL OR ts >= $3::timestamptz)
       AND ($4::timestamptz IS NULL OR ts < $4::timestamptz)
     GROUP BY key ORDER BY key LIMIT ${MAX_NAMES}`,
    [orgId, q.service, q.from ? normTs(q.from, 'from') : null, q.to ? normTs(q.to, 'to') : null],
  );
  return rows.map((r) => ({ metric: String(r.key), serviceLevel: r.service_level === true, instances: (r.instances ?? []).map(String).sort().slice(0, MAX_INSTANCES) }));
}

/** Service-level series of several services and metrics in one scan of [from, to), bucketed as readMetricSeries does. */
export async function readMetricSeriesBatch(s: SqlSession, orgId: string, q: MetricBatchQuery): Promise<{ service: string; metric: string; points: MetricBucket[] }[]> {
  if (q.services.length === 0 || q.metrics.length === 0) return [];
  const from = normTs(q.from, 'from');
  const to = normTs(q.to, 'to');
  const fromMs = Date.parse(from);
  const span = Math.max(0, Date.parse(to) - fromMs) / 1000;
  const stepSeconds = Math.max(1, Math.ceil(span / Math.min(Math.max(Math.trunc(q.maxPoints), 1), MAX_SERIES_POINTS)));
  const rows = await s.query<{ svc: string; key: string; b: unknown; min: unknown; avg: unknown; max: unknown; n: unknown }>(
    `SELECT ${SERVICE} AS svc, key, floor((date_part('epoch', ts) - $6::float8) / $7::float8)::bigint AS b,
            min(value) AS min, avg(value) AS avg, max(value) AS max, count(*) AS n
     FROM signals
     WHERE org_id = $1 AND kind = 'metric' AND ts >= $4::timestamptz AND ts < $5::timestamptz AND value IS NOT NULL
       AND key = ANY ($3::text[]) AND ${SERVICE} = ANY ($2::text[]) AND nullif(${INSTANCE}, '') IS NULL
     GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
    [orgId, q.services, q.metrics, from, to, fromMs / 1000, stepSeconds],
  );
  const out = new Map<string, { service: string; metric: string; points: MetricBucket[] }>();
  for (const r of rows) {
    const k = `${r.svc}\u0000${r.key}`;
    let e = out.get(k);
    if (!e) out.set(k, (e = { service: String(r.svc), metric: String(r.key), points: [] }));
    e.points.push({ t: new Date(fromMs + num(r.b) * stepSeconds * 1000).toISOString(), min: num(r.min), avg: num(r.avg), max: num(r.max), n: num(r.n) });
  }
  return [...out.values()];
}
