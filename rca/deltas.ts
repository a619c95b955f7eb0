/**
 * Robust before/after scoring of every metric series: the incident period is compared with the
 * baseline period through the baseline's median and MAD-based σ (Rousseeuw & Croux 1993), so one
 * σ means "one typical baseline wobble" whatever the metric's unit, and metrics of different
 * scales compare. The shift statistic is the level the incident points held in the dominant
 * direction for at least a third of the window (two points at least): robust to a single spike,
 * sensitive to a fault that fills only part of the window. A relative gate rel²/(rel² + r½²) keeps a many-σ but tiny move of a very steady
 * series (5.0 ms → 5.1 ms) from counting as a fault; success rates are exempt (a 5-point drop of
 * availability is large whatever its relative size).
 */
import { classifyMetric } from './metric-kind.js';
import { clamp } from '../core/math.js';
import { binomialTail, median, quantile, robustScale, round, saturate, toMs } from './stats.js';
import type { MetricDelta, MetricSeriesInput } from './types.js';
import { DELTA_WEIGHTS } from './weights.js';

export interface Periods {
  /** Analysis window [from, to]; the incident period is [max(from, startedAt), to]. */
  from: number;
  to: number;
  /** Incident start; points in [from, startedAt) are the lead-in. */
  startedAt: number;
  /** Baseline [baselineFrom, baselineTo). */
  baselineFrom: number;
  baselineTo: number;
}

/** Series key used across the result: `service/metric` or `service/metric/instance`. */
export function seriesKey(service: string, metric: string, instance: string | null | undefined): string {
  return instance ? `${service}/${metric}/${instance}` : `${service}/${metric}`;
}

/**
 * The resolution of a lattice-valued series (counts, rates of whole requests per scrape): the
 * smallest step between distinct values, when every distinct value sits a whole number of steps
 * from the smallest; 0 for continuous values (or all equal).
 */
export function quantum(values: readonly number[]): number {
  const s = [...new Set(values)].sort((a, b) => a - b);
  if (s.length < 2) return 0;
  const span = Math.max(Math.abs(s[0]), Math.abs(s[s.length - 1]), 1e-300);
  let q = Infinity;
  for (let i = 1; i < s.length; i++) {
    const d = s[i] - s[i - 1];
    if (d > 1e-9 * span && d < q) q = d;
  }
  if (!Number.isFinite(q)) return 0;
  for (const v of s) {
    const k = (v - s[0]) / q;
    if (Math.abs(k - Math.round(k)) > 1e-3) return 0;
  }
  return q;
}

/**
 * The k-th largest of `xs` with k = max(2, ⌈n/3⌉) (k = n for fewer than two points): the level the
 * incident period held for at least a third of its points (two at least). One spike cannot make
 * it, and neither can a bucketed series that hops to the next bucket once in a while.
 */
export function sustainedLevel(xs: readonly number[]): number {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => b - a);
  const k = Math.min(s.length, Math.max(2, Math.ceil(s.length / 3)));
  return s[k - 1];
}

/** Score one series; pure and independent of the others (sharing is applied by metricDeltas). */
export function scoreSeries(s: MetricSeriesInput, p: Periods, zThreshold: number): MetricDelta {
  const cls = classifyMetric(s.metric);
  // the readable points in time order (a stable sort: equal times keep their order), split into
  // the baseline, the lead-in and the incident period without a per-point object (a window holds
  // 200k+ points)
  let ts: number[] = [];
  let vs: number[] = [];
  for (const x of s.points) {
    const t = toMs(x.ts);
    if (Number.isFinite(t) && typeof x.value === 'number' && Number.isFinite(x.value)) {
      ts.push(t);
      vs.push(x.value);
    }
  }
  let ordered = true;
  for (let i = 1; i < ts.length && ordered; i++) if (ts[i] < ts[i - 1]) ordered = false;
  if (!ordered) {
    const idx = ts.map((_, i) => i).sort((a, b) => ts[a] - ts[b] || a - b);
    ts = idx.map((i) => ts[i]);
    vs = idx.map((i) => vs[i]);
  }
  const incFrom = Math.max(p.from, p.startedAt);
  const base: number[] = [];
  const lead: number[] = [];
  const incTs: number[] = [];
  const vals: number[] = [];
  for (let i = 0; i < ts.length; i++) {
    const t = ts[i];
    if (t >= p.baselineFrom && t < p.baselineTo) base.push(vs[i]);
    if (t >= incFrom && t <= p.to) {
      incTs.push(t);
      vals.push(vs[i]);
    }
    if (t >= p.from && t < incFrom) lead.push(vs[i]);
  }
  const empty: MetricDelta = {
    service: s.service,
    metric: s.metric,
    instance: s.instance ?? null,
    kind: cls.kind,
    side: cls.side,
    baselineMedian: base.length ? round(median(base), 6) : null,
    baselineScale: null,
    incidentMedian: vals.length ? round(median(vals), 6) : null,
    z: 0,
    peakZ: 0,
    shift: 0,
    loadDrop: 0,
    tailP: 1,
    direction: 'flat',
    harmful: false,
    score: 0,
    onset: null,
    nBaseline: base.length,
    nIncident: vals.length,
    status: 'ok',
  };
  if (vals.length === 0) return { ...empty, status: 'no_incident_points' };
  if (base.length < DELTA_WEIGHTS.minBaseline) return { ...empty, status: 'insufficient_baseline' };

  const m = median(base);
  // σ floor: a share of the level, and the baseline's own resolution (a count that moves in steps
  // of one request is not significant for moving one step)
  const floor = Math.max(DELTA_WEIGHTS.relativeFloor * Math.abs(m), quantum(base), 1e-12);
  const rs = robustScale(base, floor);
  const cap = DELTA_WEIGHTS.zCap;
  // The incident's sustained level (k-th largest, or smallest) is compared with the baseline
  // quantile at the same rank, k/(n+1), so a series with frequent excursions is compared with its
  // own excursions.
  const n = vals.length;
  const k = Math.min(n, Math.max(2, Math.ceil(n / 3)));
  const tail = n >= 2 ? k / (n + 1) : 0.5;
  const sigUp = rs.sigma;
  const sigDown = rs.sigma;
  const refUp = Math.max(rs.median, quantile(base, 1 - tail));
  const refDown = Math.min(rs.median, quantile(base, tail));
  const levelUp = sustainedLevel(vals);
  const levelDown = -sustainedLevel(vals.map((v) => -v));
  const up = Math.max(0, (levelUp - refUp) / sigUp);
  const down = Math.max(0, (refDown - levelDown) / sigDown);
  const isUp = up >= down;
  const sig = isUp ? sigUp : sigDown;
  const z = clamp(isUp ? up : -down, -cap, cap);
  const zs = vals.map((v) => clamp((v - rs.median) / sig, -cap, cap));
  // the shift in the metric's own unit, for the relative gate and for comparing latency shifts
  // between a caller and its dependencies
  const shift = isUp ? Math.max(0, levelUp - refUp) : -Math.max(0, refDown - levelDown);
  const rel = Math.abs(shift) / Math.max(Math.abs(rs.median), 1e-12);
  // Exceedance test: how likely are this many incident points at or beyond the sustained level,
  // were they drawn like the baseline? (a sign test on the upper — or lower — tail). A series that
  // often hops one histogram bucket up in the baseline is not significant for doing so twice.
  // Baseline exceedances are declustered by runs (Coles 2001, §5.3.2): an earlier fault inside the
  // baseline is one episode, not five independent excursions.
  const level = isUp ? levelUp : levelDown;
  const beyond = (v: number) => (isUp ? v >= level : v <= level);
  const hits = vals.filter(beyond).length;
  let runs = 0;
  for (let i = 0; i < base.length; i++) if (beyond(base[i]) && (i === 0 || !beyond(base[i - 1]))) runs++;
  const pBase = (runs + 0.5) / (base.length + 1);
  const tailP = binomialTail(n, pBase, hits);
  const exceedGate = clamp(-Math.log10(Math.max(tailP, 1e-300)) / DELTA_WEIGHTS.exceedanceDecades, 0, 1);
  const relGate = cls.kind === 'success' ? 1 : rel ** 2 / (rel ** 2 + DELTA_WEIGHTS.relativeHalf ** 2);
  const peak = zs.reduce((a, b) => (Math.abs(b) > Math.abs(a) ? b : a), 0);
  const direction: MetricDelta['direction'] = Math.abs(z) < 1e-9 ? 'flat' : z > 0 ? 'up' : 'down';
  const harmful = direction !== 'flat' && (cls.bad === 'both' || cls.bad === direction);
  const strength = saturate(Math.abs(z) - DELTA_WEIGHTS.deadBand, DELTA_WEIGHTS.tau);
  // A shift that was already three quarters there at every lead-in point predates the incident
  // (an unrelated ongoing condition, or a stale baseline): no change point inside the window.
  const dir = isUp ? 1 : -1;
  const ref = isUp ? refUp : refDown;
  const bar = DELTA_WEIGHTS.preExistingShare * Math.abs(shift);
  // With no lead-in, the baseline's last stretch stands in for it, judged by the level it held for
  // a third of its points as the incident is (a noisy stretch never has every point up): when that
  // level is nearer the incident's than the baseline's, the change point lies before the incident
  // (a service that turned noisy earlier and stays so), not at it; a fault that starts at the
  // incident leaves the stretch at the baseline's level. (Its exceedances are one declustered run,
  // so the exceedance test above does not see it.) Only for what users feel — latency, errors,
  // success: a resource that filled up earlier (memory, disk) holds its level and can still be
  // what breaks now, so its rise before the incident does not clear it.
  const symptom = cls.kind === 'latency' || cls.kind === 'errors' || cls.kind === 'success';
  const recentN = lead.length === 0 && symptom ? Math.floor(base.length * DELTA_WEIGHTS.recentBaselineShare) : 0;
  const recent = recentN >= 2 ? base.slice(base.length - recentN) : [];
  const recentLevel = recent.length ? (isUp ? sustainedLevel(recent) : -sustainedLevel(recent.map((v) => -v))) : NaN;
  const preExisting =
    Math.abs(z) >= zThreshold &&
    ((lead.length > 0 && lead.every((v) => (v - ref) * dir >= bar)) || (recent.length > 0 && (recentLevel - ref) * dir >= Math.abs(shift) / 2));
  const score =
    DELTA_WEIGHTS.kind[cls.kind] *
    DELTA_WEIGHTS.side[cls.side] *
    (harmful ? 1 : DELTA_WEIGHTS.harmless) *
    (preExisting ? DELTA_WEIGHTS.preExisting : 1) *
    strength *
    relGate *
    exceedGate;
  const sign = z >= 0 ? 1 : -1;
  const onsetIdx = zs.findIndex((v) => v * sign >= zThreshold);
  return {
    ...empty,
    baselineMedian: round(rs.median, 6),
    baselineScale: round(sig, 9),
    z: round(z, 3),
    peakZ: round(peak, 3),
    shift: round(shift, 9),
    direction,
    harmful,
    score: round(score, 4),
    onset: onsetIdx >= 0 ? incTs[onsetIdx] : null,
    loadDrop:
      cls.loadDriven && direction === 'down'
        ? round(DELTA_WEIGHTS.kind[cls.kind] * DELTA_WEIGHTS.side[cls.side] * (preExisting ? DELTA_WEIGHTS.preExisting : 1) * strength * relGate * exceedGate, 4)
        : 0,
    tailP: round(tailP, 6),
    status: preExisting ? 'pre_existing' : rs.constant ? 'constant' : 'ok',
  };
}

/** Fingerprint of a series' values, to spot one host metric reported under several services. */
function fingerprint(s: MetricSeriesInput): string | null {
  if (s.points.length < 3) return null;
  const vals = s.points.map((x) => `${toMs(x.ts)}:${Number(x.value).toPrecision(6)}`);
  if (new Set(s.points.map((x) => x.value)).size < 2) return null;
  return `${s.metric}|${vals.join(',')}`;
}

/**
 * A cheap key that equal fingerprints always share (the metric, the point count and the first
 * points as the fingerprint writes them): only series that share it are fingerprinted in full.
 */
function fingerprintKey(s: MetricSeriesInput): string | null {
  if (s.points.length < 3) return null;
  const head = s.points.slice(0, 8).map((x) => `${toMs(x.ts)}:${Number(x.value).toPrecision(6)}`);
  return `${s.metric}|${s.points.length}|${head.join(',')}`;
}

/**
 * Score every series. A non-constant series that appears identically under several services
 * (a node metric every pod on the node reports) says nothing about which service is at fault:
 * it is marked `shared` and its score divided among the services.
 */
export function metricDeltas(series: readonly MetricSeriesInput[], p: Periods, zThreshold: number): MetricDelta[] {
  const out = series.map((s) => scoreSeries(s, p, zThreshold));
  // Series that could be one host metric reported under several services share a cheap key
  // first; only those are fingerprinted in full (a window holds hundreds of series).
  const maybe = new Map<string, number[]>();
  series.forEach((s, i) => {
    const k = fingerprintKey(s);
    if (!k) return;
    const g = maybe.get(k);
    if (g) g.push(i);
    else maybe.set(k, [i]);
  });
  const groups = new Map<string, number[]>();
  for (const idx of maybe.values()) {
    if (new Set(idx.map((i) => series[i].service)).size < 2) continue;
    for (const i of idx) {
      const f = fingerprint(series[i]);
      if (!f) continue;
      const g = groups.get(f);
      if (g) g.push(i);
      else groups.set(f, [i]);
    }
  }
  for (const idx of groups.values()) {
    const services = new Set(idx.map((i) => series[i].service));
    if (services.size < 2) continue;
    for (const i of idx) out[i] = { ...out[i], status: 'shared', score: round(out[i].score / services.size, 4) };
  }
  return latencyMateriality(out);
}

/**
 * Latency materiality: a latency shift matters in proportion to the latency users can feel. The
 * reference is the largest baseline median of the same metric over all services — the slowest
 * service's typical latency, which for a call graph is about the end-to-end latency at the front
 * door. A shift of a times that reference passes the gate a²/(a² + h²) (h = materialHalf): a
 * steady 1 ms service getting 1 ms slower while the front door takes 200 ms is many σ and +100 %,
 * but not what users feel (gate 0.06); a dependency getting 100 ms slower passes in full. Other
 * kinds of metric are not touched.
 */
export function latencyMateriality(deltas: readonly MetricDelta[]): MetricDelta[] {
  const h = DELTA_WEIGHTS.materialHalf;
  if (!(h > 0)) return [...deltas];
  const ref = new Map<string, number>();
  for (const d of deltas) {
    if (d.kind !== 'latency' || d.baselineMedian === null || !Number.isFinite(d.baselineMedian)) continue;
    ref.set(d.metric, Math.max(ref.get(d.metric) ?? 0, Math.abs(d.baselineMedian)));
  }
  return deltas.map((d) => {
    if (d.kind !== 'latency' || d.score <= 0) return d;
    const r = ref.get(d.metric) ?? 0;
    if (!(r > 0)) return d;
    const a = Math.abs(d.shift) / r;
    const gate = (a * a) / (a * a + h * h);
    return { ...d, score: round(d.score * gate, 4), loadDrop: round(d.loadDrop * gate, 4) };
  });
}
