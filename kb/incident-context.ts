/**
 * What an incident's stored analysis says that a runbook would be written about: the service it
 * blames, how that service's metrics moved (the metric and its direction), the error lines about
 * it (its own, then its callers' lines that name it), and the kind of change it correlates with.
 * An incident opened on the entry service would otherwise steer a knowledge search with the entry
 * service's most frequent logs (access lines, user agents), which say nothing about the cause.
 *
 * Relevance, from what a runbook describes (a failure, not the traffic around it):
 * - a metric counts in the direction that is bad for it (errors, latency, CPU, memory up; a hit
 *   ratio, a success rate, a certificate's remaining life down); moving the harmless way (the error
 *   rate and CPU of a service whose traffic vanished) is a consequence, and its words ("error")
 *   would pull the wrong runbooks. Request rates count both ways (a surge, a vanishing).
 * - log lines count when they are errors or warnings (the parsed level, else the level written
 *   in the line: `ERROR:`, `[error]`, `# WARNING`); routine lines that merely grew are traffic.
 *   Only when the service logged no error or warning do its new routine lines (restarts print
 *   start-up lines) stand in.
 * - a service that fails its callers without logging (its name stopped resolving, its certificate
 *   expired) is described by its callers: their new error lines that name it.
 * Pure: the analysis result is plain JSON as stored.
 */
import type { KbAnalysisContext } from '../core/ports/index.js';

interface Delta { service?: string; metric?: string; kind?: string; z?: number }
interface Template { template?: string; before?: number; during?: number; novel?: boolean; level?: string | null }
interface Cluster { service?: string; top?: Template[] }
interface Correlation { service?: string; kind?: string; key?: string; likelihood?: number }
interface Result { verdict?: string; ranking?: { service?: string }[]; metricDeltas?: Delta[]; logClusters?: Cluster[]; correlations?: Correlation[] }

/** A shift smaller than this (baseline σ) does not describe the incident. */
const MIN_Z = 3;
const MAX_METRICS = 4;
const MAX_TEMPLATES = 4;
/** Of MAX_TEMPLATES, at most this many from callers (the blamed service's own lines first). */
const MAX_CALLER_TEMPLATES = 2;
const MAX_CHANGES = 2;

/**
 * The direction in which a metric means trouble, from its name; null when both do (request
 * rates, connection counts) or the name says nothing.
 */
export function troubleDirection(metric: string): 'up' | 'down' | null {
  const m = metric.toLowerCase();
  if (/unhealthy|unready|not_?ready|unavailab/.test(m)) return 'up';
  if (/hit_?(ratio|rate)|success|availab|uptime|expir|free|remaining|headroom|healthy|ready/.test(m)) return 'down';
  if (/error|fail|5xx|latency|duration|_ms\b|_ms_|p50|p9\d|cpu|memory|mem_|restart|oom|saturat|utili[sz]ation|disk|evict|queue|lag|wait|pending|timeout|reject|throttl|drop/.test(m)) return 'up';
  return null;
}

/** 0 error, 1 warning, 2 anything else: the parsed level, else one written in the line. */
export function severity(t: Pick<Template, 'level' | 'template'>): 0 | 1 | 2 {
  const l = t.level ?? '';
  if (/^(error|err|fatal|crit|critical|severe|panic|alert|emerg)$/i.test(l)) return 0;
  if (/^warn(ing)?$/i.test(l)) return 1;
  if (l) return 2;
  const text = t.template ?? '';
  if (/\b(ERROR|FATAL|PANIC|CRITICAL|CRIT|SEVERE)\b|\[(error|crit|alert|emerg|fatal)\]/.test(text)) return 0;
  if (/\b(WARN|WARNING)\b|\[warn(ing)?\]/.test(text)) return 1;
  return 2;
}

const grew = (t: Template) => t.novel === true || (t.during ?? 0) > (t.before ?? 0);
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The context of a confident analysis; null when it blames no service with confidence. */
export function analysisContext(stored: unknown): KbAnalysisContext | null {
  const r = (stored ?? {}) as Result;
  const service = r.verdict === 'confident' ? r.ranking?.[0]?.service : undefined;
  if (typeof service !== 'string' || !service) return null;
  const metrics = (r.metricDeltas ?? [])
    .filter((d) => d.service === service && typeof d.metric === 'string' && typeof d.z === 'number' && Math.abs(d.z) >= MIN_Z)
    .filter((d) => {
      const bad = troubleDirection(d.metric!);
      return bad === null || (bad === 'up') === d.z! > 0;
    })
    .sort((a, b) => Math.abs(b.z!) - Math.abs(a.z!))
    .slice(0, MAX_METRICS)
    .map((d) => `${d.metric} ${d.z! > 0 ? 'high' : 'low'}`);

  const bySeverity = (a: Template, b: Template) => severity(a) - severity(b) || (b.during ?? 0) - (a.during ?? 0);
  const own = (r.logClusters ?? [])
    .filter((c) => c.service === service)
    .flatMap((c) => c.top ?? [])
    .filter((t) => typeof t.template === 'string' && grew(t));
  const ownFailures = own.filter((t) => severity(t) < 2).sort(bySeverity);
  const names = new RegExp(`(^|[^A-Za-z0-9_-])${escape(service)}([^A-Za-z0-9_-]|$)`, 'i');
  const callers = (r.logClusters ?? [])
    .filter((c) => c.service !== service)
    .flatMap((c) => c.top ?? [])
    .filter((t) => typeof t.template === 'string' && grew(t) && severity(t) < 2 && names.test(t.template))
    .sort(bySeverity);
  const picked = ownFailures.length > 0 ? ownFailures.slice(0, MAX_TEMPLATES) : callers.slice(0, MAX_CALLER_TEMPLATES);
  const templates = [...new Set(picked.map((t) => t.template!))];

  const changes = (r.correlations ?? [])
    .filter((c) => c.service === service && typeof c.kind === 'string')
    .sort((a, b) => (b.likelihood ?? 0) - (a.likelihood ?? 0))
    .slice(0, MAX_CHANGES)
    .map((c) => `${c.kind} ${c.key ?? ''}`.trim());
  return { service, metrics, templates, changes };
}
