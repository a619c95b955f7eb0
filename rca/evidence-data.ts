/**
 * Evidence `data` as the API spells everything else: snake_case keys. The analysis builds its
 * evidence from its own camelCase types (a MetricDelta's `baselineMedian`, a change's
 * `leadMinutes`); this renames the keys at every depth, values untouched, where the evidence is
 * mapped to its stored row. Only camelCase identifiers are renamed: keys that are names from the
 * data (a service, a template family such as "latency:server:p95") are kept as they are.
 */
const CAMEL = /^[a-z][a-z0-9]*(?:[A-Z][a-z0-9]*)+$/;

/** `baselineMedian` → `baseline_median`, `p95Ms` → `p95_ms`; anything not camelCase unchanged. */
export function snakeKey(key: string): string {
  return CAMEL.test(key) ? key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`) : key;
}

/** Any plain value with its camelCase keys renamed at every depth (the API's analysis views use it too). */
export function snakeCaseKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(snakeCaseKeys);
  if (v === null || typeof v !== 'object' || Object.getPrototypeOf(v) !== Object.prototype) return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) out[snakeKey(k)] = snakeCaseKeys(x);
  return out;
}

/**
 * The stored form of an evidence item's data: snake_case keys at every depth.
 * @example evidenceData({ leadMinutes: 2, factors: { priorFailureRate: 0.1 } }) // { lead_minutes: 2, factors: { prior_failure_rate: 0.1 } }
 */
export function evidenceData(data: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return snakeCaseKeys(data) as Record<string, unknown>;
}
