/**
 * Level-shift detection by a two-sided CUSUM on standardised residuals (E. S. Page, "Continuous
 * inspection schemes", Biometrika 41, 1954): S⁺ = max(0, S⁺ + z − k), S⁻ = max(0, S⁻ − z − k).
 * Under no change S behaves like a random walk with drift −k reflected at 0, whose stationary tail
 * is P(S > s) ≈ exp(−2ks) (Siegmund, "Sequential Analysis", 1985, ch. X), so 2k·S is the surprise
 * in nats. O(1) per point.
 */

/** Plain-JSON state of a {@link Cusum}. */
export interface CusumState {
  pos: number;
  neg: number;
  posRun: number;
  negRun: number;
}

export class Cusum {
  pos = 0;
  neg = 0;
  /** Points since each side last left zero (how far back the shift started). */
  posRun = 0;
  negRun = 0;

  /** Adds a standardised residual (already clipped by the caller). */
  update(z: number, k: number): void {
    this.pos = Math.max(0, this.pos + z - k);
    this.neg = Math.max(0, this.neg - z - k);
    this.posRun = this.pos > 0 ? this.posRun + 1 : 0;
    this.negRun = this.neg > 0 ? this.negRun + 1 : 0;
  }

  /** The larger side: its statistic, direction and run length. */
  peak(): { stat: number; up: boolean; run: number } {
    return this.pos >= this.neg ? { stat: this.pos, up: true, run: this.posRun } : { stat: this.neg, up: false, run: this.negRun };
  }

  reset(): void {
    this.pos = this.neg = 0;
    this.posRun = this.negRun = 0;
  }

  toJSON(): CusumState {
    return { pos: this.pos, neg: this.neg, posRun: this.posRun, negRun: this.negRun };
  }

  static fromJSON(s: CusumState): Cusum {
    const c = new Cusum();
    Object.assign(c, s);
    return c;
  }
}
