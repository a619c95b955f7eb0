/**
 * Detection on the sandbox, in signal time and in memory: a scenario (with a calm lead-in so the
 * learned detectors are warm when the fault comes) streams through the same DetectionEngine and
 * correlation policy the pipeline runs, and the incidents it would open are compared with the
 * scenario's ground truth. No database: the pipeline's store-backed path is covered by the
 * pipeline tests; this measures what the detectors and the policy decide.
 */
import { readFileSync } from 'node:fs';
import type { Signal, SignalInput } from '../../core/schemas.js';
import { DetectionEngine, slosFromTopology } from '../../detectors/stream/engine.js';
import { DEFAULT_POLICY, type CorrelationPolicy } from '../../detectors/stream/grouping.js';
import { MemoryCorrelator, type MemoryIncident } from '../../detectors/stream/memory-correlator.js';
import { rawTopologies } from '../../sim/edge/library.js';
import { flatten, run } from '../../sim/generate.js';
import { parseScenario } from '../../sim/scenario.js';
import type { Scenario } from '../../sim/schema.js';
import { toTopologyInput } from '../../sim/topology.js';
import { parseDuration } from '../../core/duration.js';
import type { World } from '../../sim/world.js';

export interface FaultOutcome {
  id: string;
  kind: string;
  root: string;
  startMs: number;
  /**
   * Signal time of the detection: the first incident opened at or after the fault started, or a
   * primary finding on the root cause attached to an incident already open.
   */
  detectedMs: number | null;
  /** The detecting incident's services include the root cause (by the end of the scenario). */
  onRoot: boolean;
  incidentId: string | null;
}

export interface DetectReplay {
  scenario: string;
  tags: string[];
  faults: FaultOutcome[];
  /** Incidents opened before the first fault (or at all, in a calm scenario). */
  falseIncidents: MemoryIncident[];
  incidents: MemoryIncident[];
  anomalies: number;
  signals: number;
}

export interface ReplayOptions {
  /** Calm history before the scenario (default 2 days: the seasonal detector's warm-up). */
  leadInMs?: number;
  /** Logs flow only for this long before the scenario (the lead-in's logs cost time and teach little). */
  logLeadInMs?: number;
  policy?: CorrelationPolicy;
}

const shift = (at: string, ms: number) => `${Math.round((parseDuration(at)! + ms) / 1000)}s`;

/** The scenario with `leadInMs` of calm before it: same faults at the same wall-clock times. */
export function withLeadIn(raw: Record<string, unknown>, leadInMs: number): Scenario {
  const r = structuredClone(raw) as Record<string, unknown> & { start: string; duration: string; faults?: { at: string }[]; red_herrings?: { at: string }[]; remedies?: { at: string }[] };
  r.start = new Date(Date.parse(r.start) - leadInMs).toISOString();
  r.duration = shift(r.duration, leadInMs);
  for (const list of [r.faults, r.red_herrings, r.remedies]) for (const x of list ?? []) x.at = shift(x.at, leadInMs);
  return parseScenario(r, { topologies: rawTopologies(), source: String(r.id) });
}

function toSignal(s: SignalInput, i: number): Signal {
  return {
    id: `s${i}`,
    orgId: 'eval',
    source: s.source,
    kind: s.kind,
    ts: typeof s.ts === 'number' ? new Date(s.ts).toISOString() : new Date(s.ts as string).toISOString(),
    key: s.key,
    value: s.value ?? null,
    text: s.text ?? null,
    labels: s.labels ?? {},
    meta: (s.meta ?? {}) as Record<string, unknown>,
  };
}

export function replayDetection(file: string, o: ReplayOptions = {}): DetectReplay {
  const raw = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  const leadIn = o.leadInMs ?? 2 * 86_400_000;
  const logLead = Math.min(leadIn, o.logLeadInMs ?? 90 * 60_000);
  const scenario = withLeadIn(raw, leadIn);
  const startMs = scenario.startMs + leadIn;
  const topology = toTopologyInput(scenario.topology);
  const engine = new DetectionEngine({ org: 'eval' });
  engine.setSlos(slosFromTopology(topology));
  const correlator = new MemoryCorrelator(o.policy ?? DEFAULT_POLICY, topology.edges);
  const logsPerMin = scenario.baseline.logs_per_min;
  let n = 0;
  let anomalies = 0;
  const world: World = run(scenario, { logsPerMin: leadIn > logLead ? 0 : logsPerMin, instanceMetrics: '1m' }, (c, w) => {
    // Logs are switched on `logLead` before the scenario proper (their own rng: metrics are unchanged).
    if (c.to >= startMs - logLead && w.logsPerMin !== logsPerMin) (w as { logsPerMin: number }).logsPerMin = logsPerMin;
    const signals = flatten(c).map((s) => toSignal(s, n++));
    const found = engine.process(signals);
    anomalies += found.length;
    correlator.add(found, new Date(c.to).toISOString());
  });
  const truth = world.groundTruth();
  const firstFault = truth.length ? Math.min(...truth.map((f) => Date.parse(f.start))) : Infinity;
  const incidents = correlator.incidents;
  const faults: FaultOutcome[] = truth.map((f) => {
    const at = Date.parse(f.start);
    const opened = incidents.filter((i) => Date.parse(i.openedAt) >= at).map((i) => ({ i, t: Date.parse(i.openedAt) }));
    // Or a primary finding on the root cause attached to an incident already open (a second fault
    // while the first is being handled is new evidence there, not a new incident).
    const joined = incidents
      .filter((i) => Date.parse(i.openedAt) < at)
      .flatMap((i) => (i.primaryAt[f.root_cause_service] ?? []).filter((t) => Date.parse(t) >= at).slice(0, 1).map((t) => ({ i, t: Date.parse(t) })));
    const hit = [...opened, ...joined].sort((a, b) => a.t - b.t)[0];
    return {
      id: f.id,
      kind: f.kind,
      root: f.root_cause_service,
      startMs: at,
      detectedMs: hit ? hit.t : null,
      onRoot: hit ? hit.i.services.has(f.root_cause_service) : false,
      incidentId: hit?.i.id ?? null,
    };
  });
  return {
    scenario: String(raw.id),
    tags: scenario.tags,
    faults,
    falseIncidents: incidents.filter((i) => Date.parse(i.openedAt) < firstFault),
    incidents,
    anomalies,
    signals: n,
  };
}
