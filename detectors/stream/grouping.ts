/**
 * Correlation policy: which anomalies open an incident, which attach to an open one, and which
 * are only kept. Pure: the caller loads the open incidents (with the services and the latest
 * anomaly time their evidence holds) and the org's recent anomalies, and applies the decisions.
 * Time is signal time (anomaly timestamps), never the wall clock, so a replay of last week
 * groups exactly as the live stream did.
 *
 * Rules, per service with anomalies in the batch (earliest onset first, so the first service to
 * break names the incident and its neighbours join it):
 *   0. an incident that recovered (detector-opened, no anomaly for `autoMitigateMs`: see
 *      `quietIncidents`) takes nothing more, even before the pipeline has marked it mitigated;
 *   1. attach to the service's own open incident when that incident saw an anomaly within
 *      `serviceQuietMs` (a flapping service does not open a second incident: per-service rate limit);
 *   2. else attach to an open incident active within `groupWindowMs` that has a causal path to
 *      the service while both are anomalous: a service of the incident, one hop away in the
 *      topology (either direction) or the service itself, showed an anomaly within `overlapMs`
 *      before the service's onset (or during it). A neighbour whose fault ended minutes ago is no
 *      path: the next outage next to it is a new incident, not more evidence for the old one;
 *   3. else open one when the severity is at least the auto-open floor and the finding is
 *      corroborated: an SLO breach, or at least `minSeries` distinct anomalous series of the service
 *      within `corroborateMs` (one noisy series pages nobody) of which one at least is a primary
 *      signal (a cause-side metric such as memory or saturation, a symptom with no SLO to judge
 *      it by — RED-from-logs series included —, a restart, a Kubernetes warning). Symptoms that
 *      are unusual but within their SLO count as primary only when shared by `minBreadth`
 *      services of one call path at once; log
 *      templates (new, surging) and error-log bursts only support: code paths that log something
 *      new every hour are normal, and six error lines a minute at 600 requests/s are noise the
 *      Poisson test still calls surprising;
 *   4. storm control: once `stormLimit` incidents started within `stormWindowMs`, new findings
 *      join the most recent of them instead of opening more;
 *   5. otherwise the anomalies are only stored (visible in the API, used by RCA).
 */
import type { OpenIncidentActivity } from '../../core/ports/index.js';
import type { Severity } from '../../core/schemas.js';
import { DETECTORS, type EngineAnomaly } from './engine.js';

export interface CorrelationPolicy {
  autoOpenSeverity: Severity;
  serviceQuietMs: number;
  groupWindowMs: number;
  corroborateMs: number;
  minSeries: number;
  /** Services on a call path (one and its neighbours) whose metrics moved together that make a within-SLO shift primary. */
  minBreadth: number;
  stormLimit: number;
  stormWindowMs: number;
  /** One evidence row per incident, service, series and bucket of this width (the highest score). */
  evidenceBucketMs: number;
  /** A detector-opened incident with no anomaly for this long (signal time) is marked mitigated and takes no more anomalies; 0: never. */
  autoMitigateMs: number;
  /** A service joins a connected service's incident only if that service showed an anomaly this close before its onset (≤ corroborateMs). */
  overlapMs: number;
}

export const DEFAULT_POLICY: CorrelationPolicy = {
  autoOpenSeverity: 'sev3',
  serviceQuietMs: 60 * 60_000,
  groupWindowMs: 30 * 60_000,
  corroborateMs: 10 * 60_000,
  minSeries: 2,
  minBreadth: 3,
  stormLimit: 5,
  stormWindowMs: 10 * 60_000,
  evidenceBucketMs: 5 * 60_000,
  autoMitigateMs: 30 * 60_000,
  // Detectors score every 1-min point, and a fault still under way keeps flagging its series
  // (a crash loop restarts at least every 5 min: Kubernetes caps CrashLoopBackOff at 5 min), while
  // a caller feels a callee's failure within its request timeouts, seconds to a minute. So a
  // neighbour silent for 5 min before the onset is a fault that ended, not one that is spreading.
  overlapMs: 5 * 60_000,
};

/**
 * Incidents whose signals recovered: opened by the detectors, and no anomaly of theirs for
 * `autoMitigateMs` up to `signalTimeMs` (the newest signal time seen). They become `mitigated`,
 * not resolved: a person confirms the end. One a person opened stays as it is — the detectors may
 * not see what it is about.
 */
export function quietIncidents(open: readonly OpenIncidentActivity[], signalTimeMs: number, policy: Pick<CorrelationPolicy, 'autoMitigateMs'>): OpenIncidentActivity[] {
  if (!(policy.autoMitigateMs > 0)) return [];
  return open.filter((i) => i.openedBy === 'detector' && signalTimeMs - Date.parse(i.lastTs) >= policy.autoMitigateMs);
}

export type { OpenIncidentActivity };

export interface RecentAnomaly {
  service: string;
  series: string;
  ts: string;
  detector?: string;
}

/** Detectors whose findings support an incident but never open one by themselves. */
const SUPPORTING: ReadonlySet<string> = new Set([DETECTORS.novelTemplate, DETECTORS.templateRate, DETECTORS.errorBurst, DETECTORS.seasonalWithinSlo]);

/** True for a finding that may open an incident (given corroboration), false for support only. */
export const isPrimary = (detector: string): boolean => !SUPPORTING.has(detector);

export type Decision =
  | { kind: 'attach'; incidentId: string; service: string; severity: Severity; anomalies: EngineAnomaly[]; why: 'same_service' | 'connected' | 'storm' | 'opened_in_batch' }
  | { kind: 'open'; key: string; service: string; severity: Severity; startedAt: string; anomalies: EngineAnomaly[] }
  | { kind: 'keep'; service: string; anomalies: EngineAnomaly[]; why: 'below_severity' | 'uncorroborated' };

/** Severity of a finding by its score: the strongest anomalies page as sev2, the weakest are sev4. */
export function severityOf(score: number): Severity {
  if (score >= 0.9) return 'sev2';
  if (score >= 0.3) return 'sev3';
  return 'sev4';
}

/** sev1 is the most severe; true when `s` is at least as severe as `floor`. */
export function atLeast(s: Severity, floor: Severity): boolean {
  return Number(s.slice(3)) <= Number(floor.slice(3));
}

/** Undirected one-hop neighbours from topology edges. */
export function neighbourMap(edges: readonly { from: string; to: string }[]): Map<string, Set<string>> {
  const m = new Map<string, Set<string>>();
  const add = (a: string, b: string) => {
    let s = m.get(a);
    if (!s) m.set(a, (s = new Set()));
    s.add(b);
  };
  for (const e of edges) {
    add(e.from, e.to);
    add(e.to, e.from);
  }
  return m;
}

const ms = (iso: string) => Date.parse(iso);

export function decide(input: {
  anomalies: readonly EngineAnomaly[];
  open: readonly OpenIncidentActivity[];
  recent: readonly RecentAnomaly[];
  neighbours: Map<string, Set<string>>;
  policy: CorrelationPolicy;
}): Decision[] {
  const { policy: p, neighbours } = input;
  const byService = new Map<string, EngineAnomaly[]>();
  for (const a of input.anomalies) {
    const list = byService.get(a.service);
    if (list) list.push(a);
    else byService.set(a.service, [a]);
  }
  const onset = (l: EngineAnomaly[]) => l.reduce((m, a) => (a.ts < m ? a.ts : m), l[0].ts);
  const top = (l: EngineAnomaly[]) => Math.max(...l.map((a) => a.score));
  const order = [...byService].sort(([sa, a], [sb, b]) => onset(a).localeCompare(onset(b)) || top(b) - top(a) || sa.localeCompare(sb));

  // Incidents as this batch leaves them: the open ones plus those it opens.
  const incidents = input.open.map((o) => ({ id: o.id, service: o.service, startedAt: ms(o.startedAt), lastTs: ms(o.lastTs), services: new Set([o.service, ...o.services]), fresh: false, byDetector: o.openedBy === 'detector' }));
  const out: Decision[] = [];
  // Signal times of every anomaly seen, per service: the overlap test of rule 2.
  const seen = new Map<string, number[]>();
  for (const a of [...input.recent, ...input.anomalies]) {
    const l = seen.get(a.service);
    if (l) l.push(ms(a.ts));
    else seen.set(a.service, [ms(a.ts)]);
  }
  const overlapMs = Math.min(p.overlapMs, p.corroborateMs); // `recent` reaches back corroborateMs only
  const anomalousBetween = (service: string, from: number, to: number) => (seen.get(service) ?? []).some((t) => t >= from && t <= to);
  const recovered = (i: (typeof incidents)[number], at: number) => i.byDetector && p.autoMitigateMs > 0 && at - i.lastTs >= p.autoMitigateMs;
  const findIncident = (service: string, first: number, last: number) => {
    const near = neighbours.get(service) ?? new Set<string>();
    const live = incidents.filter((i) => !recovered(i, first));
    const same = live.filter((i) => i.service === service && i.lastTs >= first - p.serviceQuietMs).sort((a, b) => b.lastTs - a.lastTs)[0];
    if (same) return { inc: same, why: same.fresh ? ('opened_in_batch' as const) : ('same_service' as const) };
    // the service itself counts only with an anomaly before this onset (a fault continuing), not its own new ones
    const path = (s: string) => (s === service ? anomalousBetween(s, first - overlapMs, first - 1) : near.has(s) && anomalousBetween(s, first - overlapMs, last));
    const c = live
      .filter((i) => i.lastTs >= first - p.groupWindowMs && [...i.services].some(path))
      .sort((a, b) => b.lastTs - a.lastTs)[0];
    return c ? { inc: c, why: c.fresh ? ('opened_in_batch' as const) : ('connected' as const) } : null;
  };
  const moved = new Map<string, number[]>();
  const note = (service: string, detector: string | undefined, ts: string) => {
    if (detector !== DETECTORS.seasonal && detector !== DETECTORS.seasonalWithinSlo && detector !== DETECTORS.slo) return;
    const l = moved.get(service);
    if (l) l.push(ms(ts));
    else moved.set(service, [ms(ts)]);
  };
  for (const a of input.anomalies) note(a.service, a.detector, a.ts);
  for (const r of input.recent) note(r.service, r.detector, r.ts);
  const breadthOf = (service: string, first: number, last: number) =>
    [service, ...(neighbours.get(service) ?? [])].filter((s) => (moved.get(s) ?? []).some((t) => t >= first - p.corroborateMs && t <= last)).length;
  // Attach whatever can join an incident (repeatedly: a service that joins makes its neighbours
  // connected too), then let the earliest remaining service open one, and repeat.
  const pending = [...order];
  while (pending.length > 0) {
    let joined = true;
    while (joined) {
      joined = false;
      for (let k = 0; k < pending.length; k++) {
        const [service, list] = pending[k];
        const found = findIncident(service, ms(onset(list)), Math.max(...list.map((a) => ms(a.ts))));
        if (!found) continue;
        out.push({ kind: 'attach', incidentId: found.inc.id, service, severity: severityOf(top(list)), anomalies: list, why: found.why });
        found.inc.services.add(service);
        found.inc.lastTs = Math.max(found.inc.lastTs, ...list.map((a) => ms(a.ts)));
        pending.splice(k--, 1);
        joined = true;
      }
    }
    const next = pending.shift();
    if (!next) break;
    const [service, list] = next;
    const first = ms(onset(list));
    const last = Math.max(...list.map((a) => ms(a.ts)));
    const severity = severityOf(top(list));
    if (!atLeast(severity, p.autoOpenSeverity)) {
      out.push({ kind: 'keep', service, anomalies: list, why: 'below_severity' });
      continue;
    }
    const series = new Set(list.map((a) => a.series));
    let primary = list.some((a) => !SUPPORTING.has(a.detector));
    for (const r of input.recent) {
      if (r.service !== service || ms(r.ts) < first - p.corroborateMs || ms(r.ts) > last) continue;
      series.add(r.series);
      if (r.detector !== undefined && !SUPPORTING.has(r.detector)) primary = true;
    }
    // A symptom shift within the SLO is support — unless it is shared: the service and at least
    // `minBreadth − 1` of its neighbours all moved within the corroboration window (independent
    // noise rarely lines up across a call path; a slowdown spreading from a dependency does).
    if (!primary) primary = breadthOf(service, first, last) >= p.minBreadth;
    const corroborated = list.some((a) => a.detector === DETECTORS.slo) || (primary && series.size >= p.minSeries);
    if (!corroborated) {
      out.push({ kind: 'keep', service, anomalies: list, why: 'uncorroborated' });
      continue;
    }
    const storm = incidents.filter((i) => i.startedAt >= first - p.stormWindowMs && i.startedAt <= last);
    if (storm.length >= p.stormLimit) {
      const newest = storm.sort((a, b) => b.startedAt - a.startedAt)[0];
      out.push({ kind: 'attach', incidentId: newest.id, service, severity, anomalies: list, why: 'storm' });
      newest.services.add(service);
      continue;
    }
    const key = `${service}@${onset(list)}`;
    out.push({ kind: 'open', key, service, severity, startedAt: onset(list), anomalies: list });
    incidents.push({ id: key, service, startedAt: first, lastTs: last, services: new Set([service]), fresh: true, byDetector: true });
  }
  return out;
}

/** The evidence rows of an attach/open: one per (service, series, bucket), its highest score. */
export function evidenceKeys(anomalies: readonly EngineAnomaly[], bucketMs: number): { key: string; anomaly: EngineAnomaly }[] {
  const best = new Map<string, EngineAnomaly>();
  for (const a of anomalies) {
    const key = `${a.service}\u0000${a.series}\u0000${Math.floor(ms(a.ts) / bucketMs)}`;
    const b = best.get(key);
    if (!b || a.score > b.score || (a.score === b.score && a.ts < b.ts)) best.set(key, a);
  }
  return [...best].map(([key, anomaly]) => ({ key, anomaly }));
}
