/**
 * Whether a citation still names a row that exists for the asker's org, read through the use
 * cases as that person. The guard keeps only citations that resolve.
 */
import { getAnomaly } from '../usecases/anomalies.js';
import { getAnalysisById } from '../usecases/analyses.js';
import { getChange } from '../usecases/changes.js';
import { getIncident, incidentEvidence } from '../usecases/incidents.js';
import { getLogTemplate } from '../usecases/log-templates.js';
import { readMetricSeries } from '../usecases/metrics.js';
import { requireScope } from '../usecases/principal.js';
import { metricCitationId } from './query-metric.js';
import type { Citation, ToolContext } from './types.js';

const mayRead = (ctx: ToolContext): boolean => {
  try {
    requireScope(ctx.session.principal, 'read');
    return true;
  } catch {
    return false;
  }
};

const INCIDENT_REF = /^\/v1\/incidents\/([^/#]+)(?:\/evidence#(evidence|hypothesis)-(.+))?$/;
const KNOWLEDGE_REF = /^\/v1\/docs\/([^/#]+)#chunk-(.+)$/;
const ANALYSIS_REF = /^\/v1\/incidents\/([^/#]+)\/analysis#(.+)$/;

const ANOMALY_REF = /^\/v1\/anomalies\/([^/#?]+)$/;
const LOG_TEMPLATE_REF = /^\/v1\/log-templates\/([^/#?]+)$/;
const METRIC_REF = /^\/v1\/metrics\/series\?(.+)$/;

/** Whether a use-case read succeeds as the asker (a missing row, another org's, or no scope: false). */
const exists = (p: Promise<unknown>): Promise<boolean> => p.then(() => true, () => false);

/** A metric citation resolves when its ref names the series and range its id was made of, and that series has a point there. */
async function metricResolves(ctx: ToolContext, c: Citation): Promise<boolean> {
  const m = METRIC_REF.exec(c.ref);
  if (!m) return false;
  const q = new URLSearchParams(m[1]);
  const [service, metric, from, to] = ['service', 'metric', 'from', 'to'].map((k) => q.get(k));
  if (!service || !metric || !from || !to) return false;
  const instance = q.get('instance') || null;
  if (metricCitationId({ service, metric, instance, from, to }) !== c.id) return false;
  const r = await readMetricSeries(ctx.session, { service, metric, instance, from, to, maxPoints: 2 }).catch(() => null);
  return (r?.points.length ?? 0) > 0;
}

const CHANGE_REF = /^\/v1\/changes\/([^/#?]+)$/;

/** The ids of `citations` that resolve (a row that exists for the asker's org, read as them). */
export async function resolveCitations(ctx: ToolContext, citations: Citation[]): Promise<Set<string>> {
  const ok = new Set<string>();
  const rowsOf = new Map<string, Promise<Set<string> | null>>();
  const incidentRows = (incidentId: string) => {
    if (!rowsOf.has(incidentId)) {
      rowsOf.set(
        incidentId,
        incidentEvidence(ctx.session, incidentId).then(
          (r) => new Set([r.incident.id, ...r.evidence.map((e) => `evidence:${e.id}`), ...r.hypotheses.map((h) => `hypothesis:${h.id}`)]),
          () => null,
        ),
      );
    }
    return rowsOf.get(incidentId)!;
  };
  for (const c of citations) {
    if (c.kind === 'incident' || c.kind === 'evidence' || c.kind === 'hypothesis') {
      const m = INCIDENT_REF.exec(c.ref);
      if (!m) continue;
      const incidentId = decodeURIComponent(m[1]);
      if (c.kind === 'incident') {
        if (m[2] === undefined && incidentId === c.id && (await getIncident(ctx.session, incidentId).then(() => true, () => false))) ok.add(c.id);
        continue;
      }
      const rows = await incidentRows(incidentId);
      if (m[2] === c.kind && decodeURIComponent(m[3]) === c.id && rows?.has(`${c.kind}:${c.id}`)) ok.add(c.id);
    } else if (c.kind === 'knowledge') {
      const m = KNOWLEDGE_REF.exec(c.ref);
      if (!m || decodeURIComponent(m[2]) !== c.id) continue;
      // No use case reads a document yet: the read scope is checked here, the org's store does the rest.
      const readable = mayRead(ctx);
      if (readable && (await ctx.session.org.kbGetDocument(decodeURIComponent(m[1])).catch(() => null))) ok.add(c.id);
    } else if (c.kind === 'anomaly') {
      const m = ANOMALY_REF.exec(c.ref);
      if (m && decodeURIComponent(m[1]) === c.id && (await exists(getAnomaly(ctx.session, c.id)))) ok.add(c.id);
    } else if (c.kind === 'log_template') {
      const m = LOG_TEMPLATE_REF.exec(c.ref);
      if (m && decodeURIComponent(m[1]) === c.id && (await exists(getLogTemplate(ctx.session, c.id)))) ok.add(c.id);
    } else if (c.kind === 'metric') {
      if (await metricResolves(ctx, c)) ok.add(c.id);
    } else if (c.kind === 'analysis') {
      const m = ANALYSIS_REF.exec(c.ref);
      if (!m || decodeURIComponent(m[2]) !== c.id) continue;
      const stored = await getAnalysisById(ctx.session, c.id).catch(() => null);
      if (stored && stored.incident.id === decodeURIComponent(m[1])) ok.add(c.id);
    } else if (c.kind === 'change') {
      const m = CHANGE_REF.exec(c.ref);
      if (m && decodeURIComponent(m[1]) === c.id && (await getChange(ctx.session, c.id).then(() => true, () => false))) ok.add(c.id);
    }
  }
  return ok;
}
