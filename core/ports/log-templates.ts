/**
 * Log templates: what the detection engine's template miner learned, per service, persisted with
 * each batch's anomalies (ingest/pipeline.ts) so people and the agent can search them.
 */

/** One template's change in one detection batch (what the engine reports per batch). */
export interface LogTemplateUpdate {
  /** Stable per org, service and mined cluster (detectors/stream/engine.ts logTemplateId). */
  id: string;
  service: string;
  /** The template text now (it may have generalised since the row was written). */
  template: string;
  /** Lines of the batch that matched it (added to the stored count). */
  count: number;
  firstSeen: string;
  lastSeen: string;
  /** Lines per level in this batch (added to the stored mix). */
  levels: Record<string, number>;
  /** Masked example lines (at most 3; secrets and variables masked by the miner). */
  exemplars: string[];
  /** The template was new to the org's miner in this batch. */
  novel: boolean;
}

export interface LogTemplate {
  id: string;
  orgId: string;
  service: string;
  template: string;
  count: number;
  firstSeen: string;
  lastSeen: string;
  levels: Record<string, number>;
  exemplars: string[];
  /** The template was new to the org's miner when this row was first written. */
  novel: boolean;
}

export interface LogTemplateQuery {
  service?: string;
  /** Case-insensitive substring of the template text. */
  text?: string;
  /** Templates active in [from, to): last seen at or after `from`, first seen before `to`. */
  from?: string;
  to?: string;
  /** Only templates with at least one line of this level. */
  level?: string;
  /** Only novel templates (first seen at or after `from` when given). */
  novelOnly?: boolean;
  limit?: number;
}

export interface LogTemplateStore {
  /**
   * Adds a batch's template updates: count += delta, first/last seen widened, levels summed,
   * exemplars topped up to 3, template text replaced; a new row keeps `novel`. With `batchId`,
   * a batch already applied is skipped whole (applied: false), so a redelivery counts once.
   */
  upsertLogTemplates(updates: LogTemplateUpdate[], opts?: { batchId?: string }): Promise<{ applied: boolean; upserted: number }>;
  /** Templates matching the query, most recently seen first. */
  searchLogTemplates(q: LogTemplateQuery): Promise<LogTemplate[]>;
  getLogTemplate(id: string): Promise<LogTemplate | null>;
}
