/**
 * One-pass calibration of the change-impact likelihood (CHANGE_IMPACT_WEIGHTS) over a library of
 * labelled incidents — the sandbox library, all of it at once, never one scenario. Pure: the
 * caller analyses every case once (evals/suites/rca-sandbox.ts does; run it with
 * `npx tsx evals/suites/rca-sandbox.ts calibrate`) and passes what `calibrationCase` extracts.
 *
 * Why this can be done without re-running analyze(): the factors of L — M (the service's
 * root-cause score without change data), the lead time, C and P — do not depend on the change
 * weights, and the ranking adds RANKING_WEIGHTS.change · max L to a score that does not either.
 *
 * For each grid setting: the AC@1 of the final ranking over the cases with a fault, and the
 * log-loss of L over every correlated change (causal = the change of a ground-truth fault). The
 * choice: best AC@1, then the lowest log-loss penalised by the weakly informative Cauchy prior for
 * logistic regression of Gelman et al. (2008, Ann. Appl. Stat. 2(4): scale 10 on the intercept,
 * 2.5 on the slopes) — a library of a few dozen changes is nearly separable, and plain maximum
 * likelihood would run off to ever steeper weights.
 */
import { round } from './stats.js';
import type { AnalysisResult } from './types.js';
import { CHANGE_IMPACT_WEIGHTS, RANKING_WEIGHTS } from './weights.js';

export interface ChangeSample {
  service: string;
  /** Minutes from the change to the service's onset (positive: the change came first). */
  leadMinutes: number;
  magnitude: number;
  centrality: number;
  priorFailureRate: number;
  causal: boolean;
}

export interface CalibrationCase {
  id: string;
  /** The (earliest) fault's root-cause service; null for a case without a fault. */
  truth: string | null;
  /** Ranking scores without change data. */
  base: { service: string; score: number; own: number }[];
  changes: ChangeSample[];
}

export interface ChangeImpactSetting {
  bias: number;
  magnitude: number;
  temporal: number;
  centrality: number;
  tauMinutes: number;
}

export interface SettingScore {
  setting: ChangeImpactSetting;
  ac1: number;
  logLoss: number;
  penalised: number;
  missed: string[];
}

export const CURRENT_SETTING: ChangeImpactSetting = {
  bias: CHANGE_IMPACT_WEIGHTS.bias,
  magnitude: CHANGE_IMPACT_WEIGHTS.magnitude,
  temporal: CHANGE_IMPACT_WEIGHTS.temporal,
  centrality: CHANGE_IMPACT_WEIGHTS.centrality,
  tauMinutes: CHANGE_IMPACT_WEIGHTS.leadTauMs / 60_000,
};

export const DEFAULT_GRID = {
  bias: [-12, -10, -9, -8, -7, -6, -5, -4, -3, -2],
  magnitude: [2, 3, 4, 5, 6, 8, 10, 12],
  temporal: [0, 1, 2, 2.5, 3, 4, 5, 6, 8, 10],
  centrality: [0, 0.5, 1],
  tauMinutes: [5, 10, 15, 30],
};

/** What the calibration needs from one analysed case (the result of analyze() with changes). */
export function calibrationCase(id: string, truth: string | null, causalChangeIds: ReadonlySet<string>, r: AnalysisResult): CalibrationCase {
  return {
    id,
    truth,
    base: r.ranking.map((x) => ({ service: x.service, score: x.score - RANKING_WEIGHTS.change * x.parts.change, own: x.parts.own })),
    changes: r.correlations.map((c) => ({
      service: c.service,
      leadMinutes: c.leadMinutes,
      magnitude: c.factors.magnitude,
      centrality: c.factors.centrality,
      priorFailureRate: c.factors.priorFailureRate,
      causal: causalChangeIds.has(c.changeId),
    })),
  };
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const logit = (p: number) => Math.log(p / (1 - p));

/** L of one change under a setting (the formula of rca/changes.ts). */
export function likelihoodOf(c: ChangeSample, w: ChangeImpactSetting): number {
  const T = c.leadMinutes >= 0 ? Math.exp(-c.leadMinutes / w.tauMinutes) : CHANGE_IMPACT_WEIGHTS.afterOnset;
  return sigmoid(w.bias + w.magnitude * c.magnitude + w.temporal * T + w.centrality * c.centrality + CHANGE_IMPACT_WEIGHTS.priorFailure * logit(c.priorFailureRate));
}

export function scoreSetting(cases: readonly CalibrationCase[], w: ChangeImpactSetting): SettingScore {
  let loss = 0;
  let n = 0;
  let hits = 0;
  let faulted = 0;
  const missed: string[] = [];
  for (const c of cases) {
    const best = new Map<string, number>();
    for (const k of c.changes) {
      const L = likelihoodOf(k, w);
      loss -= Math.log(Math.max(k.causal ? L : 1 - L, 1e-12));
      n++;
      best.set(k.service, Math.max(best.get(k.service) ?? 0, L));
    }
    if (c.truth === null) continue;
    faulted++;
    // the ranking's order: score (rounded as rankServices rounds it), own, name
    const ranked = c.base
      .map((b) => ({ ...b, score: round(b.score + RANKING_WEIGHTS.change * (best.get(b.service) ?? 0), 4) }))
      .sort((a, b) => b.score - a.score || b.own - a.own || (a.service < b.service ? -1 : 1));
    if (ranked[0]?.service === c.truth) hits++;
    else missed.push(c.id);
  }
  const penalty =
    Math.log(1 + (w.bias / 10) ** 2) + Math.log(1 + (w.magnitude / 2.5) ** 2) + Math.log(1 + (w.temporal / 2.5) ** 2) + Math.log(1 + (w.centrality / 2.5) ** 2);
  return { setting: w, ac1: faulted ? hits / faulted : 0, logLoss: n ? loss / n : 0, penalised: loss + penalty, missed };
}

/** Every grid setting scored, best first (AC@1, then penalised log-loss, then closeness to the current weights). */
export function calibrateChangeImpact(cases: readonly CalibrationCase[], grid = DEFAULT_GRID): SettingScore[] {
  const out: SettingScore[] = [];
  const dist = (w: ChangeImpactSetting) =>
    Math.abs(w.bias - CURRENT_SETTING.bias) +
    Math.abs(w.magnitude - CURRENT_SETTING.magnitude) +
    Math.abs(w.temporal - CURRENT_SETTING.temporal) +
    Math.abs(w.centrality - CURRENT_SETTING.centrality) +
    Math.abs(w.tauMinutes - CURRENT_SETTING.tauMinutes) / 5;
  for (const bias of grid.bias)
    for (const magnitude of grid.magnitude)
      for (const temporal of grid.temporal)
        for (const centrality of grid.centrality)
          for (const tauMinutes of grid.tauMinutes) out.push(scoreSetting(cases, { bias, magnitude, temporal, centrality, tauMinutes }));
  return out.sort((a, b) => b.ac1 - a.ac1 || a.penalised - b.penalised || dist(a.setting) - dist(b.setting));
}
