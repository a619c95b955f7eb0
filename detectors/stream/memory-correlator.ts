/**
 * The correlation policy applied to incidents held in memory, in signal time: what the pipeline
 * does against the store (ingest/pipeline.ts handleDetect), without a database, for evals,
 * replays and tests. Both call the same `decide`; only where the incidents live differs.
 */
import type { Severity } from '../../core/schemas.js';
import type { EngineAnomaly } from './engine.js';
import { atLeast, decide, isPrimary, neighbourMap, quietIncidents, type CorrelationPolicy, type Decision, type OpenIncidentActivity, type RecentAnomaly } from './grouping.js';

export interface MemoryIncident {
  id: string;
  service: string;
  /** Raised (never lowered) when a more severe finding joins, as the pipeline does. */
  severity: Severity;
  startedAt: string;
  /** Signal time of the batch that opened it. */
  openedAt: string;
  services: Set<string>;
  lastTs: string;
  anomalies: number;
  /** How and when (signal time of the batch) each service first joined it. */
  joined: Record<string, { why: string; at: string }>;
  /** Batches (signal time) that attached a primary finding, per service: a new fault on a service already in the incident shows here. */
  primaryAt: Record<string, string[]>;
  /** Signal time it was marked mitigated (`quietIncidents`), if it was: it takes no more anomalies. */
  mitigatedAt?: string;
}

export class MemoryCorrelator {
  readonly incidents: MemoryIncident[] = [];
  private recent: RecentAnomaly[] = [];
  private readonly neighbours: Map<string, Set<string>>;
  private next = 1;

  constructor(
    private readonly policy: CorrelationPolicy,
    edges: readonly { from: string; to: string }[] = [],
  ) {
    this.neighbours = neighbourMap(edges);
  }

  /**
   * Applies one batch of anomalies (call it for every batch, with none too: as in the pipeline,
   * incidents quiet for `autoMitigateMs` up to the batch's signal time are marked mitigated first);
   * returns the decisions taken.
   */
  add(anomalies: readonly EngineAnomaly[], batchTs: string): Decision[] {
    const active = () =>
      this.incidents.filter((i) => !i.mitigatedAt).map((i): OpenIncidentActivity => ({ id: i.id, service: i.service, startedAt: i.startedAt, openedBy: 'detector', lastTs: i.lastTs, services: [...i.services] }));
    for (const q of quietIncidents(active(), Date.parse(batchTs), this.policy)) this.incidents.find((i) => i.id === q.id)!.mitigatedAt = batchTs;
    if (anomalies.length === 0) return [];
    const open = active();
    const latest = anomalies.reduce((m, a) => (a.ts > m ? a.ts : m), anomalies[0].ts);
    const horizon = Date.parse(latest) - this.policy.corroborateMs - 60_000;
    this.recent = this.recent.filter((r) => Date.parse(r.ts) >= horizon);
    this.recent.push(...anomalies.map((a) => ({ service: a.service, series: a.series, ts: a.ts, detector: a.detector })));
    const decisions = decide({ anomalies, open, recent: this.recent, neighbours: this.neighbours, policy: this.policy });
    const idOf = new Map<string, string>();
    for (const d of decisions) {
      if (d.kind === 'keep') continue;
      const last = d.anomalies.reduce((m, a) => (a.ts > m ? a.ts : m), d.anomalies[0].ts);
      if (d.kind === 'open') {
        const id = `inc${this.next++}`;
        idOf.set(d.key, id);
        this.incidents.push({ id, service: d.service, severity: d.severity, startedAt: d.startedAt, openedAt: batchTs, services: new Set([d.service]), lastTs: last, anomalies: d.anomalies.length, joined: { [d.service]: { why: 'opened', at: batchTs } }, primaryAt: { [d.service]: [batchTs] } });
        continue;
      }
      const inc = this.incidents.find((i) => i.id === (idOf.get(d.incidentId) ?? d.incidentId));
      if (!inc) continue;
      inc.services.add(d.service);
      inc.joined[d.service] ??= { why: d.why, at: batchTs };
      if (atLeast(d.severity, inc.severity)) inc.severity = d.severity;
      if (d.anomalies.some((a) => isPrimary(a.detector))) (inc.primaryAt[d.service] ??= []).push(batchTs);
      if (last > inc.lastTs) inc.lastTs = last;
      inc.anomalies += d.anomalies.length;
    }
    return decisions;
  }
}
