/**
 * The API speaks snake_case JSON. These functions turn domain objects into that shape, and the
 * zod schemas beside them document it in the OpenAPI document.
 */
import { z } from 'zod';
import type { KbDocument } from '../core/ports/index.js';
import type { Approval, CommandRecord, Connector, Evidence, FixPlan, Hypothesis, Incident, Topology } from '../core/schemas.js';
import { COMMAND_STATUSES, SEVERITIES, INCIDENT_STATUSES, EVIDENCE_KINDS, PLAN_STATUSES } from '../core/schemas.js';
import { maskDeep } from '../detectors/secrets.js';
import type { Citation, SearchResult } from '../kb/service.js';

const ts = z.string().describe('ISO-8601 timestamp');

export const IncidentView = z.object({
  id: z.string(),
  title: z.string(),
  service: z.string(),
  severity: z.enum(SEVERITIES),
  status: z.enum(INCIDENT_STATUSES),
  started_at: ts,
  opened_at: ts,
  opened_by: z.string().describe('"detector" or user:<id>'),
  resolved_at: ts.nullable(),
});
export const incidentView = (i: Incident): z.infer<typeof IncidentView> => ({
  id: i.id,
  title: i.title,
  service: i.service,
  severity: i.severity,
  status: i.status,
  started_at: i.startedAt,
  opened_at: i.openedAt,
  opened_by: i.openedBy,
  resolved_at: i.resolvedAt,
});

export const EvidenceView = z.object({
  id: z.string(),
  incident_id: z.string(),
  kind: z.enum(EVIDENCE_KINDS),
  summary: z.string(),
  ref: z.string().nullable().describe('What it points at, e.g. anomaly:<id>'),
  data: z.record(z.string(), z.unknown()),
  created_at: ts,
});
export const evidenceView = (e: Evidence): z.infer<typeof EvidenceView> => ({
  id: e.id,
  incident_id: e.incidentId,
  kind: e.kind,
  summary: e.summary,
  ref: e.ref,
  data: e.data,
  created_at: e.createdAt,
});

export const HypothesisView = z.object({
  id: z.string(),
  rank: z.number().int(),
  statement: z.string(),
  confidence: z.number(),
  service: z.string().nullable(),
  change_id: z.string().nullable(),
  evidence_ids: z.array(z.string()).min(1),
  counter_evidence: z.array(z.record(z.string(), z.unknown())),
  why_not: z.array(z.record(z.string(), z.unknown())),
});
export const hypothesisView = (h: Hypothesis): z.infer<typeof HypothesisView> => ({
  id: h.id,
  rank: h.rank,
  statement: h.statement,
  confidence: h.confidence,
  service: h.service,
  change_id: h.changeId,
  evidence_ids: h.evidenceIds,
  counter_evidence: h.counterEvidence,
  why_not: h.whyNot,
});

export const FixPlanView = z.object({
  id: z.string(),
  incident_id: z.string(),
  title: z.string(),
  env: z.string(),
  runner: z.string(),
  risk: z.enum(['low', 'medium', 'high']),
  status: z.enum(PLAN_STATUSES),
  requested_by: z.string(),
  steps: z.array(z.object({ action: z.string(), target: z.string(), params: z.record(z.string(), z.unknown()), command: z.string() })),
  rollback: z.array(z.object({ action: z.string(), target: z.string(), command: z.string() })).describe('How to undo each step, in order (fix catalog plans; empty when none was recorded)'),
  why: z.string().nullable().describe('Why this fix: the evidence, the choice, the runner-up (null for plans the catalog did not choose)'),
  analysis_id: z.string().nullable().describe('The stored analysis the plan was drafted from'),
  expect_within_minutes: z.number().int().nullable().describe("Minutes the fix catalog gives the fix to show its effect; the canary judge does not undo it for 'no effect' before then while a round is left (null: manual and thin-planner plans)"),
  created_at: ts,
  updated_at: ts,
});
export const fixPlanView = (p: FixPlan): z.infer<typeof FixPlanView> => ({
  id: p.id,
  incident_id: p.incidentId,
  title: p.title,
  env: p.env,
  runner: p.runner,
  risk: p.risk,
  status: p.status,
  requested_by: p.requestedBy,
  steps: p.steps,
  rollback: p.rollback ?? [],
  why: p.why ?? null,
  analysis_id: p.analysisId ?? null,
  expect_within_minutes: p.expectWithinMinutes ?? null,
  created_at: p.createdAt,
  updated_at: p.updatedAt,
});

export const ApprovalView = z.object({ id: z.string(), plan_id: z.string(), approver: z.string(), decision: z.enum(['approve', 'reject']), reason: z.string().nullable(), created_at: ts });
export const approvalView = (a: Approval): z.infer<typeof ApprovalView> => ({
  id: a.id,
  plan_id: a.planId,
  approver: a.approver,
  decision: a.decision,
  reason: a.reason,
  created_at: a.createdAt,
});

export const CommandView = z.object({
  id: z.string(),
  plan_id: z.string(),
  step: z.number().int(),
  runner: z.string(),
  command: z.string(),
  output: z.string(),
  exit_code: z.number().int(),
  status: z.enum(COMMAND_STATUSES).describe('simulated: a runner that changes nothing (the dry run) reported what it would have run'),
  started_at: ts,
  finished_at: ts,
  signature: z
    .object({ key_id: z.string(), sig: z.string() })
    .nullable()
    .describe('Ed25519 signature (hex) of the recorded command under the key of GET /v1/signing-key; null on commands recorded before signing began'),
});
export const commandView = (c: CommandRecord): z.infer<typeof CommandView> => ({
  id: c.id,
  plan_id: c.planId,
  step: c.step,
  runner: c.runner,
  command: c.command,
  output: c.output,
  exit_code: c.exitCode,
  status: c.status,
  started_at: c.startedAt,
  finished_at: c.finishedAt,
  signature: c.signature ? { key_id: c.signature.keyId, sig: c.signature.sig } : null,
});

export const TopologyView = z.object({
  version: z.number().int(),
  updated_at: ts,
  nodes: z.array(z.object({ id: z.string(), type: z.string(), attributes: z.record(z.string(), z.unknown()) })),
  edges: z.array(z.object({ from: z.string(), to: z.string(), attributes: z.record(z.string(), z.unknown()) })),
});
export const topologyView = (t: Topology): z.infer<typeof TopologyView> => ({ version: t.version, updated_at: t.updatedAt, nodes: t.nodes, edges: t.edges });

export const ConnectorView = z.object({ id: z.string(), kind: z.string(), name: z.string(), config: z.record(z.string(), z.unknown()), created_at: ts });
/** Connector settings come back with secret-looking values masked. */
export const connectorView = (c: Connector): z.infer<typeof ConnectorView> => ({
  id: c.id,
  kind: c.kind,
  name: c.name,
  config: maskDeep(c.config),
  created_at: c.createdAt,
});

// Knowledge base: the REST responses and `warroom kb search --json` print the same shape.

export const CitationView = z.object({
  rank: z.number().int().describe('1-based'),
  doc_id: z.string(),
  title: z.string(),
  path: z.string().nullable().describe('The document path or URL it was indexed from'),
  chunk_id: z.string(),
  heading: z.string().describe('The heading path joined with " > "'),
  heading_path: z.array(z.string()),
  line_start: z.number().int().describe('1-based, inclusive'),
  line_end: z.number().int(),
  snippet: z.string(),
  score: z.number().describe('Fused reciprocal-rank score in (0, 1]'),
  ranks: z.object({ lexical: z.number().int().optional(), vector: z.number().int().optional() }).describe('Rank of the document in each candidate list'),
});
export type CitationView = z.infer<typeof CitationView>;

export const citationView = (c: Citation, i: number): CitationView => ({
  rank: i + 1,
  doc_id: c.docId,
  title: c.title,
  path: c.uri,
  chunk_id: c.chunkId,
  heading: c.headingPath.join(' > '),
  heading_path: c.headingPath,
  line_start: c.lineStart,
  line_end: c.lineEnd,
  snippet: c.snippet,
  score: c.score,
  ranks: c.ranks,
});

export const SearchView = z.object({
  query: z.string().describe('The query as searched (with the incident context when incident_id was given)'),
  k: z.number().int(),
  model: z.string().describe('Embedding model of the vector side'),
  exact_vectors: z.boolean().describe('true when vectors were compared exhaustively (no pgvector on this server)'),
  incident: z
    .object({ id: z.string(), service: z.string(), alerts: z.array(z.string()), templates: z.array(z.string()) })
    .nullable()
    .describe('What the incident contributed to the query'),
  hits: z.array(CitationView),
});

export const searchView = (r: SearchResult, k: number): z.infer<typeof SearchView> => ({
  query: r.query,
  k,
  model: r.model,
  exact_vectors: r.exact,
  incident: r.incident,
  hits: r.hits.map(citationView),
});

export const DocumentView = z.object({
  id: z.string(),
  title: z.string(),
  source: z.string(),
  path: z.string().nullable(),
  mime: z.string(),
  bytes: z.number().int(),
  chunks: z.number().int(),
  content_hash: z.string(),
  embed_model: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});
export const documentView = (d: KbDocument): z.infer<typeof DocumentView> => ({
  id: d.id,
  title: d.title,
  source: d.source,
  path: d.uri,
  mime: d.mime,
  bytes: d.bytes,
  chunks: d.chunkCount,
  content_hash: d.contentHash,
  embed_model: typeof d.meta.embed_model === 'string' ? d.meta.embed_model : null,
  created_at: d.createdAt,
  updated_at: d.updatedAt,
});
