/**
 * Placeholder detector for the thin end-to-end path: an error-rate metric above a fixed
 * threshold is an anomaly. The detection core (seasonal baselines, ESD, KDE) replaces it; it
 * keeps the same input (signals) and output (anomalies) so the pipeline does not change.
 */
import { createHash } from 'node:crypto';
import type { Anomaly, Severity, Signal } from '../core/schemas.js';

export interface ThresholdOptions {
  /** An error-rate value above this is anomalous (0.05 = 5 % of requests failing). */
  errorRate: number;
}

/** Metric keys read as an error rate: `error_rate`, `http_5xx_ratio`, `errors.rate`… */
const ERROR_RATE_KEY = /(error|5xx|fail)/i;

export const THRESHOLD_DETECTOR = 'threshold-v0';

/** Anomaly ids derive from the signal, so re-processing a batch yields the same ids (idempotent). */
export function anomalyId(orgId: string, signalId: string, detector: string): string {
  return 'an_' + createHash('sha256').update(`${orgId}\u0000${signalId}\u0000${detector}`).digest('hex').slice(0, 26);
}

export function detectThreshold(signals: Signal[], opts: ThresholdOptions): Omit<Anomaly, 'orgId'>[] {
  const out: Omit<Anomaly, 'orgId'>[] = [];
  for (const s of signals) {
    if (s.kind !== 'metric' || s.value === null || !ERROR_RATE_KEY.test(s.key)) continue;
    const service = s.labels.service;
    if (!service || s.value <= opts.errorRate) continue;
    out.push({
      id: anomalyId(s.orgId, s.id, THRESHOLD_DETECTOR),
      service,
      series: s.key,
      ts: s.ts,
      value: s.value,
      baseline: opts.errorRate,
      // Score grows with how far past the threshold the value is; 4x the threshold saturates.
      score: Math.min(1, (s.value - opts.errorRate) / (3 * opts.errorRate)),
      direction: 'up',
      detector: THRESHOLD_DETECTOR,
      signalId: s.id,
    });
  }
  return out;
}

/** Severity of an anomaly by its score: the strongest anomalies page as sev2, the weakest are sev4. */
export function severityOf(score: number): Severity {
  if (score >= 0.9) return 'sev2';
  if (score >= 0.3) return 'sev3';
  return 'sev4';
}

/** sev1 is the most severe; true when `s` is at least as severe as `floor`. */
export function atLeast(s: Severity, floor: Severity): boolean {
  return Number(s.slice(3)) <= Number(floor.slice(3));
}
