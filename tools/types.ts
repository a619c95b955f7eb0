/**
 * The agent's tool shape. A tool is a read-only view of the core, called as the person who asked
 * (its `Session` carries their principal and scopes). It returns a result, never throws to the
 * model: ok / no_data / error, where an error names the valid values so a model can correct itself.
 */
import type { z } from 'zod';
import type { KnowledgeBase } from '../kb/service.js';
import type { Session } from '../usecases/session.js';

/** What a citation points at: a stored row the chat can link to. */
export const CITATION_KINDS = ['incident', 'evidence', 'hypothesis', 'anomaly', 'change', 'knowledge', 'log_template', 'metric', 'analysis'] as const;
export type CitationKind = (typeof CITATION_KINDS)[number];

/** A structured citation: `ref` is the API path (with an anchor) that shows the row. */
export interface Citation {
  id: string;
  kind: CitationKind;
  title: string;
  ref: string;
}

export type ToolStatus = 'ok' | 'no_data' | 'error';

export interface ToolResult<D = unknown> {
  status: ToolStatus;
  data: D | null;
  citations: Citation[];
  /** For `error`: what went wrong and the values that would have worked. */
  error?: string;
  /** Set by the registry when the result was cut to its size bound. */
  truncated?: string[];
}

/** What a tool runs with: the asker's session and the process's knowledge base. */
export interface ToolContext {
  session: Session;
  kb?: KnowledgeBase;
}

export interface AgentTool<S extends z.ZodObject = z.ZodObject> {
  name: string;
  /** Written for a model: when to use the tool and what to call first. */
  description: string;
  /** Every field carries a `.describe()`; the registry checks it. */
  schema: S;
  handler(ctx: ToolContext, input: z.output<S>): Promise<ToolResult>;
}

export const ok = <D>(data: D, citations: Citation[] = []): ToolResult<D> => ({ status: 'ok', data, citations });
export const noData = <D>(data: D, citations: Citation[] = []): ToolResult<D> => ({ status: 'no_data', data, citations });
export const toolError = (error: string): ToolResult<never> => ({ status: 'error', data: null, citations: [], error });

/** Links the chat renders; the guard parses them back to find the row (see tools/citations.ts). */
export const refs = {
  incident: (id: string) => `/v1/incidents/${encodeURIComponent(id)}`,
  evidence: (incidentId: string, id: string) => `/v1/incidents/${encodeURIComponent(incidentId)}/evidence#evidence-${encodeURIComponent(id)}`,
  hypothesis: (incidentId: string, id: string) => `/v1/incidents/${encodeURIComponent(incidentId)}/evidence#hypothesis-${encodeURIComponent(id)}`,
  knowledge: (docId: string, chunkId: string) => `/v1/docs/${encodeURIComponent(docId)}#chunk-${encodeURIComponent(chunkId)}`,
  anomaly: (id: string) => `/v1/anomalies/${encodeURIComponent(id)}`,
  logTemplate: (id: string) => `/v1/log-templates/${encodeURIComponent(id)}`,
  /** One metric series over [from, to) (instance only when the series is an instance's). */
  metric: (q: { service: string; metric: string; instance: string | null; from: string; to: string }) =>
    `/v1/metrics/series?${new URLSearchParams({ service: q.service, metric: q.metric, ...(q.instance ? { instance: q.instance } : {}), from: q.from, to: q.to }).toString()}`,
  analysis: (incidentId: string, analysisId: string) => `/v1/incidents/${encodeURIComponent(incidentId)}/analysis#${encodeURIComponent(analysisId)}`,
  /** A change by its stored signal id (GET /v1/changes/{id}). */
  change: (id: string) => `/v1/changes/${encodeURIComponent(id)}`,
};
