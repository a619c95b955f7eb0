/** Prometheus metrics of one API instance (its own registry, so tests can run several). */
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export function createApiMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'warroom_' });
  return {
    registry,
    httpRequests: new Counter({ name: 'warroom_http_requests_total', help: 'HTTP requests by route and status', labelNames: ['method', 'route', 'status'], registers: [registry] }),
    httpDuration: new Histogram({
      name: 'warroom_http_request_duration_seconds',
      help: 'HTTP request latency',
      labelNames: ['method', 'route'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    signalsAccepted: new Counter({ name: 'warroom_signals_accepted_total', help: 'Signals stored', labelNames: ['kind'], registers: [registry] }),
    signalsRejected: new Counter({ name: 'warroom_signals_rejected_total', help: 'Signals rejected by validation', registers: [registry] }),
    anomalies: new Counter({ name: 'warroom_anomalies_total', help: 'Anomalies stored', registers: [registry] }),
    incidentsOpened: new Counter({ name: 'warroom_incidents_opened_total', help: 'Incidents opened', labelNames: ['by'], registers: [registry] }),
    detectLatency: new Histogram({
      name: 'warroom_detect_latency_seconds',
      help: 'Wall time from a signal batch accepted to its anomalies stored',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1, 1.5, 2, 3, 5, 10, 30],
      registers: [registry],
    }),
    detectBatches: new Counter({
      name: 'warroom_detect_batches_total',
      help: 'Signal batches detected, by where their signals came from: handoff (in memory, from this process) or store (read back: another process published them, a redelivery, or the detect consumer lagged past the hand-off bound)',
      labelNames: ['source'],
      registers: [registry],
    }),
    latePoints: new Counter({
      name: 'warroom_detect_late_points_total',
      help: "Metric points behind their series' newest (a retried batch, interleaved senders): folded (within the 5-minute lateness window, scored at the series' newest instant) or dropped (older)",
      labelNames: ['outcome'],
      registers: [registry],
    }),
    busHandled: new Counter({ name: 'warroom_bus_messages_total', help: 'Bus messages handled', labelNames: ['subject', 'outcome'], registers: [registry] }),
  };
}

export type ApiMetrics = ReturnType<typeof createApiMetrics>;
