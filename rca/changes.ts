/**
 * Change correlation: deploys, flag flips and config changes within ± the change window of the
 * incident start, each with a change-impact likelihood
 *
 *   L = σ(bias + wM·M + wT·T + wC·C + wP·logit(P))          (weights: CHANGE_IMPACT_WEIGHTS)
 *
 * M  magnitude: the changed service's root-cause score without change data, in [0,1] — its own
 *    Δmetric, discounted when an anomalous dependency explains it (so a deploy on a service that
 *    only shows propagated symptoms is not blamed).
 * T  temporal precedence and co-occurrence: exp(−lead/τ) when the change precedes the service's
 *    anomaly onset (or the incident start) by `lead`; a small constant when it came after the onset.
 * C  centrality: share of services that depend on the changed one (a change there can hurt more).
 * P  prior change-failure rate of the service: (failures + 1) / (changes + 2) from its history
 *    (Laplace's rule), else `meta.priorFailureRate`, else a default.
 * A logistic form keeps L in [0,1] and lets the weights be fitted by logistic regression over the
 * sandbox library in one pass.
 */
import type { Signal } from '../core/schemas.js';
import { clamp } from '../core/math.js';
import { round, sigmoid, toMs } from './stats.js';
import type { ChangeCorrelation } from './types.js';
import { CHANGE_IMPACT_WEIGHTS } from './weights.js';

/** The service a change applies to: labels.service, labels.app, meta.service, else its key. */
export function changeService(s: Signal): string {
  const m = s.meta?.service;
  return s.labels?.service ?? s.labels?.app ?? (typeof m === 'string' ? m : s.key);
}

/**
 * deploy | flag | config | another change kind (scale, restart, index…) | null for a signal that
 * is not a change. Config changes arrive as events keyed `config_change` (or typed "config");
 * other changes as events keyed `<kind>_change` or carrying `meta.change`.
 */
export function changeKind(s: Signal): string | null {
  if (s.kind === 'deploy' || s.kind === 'flag') return s.kind;
  if (s.kind !== 'event') return null;
  const t = s.labels?.type ?? s.labels?.change ?? (typeof s.meta?.type === 'string' ? (s.meta.type as string) : null);
  if (s.key === 'config_change' || (t && /config/i.test(t))) return 'config';
  if (typeof s.meta?.change === 'string') return s.meta.change as string;
  const m = /^([a-z]+)_change$/i.exec(s.key);
  return m ? m[1].toLowerCase() : null;
}

/** Whether a signal is a change event the correlation considers. */
export function isChange(s: Signal): boolean {
  return changeKind(s) !== null;
}

/** The change's id: meta.change_id (the id deploy tools and the sandbox give it), else the signal id. */
export function changeId(s: Signal): string {
  const m = s.meta?.change_id;
  return typeof m === 'string' && m ? m : s.id;
}

/** What changed, for people: the version of a deploy, the flag's or config key's name. */
export function changeKey(s: Signal): string {
  const version = s.labels?.version ?? (typeof s.meta?.version === 'string' ? (s.meta.version as string) : null);
  if (s.kind === 'deploy') return version ? `${s.key}@${version}` : s.key;
  const k = typeof s.meta?.key === 'string' ? (s.meta.key as string) : (s.labels?.key ?? s.labels?.flag ?? null);
  return k ?? s.key;
}

export interface ChangeContext {
  incidentStart: number;
  windowMs: number;
  /** The service's root-cause score without change data. */
  magnitude: (service: string) => number;
  onset: (service: string) => number | null;
  centrality: Readonly<Record<string, number>>;
  history?: Readonly<Record<string, { changes: number; failures: number }>>;
}

const logit = (p: number) => Math.log(p / (1 - p));

export function correlateChanges(changes: readonly Signal[], ctx: ChangeContext): ChangeCorrelation[] {
  const W = CHANGE_IMPACT_WEIGHTS;
  const out: ChangeCorrelation[] = [];
  for (const c of changes) {
    if (!isChange(c)) continue;
    const ts = toMs(c.ts);
    if (!Number.isFinite(ts) || Math.abs(ts - ctx.incidentStart) > ctx.windowMs) continue;
    const service = changeService(c);
    const onset = ctx.onset(service);
    const ref = onset ?? ctx.incidentStart;
    const lead = ref - ts;
    const T = lead >= 0 ? Math.exp(-lead / W.leadTauMs) : W.afterOnset;
    const M = clamp(ctx.magnitude(service), 0, 1);
    const C = clamp(ctx.centrality[service] ?? 0, 0, 1);
    const h = ctx.history?.[service];
    const metaRate = typeof c.meta?.priorFailureRate === 'number' ? (c.meta.priorFailureRate as number) : null;
    const P = clamp(h ? (h.failures + 1) / (h.changes + 2) : (metaRate ?? W.defaultFailureRate), 0.01, 0.99);
    const L = sigmoid(W.bias + W.magnitude * M + W.temporal * T + W.centrality * C + W.priorFailure * logit(P));
    out.push({
      changeId: changeId(c),
      service,
      kind: changeKind(c) ?? c.kind,
      key: changeKey(c),
      ts,
      leadMinutes: round(lead / 60_000, 2),
      leadFrom: onset === null ? 'incident_start' : 'onset',
      factors: { magnitude: round(M, 4), temporal: round(T, 4), centrality: round(C, 4), priorFailureRate: round(P, 4) },
      likelihood: round(L, 4),
    });
  }
  out.sort((a, b) => b.likelihood - a.likelihood || a.ts - b.ts || (a.changeId < b.changeId ? -1 : 1));
  return out;
}
