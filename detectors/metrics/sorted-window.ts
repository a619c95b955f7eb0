/**
 * The last W residuals, kept both in arrival order (a ring) and sorted, so that the median is O(1)
 * and the MAD O(W) without sorting, and a rank O(log W). Insertion is two binary searches and two
 * block moves (copyWithin), a few hundred nanoseconds for W = 256. Stored as float32: residuals
 * need no more precision, and the window is the largest part of a series' state.
 */
import { MAD_TO_SIGMA, sortedMedian } from './robust.js';

/** Plain-JSON state: the values in arrival order. */
export type SortedWindowState = number[];

const MEAN_ABS_TO_SIGMA = 1.2533141373155;

export class SortedWindow {
  readonly capacity: number;
  private ring: Float32Array;
  private head = 0;
  size = 0;
  /** Sorted copy of the ring's live values (first `size` entries). */
  readonly sorted: Float32Array;

  constructor(capacity: number) {
    this.capacity = capacity;
    this.ring = new Float32Array(capacity);
    this.sorted = new Float32Array(capacity);
  }

  /** First index in sorted[0..size) whose value is >= x. */
  lowerBound(x: number): number {
    let lo = 0;
    let hi = this.size;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.sorted[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Adds a value (stored as float32, clamped to ±1e38), dropping the oldest when full. */
  push(value: number): void {
    const x = Math.fround(value > 1e38 ? 1e38 : value < -1e38 ? -1e38 : value);
    const s = this.sorted;
    if (this.size < this.capacity) {
      const pos = this.lowerBound(x);
      s.copyWithin(pos + 1, pos, this.size);
      s[pos] = x;
      this.size++;
    } else {
      // Replace the oldest value in place: one block move between its slot and the new one's.
      const at = this.lowerBound(this.ring[this.head]);
      const pos = this.lowerBound(x);
      if (pos > at + 1) {
        s.copyWithin(at, at + 1, pos);
        s[pos - 1] = x;
      } else if (pos < at) {
        s.copyWithin(pos + 1, pos, at);
        s[pos] = x;
      } else s[at] = x;
    }
    this.ring[this.head] = x;
    this.head = (this.head + 1) % this.capacity;
  }

  /** Adds `delta` to the `m` most recent values (used when a level shift is absorbed). */
  shiftRecent(m: number, delta: number): void {
    const k = Math.min(m, this.size);
    for (let i = 1; i <= k; i++) {
      const idx = (this.head - i + this.capacity) % this.capacity;
      this.ring[idx] += delta;
    }
    this.rebuild();
  }

  /** The `m` most recent values, newest last. */
  recent(m: number): Float64Array {
    const k = Math.min(m, this.size);
    const out = new Float64Array(k);
    for (let i = 0; i < k; i++) out[i] = this.ring[(this.head - k + i + this.capacity) % this.capacity];
    return out;
  }

  private rebuild(): void {
    const start = (this.head - this.size + this.capacity) % this.capacity;
    for (let i = 0; i < this.size; i++) this.sorted[i] = this.ring[(start + i) % this.capacity];
    this.sorted.subarray(0, this.size).sort();
  }

  median(): number {
    return sortedMedian(this.sorted, this.size);
  }

  /**
   * Robust σ around `med`: 1.4826·MAD, walking outwards from the median in O(size); falls back to
   * the scaled mean absolute deviation when more than half the values equal the median.
   */
  sigma(med: number): number {
    const n = this.size;
    if (n === 0) return 0;
    const s = this.sorted;
    let j = this.lowerBound(med); // first >= med
    let i = j - 1; // last < med
    const target = (n - 1) >> 1; // 0-based rank of the lower median of the distances
    let d = 0;
    let d2 = 0;
    for (let k = 0; k <= target + (n % 2 === 0 ? 1 : 0); k++) {
      const left = i >= 0 ? med - s[i] : Infinity;
      const right = j < n ? s[j] - med : Infinity;
      let v: number;
      if (left <= right) {
        v = left;
        i--;
      } else {
        v = right;
        j++;
      }
      if (k === target) d = v;
      else d2 = v;
    }
    const mad = n % 2 === 1 ? d : 0.5 * (d + d2);
    if (mad > 0) return MAD_TO_SIGMA * mad;
    let abs = 0;
    for (let k = 0; k < n; k++) abs += Math.abs(s[k] - med);
    return (MEAN_ABS_TO_SIGMA * abs) / n;
  }

  /** How many values lie at distance >= r from `med` (r >= 0), in O(log size). */
  countBeyond(med: number, r: number): number {
    if (!(r > 0)) return this.size;
    return this.size - this.lowerBound(med + r) + this.countBelow(med - r);
  }

  private countBelow(x: number): number {
    // values <= x
    let lo = 0;
    let hi = this.size;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.sorted[mid] <= x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  toJSON(): SortedWindowState {
    return [...this.recent(this.size)];
  }

  static fromJSON(capacity: number, values: SortedWindowState): SortedWindow {
    const w = new SortedWindow(capacity);
    for (const v of values.slice(-capacity)) w.push(v);
    return w;
  }
}
