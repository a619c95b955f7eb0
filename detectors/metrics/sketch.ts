/**
 * A relative-error quantile sketch for durations (DDSketch: Masson, Rim & Lee, "DDSketch: a fast
 * and fully-mergeable quantile sketch with relative-error guarantees", VLDB 2019): values fall into
 * logarithmic buckets ⌈log_γ x⌉ with γ = (1+α)/(1−α), so every quantile is within a relative error
 * α of the truth and memory is bounded by the number of distinct buckets (≈ 700 for 1 µs…1 day at
 * α = 1 %), not by the number of values.
 */

export class QuantileSketch {
  private readonly gamma: number;
  private readonly logGamma: number;
  private readonly buckets = new Map<number, number>();
  private zeros = 0;
  count = 0;

  /** α is the relative accuracy (default 1 %). */
  constructor(readonly alpha = 0.01) {
    this.gamma = (1 + alpha) / (1 - alpha);
    this.logGamma = Math.log(this.gamma);
  }

  /** Adds a non-negative value (negative and non-finite values are ignored). */
  add(x: number): void {
    if (!(x >= 0) || !Number.isFinite(x)) return;
    this.count++;
    if (x < 1e-9) {
      this.zeros++;
      return;
    }
    const k = Math.ceil(Math.log(x) / this.logGamma);
    this.buckets.set(k, (this.buckets.get(k) ?? 0) + 1);
  }

  /** The q-quantile (q in [0, 1]) within relative error α; NaN when empty. */
  quantile(q: number): number {
    if (this.count === 0) return NaN;
    const rank = Math.min(this.count - 1, Math.max(0, Math.floor(q * (this.count - 1))));
    if (rank < this.zeros) return 0;
    let seen = this.zeros;
    const keys = [...this.buckets.keys()].sort((a, b) => a - b);
    for (const k of keys) {
      seen += this.buckets.get(k)!;
      if (seen > rank) return (2 * Math.pow(this.gamma, k)) / (this.gamma + 1);
    }
    return (2 * Math.pow(this.gamma, keys[keys.length - 1])) / (this.gamma + 1);
  }
}
