/**
 * Multi-resolution windows over standardised residuals. Each window is an exponentially weighted
 * mean with a time constant (5 m, 30 m, 6 h by default) that decays by elapsed time, so gaps and
 * uneven steps are handled. Its statistic is the mean divided by the standard deviation it would
 * have for independent unit-variance residuals (√Σwᵢ², tracked exactly for uneven steps), then by
 * a learnt inflation factor: residuals of real series are autocorrelated, so how much a window
 * mean really varies is learnt rather than assumed. This is the idea of Numenta's anomaly
 * likelihood (Ahmad, Lavin, Purdy & Agha, "Unsupervised real-time anomaly detection for streaming
 * data", Neurocomputing 262, 2017): a short-term average of the error judged against the long-term
 * behaviour of that average.
 */

/** Plain-JSON state of {@link ResidualWindows}. */
export interface WindowsState {
  tauMs: number[];
  mean: number[];
  weightSq: number[];
  inflationNum: number[];
  inflationDen: number;
  lastTs: number | null;
}

export class ResidualWindows {
  readonly tauMs: number[];
  private mean: Float64Array;
  /** Σwᵢ² of the EW weights: the variance of the mean for iid unit-variance inputs. */
  private weightSq: Float64Array;
  /** Bias-corrected EW average of the squared iid-standardised mean (num/den): the inflation. */
  private inflationNum: Float64Array;
  private inflationDen = 0;
  private lastTs: number | null = null;
  // Cache of the decay factors for the last gap seen (not state: recomputed on demand).
  private lastDt = NaN;
  private lastStep = NaN;
  private keep = 1;
  private readonly betas: Float64Array;

  constructor(tauMs: number[]) {
    this.tauMs = tauMs.slice();
    this.mean = new Float64Array(tauMs.length);
    this.weightSq = new Float64Array(tauMs.length);
    this.inflationNum = new Float64Array(tauMs.length);
    this.betas = new Float64Array(tauMs.length);
  }

  /**
   * Adds a standardised residual at `ts` and writes each window's statistic into `out` (about
   * unit variance in normal times). `longTauMs` is the horizon of the inflation estimate.
   */
  update(ts: number, z: number, stepMs: number, longTauMs: number, out: Float64Array): void {
    const dt = this.lastTs === null ? stepMs : Math.max(ts - this.lastTs, 0);
    this.lastTs = ts;
    if (dt !== this.lastDt || stepMs !== this.lastStep) {
      // Steps are usually regular: the decay factors are computed once per distinct gap.
      for (let i = 0; i < this.tauMs.length; i++) this.betas[i] = Math.exp(-dt / this.tauMs[i]);
      this.keep = Math.exp(-Math.max(dt, stepMs * 1e-3) / longTauMs);
      this.lastDt = dt;
      this.lastStep = stepMs;
    }
    const keep = this.keep;
    this.inflationDen = keep * this.inflationDen + 1;
    for (let i = 0; i < this.tauMs.length; i++) {
      const beta = this.betas[i];
      const m = beta * this.mean[i] + (1 - beta) * z;
      const f = beta * beta * this.weightSq[i] + (1 - beta) * (1 - beta);
      this.mean[i] = m;
      this.weightSq[i] = f;
      const n = f > 0 ? m / Math.sqrt(f) : 0;
      // Positive autocorrelation only inflates; never assume a window calmer than independent data.
      const prev = this.inflationDen > 1 ? (this.inflationNum[i] * keep) / (this.inflationDen - 1) : 1;
      const inflation = Math.max(prev, 1);
      out[i] = n / Math.sqrt(inflation);
      // Each contribution is capped at 9× (3σ) so an anomaly raises the inflation only slowly.
      this.inflationNum[i] = keep * this.inflationNum[i] + Math.min(n * n, 9 * inflation);
    }
  }

  /** Forgets the current means (after a level shift has been absorbed into the baseline). */
  reset(): void {
    this.mean.fill(0);
    this.weightSq.fill(0);
  }

  toJSON(): WindowsState {
    return {
      tauMs: this.tauMs,
      mean: [...this.mean],
      weightSq: [...this.weightSq],
      inflationNum: [...this.inflationNum],
      inflationDen: this.inflationDen,
      lastTs: this.lastTs,
    };
  }

  static fromJSON(s: WindowsState): ResidualWindows {
    const w = new ResidualWindows(s.tauMs);
    w.mean = Float64Array.from(s.mean);
    w.weightSq = Float64Array.from(s.weightSq);
    w.inflationNum = Float64Array.from(s.inflationNum);
    w.inflationDen = s.inflationDen;
    w.lastTs = s.lastTs;
    return w;
  }
}
