/**
 * The detection pipeline behind the bus: signal.ingest → detection engine (per org; seasonal
 * detector, SLO guard, log templates, Kubernetes warnings) → anomalies stored → signal.detect →
 * correlation (group into an open incident or open one, with storm control) → evidence →
 * incident.updated. Every handler is idempotent: anomaly and evidence ids derive from their
 * inputs, and a batch's log-template counts are applied once per message id, so a redelivered
 * message changes nothing.
 */
import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import type { Clock, IdSource } from '../core/clock.js';
import type { Bus, BusMessage, OrgStore, OutboxMessage, Store, Subscription } from '../core/ports/index.js';
import type { Evidence, Signal } from '../core/schemas.js';
import { DETECTORS, type EngineAnomaly } from '../detectors/stream/engine.js';
import { atLeast, decide, evidenceKeys, neighbourMap, quietIncidents, type CorrelationPolicy, type Decision } from '../detectors/stream/grouping.js';
import { withUnit } from '../rca/wording.js';
import { EngineSet, type EngineSetOptions } from './detectors.js';
import type { LocalHandoff } from './handoff.js';
import { whileLeading } from './lead.js';
import { Staged } from './outbox-relay.js';

export interface PipelineDeps {
  store: Store;
  bus: Bus;
  clock: Clock;
  newId: IdSource;
  logger: Logger;
  detection: EngineSetOptions;
  policy: CorrelationPolicy;
  /** Hands messages of a committed transaction to the outbox relay. */
  publishCommitted(msgs: OutboxMessage[]): void;
  /** In-process forms of published messages (the relay's); without it batches are read from the store. */
  handoff?: LocalHandoff;
  onAnomalies?(n: number): void;
  onIncidentOpened?(): void;
  /** Wall time from a batch's acceptance (its outbox message id time) to its anomalies stored. */
  onDetectLatency?(ms: number): void;
  /** A batch went to detection, its signals from the in-process hand-off or read back from the store. */
  onDetectBatch?(source: 'handoff' | 'store'): void;
  /** Metric points behind their series' newest: folded into detection, or dropped as too late. */
  onLatePoints?(late: { folded: number; dropped: number }): void;
  /** How often a standby process asks for the detection role again (ms; default 5000). */
  leadRetryMs?: number;
}

type DetectPayload = { anomalies: EngineAnomaly[] };
/** Signal batches in detection at once per process (ordered hand-over; see EngineSet.process). */
const DETECT_IN_FLIGHT = 8;
/** On the bus: the batch's signal ids; in process (LocalHandoff): the signals themselves. */
export type IngestPayload = { signalIds?: string[]; acceptedAt?: number };
export type IngestLocal = { signals: Signal[] };

const evidenceId = (incidentId: string, key: string): string =>
  'ev_' + createHash('sha256').update(`${incidentId}\u0000${key}`).digest('hex').slice(0, 26);

const engines = new WeakMap<PipelineDeps, EngineSet>();
function engineSet(d: PipelineDeps): EngineSet {
  let e = engines.get(d);
  if (!e) engines.set(d, (e = new EngineSet(d.store, d.clock, d.logger, d.detection)));
  return e;
}

/** Detect: signals → anomalies (stored) → one signal.detect message with the new ones. */
export async function handleIngest(d: PipelineDeps, m: BusMessage<IngestPayload>): Promise<void> {
  const org = d.store.forOrg(m.orgId);
  const set = engineSet(d);
  // Published by this process, the signals wait in the handoff; otherwise they are read back by
  // id. Nothing is awaited before `process` takes the batch's place in the org's order.
  const local = d.handoff?.take(m.id) as IngestLocal | undefined;
  d.onDetectBatch?.(local ? 'handoff' : 'store');
  const batch = local?.signals ?? org.getSignals(m.payload.signalIds ?? []);
  const { anomalies: found, templates, late } = await set.process(m.orgId, batch);
  if (late.folded > 0 || late.dropped > 0) d.onLatePoints?.(late);
  set.maybeCheckpoint(m.orgId);
  if (found.length > 0 || templates.length > 0) {
    const staged = new Staged(d.newId, () => d.clock.now().toISOString());
    const inserted = await org.transaction(async (tx) => {
      // Template counts are deltas: keyed by the message id, a redelivered batch adds nothing.
      if (templates.length > 0) await tx.upsertLogTemplates(templates, { batchId: m.id });
      const ids = new Set(await tx.insertAnomalies(found));
      if (ids.size > 0) {
        const payload: DetectPayload = { anomalies: found.filter((a) => ids.has(a.id)) };
        await staged.emit(tx, 'signal.detect', payload, `${m.id}:detect`);
      }
      return ids.size;
    });
    if (inserted > 0) d.onAnomalies?.(inserted);
    d.publishCommitted(staged.messages);
  }
  if (m.payload.acceptedAt !== undefined) d.onDetectLatency?.(d.clock.now().getTime() - m.payload.acceptedAt);
  await mitigateQuiet(d, m.orgId, await batch);
}

/** Wall time between two looks for recovered incidents of one org. */
const MITIGATE_EVERY_MS = 60_000;
/** Signal times further ahead of the wall clock than this (a skewed source) do not count. */
const FUTURE_SLACK_MS = 5 * 60_000;
const mitigateChecks = new WeakMap<PipelineDeps, Map<string, number>>();

function newestTime(signals: readonly Signal[]): number {
  let t = -Infinity;
  for (const s of signals) {
    const ms = Date.parse(s.ts);
    if (ms > t) t = ms;
  }
  return t;
}

/**
 * Marks the org's recovered incidents mitigated (`quietIncidents`: detector-opened, no anomaly
 * for `autoMitigateMs` of signal time), at most once a minute of wall time per org. Runs under
 * the correlation lock (`openIncidentActivity`), so an anomaly being attached meanwhile waits.
 */
async function mitigateQuiet(d: PipelineDeps, orgId: string, batch: readonly Signal[]): Promise<void> {
  if (!(d.policy.autoMitigateMs > 0)) return;
  const now = d.clock.now().getTime();
  let last = mitigateChecks.get(d);
  if (!last) mitigateChecks.set(d, (last = new Map()));
  const prev = last.get(orgId);
  if (prev !== undefined && now - prev < MITIGATE_EVERY_MS) return;
  // the batch's newest signal time, read only when it is time to look (not per batch)
  const signalTimeMs = newestTime(batch);
  if (!Number.isFinite(signalTimeMs)) return;
  last.set(orgId, now);
  const t = Math.min(signalTimeMs, now + FUTURE_SLACK_MS);
  const staged = new Staged(d.newId, () => d.clock.now().toISOString());
  const mitigate = async (tx: OrgStore) => {
    for (const i of quietIncidents(await tx.openIncidentActivity(), t, d.policy)) {
      const inc = await tx.setIncidentStatus(i.id, 'mitigated', d.clock.now().toISOString());
      if (!inc) continue;
      await tx.appendAudit({
        actor: 'detector',
        action: 'incident.status',
        target: `incident:${i.id}`,
        payload: { from: 'open', to: 'mitigated', why: `no anomaly for ${d.policy.autoMitigateMs / 60_000} min of signal time`, lastAnomalyAt: i.lastTs, signalTime: new Date(t).toISOString() },
      });
      await staged.emit(tx, 'incident.updated', { incidentId: i.id, change: 'status' }, `mitigate:${i.id}:${i.lastTs}`);
    }
  };
  // never fails the batch: its detection is done, and a redelivery would feed it to the engines twice
  try {
    await d.store.forOrg(orgId).transaction(mitigate);
  } catch (err) {
    d.logger.warn({ err, org: orgId }, 'marking recovered incidents mitigated failed; trying again in a minute');
    return;
  }
  d.publishCommitted(staged.messages);
}

/** A value in its series' unit, as the analysis writes it (rca/wording.ts). */
const fmt = (series: string, v: number): string => withUnit(series, v);

/** One line saying what an anomaly is (evidence summaries, anomaly listings). */
export function anomalySummary(a: EngineAnomaly): string {
  switch (a.detector) {
    case DETECTORS.slo:
      return `${a.series} ${a.direction === 'down' ? 'fell to' : 'at'} ${fmt(a.series, a.value)} on ${a.service}, past its SLO threshold ${fmt(a.series, a.baseline)} (score ${a.score.toFixed(2)})`;
    case DETECTORS.seasonal:
    case DETECTORS.seasonalWithinSlo:
      return `${a.series} ${a.direction === 'up' ? 'rose' : 'fell'} to ${fmt(a.series, a.value)} on ${a.service}, expected ~${fmt(a.series, a.baseline)} for this time (score ${a.score.toFixed(2)})`;
    case DETECTORS.restart:
      return `${a.series} on ${a.service}: the pod restarted (${a.baseline} → ${a.value})`;
    case DETECTORS.k8s:
      return `Kubernetes warning ${a.series} on ${a.service}`;
    case DETECTORS.novelTemplate:
      return `new log template ${a.series} on ${a.service}`;
    case DETECTORS.templateRate:
      return `log template ${a.series} on ${a.service}: ${a.value} lines/min, expected ~${Math.round(a.baseline)}`;
    case DETECTORS.errorBurst:
      return `error-log burst on ${a.service}: ${a.value} errors/min, expected ~${a.baseline.toFixed(1)}`;
    default:
      return `${a.series} = ${a.value} on ${a.service} (baseline ${a.baseline}) at ${a.ts}`;
  }
}

/** A detector-opened incident's title: its strongest finding. */
function titleOf(anomalies: readonly EngineAnomaly[], service: string): string {
  const worst = anomalies.reduce((a, b) => (b.score > a.score ? b : a));
  return `${worst.series} at ${fmt(worst.series, worst.value)} on ${service}`;
}

/**
 * A finding more severe than the incident it joins makes the incident that severe (never less:
 * the worst moment is what it was) and, if the detector opened it, retitles it after that finding,
 * so the channel's summary names what pages; a person's title is theirs, and a finding that joined
 * only by storm control (no causal path) raises the severity without renaming. Audited as `incident.revised`.
 */
async function reviseOnAttach(tx: OrgStore, incidentId: string, dc: Extract<Decision, { kind: 'attach' }>): Promise<boolean> {
  const inc = await tx.getIncident(incidentId);
  if (!inc || inc.severity === dc.severity || !atLeast(dc.severity, inc.severity)) return false;
  const to = { severity: dc.severity, ...(inc.openedBy === 'detector' && dc.why !== 'storm' ? { title: titleOf(dc.anomalies, dc.service) } : {}) };
  await tx.reviseIncident(incidentId, to);
  await tx.appendAudit({
    actor: 'detector',
    action: 'incident.revised',
    target: `incident:${incidentId}`,
    payload: { from: { severity: inc.severity, title: inc.title }, to: { title: inc.title, ...to }, why: `a ${dc.severity} finding on ${dc.service} joined (${dc.why})` },
  });
  return true;
}

async function addAnomalyEvidence(tx: OrgStore, incidentId: string, anomalies: EngineAnomaly[], bucketMs: number): Promise<string[]> {
  const rows: Omit<Evidence, 'orgId' | 'createdAt'>[] = evidenceKeys(anomalies, bucketMs).map(({ key, anomaly: a }) => ({
    id: evidenceId(incidentId, key),
    incidentId,
    kind: 'anomaly',
    summary: anomalySummary(a),
    ref: `anomaly:${a.id}`,
    data: { anomaly_id: a.id, service: a.service, series: a.series, value: a.value, baseline: a.baseline, score: a.score, ts: a.ts, detector: a.detector, direction: a.direction },
  }));
  // Ids derive from (incident, series, time bucket): a bucket the incident already has is skipped.
  return (await tx.addEvidence(rows, { skipExisting: true })).map((e) => e.id);
}

/** Correlate: anomalies → attach to an open incident, open one, or keep (see detectors/stream/grouping.ts). */
export async function handleDetect(d: PipelineDeps, m: BusMessage<DetectPayload>): Promise<void> {
  const anomalies = m.payload.anomalies;
  if (anomalies.length === 0) return;
  const org = d.store.forOrg(m.orgId);
  const staged = new Staged(d.newId, () => d.clock.now().toISOString());
  const p = d.policy;
  let opened = 0;
  await org.transaction(async (tx) => {
    const open = await tx.openIncidentActivity();
    const topology = await tx.getTopology();
    const times = anomalies.map((a) => Date.parse(a.ts));
    const from = new Date(Math.min(...times) - p.corroborateMs).toISOString();
    const to = new Date(Math.max(...times) + 1).toISOString();
    const recent = await tx.listAnomalies({ from, to, limit: 10_000 });
    const decisions = decide({ anomalies, open, recent, neighbours: neighbourMap(topology?.edges ?? []), policy: p });
    const idOf = new Map<string, string>();
    for (const dc of decisions) {
      if (dc.kind === 'keep') continue;
      let incidentId: string;
      let change: 'opened' | 'evidence' | 'revised' = 'evidence';
      if (dc.kind === 'open') {
        const inc = await tx.openIncident({
          id: d.newId(),
          title: titleOf(dc.anomalies, dc.service),
          service: dc.service,
          severity: dc.severity,
          startedAt: dc.startedAt,
          openedAt: d.clock.now().toISOString(),
          openedBy: 'detector',
        });
        idOf.set(dc.key, inc.id);
        incidentId = inc.id;
        change = 'opened';
        opened++;
        await tx.appendAudit({ actor: 'detector', action: 'incident.opened', target: `incident:${inc.id}`, payload: { service: dc.service, severity: dc.severity, anomalies: dc.anomalies.length } });
      } else {
        incidentId = idOf.get(dc.incidentId) ?? dc.incidentId;
        if (await reviseOnAttach(tx, incidentId, dc)) change = 'revised';
      }
      const added = await addAnomalyEvidence(tx, incidentId, dc.anomalies, p.evidenceBucketMs);
      if (added.length === 0 && change === 'evidence') continue;
      await tx.appendAudit({ actor: 'detector', action: 'evidence.added', target: `incident:${incidentId}`, payload: { evidence: added, service: dc.service, ...(dc.kind === 'attach' ? { grouped: dc.why } : {}) } });
      await staged.emit(tx, 'incident.updated', { incidentId, change }, `${m.id}:${incidentId}:updated`);
    }
  });
  for (let i = 0; i < opened; i++) d.onIncidentOpened?.();
  d.publishCommitted(staged.messages);
}

/**
 * Subscribes the pipeline's consumers. Detection takes several batches at once (the engines
 * still see them in delivery order: see EngineSet.process), so a worker thread always has the
 * next batch queued while the main thread stores the last one's anomalies; correlation takes one
 * message at a time, as it must never give one service two incidents (correlation is safe in
 * several processes: it runs under an org-level lock). Detection runs only in the process that
 * holds the `detect` role (`whileLeading`); the others stand by and take over when it goes away.
 * Unsubscribing the detection entry checkpoints the detectors, stops their host and gives the
 * role up.
 */
export async function startPipeline(d: PipelineDeps): Promise<Subscription[]> {
  const log = d.logger.child({ component: 'pipeline' });
  const wrap =
    <T>(name: string, fn: (d: PipelineDeps, m: BusMessage<T>) => Promise<void>) =>
    async (m: BusMessage<T>) => {
      try {
        await fn(d, m);
      } catch (err) {
        log.warn({ err, msgId: m.id, delivery: m.deliveryCount, stage: name }, 'pipeline step failed; the bus will retry');
        throw err;
      }
    };
  const closeEngines = async (checkpoint: boolean) => {
    const set = engines.get(d);
    engines.delete(d);
    await set?.close({ checkpoint });
  };
  const detect = whileLeading(
    d.store,
    'detect',
    async () => {
      const sub = await d.bus.subscribe('signal.ingest', wrap('detect', handleIngest), { group: 'detect', concurrency: DETECT_IN_FLIGHT });
      return {
        stop: async () => {
          await sub.unsubscribe();
          await closeEngines(true);
        },
        abandon: async () => {
          await sub.unsubscribe();
          await closeEngines(false);
        },
      };
    },
    { logger: log, retryMs: d.leadRetryMs },
  );
  await detect.ready;
  return [
    detect,
    await d.bus.subscribe('signal.detect', wrap('correlate', handleDetect), { group: 'correlate', concurrency: 1 }),
    await d.bus.subscribeDeadLetters('signal.ingest', async (dl) => log.error({ msgId: dl.message.id, reason: dl.reason }, 'signal batch dead-lettered')),
    await d.bus.subscribeDeadLetters('signal.detect', async (dl) => log.error({ msgId: dl.message.id, reason: dl.reason }, 'anomaly batch dead-lettered')),
  ];
}
