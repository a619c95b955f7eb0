/**
 * How numbers read in evidence and hypothesis text: a value in its metric's unit, a time span in
 * the unit a person reads at a glance ("12 s", "3 min", "1 h 5 min"), a direction that matches the
 * numbers shown beside it. Every sentence an on-call engineer reads is built from the numbers it
 * cites through these, so the words cannot drift from the figures.
 */

/** Ratios read as percentages: error/failure rates and ratios, utilisation, saturation, success and availability. */
const RATIO = /(error|5xx|fail).*(rate|ratio)|ratio|utili[sz]ation|saturation|success|availability/i;
const MILLIS = /_ms$|(^|[^a-z])ms$|millis/i;
const SECONDS = /(_seconds|_secs?|_s)$/i;
const PER_SECOND = /per_s(ec(ond)?)?$|_rps$|_qps$/i;

/** Three significant digits at most, no exponent, no trailing zeros: 0.00123, 12.3, 1234. */
export function num(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  if (a >= 100) return String(Math.round(x));
  if (a === 0) return '0';
  return String(Number(x.toPrecision(3)));
}

/**
 * A value in the unit its metric's name implies: `error_rate` 0.0123 → "1.23%", `latency_p95_ms`
 * 13148 → "13.1 s", `cpu_seconds`… A ratio is shown as a percentage only in [0, 1] (an error
 * "rate" of 12 is errors per second, not 1200 %); `ratioScale` is false when a paired value is
 * outside [0, 1], so both ends of "a → b" read alike.
 */
export function withUnit(metric: string, v: number | null, ratioScale = true): string {
  if (v === null || !Number.isFinite(v)) return 'n/a';
  if (RATIO.test(metric) && ratioScale && v >= 0 && v <= 1) return `${num(v * 100)}%`;
  if (PER_SECOND.test(metric)) return `${num(v)}/s`;
  if (MILLIS.test(metric)) return Math.abs(v) >= 1000 ? `${num(v / 1000)} s` : `${num(v)} ms`;
  if (SECONDS.test(metric)) return Math.abs(v) < 1 && v !== 0 ? `${num(v * 1000)} ms` : `${num(v)} s`;
  return num(v);
}

/** "a → b" in the metric's unit (both as percentages or neither). */
export function fromTo(metric: string, a: number | null, b: number | null): string {
  const inUnit = (x: number | null) => x === null || (x >= 0 && x <= 1);
  const ratioScale = inUnit(a) && inUnit(b);
  return `${withUnit(metric, a, ratioScale)} → ${withUnit(metric, b, ratioScale)}`;
}

/** A span of time as people say it: "12 s", "1.5 min", "3 min", "45 min", "1 h 5 min". */
export function span(ms: number): string {
  const a = Math.abs(ms);
  if (a < 60_000) return `${Math.round(a / 1000)} s`;
  if (a < 10 * 60_000) return `${Number((a / 60_000).toFixed(1))} min`;
  if (a < 120 * 60_000) return `${Math.round(a / 60_000)} min`;
  const h = Math.floor(a / 3_600_000);
  const m = Math.round((a - h * 3_600_000) / 60_000);
  return m === 0 ? `${h} h` : `${h} h ${m} min`;
}

/**
 * Where an event sits relative to a reference moment: "12 s before the onset", "3 min after the
 * incident start", "at the onset" (within a second). `leadMs` > 0: the event came first.
 */
export function relative(leadMs: number, anchor: string): string {
  if (Math.abs(leadMs) < 1000) return `at ${anchor}`;
  return `${span(leadMs)} ${leadMs > 0 ? 'before' : 'after'} ${anchor}`;
}

/** An instant for a sentence: ISO-8601 to the second, in UTC ("2026-03-04T16:31:00Z"). */
export function instant(t: number): string {
  return new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
