/**
 * The detection pipeline behind the bus: signal.ingest → detect → signal.detect → correlate →
 * incident (auto-open) with evidence → incident.updated. Every handler is idempotent: anomaly and
 * evidence ids derive from their inputs, so a redelivered message changes nothing.
 */
import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import type { Clock, IdSource } from '../core/clock.js';
import type { Bus, BusMessage, OutboxMessage, Store, Subscription } from '../core/ports.js';
import { Staged } from './outbox-relay.js';
import type { Anomaly, Severity, Signal } from '../core/schemas.js';
import { atLeast, detectThreshold, severityOf } from '../detectors/threshold.js';

export interface PipelineDeps {
  store: Store;
  bus: Bus;
  clock: Clock;
  newId: IdSource;
  logger: Logger;
  errorRateThreshold: number;
  autoOpenSeverity: Severity;
  /** Hands messages of a committed transaction to the outbox relay. */
  publishCommitted(msgs: OutboxMessage[]): void;
  onAnomalies?(n: number): void;
  onIncidentOpened?(): void;
}

type DetectPayload = { anomalies: Omit<Anomaly, 'orgId'>[] };
export type IngestPayload = { signals?: Signal[]; signalIds?: string[] };

const evidenceId = (incidentId: string, anomalyId: string): string =>
  'ev_' + createHash('sha256').update(`${incidentId}\u0000${anomalyId}`).digest('hex').slice(0, 26);

/** Detect: signals → anomalies (stored) → one signal.detect message with the new ones. */
export async function handleIngest(d: PipelineDeps, m: BusMessage<IngestPayload>): Promise<void> {
  const org = d.store.forOrg(m.orgId);
  // Published live, the batch carries its signals; recovered from the outbox, only their ids.
  const signals = m.payload.signals ?? (await org.getSignals(m.payload.signalIds ?? []));
  const found = detectThreshold(signals, { errorRate: d.errorRateThreshold });
  if (found.length === 0) return;
  const staged = new Staged(d.newId, () => d.clock.now().toISOString());
  const inserted = await org.transaction(async (tx) => {
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

/** Correlate: anomalies → the service's open incident (or a new one at or above the auto-open severity), with evidence. */
export async function handleDetect(d: PipelineDeps, m: BusMessage<DetectPayload>): Promise<void> {
  const byService = new Map<string, Omit<Anomaly, 'orgId'>[]>();
  for (const a of m.payload.anomalies) byService.set(a.service, [...(byService.get(a.service) ?? []), a]);
  const org = d.store.forOrg(m.orgId);
  const staged = new Staged(d.newId, () => d.clock.now().toISOString());
  for (const [service, anomalies] of byService) {
    const severity = severityOf(Math.max(...anomalies.map((a) => a.score)));
    const opened = await org.transaction(async (tx) => {
      let inc = await tx.findOpenIncident(service);
      let isNew = false;
      if (!inc) {
        if (!atLeast(severity, d.autoOpenSeverity)) return false;
        const first = anomalies.reduce((a, b) => (a.ts <= b.ts ? a : b));
        const worst = anomalies.reduce((a, b) => (a.value >= b.value ? a : b));
        inc = await tx.openIncident({
          id: d.newId(),
          title: `${worst.series} at ${(worst.value * 100).toFixed(1)}% on ${service}`,
          service,
          severity,
          startedAt: first.ts,
          openedAt: d.clock.now().toISOString(),
          openedBy: 'detector',
        });
        isNew = true;
        await tx.appendAudit({ actor: 'detector', action: 'incident.opened', target: `incident:${inc.id}`, payload: { service, severity, anomalies: anomalies.length } });
      }
      const known = new Set((await tx.listEvidence(inc.id)).map((e) => e.id));
      const fresh = anomalies
        .map((a) => ({ a, id: evidenceId(inc.id, a.id) }))
        .filter((x) => !known.has(x.id))
        .map(({ a, id }) => ({
          id,
          incidentId: inc.id,
          kind: 'anomaly' as const,
          summary: `${a.series} = ${a.value} on ${service} (threshold ${a.baseline}) at ${a.ts}`,
          ref: `anomaly:${a.id}`,
          data: { anomalyId: a.id, series: a.series, value: a.value, baseline: a.baseline, score: a.score, ts: a.ts, detector: a.detector },
        }));
      if (fresh.length === 0) return isNew;
      await tx.addEvidence(fresh);
      await tx.appendAudit({ actor: 'detector', action: 'evidence.added', target: `incident:${inc.id}`, payload: { evidence: fresh.map((e) => e.id) } });
      await staged.emit(tx, 'incident.updated', { incidentId: inc.id, change: isNew ? 'opened' : 'evidence' }, `${m.id}:${service}:updated`);
      return isNew;
    });
    if (opened) d.onIncidentOpened?.();
  }
  d.publishCommitted(staged.messages);
}

/** Subscribes the pipeline's consumers. Correlation runs one message at a time so one service never gets two incidents. */
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
  return [
    await d.bus.subscribe('signal.ingest', wrap('detect', handleIngest), { group: 'detect', concurrency: 2 }),
    await d.bus.subscribe('signal.detect', wrap('correlate', handleDetect), { group: 'correlate', concurrency: 1 }),
    await d.bus.subscribeDeadLetters('signal.ingest', async (dl) => log.error({ msgId: dl.message.id, reason: dl.reason }, 'signal batch dead-lettered')),
    await d.bus.subscribeDeadLetters('signal.detect', async (dl) => log.error({ msgId: dl.message.id, reason: dl.reason }, 'anomaly batch dead-lettered')),
  ];
}
