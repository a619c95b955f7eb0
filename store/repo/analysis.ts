/**
 * Reads for root-cause analysis (issue 5): the signals of one time range in the compact form
 * analysis needs. A 1 h window over the 20-service sandbox is ~200k metric points and ~120k log
 * lines; building a Signal (with its labels and meta jsonb) per row costs seconds on PGlite, so
 * metrics and logs travel as one JSON array per column (one result value, one JSON.parse per
 * slice of the range) with only the fields analysis reads. Changes (deploys, flags, events) are
 * few, read through their own partial index (migration 012) and come back as Signals.
 */
import type { AnalysisSignals, AnalysisSignalsQuery, SpanCall } from '../../core/ports/index.js';
import { countSpanCalls } from '../../core/span-calls.js';
import { type SqlSession, normTs } from '../sql.js';
import { toSignal } from './signals.js';

// The service and instance labels the analysis reads (rca/from-signals.ts uses the same order).
export const SERVICE = `coalesce(labels ->> 'service', labels ->> 'service_name', labels ->> 'app', labels ->> 'job')`;
/** Most trace spans read for the calls they show. */
const MAX_SPANS = 500_000;
export const INSTANCE = `coalesce(labels ->> 'instance', labels ->> 'pod', labels ->> 'host', labels ->> 'shard')`;
// date_part gives float8 directly (extract's numeric arithmetic is slower); ms are rounded on read
const MS = `date_part('epoch', ts) * 1000`;

/** Default caps of one read: beyond them the result is marked truncated (the caller should refuse it). */
export const DEFAULT_MAX_METRIC_POINTS = 2_000_000;
export const DEFAULT_MAX_LOG_LINES = 1_000_000;

/** `json_build_array(json_agg(a), json_agg(b), …)` → its columns (json_agg of no rows is null: empty). */
function columns(v: unknown, n: number): unknown[][] {
  const parsed = (v === null || v === undefined ? [] : typeof v === 'string' ? JSON.parse(v) : v) as (unknown[] | null)[];
  return Array.from({ length: n }, (_, i) => parsed[i] ?? []);
}

/**
 * The range is read in slices of about SLICE_MS (at most MAX_SLICES): each result is a few MB
 * instead of ~40 MB for a 1 h window of the sandbox (on PGlite a read in six slices measured up to
 * ~20 % faster than in one piece, most on a process's first read), and on Postgres the server
 * computes the next slice while this process takes the previous one apart.
 */
const SLICE_MS = 10 * 60_000;
const MAX_SLICES = 12;

/** [from, to] cut into slices [a, b) and a last one [a, to] (bounds as ISO strings). */
function slices(from: string, to: string): { from: string; to: string; last: boolean }[] {
  const a = Date.parse(from);
  const b = Date.parse(to);
  const n = Math.min(MAX_SLICES, Math.max(1, Math.ceil((b - a) / SLICE_MS)));
  const bounds = [from];
  for (let i = 1; i < n; i++) bounds.push(new Date(a + Math.round(((b - a) * i) / n)).toISOString());
  bounds.push(to);
  return bounds.slice(0, -1).map((x, i) => ({ from: x, to: bounds[i + 1], last: i === n - 1 }));
}

/** Metric series, log lines and changes with from <= ts <= to (changes from `changesFrom`), up to the caps. */
export async function readAnalysisSignals(s: SqlSession, orgId: string, q: AnalysisSignalsQuery): Promise<AnalysisSignals> {
  const from = normTs(q.from, 'from');
  const to = normTs(q.to, 'to');
  const changesFrom = q.changesFrom ? normTs(q.changesFrom, 'changesFrom') : from;
  const maxPoints = Math.max(1, Math.trunc(q.maxMetricPoints ?? DEFAULT_MAX_METRIC_POINTS));
  const maxLines = Math.max(1, Math.trunc(q.maxLogLines ?? DEFAULT_MAX_LOG_LINES));
  let truncated = false;
  const series: AnalysisSignals['series'] = [];
  const bySeries = new Map<string, Map<string, AnalysisSignals['series'][number]>>();
  const logs: AnalysisSignals['logs'] = [];
  let metricPoints = 0;
  let pointsRead = 0;
  let linesRead = 0;

  // Rows travel as one JSON array per column (one result value, one JSON.parse): measured on
  // PGlite about a third cheaper than grouping the points per series in SQL or one JSON array
  // per row, even with the grouping into series done below.
  // LIMIT n + 1 without an ORDER BY stops the scan early and tells an overflow from an exact fit.
  const read = (slice: { from: string; to: string; last: boolean }, points: number, lines: number) => {
    const upper = slice.last ? 'ts <= $3::timestamptz' : 'ts < $3::timestamptz';
    const p = Promise.all([
      s.query<{ j: unknown }>(
        `SELECT json_build_array(json_agg(service), json_agg(instance), json_agg(key), json_agg(t), json_agg(value))::text AS j
         FROM (SELECT ${SERVICE} AS service, ${INSTANCE} AS instance, key, ${MS} AS t, value
               FROM signals
               WHERE org_id = $1 AND kind = 'metric' AND ts >= $2::timestamptz AND ${upper} AND value IS NOT NULL
               LIMIT $4) x`,
        [orgId, slice.from, slice.to, points],
      ),
      s.query<{ j: unknown }>(
        `SELECT json_build_array(json_agg(service), json_agg(instance), json_agg(t), json_agg(text), json_agg(id))::text AS j
         FROM (SELECT ${SERVICE} AS service, ${INSTANCE} AS instance, ${MS} AS t, text, id
               FROM signals
               WHERE org_id = $1 AND kind = 'log' AND ts >= $2::timestamptz AND ${upper} AND text IS NOT NULL
               LIMIT $4) x`,
        [orgId, slice.from, slice.to, lines],
      ),
    ]);
    p.catch(() => undefined); // awaited below; a failure is not left unhandled if processing throws first
    return p;
  };
  const parts = Date.parse(to) > Date.parse(from) ? slices(from, to) : [{ from, to, last: true }];
  let pending = read(parts[0], maxPoints + 1, maxLines + 1);
  for (let k = 0; k < parts.length; k++) {
    const [[m], [l]] = await pending;
    const [mService, mInstance, mKey, mTs, mValue] = columns(m?.j, 5);
    const [lService, lInstance, lTs, lText, lId] = columns(l?.j, 5);
    let n = mService.length;
    if (pointsRead + n > maxPoints) {
      truncated = true;
      n = maxPoints - pointsRead;
    }
    let nl = lService.length;
    if (linesRead + nl > maxLines) {
      truncated = true;
      nl = maxLines - linesRead;
    }
    pointsRead += n;
    linesRead += nl;
    // the next slice is read (on Postgres: computed by the server) while this one is taken apart
    if (!truncated && k + 1 < parts.length) pending = read(parts[k + 1], maxPoints - pointsRead + 1, maxLines - linesRead + 1);

    // metric points → one series per service, instance and metric (rows without a service dropped)
    for (let i = 0; i < n; i++) {
      const service = mService[i];
      if (typeof service !== 'string') continue;
      const inst = mInstance[i];
      const instance = typeof inst === 'string' && inst.length > 0 ? inst : null;
      const metric = String(mKey[i]);
      let byKey = bySeries.get(service);
      if (!byKey) bySeries.set(service, (byKey = new Map()));
      const key = instance === null ? metric : `${metric}\u0000${instance}`;
      let x = byKey.get(key);
      if (!x) {
        byKey.set(key, (x = { service, metric, instance, ts: [], values: [] }));
        series.push(x);
      }
      x.ts.push(Math.round(mTs[i] as number));
      x.values.push(mValue[i] as number);
      metricPoints++;
    }
    for (let i = 0; i < nl; i++) {
      const service = lService[i];
      const text = lText[i];
      if (typeof service !== 'string' || typeof text !== 'string') continue;
      const inst = lInstance[i];
      logs.push({ ts: Math.round(Number(lTs[i])), service, instance: typeof inst === 'string' && inst.length > 0 ? inst : null, text, id: String(lId[i]) });
    }
    if (truncated) break;
  }

  // changes are few: signals_org_changes_ts (migration 012) holds them apart from the metric and
  // log rows. Trace spans are events too, but many: they are not changes (they would push real
  // changes past the cap), only the calls they show are read, grouped in SQL.
  const changes =
    q.changes === false
      ? []
      : await s.query(
          `SELECT org_id, id, source, kind, ts, key, value, text, labels, meta
           FROM signals
           WHERE org_id = $1 AND kind IN ('deploy', 'flag', 'event') AND ts >= $2::timestamptz AND ts <= $3::timestamptz
             AND NOT (kind = 'event' AND meta ? 'span_id')
           ORDER BY ts, id LIMIT 10000`,
          [orgId, changesFrom, to],
        );
  const calls = q.changes === false ? [] : await spanCallsIn(s, orgId, from, to);
  return {
    series,
    logs,
    changes: changes.map(toSignal),
    calls,
    metricPoints,
    truncated,
  };
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

/**
 * The calls trace spans of the range show (a child span in another service than its parent's):
 * service, span id and parent id travel as JSON arrays and are joined in a hash map here
 * (`countSpanCalls`) — a join on the JSON fields in SQL has no index to use and degraded to nested
 * loops (over 10 minutes for 82 k spans on PGlite).
 */
async function spanCallsIn(s: SqlSession, orgId: string, from: string, to: string): Promise<SpanCall[]> {
  const [row] = await s.query<{ j: unknown }>(
    `SELECT json_build_array(json_agg(service), json_agg(sid), json_agg(pid))::text AS j
     FROM (SELECT coalesce(labels ->> 'service', meta ->> 'service') AS service, meta ->> 'span_id' AS sid, meta ->> 'parent_span_id' AS pid
           FROM signals
           WHERE org_id = $1 AND kind = 'event' AND meta ? 'span_id' AND ts >= $2::timestamptz AND ts <= $3::timestamptz
           LIMIT $4) x`,
    [orgId, from, to, MAX_SPANS],
  );
  const [service, sid, pid] = columns(row?.j, 3);
  const text = (v: unknown) => (typeof v === 'string' && v ? v : null);
  return countSpanCalls(service.map((svc, i) => ({ service: text(svc), spanId: text(sid[i]), parentId: text(pid[i]) })));
}
