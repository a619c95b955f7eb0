/**
 * The plain-data shapes of the analysis core: what `analyze()` takes and what it returns.
 * Times are epoch milliseconds or ISO-8601 strings on the way in and epoch milliseconds inside.
 */
import type { Anomaly, Signal, TopologyInput } from '../core/schemas.js';

/** A point in time: epoch milliseconds or an ISO-8601 string. */
export type Instant = number | string;

export interface TimeRange {
  from: Instant;
  to: Instant;
}

export interface MetricPoint {
  ts: Instant;
  value: number;
}

/** One raw series: the points in the window and before it (the baseline). */
export interface MetricSeriesInput {
  service: string;
  metric: string;
  /** Pod, host or shard; series of the same service and metric with different instances are scored apart. */
  instance?: string;
  points: MetricPoint[];
}

/** A log template of one service with its counts before and during the incident. */
export interface LogClusterInput {
  service: string;
  templateId: string;
  template: string;
  /** Lines in the baseline period. */
  countsBefore: number;
  /** Lines in the incident window. */
  countsDuring: number;
  level?: string | null;
  /** One masked example line. */
  exemplar?: string | null;
  /** First seen during the incident (the clusterer's view); derived from countsBefore = 0 when absent. */
  novel?: boolean;
  /** Seconds of log coverage before / during; default the baseline and window lengths. */
  secondsBefore?: number;
  secondsDuring?: number;
  /**
   * Derived from trace-correlated logs, not written by the service: requests that skipped one of
   * its expected steps or stopped inside it (rca/trace-patterns.ts), or its slow calls
   * (rca/slow-calls.ts). Counts and exposures (`secondsBefore/During`) are then requests or calls,
   * not lines and seconds.
   */
  derived?: 'skipped-step' | 'stopped-step' | 'slow-call';
}

/** A service-level objective the blast radius reports on. */
export interface SloInput {
  name: string;
  service: string;
  metric: string;
  /** Which way is bad: latency and errors go up, success rates go down. */
  bad: 'up' | 'down';
  objective?: number;
}

/** Everything analyze() looks at. Labels (the known answer) never belong here. */
export interface AnalysisInput {
  incident: { id?: string; service?: string | null; startedAt: Instant; title?: string };
  /**
   * The analysis window. The incident period is [max(window.from, incident.startedAt), window.to];
   * points in [window.from, startedAt) are the lead-in, which tells a shift that began with the
   * incident from one that was already there.
   */
  window: TimeRange;
  /** The reference period; default: every point before window.from. */
  baseline?: TimeRange;
  metrics: MetricSeriesInput[];
  /** Anomalies from the streaming detector (core Anomaly); may be empty. */
  anomalies?: Anomaly[];
  logClusters?: LogClusterInput[];
  /** Deploy, flag and config signals; may be empty. */
  changes?: Signal[];
  /** Service graph, edges caller → callee; absent → inferred. */
  topology?: TopologyInput | null;
  /** Services that may be blamed; default every service seen in the input. */
  candidates?: string[];
  /** Customer-facing services; default the topology's roots plus the incident's service. */
  entryPoints?: string[];
  slos?: SloInput[];
  /** Per-service history of changes: how many shipped and how many failed (DORA change failure rate). */
  changeHistory?: Record<string, { changes: number; failures: number }>;
  options?: Partial<AnalysisOptions>;
}

/** Tunables with one set of defaults for every dataset (see DEFAULT_OPTIONS). */
export interface AnalysisOptions {
  /** Changes within ± this many ms of the incident start are correlated (issue: ±30 min). */
  changeWindowMs: number;
  /** How many hypotheses to draft at most. */
  topN: number;
  /** Below this confidence the answer is "no confident hypothesis". */
  abstainBelow: number;
  /** A metric delta counts as anomalous from this robust z on. */
  zThreshold: number;
}

// ---- results ----------------------------------------------------------------------------

export type MetricKind = 'latency' | 'errors' | 'success' | 'traffic' | 'saturation' | 'other';
export type MetricSide = 'server' | 'client' | 'host' | 'self' | 'edge';

/** Robust before/after comparison of one series. */
export interface MetricDelta {
  service: string;
  metric: string;
  instance: string | null;
  kind: MetricKind;
  side: MetricSide;
  baselineMedian: number | null;
  /** Robust σ of the baseline (1.4826·MAD with floors). */
  baselineScale: number | null;
  incidentMedian: number | null;
  /** Typical incident-period shift in baseline σ, signed, capped. */
  z: number;
  /** Largest single-point shift in baseline σ, signed, capped. */
  peakZ: number;
  /** The typical shift in the metric's own unit (incident minus baseline median), signed. */
  shift: number;
  direction: 'up' | 'down' | 'flat';
  /** The shift goes the bad way for this kind of metric (latency up, success down…). */
  harmful: boolean;
  /** 0..1 evidence strength after the kind weight and the dead band. */
  score: number;
  /** Sign-test p-value: chance of this many incident points beyond the sustained level under the baseline. */
  tailP: number;
  /** 0..1 strength of a drop in a load-driven metric (the service received less: its callers' doing). */
  loadDrop: number;
  /** First incident point from which the series stays beyond the threshold (epoch ms). */
  onset: number | null;
  nBaseline: number;
  nIncident: number;
  status: 'ok' | 'constant' | 'insufficient_baseline' | 'no_incident_points' | 'shared' | 'pre_existing';
}

export interface ServiceLogEvidence {
  service: string;
  score: number;
  novelTemplates: number;
  errorRateBefore: number;
  errorRateDuring: number;
  top: {
    templateId: string;
    template: string;
    exemplar: string | null;
    before: number;
    during: number;
    novel: boolean;
    level: string | null;
    /** Derived from trace-correlated logs: counts are requests or calls, out of `exposure` of them. */
    derived?: LogClusterInput['derived'];
    exposure?: { before: number; during: number };
  }[];
  /** Error templates of this service that name another service: evidence about that one. */
  references: { service: string; strength: number; templateId: string; template: string }[];
  /** Strength of requests missing this service's expected steps (skipped or stopped in it; 0..1), kept out of `score`. */
  skipped: number;
  /** Strength of its slow calls (0..1), kept out of `score`. */
  slowCalls: number;
}

export interface ServiceAnomaly {
  service: string;
  /** 0..1: how anomalous the service's own (server-side, resource, error, log) signals are. */
  own: number;
  /** The own score of each metric family (latency:server:…, saturation:self:cpu, logs, detector). */
  families: Record<string, number>;
  /** 0..1: how anomalous its outbound (client-side) calls look. */
  client: number;
  /** 0..1: how much less load it received (requests, CPU, network fell): points at its callers. */
  starved: number;
  /**
   * Keys of `families` whose evidence is only a drop of the load the service received (request
   * rate, CPU, network falling; a detector's alarm on such a series going down): its callers sent
   * less, so this evidence explains nothing about them.
   */
  loadDropFamilies: string[];
  onset: number | null;
  topDeltas: MetricDelta[];
  detectorAnomalies: number;
  logs: ServiceLogEvidence | null;
}

export interface GraphEdge {
  from: string;
  to: string;
  /** given: declared, or derived from trace spans ('spans') or trace-correlated logs ('trace-logs'). */
  source: 'given' | 'spans' | 'trace-logs' | 'co-anomaly' | 'log-reference';
  weight: number;
  /**
   * 'async': a hand-off through a queue or stream (the caller does not wait for the callee), so the
   * callee's errors and latency never reach the caller's responses. Absent: a call the caller waits on.
   */
  mode?: 'async';
}

export interface ChangeCorrelation {
  changeId: string;
  service: string;
  kind: string;
  key: string;
  ts: number;
  /** Minutes from the change to the service's anomaly onset (or the incident start); positive = change first. */
  leadMinutes: number;
  /** What `leadMinutes` was measured to: the changed service's onset, or the incident start when that service shows none. */
  leadFrom: 'onset' | 'incident_start';
  factors: { magnitude: number; temporal: number; centrality: number; priorFailureRate: number };
  /** Change-impact likelihood L in [0,1]. */
  likelihood: number;
}

export interface ImpactedService {
  service: string;
  depth: number;
  path: string[];
  impact: number;
  topMetric: string | null;
  z: number | null;
  entryPoint: boolean;
}

export interface BlastRadius {
  root: string | null;
  impacted: ImpactedService[];
  entryPoints: string[];
  slos: { name: string; service: string; metric: string; baseline: number | null; during: number | null; z: number; breached: boolean }[];
}

export interface RankedService {
  service: string;
  score: number;
  parts: {
    own: number;
    client: number;
    blame: number;
    starvedCallees: number;
    /** Surging error logs of its callers that name it. */
    namedInLogs: number;
    /** Requests that missed its expected steps: skipped them while later steps ran, or stopped in it (trace-correlated logs). */
    skippedSteps: number;
    /** Calls into it (or from it) that took far longer than before, request by request. */
    slowCalls: number;
    /** The dependency that best explains the service's anomaly, when one does. */
    explainedBy: string | null;
    /** How much of it that dependency explains (0..1). */
    explainedByDependency: number;
    /** What explains it: an anomalous dependency, or its own outbound calls slowing down as much. */
    explainedVia: 'dependency' | 'outbound' | 'load' | null;
    /** explainedVia 'load': the service extra load was aimed at, that passed it on to this one (rca/ranking.ts aimedLoad). */
    loadFrom?: string | null;
    explained: number;
    logs: number;
    change: number;
    upstream: number;
  };
}

/** An evidence item the caller stores as an Evidence row and references by `id`. */
export interface EvidenceItem {
  id: string;
  kind: 'anomaly' | 'log_cluster' | 'change' | 'metric_delta' | 'topology_path' | 'signal' | 'note';
  summary: string;
  ref: string | null;
  data: Record<string, unknown>;
}

export interface DraftHypothesis {
  rank: number;
  statement: string;
  confidence: number;
  service: string;
  changeId: string | null;
  /** Ids of EvidenceItem rows; never empty. */
  evidenceIds: string[];
  counterEvidence: { kind: string; summary: string; data: Record<string, unknown> }[];
  whyNot: { service: string; changeId: string | null; reason: string }[];
}

export interface AnalysisResult {
  window: { from: number; to: number; baselineFrom: number | null; baselineTo: number };
  metricDeltas: MetricDelta[];
  /** Anomalous deltas grouped per series key `service/metric[/instance]`. */
  anomaliesBySeries: Record<string, MetricDelta>;
  services: ServiceAnomaly[];
  logClusters: ServiceLogEvidence[];
  topology: { nodes: string[]; edges: GraphEdge[]; inferred: boolean; centrality: Record<string, number> };
  correlations: ChangeCorrelation[];
  blastRadius: BlastRadius;
  ranking: RankedService[];
  evidence: EvidenceItem[];
  hypotheses: DraftHypothesis[];
  /** "confident" when the top hypothesis clears the abstain threshold, else "no confident hypothesis". */
  verdict: 'confident' | 'no confident hypothesis';
  notes: string[];
}
