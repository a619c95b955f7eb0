/**
 * Exceedance-count evidence: how many clusters of points beyond ±t σ the recent window holds,
 * against the rate this series has shown before the window. A variance increase, or a burst of
 * errors in both directions, leaves the mean of the residuals at 0 (the level windows never see
 * it) while the points beyond 3 σ multiply: under ×3 noise a third of the points are.
 *
 * Exceedances of real residuals cluster (one disturbance, several points), so they are declustered
 * by runs (a cluster starts at an exceedance not preceded by one: Smith & Weissman, "Estimating the
 * extremal index", JRSS B 56, 1994; Coles, "An Introduction to Statistical Modeling of Extreme
 * Values", 2001, §5.3.2), and the window's count of cluster starts C is judged as a quasi-Poisson
 * count: with mean μ and variance v of past windows' counts, dispersion D = max(1, v/μ), the
 * surprise is −ln P(N ≥ C/D) for N ~ Poisson(μ/D) (McCullagh & Nelder, "Generalized Linear
 * Models", 1989, §6.2). D matters: on a series whose exceedances recur at one phase of the day
 * (art_daily_small_noise in NAB) a plain Poisson count fired daily. μ and v are learnt only from
 * windows that ended before the current one began, so a burst cannot explain itself away while it
 * is being judged. O(1) per point, three bytes per window point.
 */
import { logPoissonSf } from './mathx.js';

/** Plain-JSON state of {@link ExceedanceCounter}. */
export interface ExceedanceState {
  /** Per window point, oldest first: 0, or the side of the cluster starting there (1 up, 2 down). */
  starts: number[];
  /** The window's statistic at each of those points. */
  stats: number[];
  /** Decayed mean and mean square of the statistic of windows that have ended. */
  mean: number;
  meanSq: number;
  seen: number;
  prev: number;
  last: number;
}

export class ExceedanceCounter {
  /** Per window point: 0, or the side of the cluster that starts there (1 above, 2 below). */
  private ring: Uint8Array;
  /** The window's statistic at each point of the ring (read a full window later, as it leaves). */
  private stats: Uint16Array;
  private head = 0;
  private size = 0;
  private up = 0;
  private down = 0;
  private mean = 0;
  private meanSq = 0;
  private seen = 0;
  private prev = 0;
  /** Surprise at the last cluster start (0 once the statistic is below 2). */
  private last = 0;

  constructor(readonly window: number) {
    this.ring = new Uint8Array(Math.max(1, window));
    this.stats = new Uint16Array(this.ring.length);
  }

  /**
   * Adds a point (1 beyond +t σ, −1 beyond −t σ, else 0) and returns the surprise (nats) of the
   * window's statistic when it first reaches `level` (once per episode: not again until the
   * statistic has fallen below 2 or a cluster start has found it below the level), else 0.
   * `halfLife` bounds the memory of the statistic's moments (points); its mean is floored at one
   * in the points seen, so a series with no exceedance yet is not infinitely surprised.
   */
  add(side: number, halfLife: number, level: number): number {
    const start = side !== 0 && side !== this.prev ? (side > 0 ? 1 : 2) : 0;
    this.prev = side;
    if (this.size === this.ring.length) {
      const out = this.ring[this.head];
      if (out === 1) this.up--;
      else if (out === 2) this.down--;
      // The statistic of the window that ended where the current one begins.
      const old = this.stats[this.head];
      this.seen++;
      const w = 1 / Math.min(this.seen, halfLife);
      this.mean += (old - this.mean) * w;
      this.meanSq += (old * old - this.meanSq) * w;
    } else this.size++;
    this.ring[this.head] = start;
    if (start === 1) this.up++;
    else if (start === 2) this.down++;
    const stat = this.statistic();
    this.stats[this.head] = Math.min(stat, 65_535);
    this.head = (this.head + 1) % this.ring.length;
    // Judged at a cluster's start, the only point where the statistic grows: a window that stays
    // full after a burst would otherwise repeat its verdict at every point for hours.
    if (stat < 2) this.last = 0;
    if (!start || this.seen < this.ring.length || stat < 2) return 0;
    const mu = Math.max(this.mean, this.size / Math.min(this.seen, halfLife));
    const d = Math.max(1, (this.meanSq - this.mean * this.mean) / mu);
    const before = this.last;
    this.last = Math.max(0, -logPoissonSf(Math.floor(stat / d), mu / d));
    return this.last >= level && before < level ? this.last : 0;
  }

  /**
   * Twice the smaller side's cluster count: more variance puts clusters on both sides, while a
   * one-sided run of exceedances is a level change, which the windows and the CUSUM judge.
   */
  private statistic(): number {
    return 2 * Math.min(this.up, this.down);
  }

  toJSON(): ExceedanceState {
    const starts: number[] = [];
    const stats: number[] = [];
    for (let i = 0; i < this.size; i++) {
      const j = (this.head - this.size + i + this.ring.length) % this.ring.length;
      starts.push(this.ring[j]);
      stats.push(this.stats[j]);
    }
    return { starts, stats, mean: this.mean, meanSq: this.meanSq, seen: this.seen, prev: this.prev, last: this.last };
  }

  static fromJSON(window: number, s: ExceedanceState): ExceedanceCounter {
    const c = new ExceedanceCounter(window);
    const from = Math.max(0, s.starts.length - c.ring.length);
    for (let i = from; i < s.starts.length; i++) {
      c.ring[c.head] = s.starts[i];
      c.stats[c.head] = s.stats[i] ?? 0;
      c.head = (c.head + 1) % c.ring.length;
      c.size++;
      if (s.starts[i] === 1) c.up++;
      else if (s.starts[i] === 2) c.down++;
    }
    c.mean = s.mean;
    c.meanSq = s.meanSq;
    c.seen = s.seen;
    c.prev = s.prev;
    c.last = s.last;
    return c;
  }
}
