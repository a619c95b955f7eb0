/** A seeded random source (mulberry32): the same seed gives the same sequence, everywhere. */
export type Rng = () => number;

export function seededRng(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A standard normal deviate (Box–Muller). */
export function gaussian(rng: Rng): number {
  return Math.sqrt(-2 * Math.log(rng() + 1e-300)) * Math.cos(2 * Math.PI * rng());
}

/** A Poisson deviate: Knuth's product method, a rounded normal above `normalAbove` (the method is slow for large means). */
export function poisson(rng: Rng, mean: number, normalAbove: number): number {
  if (mean > normalAbove) return Math.max(0, Math.round(mean + Math.sqrt(mean) * gaussian(rng)));
  const l = Math.exp(-mean);
  let k = 0;
  let p = rng();
  while (p > l) {
    k++;
    p *= rng();
  }
  return k;
}

/** A shuffled copy of `xs` (Fisher–Yates with the given generator). */
export function shuffled<T>(xs: readonly T[], rng: Rng): T[] {
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}
