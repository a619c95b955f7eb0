/**
 * Domain types and their zod schemas. These are the canonical shapes at every seam: the API
 * validates against them, the OpenAPI document is generated from them, and the store returns them.
 */
import { z } from 'zod';

export const SCOPES = ['ingest', 'read', 'plan', 'approve', 'admin'] as const;
export const Scope = z.enum(SCOPES);
export type Scope = z.infer<typeof Scope>;

const Id = z.string().min(1).max(128);
const Json = z.record(z.string(), z.unknown());

/** Accepts an ISO-8601 string or epoch milliseconds; always yields an ISO string. */
export const Timestamp = z
  .union([z.iso.datetime({ offset: true }), z.number().int().nonnegative()])
  .transform((v) => new Date(v).toISOString())
  .describe('ISO-8601 timestamp with offset, or epoch milliseconds');

export const Org = z.object({ id: Id, name: z.string(), createdAt: z.string() });
export type Org = z.infer<typeof Org>;

export const USER_ROLES = ['viewer', 'responder', 'sre', 'admin'] as const;
export const User = z.object({
  id: Id,
  orgId: Id,
  name: z.string(),
  email: z.string().nullable(),
  role: z.enum(USER_ROLES),
  /** The person's Slack user id (U…), unique in the org; optional so a user built without chat (keys, tests) still is one. */
  slackUserId: z.string().nullable().optional(),
  /** The person's Microsoft Entra (AAD) object id as Teams sends it, unique in the org. */
  teamsAadObjectId: z.string().nullable().optional(),
});
export type User = z.infer<typeof User>;

export const ApiKeyRecord = z.object({
  id: Id,
  orgId: Id,
  userId: Id,
  name: z.string(),
  scopes: z.array(Scope),
  createdAt: z.string(),
});
export type ApiKeyRecord = z.infer<typeof ApiKeyRecord>;

// ---- signals ----------------------------------------------------------------------------

export const SIGNAL_KINDS = ['log', 'metric', 'event', 'deploy', 'flag'] as const;
export const SignalKind = z.enum(SIGNAL_KINDS);
export type SignalKind = z.infer<typeof SignalKind>;

/** Longest text kept per signal; longer text is truncated with a visible mark, never rejected. */
export const MAX_SIGNAL_TEXT = 64 * 1024;

export const SignalInput = z
  .object({
    id: Id.optional().describe('Client id; a retry with the same id is stored once'),
    source: z.string().min(1).max(200).describe('Where it came from, e.g. "prometheus", "fluentbit", "github"'),
    kind: SignalKind,
    ts: Timestamp,
    key: z.string().min(1).max(500).describe('Metric name, logger, deploy target or flag name'),
    value: z.number().finite().nullable().optional().describe('Numeric value (metrics)'),
    text: z.string().nullable().optional().describe('Log line or event text'),
    labels: z.record(z.string(), z.string()).optional().describe('Indexed labels, e.g. {service:"checkout"}'),
    meta: Json.optional().describe('Free-form attributes'),
  })
  .refine((s) => s.kind !== 'metric' || typeof s.value === 'number', {
    message: 'a metric signal needs a numeric value',
    path: ['value'],
  });
export type SignalInput = z.input<typeof SignalInput>;

export interface Signal {
  id: string;
  orgId: string;
  source: string;
  kind: SignalKind;
  ts: string;
  key: string;
  value: number | null;
  text: string | null;
  labels: Record<string, string>;
  meta: Record<string, unknown>;
}

// ---- topology ---------------------------------------------------------------------------

export const TopologyNode = z.object({
  id: Id,
  type: z.string().min(1).max(64).describe('service, database, cache, queue, external…'),
  attributes: Json.default({}),
});
export const TopologyEdge = z.object({
  from: Id.describe('caller'),
  to: Id.describe('callee'),
  mode: z
    .enum(['sync', 'async'])
    .optional()
    .describe('sync (default): the caller waits for the answer; async: a hand-off through a queue or stream that the caller does not wait on (a broker delivering to its consumers)'),
  attributes: Json.default({}),
});
export const TopologyInput = z
  .object({ nodes: z.array(TopologyNode).max(10_000), edges: z.array(TopologyEdge).max(100_000) })
  .superRefine((t, ctx) => {
    const ids = new Set(t.nodes.map((n) => n.id));
    t.edges.forEach((e, i) => {
      for (const end of ['from', 'to'] as const) {
        if (!ids.has(e[end])) ctx.addIssue({ code: 'custom', path: ['edges', i, end], message: `unknown node "${e[end]}"` });
      }
    });
  });
export type TopologyInput = z.output<typeof TopologyInput>;
export interface Topology extends TopologyInput {
  orgId: string;
  version: number;
  updatedAt: string;
}

// ---- connectors -------------------------------------------------------------------------

export const CONNECTOR_KINDS = ['prometheus', 'loki', 'otlp', 'webhook', 'github', 'kubernetes', 'slack', 'teams', 'nats', 'folder'] as const;
export const ConnectorInput = z.object({
  kind: z.enum(CONNECTOR_KINDS),
  name: z.string().min(1).max(200),
  config: Json.default({}).describe('Connector settings; values under keys that look secret are masked when read back'),
});
export type ConnectorInput = z.output<typeof ConnectorInput>;
export interface Connector extends ConnectorInput {
  id: string;
  orgId: string;
  createdAt: string;
}

// ---- incidents, anomalies, evidence, hypotheses -----------------------------------------

export const SEVERITIES = ['sev1', 'sev2', 'sev3', 'sev4'] as const;
export const Severity = z.enum(SEVERITIES);
export type Severity = z.infer<typeof Severity>;
export const INCIDENT_STATUSES = ['open', 'mitigated', 'resolved', 'closed'] as const;

export const IncidentOpenInput = z.object({
  title: z.string().min(1).max(500),
  service: z.string().min(1).max(200),
  severity: Severity.default('sev3'),
  started_at: Timestamp.optional().describe('When it began; lets recorded incidents be replayed'),
});
export type IncidentOpenInput = z.output<typeof IncidentOpenInput>;

export interface Incident {
  id: string;
  orgId: string;
  title: string;
  service: string;
  severity: Severity;
  status: (typeof INCIDENT_STATUSES)[number];
  startedAt: string;
  openedAt: string;
  openedBy: string;
  resolvedAt: string | null;
}

export interface Anomaly {
  id: string;
  orgId: string;
  service: string;
  series: string;
  ts: string;
  value: number;
  baseline: number;
  score: number;
  direction: 'up' | 'down';
  detector: string;
  signalId: string | null;
}

export const EVIDENCE_KINDS = ['anomaly', 'log_cluster', 'change', 'metric_delta', 'topology_path', 'signal', 'note'] as const;
export interface Evidence {
  id: string;
  orgId: string;
  incidentId: string;
  kind: (typeof EVIDENCE_KINDS)[number];
  summary: string;
  ref: string | null;
  data: Record<string, unknown>;
  createdAt: string;
}

export interface Hypothesis {
  id: string;
  orgId: string;
  incidentId: string;
  rank: number;
  statement: string;
  confidence: number;
  service: string | null;
  changeId: string | null;
  evidenceIds: string[];
  counterEvidence: Record<string, unknown>[];
  whyNot: Record<string, unknown>[];
  createdAt: string;
}

// ---- fix plans, approvals, commands -----------------------------------------------------

export const ENVIRONMENTS = ['prod', 'staging', 'dev'] as const;
export type Environment = (typeof ENVIRONMENTS)[number];
export const RUNNERS = ['dryrun', 'sandbox'] as const;
/** `dry_run`: run by a runner that changes nothing (its commands are `simulated`); `executed`: a real runner ran every step. */
export const COMMAND_STATUSES = ['succeeded', 'simulated', 'failed'] as const;
export type CommandStatus = (typeof COMMAND_STATUSES)[number];

export const PLAN_STATUSES = ['pending_approval', 'approved', 'rejected', 'executing', 'executed', 'dry_run', 'failed'] as const;
export type PlanStatus = (typeof PLAN_STATUSES)[number];

export const FixStep = z.object({
  action: z.string().describe('rollback, restart, scale, flag_off, config_revert…'),
  target: z.string().describe('the service or resource acted on'),
  params: Json.default({}),
  command: z.string().describe('the exact command a runner will execute'),
});
export type FixStep = z.output<typeof FixStep>;

export interface FixPlan {
  id: string;
  orgId: string;
  incidentId: string;
  title: string;
  env: Environment;
  runner: string;
  risk: 'low' | 'medium' | 'high';
  steps: FixStep[];
  status: PlanStatus;
  requestedBy: string;
  createdAt: string;
  updatedAt: string;
  /** How to undo each step (the fix catalog's), in order; empty when the planner recorded none. */
  rollback?: { action: string; target: string; command: string }[];
  /** Why this fix: the evidence it rests on, the choice, the runner-up (fix catalog plans). */
  why?: string | null;
  /** The stored analysis it was drafted from, when one drove it. */
  analysisId?: string | null;
  /** Minutes the fix's catalog entry expects it to take to show its effect; null for manual plans. */
  expectWithinMinutes?: number | null;
}

/** The preflight gates, in the order they run (usecases/preflight.ts). */
export const PREFLIGHT_GATES = ['dry_run', 'policy', 'slo_budget', 'drift'] as const;
export type PreflightGateName = (typeof PREFLIGHT_GATES)[number];

/** One preflight gate's verdict: passed or not, why in one sentence, and what it looked at. */
export interface PreflightGate {
  name: PreflightGateName;
  passed: boolean;
  reason: string;
  details: Record<string, unknown>;
}

/** A preflight run of a plan, stored with it and never changed. */
export interface PreflightRecord {
  id: string;
  orgId: string;
  planId: string;
  passed: boolean;
  gates: PreflightGate[];
  ms: number;
  /** The actor who ran it (`user:<id>`). */
  runBy: string;
  createdAt: string;
}

/** The canary judge's decision on an executed plan (remediate/verify/judge.ts): keep, stop and look, or undo. */
export const VERIFY_DECISIONS = ['continue', 'halt', 'rollback'] as const;
export type VerifyDecision = (typeof VERIFY_DECISIONS)[number];
/**
 * What a verdict rests on: `healed` and `improving` (continue), `worse` (rollback), `no_effect`
 * (halt: measured, nothing moved; the fix is undone) and `too_few_samples` (halt: unknown; looked
 * at again). Improving and too few samples call for another round (usecases/verify.ts).
 */
export const VERIFY_BASES = ['healed', 'improving', 'worse', 'no_effect', 'too_few_samples'] as const;
export type VerifyBasis = (typeof VERIFY_BASES)[number];
/** One signal of one impacted service, before against after: the test, its p-value and what it says. */
export interface VerifyCheck {
  signal: 'error_rate' | 'latency_p95' | 'burn_rate' | `saturation:${string}`;
  service: string;
  pre: number | null;
  post: number | null;
  test: string;
  p: number | null;
  verdict: 'better' | 'worse' | 'unchanged' | 'insufficient';
  reason: string;
}
/** One round of a plan's verification, stored once and never changed (usecases/verify.ts). */
export interface VerificationRecord {
  id: string;
  orgId: string;
  planId: string;
  incidentId: string;
  /** 1 for the first verdict; a not-yet-healed fix is judged again in later rounds, each its own row. */
  round: number;
  decision: VerifyDecision;
  /** What the verdict rests on; null on rows recorded without one. */
  basis: VerifyBasis | null;
  /** When the next round is due; null: this round is final. */
  nextRoundAt: string | null;
  healed: boolean;
  message: string;
  checks: VerifyCheck[];
  services: string[];
  windows: { pre: { from: string; to: string }; post: { from: string; to: string } };
  /** The judge's compute time. */
  ms: number;
  runBy: string;
  createdAt: string;
}

export interface Approval {
  id: string;
  orgId: string;
  planId: string;
  approver: string;
  decision: 'approve' | 'reject';
  reason: string | null;
  createdAt: string;
}

export interface CommandRecord {
  id: string;
  orgId: string;
  planId: string;
  step: number;
  runner: string;
  command: string;
  output: string;
  exitCode: number;
  /** `simulated`: a runner that changes nothing reported what it would have run. */
  status: CommandStatus;
  startedAt: string;
  finishedAt: string;
  /** Ed25519 signature of the row (core/signing.ts), set by the store that records it; null on commands recorded before signing began. */
  signature?: { keyId: string; sig: string } | null;
}

// ---- audit ------------------------------------------------------------------------------

export interface AuditInput {
  actor: string;
  action: string;
  target: string;
  payload: Record<string, unknown>;
}
export interface AuditEntry extends AuditInput {
  orgId: string;
  seq: number;
  ts: string;
  prevHash: string;
  hash: string;
  /** SHA-256 (hex) of the content; absent on rows written before migration 017 (core/audit-chain.ts). */
  digest?: string | null;
  /** HMAC-SHA256 (hex) of the content under the audit key; null when written without a key. */
  sig?: string | null;
}
