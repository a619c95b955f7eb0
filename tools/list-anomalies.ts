/** list_anomalies: what the detectors found, newest first, by service, time range or incident window. */
import { z } from 'zod';
import { isAppError } from '../core/errors.js';
import { Timestamp } from '../core/schemas.js';
import { type AnomalyView, listAnomalies } from '../usecases/anomalies.js';
import { unknownIncidentError } from './incident-view.js';
import { isoDescription, signalWindow } from './signal-window.js';
import { type AgentTool, type Citation, noData, ok, refs, toolError } from './types.js';

const schema = z.object({
  incidentId: z.string().min(1).max(128).optional().describe("An incident id: reads the incident's window (an hour before it started until it was resolved, or now) unless from/to are given."),
  service: z.string().min(1).max(200).optional().describe('Only anomalies of this service (exact name).'),
  from: Timestamp.optional().describe(isoDescription('Start of the range (inclusive)')),
  to: Timestamp.optional().describe(isoDescription('End of the range (exclusive)')),
  limit: z.number().int().min(1).max(100).default(20).describe('Most anomalies to return (1–100, default 20).'),
});

export const anomalyCitation = (a: AnomalyView): Citation => ({ id: a.id, kind: 'anomaly', title: a.summary.slice(0, 200), ref: refs.anomaly(a.id) });

export const listAnomaliesTool: AgentTool<typeof schema> = {
  name: 'list_anomalies',
  description:
    'List what the detectors found (metric breaches, unusual values, error-log bursts, new log templates, pod restarts, Kubernetes warnings), newest first: time, service, series, detector, score, severity and a one-line summary. Use it for "what went wrong / when did it start / what else is unusual". Pass incidentId (from list_incidents) to read around an incident, or service and from/to.',
  schema,
  async handler(ctx, { incidentId, service, from, to, limit }) {
    try {
      const w = await signalWindow(ctx.session, { incidentId, from, to });
      const list = await listAnomalies(ctx.session, { service, from: w.from, to: w.to, limit });
      const data = {
        anomalies: list.map((a) => ({ id: a.id, at: a.ts, service: a.service, series: a.series, detector: a.detector, score: a.score, severity: a.severity, summary: a.summary })),
      };
      return list.length ? ok(data, list.map(anomalyCitation)) : noData(data);
    } catch (e) {
      if (isAppError(e) && e.code === 'not_found' && incidentId) return toolError(await unknownIncidentError(ctx, incidentId));
      if (isAppError(e) && e.code === 'invalid_input') return toolError(e.message);
      throw e;
    }
  },
};
