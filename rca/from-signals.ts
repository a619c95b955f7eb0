/**
 * Stored data → AnalysisInput: what `POST /v1/incidents/{id}/analyze` feeds to `analyze()`. Pure:
 * the caller reads the incident, the signals of the window, the anomalies and the topology from the
 * store and passes them here. For the same data it builds the input `caseToInput` builds from a
 * case folder (same periods, series, log clusters, hand-off series and changes), so a case replayed
 * through the API ranks like the case read from disk.
 *
 * Periods: the requested window `[from, to]` is split at the incident's start. The part before the
 * start is the baseline and the part from the start on is the incident period (the layout of a
 * recorded case: the analysis window with the injection inside it). With an explicit `baseline`
 * (a case's separate normal period) the window is kept whole: its part before the start is the
 * lead-in. A window that begins at or after the start with no baseline is all incident period, and
 * every point loaded before `from` is the baseline (the caller loads a lead-in).
 */
import { nodeSlos } from '../core/node-slo.js';
import type { SpanCall } from '../core/ports/index.js';
import type { Anomaly, Signal, TopologyInput } from '../core/schemas.js';
import { logClustersOf, type LogRow } from './cases.js';
import { requestsOf, traceIdOf } from './trace-patterns.js';
import { isSpan, observedTopology, spanCalls } from './topology.js';
import type { AnalysisInput, Instant, MetricSeriesInput, SloInput } from './types.js';
import { sloKindOf } from '../detectors/stream/slo.js';

/** One metric series as a store can hand it over without building a Signal per point. */
export interface CompactSeries {
  service: string;
  metric: string;
  instance?: string | null;
  /** Epoch milliseconds, one per value. */
  ts: readonly number[];
  values: readonly number[];
}

/** One log line as a store can hand it over (epoch milliseconds). */
export interface CompactLogLine {
  ts: number;
  service: string;
  instance?: string | null;
  text: string;
  /** The signal id: lines of one millisecond are taken in id order (a replayed file numbers its lines). */
  id?: string;
}

export interface StoredAnalysisData {
  incident: { id?: string; service?: string | null; startedAt: Instant; title?: string };
  /** The requested analysis window (see the module comment for how it is split). */
  window: { from: Instant; to: Instant };
  /** Explicit reference period; without it the window is split at the incident start. */
  baseline?: { from: Instant; to: Instant };
  /** Stored signals of any kind: metrics and logs become series and log rows, trace spans calls, the rest changes. */
  signals?: readonly Signal[];
  /** Calls seen in trace spans (the store's grouped read); without it, read from span `signals`. */
  calls?: readonly SpanCall[];
  /** Metric series already grouped (the store's compact read); merged with metric `signals`. */
  series?: readonly CompactSeries[];
  /** Log lines already reduced to what analysis reads; merged with log `signals`. */
  logs?: readonly CompactLogLine[];
  anomalies?: readonly Anomaly[];
  /** The stored service graph (`PUT /v1/topology`); node attributes may declare entry points and SLOs. */
  topology?: TopologyInput | null;
  /** Services that may be blamed (default: every service seen, minus nodes marked `candidate: false`). */
  candidates?: readonly string[];
  /** Customer-facing services (default: nodes marked `entry_point: true`, else analyze's default). */
  entryPoints?: readonly string[];
  changeHistory?: Record<string, { changes: number; failures: number }>;
}

const METRIC_SERVICE_LABELS = ['service', 'service_name', 'app', 'job'] as const;
const INSTANCE_LABELS = ['instance', 'pod', 'host', 'shard'] as const;

/** The service a signal is about: its `service` label (or a common alias). */
export function signalService(s: Pick<Signal, 'labels'>): string | null {
  for (const k of METRIC_SERVICE_LABELS) {
    const v = s.labels?.[k];
    if (typeof v === 'string' && v.length > 0) return v;
  }
  return null;
}

/** The pod, host or shard of a signal, when it names one. */
export function signalInstance(s: Pick<Signal, 'labels'>): string | null {
  for (const k of INSTANCE_LABELS) {
    const v = s.labels?.[k];
    if (typeof v === 'string' && v.length > 0) return v;
  }
  return null;
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Epoch milliseconds of an instant (NaN when unreadable). */
function toMs(t: Instant): number {
  return typeof t === 'number' ? t : Date.parse(t);
}

/** The periods analyze() sees for a requested window and an incident start. */
export function splitWindow(
  window: { from: Instant; to: Instant },
  startedAt: Instant,
  baseline?: { from: Instant; to: Instant },
): { window: { from: number; to: number }; baseline?: { from: number; to: number } } {
  const from = toMs(window.from);
  const to = toMs(window.to);
  const start = toMs(startedAt);
  if (baseline) return { window: { from, to }, baseline: { from: toMs(baseline.from), to: toMs(baseline.to) } };
  if (Number.isFinite(start) && from < start && start <= to) return { window: { from: start, to }, baseline: { from, to: start } };
  return { window: { from, to } };
}

/**
 * SLOs declared on topology nodes (read by core/node-slo.ts), in either form:
 *  - `slo: {availability?, p95_ms?}` — the form the detectors read (README, "Detection in the
 *    pipeline"), applied to the node's own service-level symptom series in the data: an error
 *    ratio is breached above 1 − availability, a probe below availability, a p95 latency above
 *    p95_ms (the series are recognised by name as the SLO guard does);
 *  - `slos: [{name?, metric, bad: 'up'|'down', objective?}]` — a series spelled out.
 */
export function slosFromTopology(t: TopologyInput | null | undefined, metrics: readonly Pick<MetricSeriesInput, 'service' | 'metric' | 'instance'>[] = []): SloInput[] {
  const out: SloInput[] = [];
  const seen = new Set<string>();
  const add = (x: SloInput) => {
    const k = `${x.service}\u0000${x.metric}`;
    if (seen.has(k)) return; // one objective per series: the explicit list wins (it comes first)
    seen.add(k);
    out.push(x);
  };
  const ownSeries = new Map<string, Set<string>>();
  for (const m of metrics) if (!m.instance) (ownSeries.get(m.service) ?? ownSeries.set(m.service, new Set()).get(m.service)!).add(m.metric);
  for (const n of t?.nodes ?? []) {
    const { service, series } = nodeSlos(n.attributes);
    for (const s of series) {
      add({ name: s.name ?? `${n.id} ${s.metric}`, service: n.id, metric: s.metric, bad: s.bad, ...(s.objective !== undefined ? { objective: s.objective } : {}) });
    }
    if (!service) continue;
    const { availability, p95Ms: p95 } = service;
    for (const metric of [...(ownSeries.get(n.id) ?? [])].sort(cmp)) {
      const kind = sloKindOf(metric);
      if (kind === 'errors' && availability !== undefined) add({ name: `${n.id} availability`, service: n.id, metric, bad: 'up', objective: round6(1 - availability) });
      else if (kind === 'probe' && availability !== undefined) add({ name: `${n.id} availability`, service: n.id, metric, bad: 'down', objective: availability });
      else if (kind === 'latency' && p95 !== undefined) add({ name: `${n.id} p95 latency`, service: n.id, metric, bad: 'up', objective: p95 });
    }
  }
  return out;
}

const round6 = (x: number): number => Math.round(x * 1e6) / 1e6;

/** Entry points declared on topology nodes (`attributes.entry_point: true`). */
export function entryPointsFromTopology(t: TopologyInput | null | undefined): string[] {
  return (t?.nodes ?? []).filter((n) => (n.attributes as { entry_point?: unknown } | undefined)?.entry_point === true).map((n) => n.id).sort(cmp);
}

/** Stored incident, window, signals, anomalies and topology → the input of analyze(). */
export function inputFromStored(d: StoredAnalysisData): AnalysisInput {
  const periods = splitWindow(d.window, d.incident.startedAt, d.baseline);
  const { from, to } = periods.window;

  // metrics: one series per service, metric and instance; points in time order
  const series = new Map<string, { service: string; metric: string; instance: string | null; ts: number[]; values: number[] }>();
  const seriesOf = (service: string, metric: string, instance: string | null) => {
    const k = `${service}\u0000${metric}\u0000${instance ?? ''}`;
    let s = series.get(k);
    if (!s) series.set(k, (s = { service, metric, instance, ts: [], values: [] }));
    return s;
  };
  for (const c of d.series ?? []) {
    const s = seriesOf(c.service, c.metric, c.instance || null);
    const n = Math.min(c.ts.length, c.values.length);
    if (s.ts.length === 0 && n === c.ts.length && n === c.values.length) {
      // the common case, one entry per series: take its arrays as they are (copied, never mutated)
      s.ts = c.ts.slice();
      s.values = c.values.slice();
      continue;
    }
    for (let i = 0; i < n; i++) {
      s.ts.push(c.ts[i]);
      s.values.push(c.values[i]);
    }
  }
  // log rows with their time (ms) and id in parallel arrays (a 1 h window can hold 100k+ lines)
  const rows: LogRow[] = [];
  const rowMs: number[] = [];
  const rowId: string[] = [];
  for (const l of d.logs ?? []) {
    rows.push(l.instance ? { ts: l.ts / 1000, service: l.service, pod: l.instance, message: l.text } : { ts: l.ts / 1000, service: l.service, message: l.text });
    rowMs.push(l.ts);
    rowId.push(l.id ?? '');
  }
  const changes: Signal[] = [];
  const spans: Signal[] = [];
  for (const sig of d.signals ?? []) {
    if (sig.kind === 'metric') {
      const service = signalService(sig);
      if (!service || sig.value === null || !Number.isFinite(sig.value)) continue;
      const s = seriesOf(service, sig.key, signalInstance(sig));
      s.ts.push(toMs(sig.ts));
      s.values.push(sig.value);
    } else if (sig.kind === 'log') {
      const service = signalService(sig);
      if (!service || sig.text === null) continue;
      const pod = signalInstance(sig);
      const ms = toMs(sig.ts);
      rows.push(pod ? { ts: ms / 1000, service, pod, message: sig.text } : { ts: ms / 1000, service, message: sig.text });
      rowMs.push(ms);
      rowId.push(sig.id);
    } else if (isSpan(sig)) spans.push(sig);
    else changes.push(sig);
  }
  const metrics: MetricSeriesInput[] = [];
  for (const s of series.values()) {
    let sorted = true;
    for (let i = 1; i < s.ts.length && sorted; i++) if (s.ts[i] <= s.ts[i - 1]) sorted = false;
    // equal times (a store hands them back in any order) are ordered by value: the same data, the same input
    const points = sorted
      ? s.ts.map((t, i) => ({ ts: t, value: s.values[i] }))
      : s.ts
          .map((_, i) => i)
          .sort((a, b) => s.ts[a] - s.ts[b] || s.values[a] - s.values[b] || a - b)
          .map((i) => ({ ts: s.ts[i], value: s.values[i] }));
    metrics.push(s.instance ? { service: s.service, metric: s.metric, instance: s.instance, points } : { service: s.service, metric: s.metric, points });
  }
  // Trace-correlated log lines, grouped into requests once: the call graph when none is stored,
  // skipped and stopped steps, slow calls.
  // A request takes its lines in time order, and in id order within a millisecond (a replayed file
  // numbers its lines): equal times must come out as the source wrote them. Only those lines are
  // sorted; the template clustering does not depend on the order of the lines.
  const traced: number[] = [];
  // each line's trace id is read once, here (requestsOf takes them with the lines)
  const traceIds: (string | null)[] = new Array<string | null>(rows.length).fill(null);
  for (let i = 0; i < rows.length; i++) {
    const id = traceIdOf(rows[i].message);
    if (id === null) continue;
    traced.push(i);
    traceIds[i] = id;
  }
  if (traced.length) {
    const byTime = (a: number, b: number) => rowMs[a] - rowMs[b] || cmp(rowId[a], rowId[b]);
    let ordered = true;
    for (let i = 1; i < traced.length && ordered; i++) if (byTime(traced[i - 1], traced[i]) > 0) ordered = false;
    if (!ordered) traced.sort(byTime);
  }
  const requests = requestsOf(
    traced.map((i) => rows[i]),
    periods.baseline?.from ?? -Infinity,
    to,
    traced.map((i) => traceIds[i]),
  );
  metrics.sort((a, b) => cmp(a.service, b.service) || cmp(a.metric, b.metric) || cmp(a.instance ?? '', b.instance ?? ''));
  changes.sort((a, b) => cmp(a.ts, b.ts) || cmp(a.id, b.id));

  // who may be blamed, and who the customers reach first
  // the stored graph; without edges, the one the spans or trace-correlated log lines show (the
  // stored nodes keep their attributes: entry points, SLOs, candidates)
  const observed = d.topology?.edges.length ? null : observedTopology(d.calls ?? spanCalls(spans), requests);
  const nodes = new Map((observed?.nodes ?? []).map((n) => [n.id, n]));
  for (const n of d.topology?.nodes ?? []) nodes.set(n.id, n);
  const edges = d.topology?.edges.length ? d.topology.edges : (observed?.edges ?? []);
  const topology = nodes.size + edges.length > 0 ? { nodes: [...nodes.values()].sort((a, b) => cmp(a.id, b.id)), edges } : null;
  // the call graph lets a slow call be charged to its callee (as caseToInput does)
  const calls = edges.map((e) => [e.from, e.to] as const);
  const seen = new Set<string>();
  for (const m of metrics) seen.add(m.service);
  for (const l of rows) seen.add(l.service);
  for (const a of d.anomalies ?? []) seen.add(a.service);
  for (const n of topology?.nodes ?? []) seen.add(n.id);
  for (const c of changes) {
    const s = signalService(c);
    if (s) seen.add(s);
  }
  const notCandidates = new Set((topology?.nodes ?? []).filter((n) => (n.attributes as { candidate?: unknown } | undefined)?.candidate === false).map((n) => n.id));
  const candidates = d.candidates ? [...d.candidates] : notCandidates.size ? [...seen].filter((s) => !notCandidates.has(s)).sort(cmp) : undefined;
  const declaredEntries = entryPointsFromTopology(topology);
  const entryPoints = d.entryPoints ? [...d.entryPoints] : declaredEntries.length ? declaredEntries : undefined;
  const slos = slosFromTopology(topology, metrics);
  // an incident opened on a name that appears nowhere in the data says nothing about the graph
  const service = d.incident.service && seen.has(d.incident.service) ? d.incident.service : null;

  const input: AnalysisInput = {
    incident: { ...(d.incident.id ? { id: d.incident.id } : {}), service, startedAt: toMs(d.incident.startedAt), ...(d.incident.title ? { title: d.incident.title } : {}) },
    window: { from, to },
    ...(periods.baseline ? { baseline: periods.baseline } : {}),
    metrics,
    anomalies: [...(d.anomalies ?? [])].sort((a, b) => cmp(a.ts, b.ts) || cmp(a.id, b.id)),
    logClusters: rows.length ? logClustersOf(rows, from, to, periods.baseline?.from ?? -Infinity, calls, requests) : [],
    changes,
    topology,
    ...(candidates ? { candidates } : {}),
    ...(entryPoints ? { entryPoints } : {}),
    ...(slos.length ? { slos } : {}),
    ...(d.changeHistory ? { changeHistory: d.changeHistory } : {}),
  };
  return input;
}
