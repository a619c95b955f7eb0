/**
 * What an incident's stored analysis says that a runbook would be written about: the service it
 * blames, how that service's metrics moved (the metric and its direction), the log templates that
 * grew or appeared there (errors and warnings first), and the kind of change it correlates with.
 * An incident opened on the entry service would otherwise steer a knowledge search with the entry
 * service's most frequent logs (access lines, user agents), which say nothing about the cause.
 * Pure: the analysis result is plain JSON as stored.
 */
import type { KbAnalysisContext } from '../core/ports/index.js';

interface Delta { service?: string; metric?: string; kind?: string; z?: number }
interface Cluster { service?: string; top?: { template?: string; before?: number; during?: number; novel?: boolean; level?: string | null }[] }
interface Correlation { service?: string; kind?: string; key?: string; likelihood?: number }
interface Result { verdict?: string; ranking?: { service?: string }[]; metricDeltas?: Delta[]; logClusters?: Cluster[]; correlations?: Correlation[] }

/** A shift smaller than this (baseline σ) does not describe the incident. */
const MIN_Z = 3;
const MAX_METRICS = 4;
const MAX_TEMPLATES = 4;
const MAX_CHANGES = 2;

const levelRank = (l: string | null | undefined) => (/^(error|err|fatal|crit|critical|severe)$/i.test(l ?? '') ? 0 : /^warn(ing)?$/i.test(l ?? '') ? 1 : 2);

/** The context of a confident analysis; null when it blames no service with confidence. */
export function analysisContext(stored: unknown): KbAnalysisContext | null {
  const r = (stored ?? {}) as Result;
  const service = r.verdict === 'confident' ? r.ranking?.[0]?.service : undefined;
  if (typeof service !== 'string' || !service) return null;
  const metrics = (r.metricDeltas ?? [])
    .filter((d) => d.service === service && typeof d.metric === 'string' && typeof d.z === 'number' && Math.abs(d.z) >= MIN_Z)
    .sort((a, b) => Math.abs(b.z!) - Math.abs(a.z!))
    .slice(0, MAX_METRICS)
    .map((d) => `${d.metric} ${d.z! > 0 ? 'high' : 'low'}`);
  const templates = (r.logClusters ?? [])
    .filter((c) => c.service === service)
    .flatMap((c) => c.top ?? [])
    .filter((t) => typeof t.template === 'string' && (t.novel || (t.during ?? 0) > (t.before ?? 0)))
    .sort((a, b) => levelRank(a.level) - levelRank(b.level) || (b.during ?? 0) - (a.during ?? 0))
    .slice(0, MAX_TEMPLATES)
    .map((t) => t.template!);
  const changes = (r.correlations ?? [])
    .filter((c) => c.service === service && typeof c.kind === 'string')
    .sort((a, b) => (b.likelihood ?? 0) - (a.likelihood ?? 0))
    .slice(0, MAX_CHANGES)
    .map((c) => `${c.kind} ${c.key ?? ''}`.trim());
  return { service, metrics, templates, changes };
}
