/**
 * Automatic seasonality: a bounded, coarse history of the series (bucket means, at most ~15 days)
 * and a test of whether a daily or weekly period explains it. The test compares the spread of
 * differences at the seasonal lag L with the spread at the half lag L/2: a real cycle makes
 * x(t) − x(t−L) small and x(t) − x(t−L/2) large, a level shift or a random walk does not
 * (the seasonal-difference variance ratio, cf. the seasonal strength measure of Wang, Smith &
 * Hyndman, "Characteristic-based clustering for time series data", 2006).
 */

import { selectSmallest } from './robust.js';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
export const WEEK = 7 * DAY;

/** Plain-JSON state of a {@link CoarseHistory}. */
export interface CoarseHistoryState {
  widthMs: number;
  capacity: number;
  /** Closed buckets, oldest first; null = a gap. */
  values: (number | null)[];
  openIndex: number | null;
  openSum: number;
  openCount: number;
  closed: number;
}

/**
 * Bucket means over a fixed width (epoch-aligned, so phases line up with UTC days and weeks), in a
 * ring of bounded capacity. Gaps are stored as NaN and skipped by the test.
 */
export class CoarseHistory {
  readonly widthMs: number;
  readonly capacity: number;
  private ring: Float32Array;
  private head = 0; // next write position
  private size = 0;
  private openIndex: number | null = null;
  private openSum = 0;
  private openCount = 0;
  /** Buckets closed since construction (drives how often the test runs). */
  closed = 0;

  constructor(widthMs: number, spanMs: number) {
    this.widthMs = widthMs;
    this.capacity = Math.max(8, Math.ceil(spanMs / widthMs));
    this.ring = new Float32Array(this.capacity);
  }

  /** Adds a point; returns how many buckets were closed by it (0 most of the time). */
  add(ts: number, value: number): number {
    const idx = Math.floor(ts / this.widthMs);
    let closedNow = 0;
    if (this.openIndex === null) this.openIndex = idx;
    else if (idx > this.openIndex) {
      this.push(this.openCount > 0 ? this.openSum / this.openCount : NaN);
      closedNow++;
      // Empty buckets in between are gaps; more than a full ring of them just clears it.
      const missing = Math.min(idx - this.openIndex - 1, this.capacity);
      for (let i = 0; i < missing; i++) this.push(NaN);
      closedNow += missing;
      this.openIndex = idx;
      this.openSum = 0;
      this.openCount = 0;
    }
    this.openSum += value;
    this.openCount++;
    this.closed += closedNow;
    return closedNow;
  }

  private push(v: number): void {
    this.ring[this.head] = v;
    this.head = (this.head + 1) % this.capacity;
    if (this.size < this.capacity) this.size++;
  }

  /** Closed bucket means, oldest first (NaN for gaps). */
  values(): Float64Array {
    const out = new Float64Array(this.size);
    const start = (this.head - this.size + this.capacity) % this.capacity;
    for (let i = 0; i < this.size; i++) out[i] = this.ring[(start + i) % this.capacity];
    return out;
  }

  /** The mean of the closed bucket with epoch index `index` (NaN for a gap or one not held). */
  at(index: number): number {
    const newest = (this.openIndex ?? 0) - 1;
    const back = newest - index;
    if (this.openIndex === null || back < 0 || back >= this.size) return NaN;
    return this.ring[(this.head - 1 - back + 2 * this.capacity) % this.capacity];
  }

  /** Epoch bucket index of the oldest closed bucket. */
  firstIndex(): number {
    return (this.openIndex ?? 0) - this.size;
  }

  toJSON(): CoarseHistoryState {
    return {
      widthMs: this.widthMs,
      capacity: this.capacity,
      values: [...this.values()].map((v) => (Number.isNaN(v) ? null : v)),
      openIndex: this.openIndex,
      openSum: this.openSum,
      openCount: this.openCount,
      closed: this.closed,
    };
  }

  static fromJSON(s: CoarseHistoryState): CoarseHistory {
    const h = new CoarseHistory(s.widthMs, s.widthMs * s.capacity);
    for (const v of s.values) h.push(v === null ? NaN : v);
    h.openIndex = s.openIndex;
    h.openSum = s.openSum;
    h.openCount = s.openCount;
    h.closed = s.closed;
    return h;
  }
}

/**
 * Squared mean absolute value after dropping the largest `trim` fraction: an L1 spread, so that
 * heavy-tailed series (spiky counts) do not drown the cycle, squared to compare like variances.
 */
function trimmedSpread(d: number[], trim: number): number {
  if (d.length === 0) return NaN;
  const a = Float64Array.from(d, (x) => Math.abs(x));
  const keep = Math.max(1, Math.ceil(a.length * (1 - trim)));
  selectSmallest(a, keep);
  let s = 0;
  for (let i = 0; i < keep; i++) s += a[i];
  const m = s / keep;
  return m * m;
}

function lagDiffs(x: Float64Array, lag: number): number[] {
  const out: number[] = [];
  for (let i = lag; i < x.length; i++) {
    const d = x[i] - x[i - lag];
    if (Number.isFinite(d)) out.push(d);
  }
  return out;
}

export interface SeasonalityTest {
  /** 1 − V(Δ_L)/V(Δ_{L/2}) per candidate period (NaN when there is not enough history). */
  strength: { day: number; week: number };
  /** V(Δ_L): how badly the value one period ago predicts the value now. */
  spread: { day: number; week: number };
}

/** Share of the largest differences ignored by the test (a few spikes must not decide it). */
const TRIM = 0.05;

/**
 * Measures the daily and weekly cycles in `values` (bucket means of width `widthMs`, oldest
 * first). A period needs at least two full cycles and at least 4 buckets per cycle.
 */
export function testSeasonality(values: Float64Array, widthMs: number): SeasonalityTest {
  const at = (periodMs: number): { s: number; v: number } => {
    const lag = Math.round(periodMs / widthMs);
    if (lag < 4 || values.length < 2 * lag) return { s: NaN, v: NaN };
    const vFull = trimmedSpread(lagDiffs(values, lag), TRIM);
    const vHalf = trimmedSpread(lagDiffs(values, Math.round(lag / 2)), TRIM);
    if (!(vHalf > 0)) return { s: NaN, v: vFull };
    return { s: 1 - vFull / vHalf, v: vFull };
  };
  const day = at(DAY);
  const week = at(WEEK);
  return { strength: { day: day.s, week: week.s }, spread: { day: day.v, week: week.v } };
}

/**
 * The period to use given a test and the period in use, with hysteresis so a borderline cycle does
 * not flap: adopt a cycle at strength >= `minStrength`, drop it only below 0.4·minStrength; weekly
 * replaces daily only when the weekly lag predicts clearly better (spread < 0.7× the daily one).
 */
export function choosePeriod(t: SeasonalityTest, current: number | null, minStrength: number): number | null {
  const weekWins = t.strength.week >= minStrength && (!(t.spread.day > 0) || t.spread.week < 0.7 * t.spread.day);
  const keep = 0.4 * minStrength;
  if (current === WEEK) {
    if (t.strength.week >= keep || Number.isNaN(t.strength.week)) return WEEK;
    return t.strength.day >= minStrength ? DAY : null;
  }
  if (weekWins) return WEEK;
  if (current === DAY) return t.strength.day >= keep || Number.isNaN(t.strength.day) ? DAY : null;
  return t.strength.day >= minStrength ? DAY : null;
}

/**
 * A zero-mean seasonal profile with `bins` bins over `periodMs`, estimated from the coarse history:
 * each bucket minus the mean of the cycle around it, then the median per phase. Lets a newly found
 * cycle be used at once instead of being learnt over several more cycles.
 */
export function initialProfile(values: Float64Array, firstIndex: number, widthMs: number, periodMs: number, bins: number): Float64Array {
  const lag = Math.round(periodMs / widthMs);
  const n = values.length;
  // Centred moving mean over one cycle (clamped at the ends), skipping gaps.
  const detrended = new Float64Array(n).fill(NaN);
  const prefix = new Float64Array(n + 1);
  const counts = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) {
    const ok = Number.isFinite(values[i]);
    prefix[i + 1] = prefix[i] + (ok ? values[i] : 0);
    counts[i + 1] = counts[i] + (ok ? 1 : 0);
  }
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(values[i])) continue;
    let a = i - Math.floor(lag / 2);
    a = Math.max(0, Math.min(a, n - lag));
    const b = Math.min(n, a + lag);
    const c = counts[b] - counts[a];
    if (c > 0) detrended[i] = values[i] - (prefix[b] - prefix[a]) / c;
  }
  const byPhase: number[][] = Array.from({ length: lag }, () => []);
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(detrended[i])) continue;
    const phase = (((firstIndex + i) % lag) + lag) % lag;
    byPhase[phase].push(detrended[i]);
  }
  const phaseValue = byPhase.map((xs) => {
    if (xs.length === 0) return 0;
    const s = xs.slice().sort((a, b) => a - b);
    const h = s.length >> 1;
    return s.length % 2 ? s[h] : 0.5 * (s[h - 1] + s[h]);
  });
  const profile = new Float64Array(bins);
  const binWidth = periodMs / bins;
  for (let b = 0; b < bins; b++) {
    const phaseMs = (b + 0.5) * binWidth;
    profile[b] = phaseValue[Math.min(lag - 1, Math.floor(phaseMs / widthMs))];
  }
  let mean = 0;
  for (let b = 0; b < bins; b++) mean += profile[b];
  mean /= bins;
  for (let b = 0; b < bins; b++) profile[b] -= mean;
  return profile;
}

/**
 * The seasonal bias of a level learnt while no cycle was in use: that level is an exponentially
 * weighted mean (time constant `tauMs`) of level + cycle over the time before `nowMs`, so it sits
 * wherever the cycle spent those hours (after a daily trough, well below the daily mean). This is
 * the same weighted mean of the zero-mean `profile` (bins over `periodMs`, epoch-aligned), in
 * closed form per bin-long interval: the weight of the interval [u, u + w) before now is
 * e^(−u/τ) − e^(−(u+w)/τ); each period further back repeats the same bins at e^(−P/τ) times the
 * weight, so one period summed and divided by 1 − e^(−P/τ) is the whole past, exactly, in O(bins).
 * Subtracting it from the level when the profile is adopted keeps the forecast unbiased; left in,
 * Holt–Winters shares the error between level and profile, and at 1-minute steps (several points
 * per bin visit) mostly into the bins visited next, as a false shape that misfits them a day later.
 */
export function seasonalBias(profile: Float64Array, periodMs: number, nowMs: number, tauMs: number): number {
  const bins = profile.length;
  if (bins === 0 || !(tauMs > 0) || !(periodMs > 0)) return 0;
  const w = periodMs / bins;
  const decay = Math.exp(-w / tauMs);
  let bias = 0;
  let kept = 1; // e^(−u/τ) at the start of the interval
  for (let k = 0; k < bins; k++) {
    const mid = nowMs - (k + 0.5) * w;
    const phase = ((mid % periodMs) + periodMs) % periodMs;
    const bin = Math.min(bins - 1, Math.floor((phase * bins) / periodMs));
    bias += profile[bin] * kept * (1 - decay);
    kept *= decay;
  }
  // kept is now e^(−P/τ): the share of the weight older than one period. When that is all of it
  // (τ ≫ P in floating point) the weights are flat and the mean of a zero-mean profile is 0.
  return 1 - kept > 0 ? bias / (1 - kept) : 0;
}
