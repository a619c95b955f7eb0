/** Numeric helpers shared by the detectors, the RCA and the sandbox. */

/** x limited to [lo, hi]. */
export function clamp(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}
