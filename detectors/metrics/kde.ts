/**
 * Tail probability of a standardised residual (or window statistic) given its own past: a kernel
 * density estimate in the body, a generalised Pareto tail beyond the top 2 % (see logTail).
 *
 * The estimate is a binned Gaussian KDE (Silverman, "Kernel density estimation using the fast
 * Fourier transform", Applied Statistics 31, 1982, for binning) on the transformed scale
 * u = sign(z)·ln(1 + |z|) (transformation KDE: Wand, Marron & Ruppert, "Transformations in density
 * estimation", JASA 86, 1991). On that scale heavy tails (request counts, latencies) become light,
 * so the kernels extrapolate a plausible power-law tail instead of a normal one, and a spike that
 * happens every few hours is not called rare. Bin weights decay exponentially (half-life in points),
 * so the estimate has a long but bounded memory at a fixed cost: `bins` numbers per series, O(1)
 * per update and O(bins) per query.
 */
import { logAddExp, logNormalSf } from './mathx.js';

/** Plain-JSON state of a {@link TailModel}. */
export interface TailModelState {
  weights: number[];
  total: number;
  inc: number;
}

/**
 * P(Z ≥ d) for a standard normal, from the same Chebyshev fit as mathx.logNormalSf but with a
 * single exp (fractional error < 1.2e-7); underflows to 0 beyond d ≈ 38.
 */
function normalSfFast(d: number): number {
  const x = Math.abs(d) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * x);
  const erfc =
    t *
    Math.exp(
      -x * x - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return d >= 0 ? 0.5 * erfc : 1 - 0.5 * erfc;
}

/** Transformed coordinate of a standardised residual. */
export function tailCoordinate(z: number): number {
  return Math.sign(z) * Math.log1p(Math.abs(z));
}

export class TailModel {
  /** Bin width and kernel bandwidth on the u scale (u = ±ln(1+|z|)). */
  static readonly WIDTH = 0.2;
  static readonly BANDWIDTH = 0.25;
  /** u range covered: |z| up to e^14 ≈ 1.2e6; larger values fall into the last bin. */
  static readonly RANGE = 14;
  static readonly BINS = Math.round((2 * TailModel.RANGE) / TailModel.WIDTH);
  /** Share of all samples treated as extremes (the peaks-over-threshold part of the tail). */
  static readonly EXTREME = 0.02;
  /** Fewest (effective) extreme samples needed to fit their tail. */
  static readonly MIN_EXCESS = 5;

  private weights = new Float32Array(TailModel.BINS);
  private total = 0;

  /** Weight of the next sample; grows by 1/β per sample instead of decaying every bin. */
  private inc = 1;
  private growth = 1;
  /** Outermost occupied bins (weights only decay, so once occupied a bin stays non-zero). */
  private hi = TailModel.BINS >> 1;
  private lo = (TailModel.BINS >> 1) - 1;
  private lastHalfLife = NaN;

  /** Sum of the (decayed) sample weights: the effective sample size. */
  get mass(): number {
    return this.total / this.inc;
  }

  private static binOf(u: number): number {
    const b = Math.floor((u + TailModel.RANGE) / TailModel.WIDTH);
    return b < 0 ? 0 : b >= TailModel.BINS ? TailModel.BINS - 1 : b;
  }

  private static center(b: number): number {
    return -TailModel.RANGE + (b + 0.5) * TailModel.WIDTH;
  }

  /** Adds a standardised residual; older ones fade with the given half-life (in samples). */
  add(z: number, halfLife: number): void {
    if (halfLife !== this.lastHalfLife) {
      this.growth = Math.pow(2, 1 / halfLife);
      this.lastHalfLife = halfLife;
    }
    this.inc *= this.growth;
    if (this.inc > 1e20) {
      for (let i = 0; i < this.weights.length; i++) this.weights[i] /= this.inc;
      this.total /= this.inc;
      this.inc = 1;
    }
    const b = TailModel.binOf(tailCoordinate(z));
    this.weights[b] += this.inc;
    this.total += this.inc;
    if (b > this.hi) this.hi = b;
    if (b < this.lo) this.lo = b;
  }

  /**
   * ln P(Z ≥ z) for z ≥ 0, or ln P(Z ≤ z) for z < 0 (0 when empty). Inside the observed range it
   * is the KDE tail; beyond the top `EXTREME` share of the observed tail it is a generalised Pareto
   * tail fitted to the excesses over that point (peaks over threshold, as in SPOT: Siffer et al.,
   * "Anomaly detection in streams with extreme value theory", KDD 2017; method-of-moments fit,
   * Hosking & Wallis, Technometrics 29, 1987), so far outliers keep getting rarer instead of all
   * sharing the smallest probability the sample can resolve.
   */
  logTail(z: number, shapeSe = 2): number {
    if (!(this.total > 0)) return 0;
    const upper = z >= 0;
    // Walk from the outermost occupied bin of this side inwards (dir is the step inwards).
    const dir = upper ? -1 : 1;
    const first = upper ? this.hi : this.lo;
    const last = upper ? TailModel.BINS >> 1 : (TailModel.BINS >> 1) - 1;
    // Threshold: the bin edge beyond which the top EXTREME share of all mass lies on this side.
    let massOut = 0;
    let b = first;
    const target = TailModel.EXTREME * this.total;
    while (b !== last && massOut + this.weights[b] <= target) {
      massOut += this.weights[b];
      b += dir;
    }
    const t = Math.expm1(Math.abs(TailModel.center(b) - dir * 0.5 * TailModel.WIDTH));
    const az = Math.abs(z);
    if (az > t && massOut >= TailModel.MIN_EXCESS * this.inc) {
      // Moments of the excesses over t, each bin taken as uniform over its span on the z scale
      // (its centre plus width²/12, so extremes that share one bin still have a spread).
      let m1 = 0;
      let m2 = 0;
      for (let j = first; j !== b; j += dir) {
        const w = this.weights[j];
        if (w === 0) continue;
        const c = Math.abs(TailModel.center(j));
        const lo = Math.expm1(c - TailModel.WIDTH / 2) - t;
        const hi = Math.expm1(c + TailModel.WIDTH / 2) - t;
        const e = 0.5 * (lo + hi);
        m1 += w * e;
        m2 += w * (e * e + ((hi - lo) * (hi - lo)) / 12);
      }
      const mean = m1 / massOut;
      const variance = Math.max(m2 / massOut - mean * mean, 1e-12);
      const r = (mean * mean) / variance;
      // The shape comes from a few dozen extremes, so use an upper confidence bound,
      // ξ̂ + k·SE with SE ≈ (1 + ξ̂)/√n (the large-sample standard error of the GPD shape for
      // ξ̂ > −½; Hosking & Wallis 1987; k = `shapeSe`): a young or small sample is not trusted to
      // have a light tail, so one big deviation in a calm series is rare, not impossible.
      const nExtremes = massOut / this.inc;
      const xiHat = Math.max(0.5 * (1 - r), -0.5);
      const xi = Math.min(Math.max(xiHat + (shapeSe * (1 + xiHat)) / Math.sqrt(nExtremes), 0), 1);
      const scale = Math.max(0.5 * mean * (1 + r), 1e-9);
      const x = az - t;
      const logExcess = xi > 1e-6 ? -Math.log1p((xi * x) / scale) / xi : -x / scale;
      return Math.min(0, Math.log(massOut / this.total) + logExcess);
    }
    return this.kdeLogTail(z, first, dir);
  }

  /**
   * The KDE part of {@link logTail}: Σ w·Φc((u − c)/h) over the bins, walking from the far end of
   * the tail inwards and stopping once no remaining kernel can matter. Summed in linear space
   * (one exp per bin); only when every kernel underflows does it fall back to log space.
   */
  private kdeLogTail(z: number, first: number, dir: number): number {
    const u = tailCoordinate(z);
    const h = TailModel.BANDWIDTH;
    const sign = -dir; // +1 on the upper side
    const end = dir > 0 ? TailModel.BINS : -1;
    let acc = 0;
    let logAcc = -Infinity; // only used when every term underflows
    for (let b = first; b !== end; b += dir) {
      const w = this.weights[b];
      if (w === 0) continue;
      const d = (sign * (u - TailModel.center(b))) / h;
      if (d < 37) {
        const sf = normalSfFast(d);
        // Every later bin is further inside: all of them together add less than total·Φc(d).
        if (acc > 0 && this.total * sf < acc * 1e-9) break;
        acc += w * sf;
      } else if (acc === 0) logAcc = logAddExp(logAcc, Math.log(w) + logNormalSf(d));
      else break;
    }
    const logTotal = Math.log(this.total);
    return Math.min(0, (acc > 0 ? Math.log(acc) : logAcc) - logTotal);
  }

  toJSON(): TailModelState {
    return { weights: [...this.weights], total: this.total, inc: this.inc };
  }

  static fromJSON(s: TailModelState): TailModel {
    const t = new TailModel();
    t.weights = Float32Array.from(s.weights);
    t.total = s.total;
    t.inc = s.inc;
    for (let b = 0; b < TailModel.BINS; b++) {
      if (t.weights[b] === 0) continue;
      t.hi = Math.max(t.hi, b);
      t.lo = Math.min(t.lo, b);
    }
    return t;
  }
}
