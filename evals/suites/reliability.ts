/**
 * What a confidence means, measured: the confident verdicts of a run grouped by their confidence,
 * each band with how many were right. Reported next to AC@k (no threshold): a responder reads
 * "0.62" as a promise, and this is what the promise was worth on the cases at hand.
 */

/** Upper edges of the bands; the last one takes everything at or above its lower edge. */
const EDGES = [0.5, 0.6, 0.7, 0.8, Infinity];

export interface Verdict {
  confidence: number;
  right: boolean;
}

export interface Band {
  from: number;
  to: number;
  right: number;
  n: number;
}

/** Confident verdicts by confidence band ([lower, upper)); empty bands are left out. */
export function reliabilityBands(verdicts: readonly Verdict[]): Band[] {
  const out: Band[] = [];
  let from = 0;
  for (const to of EDGES) {
    const inBand = verdicts.filter((v) => v.confidence >= from && v.confidence < to);
    if (inBand.length) out.push({ from, to, right: inBand.filter((v) => v.right).length, n: inBand.length });
    from = to;
  }
  return out;
}

/** One line: `< 0.5: 3 of 5 right · 0.5–0.6: 10 of 14 · … · ≥ 0.8: 7 of 7`. */
export function formatBands(bands: readonly Band[]): string {
  if (!bands.length) return 'no confident verdicts';
  return bands
    .map((b) => `${b.from === 0 ? `< ${b.to}` : b.to === Infinity ? `≥ ${b.from}` : `${b.from}–${b.to}`}: ${b.right} of ${b.n} right`)
    .join(' · ');
}
