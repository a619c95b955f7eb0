/**
 * Seasonality-aware baseline: a level plus a zero-mean seasonal profile, updated by robust
 * Holt–Winters smoothing (Gelper, Fried & Croux, "Robust forecasting with exponential and
 * Holt–Winters smoothing", J. Forecasting 29(3), 2010): each observation is first "cleaned" by
 * clipping its residual at k·σ (Huber's ψ), so a spike barely moves the level and never moves the
 * profile more than k·σ. O(1) per point; memory is the profile (at most `maxBins` numbers).
 */

/** Plain-JSON state of a {@link SeasonalBaseline}. */
export interface BaselineState {
  level: number | null;
  periodMs: number | null;
  profile: number[] | null;
  profileSum: number;
}

export class SeasonalBaseline {
  /** The deseasonalised level (null before the first point). */
  level: number | null = null;
  periodMs: number | null = null;
  private profile: Float32Array | null = null;
  private profileSum = 0;

  /** Number of profile bins (0 without seasonality). */
  get bins(): number {
    return this.profile?.length ?? 0;
  }

  /** The profile bin of `ts` (epoch-aligned phase), or −1 without seasonality. */
  binOf(ts: number): number {
    if (!this.profile) return -1;
    const p = this.periodMs!;
    // Integer arithmetic (timestamps and periods are whole ms), so a bin edge falls exactly on it.
    let phase = ts - Math.floor(ts / p) * p;
    if (phase < 0) phase += p;
    else if (phase >= p) phase -= p;
    const b = Math.floor((phase * this.profile.length) / p);
    return b < 0 ? 0 : b >= this.profile.length ? this.profile.length - 1 : b;
  }

  /** The seasonal offset at `ts` (0 without seasonality). */
  seasonal(ts: number): number {
    return this.seasonalAt(this.binOf(ts));
  }

  /** The seasonal offset of a bin from {@link binOf} (0 for −1). */
  seasonalAt(bin: number): number {
    if (bin < 0 || !this.profile) return 0;
    return this.profile[bin] - this.profileSum / this.profile.length;
  }

  /** The expected value at `ts`, before seeing it (NaN before the first point). */
  forecast(ts: number): number {
    return this.level === null ? NaN : this.level + this.seasonal(ts);
  }

  /**
   * Learns from one observation in profile bin `bin` whose residual against the forecast was
   * already clipped to `clipped` (Huber cleaning): level += α·c, profile[bin] += γ·(1−α)·c.
   */
  learn(bin: number, clipped: number, alpha: number, gamma: number): void {
    if (this.level === null) return;
    this.level += alpha * clipped;
    if (this.profile && bin >= 0) {
      const delta = gamma * (1 - alpha) * clipped;
      this.profile[bin] += delta;
      this.profileSum += delta;
    }
  }

  /** Starts the level at the first observation. */
  start(value: number): void {
    this.level = value;
  }

  /** Moves the level by `delta` (after a confirmed level shift). */
  shift(delta: number): void {
    if (this.level !== null) this.level += delta;
  }

  /**
   * Installs (or removes, with null) a seasonal profile. `levelBias`, when given, is taken off the
   * level: the part of it that was the cycle (see seasonalBias), so level + profile stays unbiased.
   */
  setSeason(periodMs: number | null, profile: Float64Array | null, levelBias = 0): void {
    if (this.level !== null && Number.isFinite(levelBias)) this.level -= levelBias;
    this.periodMs = periodMs;
    this.profile = periodMs && profile ? Float32Array.from(profile) : null;
    this.profileSum = 0;
    if (this.profile) for (const v of this.profile) this.profileSum += v;
  }

  toJSON(): BaselineState {
    return { level: this.level, periodMs: this.periodMs, profile: this.profile ? [...this.profile] : null, profileSum: this.profileSum };
  }

  static fromJSON(s: BaselineState): SeasonalBaseline {
    const b = new SeasonalBaseline();
    b.level = s.level;
    b.periodMs = s.periodMs;
    b.profile = s.profile ? Float32Array.from(s.profile) : null;
    b.profileSum = s.profileSum;
    return b;
  }
}
