/**
 * Reads for root-cause analysis (issue 5): the signals of one time range in the compact form
 * analysis needs. A 1 h window over the 20-service sandbox is ~200k metric points and ~120k log
 * lines; building a Signal (with its labels and meta jsonb) per row costs seconds on PGlite, so
 * metrics and logs travel as one JSON array each (one result value, one JSON.parse) with only the
 * fields analysis reads. Changes (deploys, flags, events) are few and come back as Signals.
 */
import type { AnalysisSignals, AnalysisSignalsQuery } from '../../core/ports.js';
import { type SqlSession, normTs } from '../sql.js';
import { toSignal } from './signals.js';

// The service and instance labels the analysis reads (rca/from-signals.ts uses the same order).
const SERVICE = `coalesce(labels ->> 'service', labels ->> 'service_name', labels ->> 'app', labels ->> 'job')`;
const INSTANCE = `coalesce(labels ->> 'instance', labels ->> 'pod', labels ->> 'host', labels ->> 'shard')`;
// date_part gives float8 directly (extract's numeric arithmetic is slower); ms are rounded on read
const MS = `date_part('epoch', ts) * 1000`;

/** Default caps of one read: beyond them the result is marked truncated (the caller should refuse it). */
export const DEFAULT_MAX_METRIC_POINTS = 2_000_000;
export const DEFAULT_MAX_LOG_LINES = 1_000_000;

type Tuple = unknown[];

const parse = (v: unknown): Tuple[] => {
  if (v === null || v === undefined) return [];
  return (typeof v === 'string' ? JSON.parse(v) : v) as Tuple[];
};

/** Metric series, log lines and changes with from <= ts <= to (changes from `changesFrom`), up to the caps. */
export async function readAnalysisSignals(s: SqlSession, orgId: string, q: AnalysisSignalsQuery): Promise<AnalysisSignals> {
  const from = normTs(q.from, 'from');
  const to = normTs(q.to, 'to');
  const changesFrom = q.changesFrom ? normTs(q.changesFrom, 'changesFrom') : from;
  const maxPoints = Math.max(1, Math.trunc(q.maxMetricPoints ?? DEFAULT_MAX_METRIC_POINTS));
  const maxLines = Math.max(1, Math.trunc(q.maxLogLines ?? DEFAULT_MAX_LOG_LINES));
  // LIMIT n + 1 without an ORDER BY stops the scan early and tells an overflow from an exact fit
  // metrics grouped per series in SQL (the JSON is a third of the per-point form and parses 10x faster)
  const [m] = await s.query<{ j: unknown; n: unknown }>(
    `SELECT json_agg(json_build_array(service, instance, key, t, v))::text AS j, sum(n) AS n
     FROM (SELECT service, instance, key, json_agg(t) AS t, json_agg(value) AS v, count(*) AS n
           FROM (SELECT ${SERVICE} AS service, ${INSTANCE} AS instance, key, ${MS} AS t, value
                 FROM signals
                 WHERE org_id = $1 AND kind = 'metric' AND ts >= $2::timestamptz AND ts <= $3::timestamptz AND value IS NOT NULL
                 LIMIT $4) x
           GROUP BY 1, 2, 3) y`,
    [orgId, from, to, maxPoints + 1],
  );
  const [l] = await s.query<{ j: unknown }>(
    `SELECT json_agg(json_build_array(service, instance, t, text, id))::text AS j
     FROM (SELECT ${SERVICE} AS service, ${INSTANCE} AS instance, ${MS} AS t, text, id
           FROM signals
           WHERE org_id = $1 AND kind = 'log' AND ts >= $2::timestamptz AND ts <= $3::timestamptz AND text IS NOT NULL
           LIMIT $4) x`,
    [orgId, from, to, maxLines + 1],
  );
  const changes =
    q.changes === false
      ? []
      : await s.query(
          `SELECT org_id, id, source, kind, ts, key, value, text, labels, meta
           FROM signals
           WHERE org_id = $1 AND kind IN ('deploy', 'flag', 'event') AND ts >= $2::timestamptz AND ts <= $3::timestamptz
           ORDER BY ts, id LIMIT 10000`,
          [orgId, changesFrom, to],
        );
  let truncated = false;

  const series: AnalysisSignals['series'] = [];
  let metricPoints = 0;
  if (Number(m?.n ?? 0) > maxPoints) truncated = true;
  for (const [service, instance, key, ts, values] of parse(m?.j)) {
    if (typeof service !== 'string' || !Array.isArray(ts) || !Array.isArray(values)) continue;
    const t = (ts as number[]).map((x) => Math.round(x));
    const v = values as number[];
    series.push({ service, metric: String(key), instance: typeof instance === 'string' && instance.length > 0 ? instance : null, ts: t, values: v });
    metricPoints += t.length;
  }
  const logs: AnalysisSignals['logs'] = [];
  const lRows = parse(l?.j);
  if (lRows.length > maxLines) {
    truncated = true;
    lRows.length = maxLines;
  }
  for (const [service, instance, ts, text, id] of lRows) {
    if (typeof service !== 'string' || typeof text !== 'string') continue;
    logs.push({ ts: Math.round(Number(ts)), service, instance: typeof instance === 'string' && instance.length > 0 ? instance : null, text, id: String(id) });
  }
  return { series, logs, changes: changes.map(toSignal), metricPoints, truncated };
}

/** Time of the newest signal with from <= ts <= to, or null. */
export async function lastSignalAt(s: SqlSession, orgId: string, q: { from: string; to: string }): Promise<string | null> {
  const [r] = await s.query<{ t: unknown }>(`SELECT max(ts) AS t FROM signals WHERE org_id = $1 AND ts >= $2::timestamptz AND ts <= $3::timestamptz`, [
    orgId,
    normTs(q.from, 'from'),
    normTs(q.to, 'to'),
  ]);
  if (!r || r.t === null || r.t === undefined) return null;
  return new Date(r.t as string | Date).toISOString();
}

/**
 * A fingerprint of the signals with from <= ts <= to: their count and the newest ingest time. It
 * changes whenever a signal in the range is added (late data included), so a cached analysis of
 * the range can be reused while it stays the same.
 */
export async function signalWatermark(s: SqlSession, orgId: string, q: { from: string; to: string }): Promise<string> {
  const [r] = await s.query<{ n: unknown; at: unknown }>(
    `SELECT count(*) AS n, max(ingested_at) AS at FROM signals WHERE org_id = $1 AND ts >= $2::timestamptz AND ts <= $3::timestamptz`,
    [orgId, normTs(q.from, 'from'), normTs(q.to, 'to')],
  );
  const at = r?.at === null || r?.at === undefined ? '-' : new Date(r.at as string | Date).toISOString();
  return `${Number(r?.n ?? 0)}@${at}`;
}
