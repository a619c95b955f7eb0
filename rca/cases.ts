/**
 * Recorded incident cases (the folder layout of ../shared/data/rca) → AnalysisInput. Pure: the
 * caller reads the files and passes their text or parsed content. The label fields are stripped
 * here so the known answer can never reach analyze().
 */
import type { Signal, TopologyInput } from '../core/schemas.js';
import { clusterLogRows, type LogRow } from './log-clusters.js';
import { slowCallClusters } from './slow-calls.js';
import { isSpan, observedTopology, spanCalls } from './topology.js';
import { requestsOf, traceSkipClusters } from './trace-patterns.js';
import type { AnalysisInput, LogClusterInput, MetricSeriesInput } from './types.js';

export { clusterLogRows, lineShape, logLevel, type LogRow } from './log-clusters.js';

/** Fields of case.json that carry the answer (or identify the case) and must not be analysed. */
export const LABEL_FIELDS = ['root_cause_service', 'root_cause_pod', 'fault_type', 'label_extra', 'source', 'split', 'id', 'original_split'] as const;

export interface MetricRow {
  ts: number;
  service: string;
  metric: string;
  value: number;
  /** Pod or shard, when the file has an `instance` column (sandbox exports do). */
  instance?: string;
}

/** A call edge of a case's graph; a third element 'async' marks a hand-off the caller does not wait on. */
export type CaseEdge = [caller: string, callee: string, mode?: 'async'];

export interface CaseTopology {
  nodes: string[];
  edges: CaseEdge[];
}

export interface CaseContent {
  /** case.json as parsed; label fields are dropped before use. */
  caseJson: Record<string, unknown>;
  metrics: MetricRow[];
  logs?: LogRow[] | null;
  topology?: CaseTopology | null;
  /** events.jsonl (sandbox exports): deploys, flags, config changes as ingestable signals. */
  events?: Record<string, unknown>[] | null;
  /** spans.jsonl (sandbox exports that sample traces): the call graph when no topology is given. */
  spans?: Record<string, unknown>[] | null;
}

/** case.json without its label fields. */
export function stripLabels(caseJson: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(caseJson)) if (!(LABEL_FIELDS as readonly string[]).includes(k)) out[k] = v;
  return out;
}

/** Lines of a text file, accepting CRLF and a missing final newline. */
function lines(text: string): string[] {
  return text.split(/\r?\n/).filter((l) => l.trim().length > 0);
}

/**
 * metrics.csv → rows: `ts,service,metric,value[,instance]` (unix seconds). A header row names the
 * columns (any order); without one that order is assumed. Unreadable lines are skipped.
 */
export function parseMetricsCsv(text: string): MetricRow[] {
  const out: MetricRow[] = [];
  const ls = lines(text);
  let col = { ts: 0, service: 1, metric: 2, value: 3, instance: 4 };
  let named = false;
  for (let i = 0; i < ls.length; i++) {
    const f = ls[i].split(',').map((x) => x.trim().replace(/^"(.*)"$/, '$1'));
    if (i === 0 && f.includes('ts') && f.includes('value')) {
      const at = (n: string) => f.indexOf(n);
      col = { ts: at('ts'), service: at('service'), metric: at('metric'), value: at('value'), instance: at('instance') };
      named = true;
      continue;
    }
    if (f.length < 4) continue;
    // an unnamed file with commas inside service names: ts first, value last, metric before it
    const n = f.length;
    const simple = named || n === 4 || n === 5;
    const ts = Number(f[col.ts]);
    const value = Number(simple ? f[n === 4 && !named ? 3 : col.value] : f[n - 1]);
    if (!Number.isFinite(ts) || !Number.isFinite(value)) continue;
    const service = simple ? f[col.service] : f.slice(1, n - 2).join(',');
    const metric = simple ? f[col.metric] : f[n - 2];
    const instance = simple && col.instance >= 0 && (named || n === 5) ? f[col.instance] : '';
    out.push(instance ? { ts, service, metric, value, instance } : { ts, service, metric, value });
  }
  return out;
}

/**
 * topology.json as `{nodes: string[], edges: [caller, callee, mode?][]}` or the `PUT /v1/topology`
 * shape (an edge's `mode`, or `attributes.mode` as older sandbox exports wrote it).
 */
export function parseCaseTopology(v: unknown): CaseTopology | null {
  if (!v || typeof v !== 'object') return null;
  const t = v as { nodes?: unknown; edges?: unknown };
  const id = (n: unknown) => (typeof n === 'string' ? n : n && typeof n === 'object' && typeof (n as { id?: unknown }).id === 'string' ? (n as { id: string }).id : null);
  const nodes = Array.isArray(t.nodes) ? t.nodes.map(id).filter((x): x is string => x !== null) : [];
  const edges: CaseEdge[] = [];
  const edge = (from: string, to: string, mode: unknown): CaseEdge => (mode === 'async' ? [from, to, 'async'] : [from, to]);
  for (const e of Array.isArray(t.edges) ? t.edges : []) {
    if (Array.isArray(e) && typeof e[0] === 'string' && typeof e[1] === 'string') edges.push(edge(e[0], e[1], e[2]));
    else if (e && typeof e === 'object' && typeof (e as { from?: unknown }).from === 'string' && typeof (e as { to?: unknown }).to === 'string') {
      const o = e as { from: string; to: string; mode?: unknown; attributes?: { mode?: unknown } };
      edges.push(edge(o.from, o.to, o.mode ?? o.attributes?.mode));
    }
  }
  return { nodes, edges };
}

/** events.jsonl objects → Signals (ids from meta.change_id or their position). */
export function toSignals(objs: readonly Record<string, unknown>[]): Signal[] {
  const out: Signal[] = [];
  objs.forEach((o, i) => {
    const ts = typeof o.ts === 'number' ? new Date(o.ts).toISOString() : typeof o.ts === 'string' ? o.ts : null;
    if (!ts || typeof o.kind !== 'string' || typeof o.key !== 'string') return;
    const meta = o.meta && typeof o.meta === 'object' ? (o.meta as Record<string, unknown>) : {};
    const labels = o.labels && typeof o.labels === 'object' ? (o.labels as Record<string, string>) : {};
    out.push({
      id: typeof o.id === 'string' ? o.id : typeof meta.change_id === 'string' ? (meta.change_id as string) : `event-${i + 1}`,
      orgId: 'case',
      source: typeof o.source === 'string' ? o.source : 'case',
      kind: o.kind as Signal['kind'],
      ts,
      key: o.key,
      value: typeof o.value === 'number' ? o.value : null,
      text: typeof o.text === 'string' ? o.text : null,
      labels,
      meta,
    });
  });
  return out;
}

/** JSON lines → objects; unreadable lines are skipped. */
export function parseJsonLines(text: string): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const l of lines(text)) {
    try {
      const v = JSON.parse(l);
      if (v && typeof v === 'object') out.push(v as Record<string, unknown>);
    } catch {
      // a torn line is not data
    }
  }
  return out;
}

/** logs.jsonl rows with a usable timestamp (unix seconds), service and message. */
export function toLogRows(objs: readonly Record<string, unknown>[]): LogRow[] {
  const out: LogRow[] = [];
  for (const o of objs) {
    const ts = Number(o.ts);
    if (!Number.isFinite(ts) || ts <= 0 || typeof o.service !== 'string' || typeof o.message !== 'string') continue;
    out.push({ ts, service: o.service, pod: typeof o.pod === 'string' ? o.pod : undefined, message: o.message });
  }
  return out;
}

/**
 * Log templates counted before and during the incident, and the request view's derived ones:
 * steps requests skipped, and slow calls (`requests`: the lines grouped by `requestsOf`).
 */
export function logClustersOf(
  rows: readonly LogRow[],
  splitMs: number,
  toMs: number,
  fromMs: number,
  calls: readonly (readonly [string, string])[],
  requests: readonly (readonly LogRow[])[],
): LogClusterInput[] {
  return [...clusterLogRows(rows, splitMs, toMs, fromMs), ...traceSkipClusters(requests, splitMs, { services: [...new Set(calls.flat())] }), ...slowCallClusters(requests, splitMs, calls)];
}

function num(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

function range(v: unknown): { start: number; end: number } | null {
  if (!v || typeof v !== 'object') return null;
  const o = v as Record<string, unknown>;
  const s = num(o.start_ts);
  const e = num(o.end_ts);
  return s !== null && e !== null ? { start: s, end: e } : null;
}

/**
 * A case → AnalysisInput. Incident window: from the injection (or, when the case has a separate
 * normal period, the whole analysis window) to the window's end; baseline: the normal period when
 * the case has one, else the part of the window before the injection. A case without an injection
 * time (a calm one) is split in the middle of its window.
 */
export function caseToInput(content: CaseContent): AnalysisInput {
  const c = stripLabels(content.caseJson);
  const w = range(c.window);
  const normal = range(c.normal_window);
  // no injection time (a calm case): the second half of the window is the period under test
  const inject = num(c.inject_ts) ?? (w ? Math.round((w.start + w.end) / 2) : 0);
  const end = w?.end ?? inject;
  let from: number;
  let baseline: { from: number; to: number };
  if (normal) {
    baseline = { from: normal.start * 1000, to: normal.end * 1000 + 1 };
    const overlaps = w !== null && normal.start <= w.end && normal.end >= w.start;
    from = (overlaps ? Math.max(w!.start, normal.end + 1) : (w?.start ?? inject)) * 1000;
  } else {
    baseline = { from: (w?.start ?? inject - 1800) * 1000, to: inject * 1000 };
    from = inject * 1000;
  }
  const to = end * 1000;

  const series = new Map<string, MetricSeriesInput>();
  for (const r of content.metrics) {
    const k = `${r.service}\u0000${r.metric}\u0000${r.instance ?? ''}`;
    let s = series.get(k);
    if (!s) {
      s = r.instance ? { service: r.service, metric: r.metric, instance: r.instance, points: [] } : { service: r.service, metric: r.metric, points: [] };
      series.set(k, s);
    }
    s.points.push({ ts: r.ts * 1000, value: r.value });
  }
  // trace-correlated log lines, grouped into requests once: the call graph when none is
  // declared, skipped and stopped steps, slow calls
  const requests = content.logs && content.logs.length ? requestsOf(content.logs, baseline.from, to) : [];
  const metrics = [...series.values()].sort((a, b) => (a.service === b.service ? (a.metric < b.metric ? -1 : 1) : a.service < b.service ? -1 : 1));

  const symptom = c.symptom && typeof c.symptom === 'object' ? (c.symptom as Record<string, unknown>) : null;
  const entry = typeof c.entry_service === 'string' ? c.entry_service : typeof symptom?.service === 'string' ? (symptom.service as string) : null;
  const candidates = Array.isArray(c.candidate_services) ? (c.candidate_services as unknown[]).filter((x): x is string => typeof x === 'string') : undefined;

  // the declared graph, else the one the spans or trace-correlated log lines show
  const declared = content.topology && content.topology.edges.length ? content.topology : null;
  const observed = declared ? null : observedTopology(content.spans ? spanCalls(toSignals(content.spans).filter(isSpan)) : [], requests);
  const given: TopologyInput['edges'] = declared
    ? declared.edges.map(([a, b, mode]) => ({ from: a, to: b, ...(mode ? { mode } : {}), attributes: {} }))
    : (observed?.edges ?? []);
  let topology: TopologyInput | null = null;
  if (given.length) {
    const ids = new Set(declared ? declared.nodes : observed!.nodes.map((n) => n.id));
    const edges = given.map((e) => [e.from, e.to] as [string, string]);
    for (const [a, b] of edges) ids.add(a).add(b);
    // An entry series outside the graph (Nezha's entry-sli: the front end's SLI as the load
    // generator sees it) observes the calls into the graph's roots.
    if (entry && !ids.has(entry)) {
      const called = new Set(edges.map(([, b]) => b));
      const rootsOf = [...new Set(edges.map(([a]) => a))].filter((a) => !called.has(a) && (!candidates || candidates.includes(a)));
      for (const r of rootsOf.sort()) edges.push([entry, r]);
      ids.add(entry);
    }
    topology = {
      nodes: [...ids].sort().map((id) => ({ id, type: 'service', attributes: {} })),
      edges: edges.map(([a, b], i) => ({ from: a, to: b, ...(given[i]?.mode ? { mode: given[i].mode } : {}), attributes: given[i]?.attributes ?? {} })),
    };
  }
  const calls = (topology?.edges ?? []).map((e) => [e.from, e.to] as const);

  return {
    incident: { service: entry, startedAt: inject * 1000 },
    window: { from, to },
    baseline,
    metrics,
    logClusters: content.logs && content.logs.length ? logClustersOf(content.logs, from, to, baseline.from, calls, requests) : [],
    changes: content.events ? toSignals(content.events) : [],
    topology,
    candidates,
    entryPoints: entry ? [entry] : undefined,
  };
}
