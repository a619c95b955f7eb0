/** search_log_templates: the log templates the detectors mined, by text, service, level, novelty and range. */
import { z } from 'zod';
import { isAppError } from '../core/errors.js';
import { Timestamp } from '../core/schemas.js';
import { type LogTemplateView, searchLogTemplates } from '../usecases/log-templates.js';
import { unknownIncidentError } from './incident-view.js';
import { isoDescription, signalWindow } from './signal-window.js';
import { type AgentTool, type Citation, noData, ok, refs, toolError } from './types.js';

const LEVELS = ['error', 'warn', 'info', 'debug'] as const;

const schema = z.object({
  text: z.string().min(1).max(200).optional().describe('Words the template contains (case-insensitive substring), e.g. "timeout" or "connection refused".'),
  service: z.string().min(1).max(200).optional().describe('Only templates of this service (exact name).'),
  incidentId: z.string().min(1).max(128).optional().describe("An incident id: templates active in the incident's window (an hour before it started until it was resolved, or now) unless from/to are given."),
  from: Timestamp.optional().describe(isoDescription('Templates seen at or after this time')),
  to: Timestamp.optional().describe(isoDescription('Templates first seen before this time')),
  level: z.enum(LEVELS).optional().describe('Only templates with lines at this level.'),
  novelOnly: z.boolean().optional().describe('Only templates that were new (first seen in the range when one is given): new error messages around an incident.'),
  limit: z.number().int().min(1).max(50).default(10).describe('Most templates to return (1–50, default 10).'),
});

export const logTemplateCitation = (t: LogTemplateView): Citation => ({ id: t.id, kind: 'log_template', title: `${t.service}: ${t.template}`.slice(0, 200), ref: refs.logTemplate(t.id) });

export const searchLogTemplatesTool: AgentTool<typeof schema> = {
  name: 'search_log_templates',
  description:
    'Search the log templates the detectors mined from the logs (one template per kind of line, variables masked as <:NUM:>, <:IP:>, <*>): count, first and last seen, lines per level, whether it is new, and up to 3 masked example lines. Use it to find which error messages appeared or grew around an incident (incidentId with level "error" and novelOnly), or to look up a message by its words.',
  schema,
  async handler(ctx, { text, service, incidentId, from, to, level, novelOnly, limit }) {
    try {
      const w = await signalWindow(ctx.session, { incidentId, from, to });
      const list = await searchLogTemplates(ctx.session, { text, service, from: w.from, to: w.to, level, novelOnly, limit });
      const since = w.from ? Date.parse(w.from) : null;
      const data = {
        templates: list.map((t) => ({
          id: t.id,
          service: t.service,
          template: t.template,
          count: t.count,
          firstSeen: t.firstSeen,
          lastSeen: t.lastSeen,
          levels: t.levels,
          // new to the detectors, and (with a range) first seen within it
          novel: t.novel && (since === null || Date.parse(t.firstSeen) >= since),
          exemplars: t.exemplars.slice(0, 3),
        })),
      };
      return list.length ? ok(data, list.map(logTemplateCitation)) : noData(data);
    } catch (e) {
      if (isAppError(e) && e.code === 'not_found' && incidentId) return toolError(await unknownIncidentError(ctx, incidentId));
      if (isAppError(e) && e.code === 'invalid_input') return toolError(e.message);
      throw e;
    }
  },
};
