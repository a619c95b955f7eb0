/**
 * Evidence per service: metric deltas, log templates and streaming-detector anomalies folded into
 * two numbers — how anomalous the service itself looks (`own`) and how anomalous its outbound calls
 * look (`client`) — plus the onset of its anomaly.
 */
import type { Anomaly } from '../core/schemas.js';
import { classifyMetric } from './metric-kind.js';
import { round, saturate, toMs } from './stats.js';
import type { MetricDelta, ServiceAnomaly, ServiceLogEvidence } from './types.js';
import { RANKING_WEIGHTS } from './weights.js';

/** Noisy-or of the strongest scores with decreasing weights (1, ½, ¼): corroboration helps, repetition saturates. */
export function noisyOr(scores: readonly number[], weights: readonly number[] = RANKING_WEIGHTS.familyWeights): number {
  const s = [...scores].sort((a, b) => b - a);
  let miss = 1;
  for (let i = 0; i < Math.min(s.length, weights.length); i++) miss *= 1 - weights[i] * s[i];
  return 1 - miss;
}

/** The family of detector alarms on load-driven series going down (see `isLoadDrop`). */
export const DETECTOR_LOAD_DROP = 'detector:load-drop';

/** A detector alarm on a series that follows the load a service receives, going down. */
function isLoadDrop(a: Anomaly): boolean {
  return a.direction === 'down' && classifyMetric(a.series.replace(/\{.*\}$/, '')).loadDriven;
}

/** A detector anomaly's strength in [0,1] (scores above 1 are read as σ). */
function anomalyStrength(a: Anomaly): number {
  if (!Number.isFinite(a.score)) return 0;
  return a.score <= 1 ? Math.max(a.score, 0) : saturate(a.score - 2.5, 6);
}

export function serviceAnomalies(
  services: readonly string[],
  deltas: readonly MetricDelta[],
  logs: readonly ServiceLogEvidence[],
  anomalies: readonly Anomaly[],
  window: { from: number; to: number },
  onsetMinScore: number,
): ServiceAnomaly[] {
  const byService = new Map<string, MetricDelta[]>();
  for (const d of deltas) {
    const l = byService.get(d.service);
    if (l) l.push(d);
    else byService.set(d.service, [d]);
  }
  const logBy = new Map(logs.map((l) => [l.service, l]));
  const anBy = new Map<string, Anomaly[]>();
  for (const a of anomalies) {
    const t = toMs(a.ts);
    if (!(t >= window.from && t <= window.to)) continue;
    const l = anBy.get(a.service);
    if (l) l.push(a);
    else anBy.set(a.service, [a]);
  }
  return services.map((service) => {
    const ds = byService.get(service) ?? [];
    // best instance per metric, then the mean over a family's metrics (p90/p95/p99 of one latency,
    // usage and usage rate): a blip in one noisy percentile counts less than a shift they all show
    const perMetric = new Map<string, { fam: string; client: boolean; score: number; drop: boolean }>();
    const dropFam = new Map<string, number>();
    const onsets: { t: number; score: number }[] = [];
    for (const d of ds) {
      if (d.loadDrop > 0) {
        const fam = classifyMetric(d.metric).family;
        dropFam.set(fam, Math.max(dropFam.get(fam) ?? 0, d.loadDrop));
      }
      const prev = perMetric.get(d.metric);
      if (!prev || d.score > prev.score) perMetric.set(d.metric, { fam: classifyMetric(d.metric).family, client: d.side === 'client', score: d.score, drop: d.loadDrop > 0 });
      if (d.score >= onsetMinScore && d.onset !== null) onsets.push({ t: d.onset, score: d.score });
    }
    const sums = new Map<string, { client: boolean; sum: number; n: number; onlyDrops: boolean }>();
    for (const m of perMetric.values()) {
      const f = sums.get(m.fam) ?? { client: m.client, sum: 0, n: 0, onlyDrops: true };
      f.sum += m.score;
      f.n++;
      if (m.score > 0 && !m.drop) f.onlyDrops = false;
      sums.set(m.fam, f);
    }
    const ownFam = new Map<string, number>();
    const clientFam = new Map<string, number>();
    const loadDropFamilies: string[] = [];
    for (const [fam, f] of sums) {
      (f.client ? clientFam : ownFam).set(fam, f.sum / f.n);
      if (!f.client && f.onlyDrops && f.sum > 0) loadDropFamilies.push(fam);
    }
    const log = logBy.get(service) ?? null;
    if (log && log.score > 0) ownFam.set('logs', RANKING_WEIGHTS.logs * log.score);
    const an = anBy.get(service) ?? [];
    if (an.length) {
      // a detector's alarm on a load-driven series going down (fewer requests, less CPU) says the
      // service received less, as a delta's loadDrop does: kept apart so it explains no caller
      const strongest = (xs: readonly Anomaly[]) => RANKING_WEIGHTS.detector * xs.reduce((m, a) => Math.max(m, anomalyStrength(a)), 0);
      const drops = an.filter(isLoadDrop);
      const others = an.filter((a) => !isLoadDrop(a));
      if (others.length) ownFam.set('detector', strongest(others));
      if (drops.length) {
        ownFam.set(DETECTOR_LOAD_DROP, strongest(drops));
        loadDropFamilies.push(DETECTOR_LOAD_DROP);
      }
      for (const a of an) {
        const t = toMs(a.ts);
        if (anomalyStrength(a) >= onsetMinScore) onsets.push({ t, score: RANKING_WEIGHTS.detector * anomalyStrength(a) });
      }
    }
    // the onset of its strongest evidence (the earliest among series within 80 % of the best): a
    // weaker blip elsewhere (a rolling restart) does not make a service look first
    const best = onsets.reduce((m, o) => Math.max(m, o.score), 0);
    const onset = onsets.filter((o) => o.score >= 0.8 * best).reduce<number | null>((m, o) => (m === null || o.t < m ? o.t : m), null);
    const top = [...ds].filter((d) => d.score > 0).sort((a, b) => b.score - a.score || (a.metric < b.metric ? -1 : 1)).slice(0, 5);
    return {
      service,
      own: round(noisyOr([...ownFam.values()]), 4),
      families: Object.fromEntries([...ownFam.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => [k, round(v, 4)])),
      client: round(noisyOr([...clientFam.values()]), 4),
      starved: round(noisyOr([...dropFam.values()]), 4),
      loadDropFamilies: loadDropFamilies.sort(),
      onset,
      topDeltas: top,
      detectorAnomalies: an.length,
      logs: log,
    };
  });
}
