/**
 * Raw monotonic counters (a Prometheus `_total`, a byte count) are not levels to alarm on: the
 * level only says how long the process has been up, and a restart sends it to about zero, which a
 * level detector sees as a −100 % step. What is worth watching is the rate. This recognises a
 * counter from the data alone (never from its name) and turns it into per-minute rates.
 *
 * Recognition, from the first DECIDE_POINTS points (inside the detector's warm-up, so starting
 * afresh on rates costs no score; they are scored as levels meanwhile): every value ≥ 0, no
 * decrease except resets (a drop to under half the previous value: a restarted process counts
 * from zero), at most a few resets, and at least a few rises (a constant or a gauge that stood
 * still is not a counter). Noise makes a gauge fall within a few points; 47 steps that never fall,
 * but for resets, is a counter.
 *
 * Afterwards a fall is also a reset when the new value is at most RESET_STEPS steps' worth of the
 * counter's usual increase: a process that restarted again within minutes (a crash loop) counted
 * little, while a gauge that fell sits at its level, far above its step-to-step changes. Any
 * other decrease means the series was a gauge that happened to rise for a while: the view gives
 * up on rates for good (the caller starts afresh on levels). A point at or behind the newest
 * timestamp is dropped (its count is in the next point's).
 * The rate across a reset is unknown (the counter says only what it counted since the restart,
 * not what the old process counted before it died), so a reset point yields no rate at all.
 */

/** Points kept to decide on (below the detector's 64-point warm-up). */
export const DECIDE_POINTS = 48;
/** A drop to under this share of the previous value is a reset; a smaller drop is no counter's. */
const RESET_SHARE = 0.5;
/** A fall to at most this many steps' worth of the mean increase is a reset too. */
const RESET_STEPS = 10;
/** Points over which the mean increase is averaged (an EWMA). */
const INCREASE_POINTS = 64;
/** At most this many resets among the points decided on (a crash loop is a few). */
const MAX_RESETS = 6;
/** At least this many rises among them. */
const MIN_RISES = 4;

export type CounterMode = 'undecided' | 'counter' | 'level';

export interface CounterViewState {
  mode: CounterMode;
  /** Points kept while undecided, as [ts, value]. */
  held: [number, number][];
  prevTs: number | null;
  prevValue: number | null;
  /** Mean increase per point (EWMA; absent in older checkpoints: 0). */
  meanIncrease?: number;
}

/** What one raw point is for the detector behind the view. */
export type CounterStep =
  | { kind: 'level' } // score as a level (undecided, or decided: a level)
  | { kind: 'counter'; rates: [number, number][] } // decided: a counter; start afresh on these rates
  | { kind: 'rate'; value: number }
  | { kind: 'reset' } // a restart: no rate known
  | { kind: 'stale' } // at or behind the newest timestamp: its count is in the next point's
  | { kind: 'gave_up' }; // not a counter after all: start afresh on levels

export class CounterView {
  private mode: CounterMode = 'undecided';
  private held: [number, number][] = [];
  private prevTs: number | null = null;
  private prevValue: number | null = null;
  private meanIncrease = 0;

  get current(): CounterMode {
    return this.mode;
  }

  /** Takes one finite raw point (ts in epoch ms). */
  next(ts: number, value: number): CounterStep {
    if (this.mode === 'level') return { kind: 'level' };
    if (this.mode === 'undecided') {
      // Out-of-order points are the level detector's to handle: a series sent so is scored on levels.
      const ordered = this.held.length === 0 || ts > this.held[this.held.length - 1][0];
      if (ordered) this.held.push([ts, value]);
      if (ordered && this.held.length < DECIDE_POINTS) return { kind: 'level' };
      return this.decide(ordered && looksLikeCounter(this.held));
    }
    const prevTs = this.prevTs!;
    const prevValue = this.prevValue!;
    if (ts <= prevTs) return { kind: 'stale' };
    this.prevTs = ts;
    this.prevValue = value;
    if (value >= prevValue) {
      this.meanIncrease += (value - prevValue - this.meanIncrease) / INCREASE_POINTS;
      return { kind: 'rate', value: perMinute(value - prevValue, ts - prevTs) };
    }
    if (value >= 0 && (value < RESET_SHARE * prevValue || value <= RESET_STEPS * this.meanIncrease)) return { kind: 'reset' };
    this.mode = 'level';
    return { kind: 'gave_up' };
  }

  private decide(counter: boolean): CounterStep {
    const held = this.held;
    this.held = [];
    if (!counter) {
      this.mode = 'level';
      return { kind: 'level' };
    }
    this.mode = 'counter';
    const rates: [number, number][] = [];
    for (let i = 1; i < held.length; i++) {
      const [t0, v0] = held[i - 1];
      const [t1, v1] = held[i];
      if (v1 < v0) continue;
      rates.push([t1, perMinute(v1 - v0, t1 - t0)]);
      this.meanIncrease += (v1 - v0 - this.meanIncrease) / Math.min(rates.length, INCREASE_POINTS);
    }
    [this.prevTs, this.prevValue] = held[held.length - 1];
    return { kind: 'counter', rates };
  }

  toJSON(): CounterViewState {
    return { mode: this.mode, held: this.held.map(([t, v]) => [t, v]), prevTs: this.prevTs, prevValue: this.prevValue, meanIncrease: this.meanIncrease };
  }

  static fromJSON(s: CounterViewState): CounterView {
    const c = new CounterView();
    c.mode = s.mode;
    c.held = s.held.map(([t, v]) => [t, v]);
    c.prevTs = s.prevTs;
    c.prevValue = s.prevValue;
    c.meanIncrease = s.meanIncrease ?? 0;
    return c;
  }
}

/** Every value ≥ 0; no fall but resets, and few of those; rises enough to be counting something. */
export function looksLikeCounter(points: readonly [number, number][]): boolean {
  let rises = 0;
  let resets = 0;
  for (let i = 0; i < points.length; i++) {
    const v = points[i][1];
    if (v < 0) return false;
    if (i === 0) continue;
    const prev = points[i - 1][1];
    if (v > prev) rises++;
    else if (v < prev) {
      if (v >= RESET_SHARE * prev) return false;
      resets++;
    }
  }
  return resets <= MAX_RESETS && rises >= MIN_RISES;
}

function perMinute(delta: number, dtMs: number): number {
  return (delta * 60_000) / dtMs;
}
