/**
 * From an engineer's words to a metric name: "p95 latency" → latency_p95_ms, "error rate" →
 * http_error_rate, "cpu" → cpu_utilization. The first guess uses the sandbox's and Prometheus's
 * usual names; when query_metric answers that a service has no such metric, it lists the ones it
 * has, and `closestMetric` picks among those by the same words (or none: then the planner asks).
 * Pure.
 */

interface MetricSense {
  /** The phrasing. */
  re: RegExp;
  /** The name tried first. */
  guess: string;
  /** Words a metric's name should contain, most telling first. */
  words: string[];
}

/** Most specific first: "p99 latency" is p99 before it is latency. */
const SENSES: MetricSense[] = [
  { re: /\bp99\b|99(th)? percentile/i, guess: 'latency_p99_ms', words: ['p99', 'latency', 'duration'] },
  { re: /\bp50\b|median|50(th)? percentile/i, guess: 'latency_p50_ms', words: ['p50', 'latency', 'duration'] },
  { re: /\bp9[05]\b|9[05](th)? percentile/i, guess: 'latency_p95_ms', words: ['p95', 'latency', 'duration'] },
  { re: /latenc|response time|slow|duration/i, guess: 'latency_p95_ms', words: ['latency', 'p95', 'duration'] },
  { re: /error[- ]rate|5xx|failure rate|errors?\b/i, guess: 'http_error_rate', words: ['error', 'err', '5xx', 'fail'] },
  { re: /\bcpu\b/i, guess: 'cpu_utilization', words: ['cpu'] },
  { re: /\b(memory|mem|ram|heap)\b/i, guess: 'memory_utilization', words: ['memory', 'mem', 'heap', 'rss'] },
  { re: /\bdisk\b/i, guess: 'disk_utilization', words: ['disk', 'fs', 'volume'] },
  { re: /restart/i, guess: 'restarts_total', words: ['restart'] },
  { re: /saturation|pool|connections?/i, guess: 'saturation', words: ['saturation', 'pool', 'conn'] },
  { re: /throughput|\brps\b|\bqps\b|requests? (per|a) (second|sec|s)|request rate|traffic|load\b/i, guess: 'http_requests_per_s', words: ['requests', 'rps', 'rate', 'throughput'] },
];

/** The metric the question's words name, as a first guess (null: the question names none). */
export function metricGuess(question: string): string | null {
  const explicit = /\b([a-z][a-z0-9]*(?:_[a-z0-9]+)+)\b/.exec(question.toLowerCase());
  if (explicit) return explicit[1];
  return SENSES.find((s) => s.re.test(question))?.guess ?? null;
}

/** The closest of `names` to what the question asks, or null when none shares a telling word. */
export function closestMetric(question: string, names: readonly string[]): string | null {
  const sense = SENSES.find((s) => s.re.test(question));
  const words = sense ? sense.words : question.toLowerCase().split(/[^a-z0-9]+/).filter((w) => w.length > 2);
  let best: { name: string; score: number } | null = null;
  for (const name of names) {
    const n = name.toLowerCase();
    // Earlier words weigh more; a shorter name wins a tie (fewer extra qualifiers).
    const score = words.reduce((a, w, i) => a + (n.includes(w) ? 10 * (words.length - i) : 0), 0) - n.length / 100;
    if (score > 0 && (!best || score > best.score)) best = { name, score };
  }
  return best?.name ?? null;
}

/** The metric names an error message lists ("… checkout has: a_b, c_d"): its snake_case identifiers. */
export function metricNamesIn(error: string): string[] {
  return [...new Set([...error.matchAll(/\b([a-zA-Z][a-zA-Z0-9]*(?:_[a-zA-Z0-9]+)+)\b/g)].map((m) => m[1]))];
}
