/**
 * What a fix is chosen from: the analysis's suspect, the change its top hypothesis blames, and
 * the fault signature of that service — the kinds of its anomalous metrics and what its error
 * and warning logs say. Pure; built by the use case from a stored analysis (usecases/fix-draft.ts)
 * so remediate/ never depends on the RCA's types.
 *
 * The log symptoms are the messages every stack prints for these faults (the kernel's ENOSPC,
 * the JVM's OutOfMemoryError, x509 verification, resolver errors, pool timeouts, Postgres'
 * duration log…): general operations knowledge, not any data set's wording.
 */

/** A fault signature tag: what the evidence says is wrong with the service. */
export const SYMPTOMS = [
  'disk_full',
  'out_of_memory',
  'cache_evictions',
  'pool_exhausted',
  'cert_expired',
  'dns_failure',
  'slow_query',
  'overloaded',
  'dependency_failing',
] as const;
export type Symptom = (typeof SYMPTOMS)[number];

/** Log message patterns per symptom (case-insensitive). */
const LOG_SYMPTOMS: [Symptom, RegExp][] = [
  ['disk_full', /no space left on device|\bENOSPC\b|disk (usage|full)|filesystem .*full|volume .*full/i],
  ['out_of_memory', /out ?of ?memory|OOMKilled|OutOfMemoryError|\bMemoryError\b|heap usage|GC overhead|memory limit exceeded|cannot allocate memory|unable to allocate/i],
  ['cache_evictions', /evicted \d+ keys|\bevictions?\b|maxmemory|output buffer limits/i],
  ['pool_exhausted', /acquir\w* (a |an )?(database |db )?connection|connection pool .*(max|exhausted|waiting)|too many (clients|connections)|pool (exhausted|timeout)/i],
  ['cert_expired', /certificate (has )?expired|\bx509\b|CERT_HAS_EXPIRED|certificate verify failed|SSL_do_handshake\(\) failed/i],
  ['dns_failure', /no such host|ENOTFOUND|could not be resolved|NXDOMAIN|name resolution|Temporary failure in name resolution/i],
  ['slow_query', /duration: [\d.]+ ?ms\s+statement:|slow query|seq(uential)? scan|temporary file: path/i],
  ['overloaded', /overloaded|CPU throttled|limiting requests|too many requests|rejecting request|load shedding/i],
  ['dependency_failing', /circuit breaker .*open|provider .* returned|upstream .* (failed|timeout)|returned (502|503|504)/i],
];

/** The change the top hypothesis blames, as the change correlation described it. */
export interface BlamedChange {
  id: string;
  /** deploy | flag | config | another change kind. */
  kind: string;
  /** The deploy's `service@version`, the flag's or config key's name. */
  key: string;
  service: string;
  /** The value before and after (a deploy's previous and new version, a flag's or key's old and new value), when the change event carried them. */
  from?: string | null;
  to?: string | null;
}

export interface FixEvidence {
  /** The service to act on: the top suspect of a confident analysis. */
  service: string;
  confidence: number;
  change: BlamedChange | null;
  /**
   * A deploy of the service shortly before its onset that the top hypothesis did not blame (the
   * correlation found it but weighed it lower): new code is still the first suspect for a fault
   * that grows inside the process, such as a memory leak.
   */
  recentDeploy?: BlamedChange | null;
  /**
   * Deploys, flag and config changes of the service shortly before its onset that the top hypothesis did not
   * blame, likeliest first: with sparse evidence (a minute of incident, few log lines) the change
   * correlation may rank them below a symptom, yet undoing such a change is the cheap, reversible
   * first move an SRE makes.
   */
  recentChanges?: BlamedChange[];
  /** Error and warning log templates of that service (and novel ones), most telling first. */
  templates: string[];
  /** Metric families with a sizeable anomaly on it (`saturation:self:memory`, `traffic:server:requests`…) and their strength 0..1. */
  families: Record<string, number>;
  /** Pods of the service whose own series are anomalous while the service's others are not: one bad instance. */
  badInstances: string[];
  /** Services its error logs name as failing (a dependency it calls), strongest first. */
  namedDependencies: string[];
  /**
   * A cache's hit ratio (0..1) before the incident and the lowest level it fell to during it, when
   * the service reports one and it fell: how far its working set outgrew its memory.
   */
  hitRatio?: { before: number; low: number } | null;
}

/** How strong a family must be to count as a symptom. */
const FAMILY_MIN = 0.3;

export interface FaultSignature {
  symptoms: Set<Symptom>;
  /** Memory, CPU, disk saturation of the service itself. */
  saturated: { memory: boolean; cpu: boolean; disk: boolean };
  /** The service received more requests than usual. */
  trafficUp: boolean;
  /** Templates that showed each symptom (for the why). */
  seenIn: Partial<Record<Symptom, string>>;
}

/** The part of a log line around what matched (templates start with timestamps and ids nobody needs to read). */
function quote(line: string, at: number): string {
  const from = Math.max(0, at - 30);
  const to = Math.min(line.length, at + 90);
  return `${from > 0 ? '…' : ''}${line.slice(from, to).trim()}${to < line.length ? '…' : ''}`;
}

export function faultSignature(e: FixEvidence): FaultSignature {
  const symptoms = new Set<Symptom>();
  const seenIn: FaultSignature['seenIn'] = {};
  for (const t of e.templates) {
    for (const [s, re] of LOG_SYMPTOMS) {
      const m = symptoms.has(s) ? null : re.exec(t);
      if (m) {
        symptoms.add(s);
        seenIn[s] = quote(t, m.index);
      }
    }
  }
  const fam = (prefix: string) => Object.entries(e.families).some(([k, v]) => k.startsWith(prefix) && v >= FAMILY_MIN);
  const saturated = { memory: fam('saturation:self:mem'), cpu: fam('saturation:self:cpu'), disk: fam('saturation:self:disk') };
  const trafficUp = fam('traffic:');
  if (saturated.disk) symptoms.add('disk_full');
  return { symptoms, saturated, trafficUp, seenIn };
}
