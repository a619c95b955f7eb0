/**
 * Which template each generated line is drawn from: Zipf-like weights over a random order of the
 * templates (a few events dominate, many are rare), the first lines walking every template once
 * so each has lines. Shared by the held-out log generators; draws from `r` in the order they did.
 */
import type { Rng } from '../../core/rng.js';

/** A picker over `count` templates with weight 1 / rank^`exponent`: call it with the line's index. */
export function zipfPicker(r: Rng, count: number, exponent: number): (line: number) => number {
  const order = Array.from({ length: count }, (_, i) => i).sort(() => r() - 0.5);
  const weights = order.map((_, rank) => 1 / (rank + 1) ** exponent);
  const total = weights.reduce((s, w) => s + w, 0);
  return (line) => {
    if (line < count) return line;
    let u = r() * total;
    let k = 0;
    while (k < weights.length - 1 && u >= weights[k]) u -= weights[k++];
    return order[k];
  };
}
