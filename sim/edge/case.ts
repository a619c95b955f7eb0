/**
 * A scenario as an RCA case: its signals, topology and case summary as plain data, row for row
 * what the case loaders (rca/cases.ts) read back from a recorded-incident folder (the layout of
 * `../shared/data/rca`). The one converter from the simulator to a case: `warroom sim export`
 * writes this content as files (export.ts), the rca-sandbox eval analyses it in memory, so both
 * see the same case. Pure: it steps a World and touches no files.
 *
 * - metrics   `{ts, service, metric, value, instance?}` (ts in unix seconds; no instance for service roll-ups)
 * - logs      `{ts, service, pod, level, message}` (ts in unix seconds with milliseconds)
 * - events    deploys, flag and config changes, Kubernetes events, as ingestable signals
 * - spans     trace spans, when the scenario samples traces
 * - topology  the service graph in the shape of `PUT /v1/topology`
 * - caseJson  the case summary (window, incident start, candidate services, labels)
 */
import type { SignalInput, TopologyInput } from '../../core/schemas.js';
import type { LogRow, MetricRow } from '../../rca/cases.js';
import { groundTruthDoc, type GroundTruthDoc } from '../generate.js';
import type { Scenario } from '../schema.js';
import { toTopologyInput } from '../topology.js';
import { World, type Chunk, type WorldOptions } from '../world.js';

/** A line of logs.jsonl (the loader keeps all but `level`). */
export interface CaseLogRow extends LogRow {
  level?: string;
}

export interface CaseSignals {
  metrics: MetricRow[];
  logs: CaseLogRow[];
  events: Record<string, unknown>[];
  spans: Record<string, unknown>[];
}

/** A stretch of the scenario, epoch ms: from inclusive, to exclusive. */
export interface CaseWindow {
  fromMs: number;
  toMs: number;
}

export interface SimCase extends CaseSignals {
  /** case.json, labels included (the loaders strip them). */
  caseJson: Record<string, unknown>;
  topology: TopologyInput;
  truth: GroundTruthDoc;
  window: CaseWindow;
}

const msOf = (ts: SignalInput['ts']): number => (typeof ts === 'number' ? ts : Date.parse(ts));

/** Unix seconds, kept to the millisecond (what the files hold). */
const secondsOf = (ts: SignalInput['ts']): number => Number((msOf(ts) / 1000).toFixed(3));

/**
 * One step's signals as case rows; with a window, only those stamped inside it. A step's spans
 * and the log lines of its sampled requests are stamped from its start on (child calls can begin
 * after it ends); all else before its end. So of a step that ends before the window, only those
 * can fall inside.
 */
export function stepRows(c: Chunk, window?: CaseWindow): CaseSignals {
  const inside = window ? (s: SignalInput) => msOf(s.ts) >= window.fromMs && msOf(s.ts) < window.toMs : () => true;
  const out: CaseSignals = { metrics: [], logs: [], events: [], spans: [] };
  const early = !!window && c.to <= window.fromMs;
  if (!early) {
    for (const s of c.metrics) {
      if (!inside(s)) continue;
      const row: MetricRow = { ts: secondsOf(s.ts), service: s.labels!.service, metric: s.key, value: s.value as number };
      if (s.labels!.instance) row.instance = s.labels!.instance;
      out.metrics.push(row);
    }
    for (const s of c.events) if (inside(s)) out.events.push(s as unknown as Record<string, unknown>);
  }
  // before the window, most lines are skipped by comparing texts (ISO times sort as text)
  const fromIso = early ? new Date(window.fromMs).toISOString() : '';
  for (const s of c.logs) {
    if (early && typeof s.ts === 'string' && s.ts < fromIso) continue;
    if (inside(s)) out.logs.push({ ts: secondsOf(s.ts), service: s.labels!.service, pod: s.labels!.instance, level: s.labels!.level, message: s.text ?? '' });
  }
  for (const s of c.spans) if (inside(s)) out.spans.push(s as unknown as Record<string, unknown>);
  return out;
}

/**
 * How far before its start a step's signals can be stamped: service roll-ups carry the start of
 * the steps they average, changes and Kubernetes events raised during a step go out with the next.
 */
export const stampLagMs = (w: World): number => Math.max(1, w.svcEvery - 1) * w.stepMs;

/**
 * Steps the world and yields each step's rows: to the scenario's end, or with a window until no
 * later step can hold a signal stamped inside it.
 */
export function* caseSteps(w: World, window?: CaseWindow): Generator<CaseSignals> {
  while (!w.done) {
    if (window && w.t >= window.toMs + stampLagMs(w)) return;
    yield stepRows(w.step(), window);
  }
}

/** The whole scenario as a window. */
export function scenarioWindow(scenario: Scenario): CaseWindow {
  return { fromMs: scenario.startMs, toMs: scenario.startMs + scenario.durationMs };
}

export interface CaseCounts {
  metric_points: number;
  log_lines: number;
  spans: number;
}

/**
 * case.json: the window, the incident start (the earliest fault's injection; none for a calm
 * scenario, which loaders read as the window's middle) and, as labels, that fault's kind and root cause.
 */
export function caseJsonOf(scenario: Scenario, truth: GroundTruthDoc, window: CaseWindow, counts: CaseCounts): Record<string, unknown> {
  const first = [...truth.faults].sort((a, b) => Date.parse(a.start) - Date.parse(b.start))[0];
  return {
    id: scenario.id,
    dataset: 'warroom-sim',
    system: scenario.topology.name,
    fault_type: first?.kind ?? null,
    root_cause_service: first?.root_cause_service ?? null,
    root_cause_pod: first?.instance ?? null,
    inject_time: first?.start ?? null,
    inject_ts: first ? Math.floor(Date.parse(first.start) / 1000) : null,
    window: { start_ts: Math.floor(window.fromMs / 1000), end_ts: Math.floor(window.toMs / 1000) },
    candidate_services: scenario.topology.services.map((s) => s.id),
    entry_service: scenario.topology.entry.service,
    notes: `Generated by the Warroom sandbox from scenario "${scenario.id}" (seed ${scenario.seed}). ${scenario.description}`.trim(),
    signals: {
      metrics: 'metrics.csv',
      metric_points: counts.metric_points,
      logs: 'logs.jsonl',
      log_lines: counts.log_lines,
      events: 'events.jsonl',
      deploys: 'events.jsonl',
      traces: counts.spans ? 'spans.jsonl' : null,
      topology: 'topology.json',
    },
  };
}

/** What a finished (or stopped) world adds to its signals: case.json, topology, ground truth. */
export function caseSummary(w: World, window: CaseWindow, counts: CaseCounts): { caseJson: Record<string, unknown>; topology: TopologyInput; truth: GroundTruthDoc } {
  const truth = groundTruthDoc(w);
  return { caseJson: caseJsonOf(w.scenario, truth, window, counts), topology: toTopologyInput(w.scenario.topology), truth };
}

/**
 * A scenario's case in memory: the whole scenario, or the signals stamped inside `window`. The
 * world always runs from the scenario's start, so state such as earlier deploys is the same as in
 * a full export; with a window, it stops shortly after it, and the ground truth covers what
 * happened up to there.
 */
export function simCase(scenario: Scenario, opts: WorldOptions = {}, window?: CaseWindow): SimCase {
  const w = new World(scenario, opts);
  const all: CaseSignals = { metrics: [], logs: [], events: [], spans: [] };
  for (const rows of caseSteps(w, window)) {
    for (const r of rows.metrics) all.metrics.push(r);
    for (const r of rows.logs) all.logs.push(r);
    for (const r of rows.events) all.events.push(r);
    for (const r of rows.spans) all.spans.push(r);
  }
  const win = window ?? scenarioWindow(scenario);
  return { ...all, ...caseSummary(w, win, { metric_points: all.metrics.length, log_lines: all.logs.length, spans: all.spans.length }), window: win };
}
