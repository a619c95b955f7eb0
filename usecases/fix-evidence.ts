/**
 * The evidence a fix is chosen from (remediate/signature.ts FixEvidence), read off a stored
 * analysis: its top hypothesis's service and blamed change (with the before/after values the
 * change event carried), that service's anomalous metric families, its error and warning log
 * templates, and whether one pod alone misbehaves.
 */
import type { Signal } from '../core/schemas.js';
import type { AnalysisResult } from '../rca/types.js';
import { changeId, changeKey, changeKind } from '../rca/changes.js';
import type { BlamedChange, FixEvidence } from '../remediate/signature.js';

/** A metric series of one pod counts as anomalous from this evidence strength. */
const POD_SCORE = 0.3;
const LOUD_LEVELS = /^(error|err|warn|warning|fatal|critical|crit|emerg|alert|severe)$/i;

/** A template counts as risen when its rate during the incident is at least this many times its rate before. */
const RISE = 2;

/**
 * The seconds of the analysis before and during the incident (its baseline and its incident span),
 * when the stored window says; an older or partial result gives null and counts are compared as they are.
 */
export function logExposure(r: Pick<AnalysisResult, 'window'>): { before: number; during: number } | null {
  const w = r.window as Partial<AnalysisResult['window']> | undefined;
  if (!w || typeof w.baselineTo !== 'number' || typeof w.to !== 'number') return null;
  const from = typeof w.baselineFrom === 'number' ? w.baselineFrom : w.from;
  if (typeof from !== 'number') return null;
  const before = (w.baselineTo - from) / 1000;
  const during = (w.to - w.baselineTo) / 1000;
  return before > 0 && during > 0 ? { before, during } : null;
}

/**
 * Whether a template grew during the incident: by rate, not raw count — an analysis run a minute
 * after the onset compares a minute of incident with an hour of baseline, so a statement logged
 * ten times as often still has fewer lines during than before.
 */
export function rose(t: { before: number; during: number }, exposure: { before: number; during: number } | null): boolean {
  if (!exposure) return t.during > RISE * Math.max(1, t.before);
  return t.during / exposure.during > RISE * (Math.max(1, t.before) / exposure.before);
}

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : null);

/** The blamed change with its before/after values, from the stored change signals (the correlation names the change's own id). */
export function blamedChange(r: AnalysisResult, changes: readonly Signal[]): BlamedChange | null {
  const top = r.hypotheses[0];
  if (!top?.changeId) return null;
  const corr = r.correlations.find((c) => c.changeId === top.changeId);
  const signal = changes.find((s) => changeKind(s) !== null && changeId(s) === top.changeId);
  if (!corr && !signal) return null;
  const kind = corr?.kind ?? changeKind(signal!)!;
  const meta = signal?.meta ?? {};
  const key = kind === 'flag' ? (str(meta.flag) ?? str(meta.key) ?? corr?.key ?? '') : kind === 'config' ? (str(meta.key) ?? corr?.key ?? '') : (corr?.key ?? (signal ? changeKey(signal) : ''));
  const from = kind === 'deploy' ? str(meta.previous_version) : str(meta.from);
  const to = kind === 'deploy' ? str(meta.version) : str(meta.to);
  return { id: top.changeId, kind, key, service: corr?.service ?? top.service, from, to };
}

/** The latest deploy of `service` that came before its onset (by the correlation's lead), blamed or not. */
function recentDeploy(r: AnalysisResult, service: string, changes: readonly Signal[]): BlamedChange | null {
  const c = r.correlations.filter((x) => x.service === service && x.kind === 'deploy' && x.leadMinutes >= 0).sort((a, b) => b.ts - a.ts)[0];
  if (!c) return null;
  const meta = changes.find((s) => changeKind(s) === 'deploy' && changeId(s) === c.changeId)?.meta ?? {};
  return { id: c.changeId, kind: 'deploy', key: c.key, service, from: str(meta.previous_version), to: str(meta.version) };
}

/** A cache hit-ratio series (`cache_hit_ratio`, `keyspace_hit_rate`…). */
const HIT_RATIO = /hit[_-]?(ratio|rate)/i;

/**
 * The service's hit ratio before the incident and the lowest level the analysis saw during it
 * (the incident median, the sustained level and the peak shift, whichever is lowest: each is a
 * level the series held), from its service-level series; null when it has none or it did not fall.
 */
export function hitRatioOf(r: Pick<AnalysisResult, 'metricDeltas'>, service: string): { before: number; low: number } | null {
  const fin = (x: number | null | undefined): x is number => typeof x === 'number' && Number.isFinite(x);
  for (const d of r.metricDeltas.filter((x) => x.service === service && x.instance === null && HIT_RATIO.test(x.metric) && x.direction === 'down')) {
    const before = d.baselineMedian;
    if (!fin(before) || before <= 0 || before > 1) continue;
    const levels = [d.incidentMedian, before + d.shift, fin(d.baselineScale) ? before + d.peakZ * d.baselineScale : null].filter(fin);
    const low = Math.max(0, Math.min(...levels));
    if (levels.length && low < before) return { before, low };
  }
  return null;
}

/** How long before the service's onset an unblamed flag or config change still counts as recent. */
const RECENT_CHANGE_MIN = 30;

/** Deploys, flag and config changes of `service` up to RECENT_CHANGE_MIN before its onset, not the blamed one, likeliest first. */
function recentChanges(r: AnalysisResult, service: string, blamed: string | null, changes: readonly Signal[]): BlamedChange[] {
  return r.correlations
    .filter((x) => x.service === service && (x.kind === 'flag' || x.kind === 'config' || x.kind === 'deploy') && x.changeId !== blamed && x.leadMinutes >= 0 && x.leadMinutes <= RECENT_CHANGE_MIN)
    .sort((a, b) => b.likelihood - a.likelihood || b.ts - a.ts)
    .map((c) => {
      const meta = changes.find((s) => changeKind(s) !== null && changeId(s) === c.changeId)?.meta ?? {};
      if (c.kind === 'deploy') return { id: c.changeId, kind: c.kind, key: c.key, service, from: str(meta.previous_version), to: str(meta.version) };
      const key = c.kind === 'flag' ? (str(meta.flag) ?? str(meta.key) ?? c.key) : (str(meta.key) ?? c.key);
      return { id: c.changeId, kind: c.kind, key, service, from: str(meta.from), to: str(meta.to) };
    });
}

export function fixEvidenceOf(r: AnalysisResult, changes: readonly Signal[]): FixEvidence | null {
  const top = r.hypotheses[0];
  // no hypothesis (not confident): the top-ranked suspect, with nothing blamed
  const service = top?.service ?? r.ranking?.[0]?.service;
  if (!service) return null;
  const own = r.services.find((s) => s.service === service);
  const logs = r.logClusters.find((l) => l.service === service);
  const exposure = logExposure(r);
  const templates = (logs?.top ?? [])
    .filter((t) => (t.level !== null && LOUD_LEVELS.test(t.level)) || t.novel || rose(t, exposure))
    .flatMap((t) => [t.template, ...(t.exemplar ? [t.exemplar] : [])]);
  const pods = r.metricDeltas.filter((d) => d.service === service && d.instance !== null);
  const all = new Set(pods.map((d) => d.instance!));
  const bad = new Set(pods.filter((d) => d.harmful && d.score >= POD_SCORE).map((d) => d.instance!));
  const change = blamedChange(r, changes);
  return {
    service,
    confidence: top?.confidence ?? 0,
    change,
    recentDeploy: Array.isArray(r.correlations) ? recentDeploy(r, service, changes) : null,
    recentChanges: Array.isArray(r.correlations) ? recentChanges(r, service, change?.id ?? null, changes) : [],
    templates,
    families: own?.families ?? {},
    badInstances: bad.size === 1 && all.size >= 2 ? [...bad] : [],
    namedDependencies: (logs?.references ?? []).map((x) => x.service),
    hitRatio: Array.isArray(r.metricDeltas) ? hitRatioOf(r, service) : null,
  };
}
