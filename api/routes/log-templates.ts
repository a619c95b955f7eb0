/** GET /v1/log-templates and /v1/log-templates/:id: the log templates the detectors mined. */
import { z } from 'zod';
import { Timestamp } from '../../core/schemas.js';
import { getLogTemplate, type LogTemplateView as Template, MAX_TEMPLATE_LIMIT, searchLogTemplates } from '../../usecases/log-templates.js';
import { route } from '../context.js';
import { runUseCase } from '../session.js';

const LogTemplateView = z.object({
  id: z.string(),
  service: z.string(),
  template: z.string().describe('Constants, masks such as <:IP:>, and <*> where lines differ'),
  count: z.number().int(),
  first_seen: z.string(),
  last_seen: z.string(),
  levels: z.record(z.string(), z.number()).describe('Lines per level'),
  exemplars: z.array(z.string()).describe('Up to 3 example lines, secrets and variables masked'),
  novel: z.boolean().describe('The template was new to the detectors when first stored'),
});

const toView = (t: Template) => ({
  id: t.id,
  service: t.service,
  template: t.template,
  count: t.count,
  first_seen: t.firstSeen,
  last_seen: t.lastSeen,
  levels: t.levels,
  exemplars: t.exemplars,
  novel: t.novel,
});

export const listLogTemplatesRoute = route({
  method: 'get',
  path: '/v1/log-templates',
  summary: 'Mined log templates, most recently seen first',
  tag: 'signals',
  scope: 'read',
  query: z.object({
    service: z.string().min(1).max(200).optional(),
    q: z.string().min(1).max(200).optional().describe('Case-insensitive text in the template'),
    from: Timestamp.optional().describe('Seen at or after'),
    to: Timestamp.optional().describe('First seen before'),
    limit: z.coerce.number().int().min(1).max(MAX_TEMPLATE_LIMIT).default(20),
  }),
  response: { status: 200, schema: z.object({ templates: z.array(LogTemplateView) }), description: 'The templates' },
  handler: (ctx) =>
    runUseCase(
      ctx,
      (s) => searchLogTemplates(s, { service: ctx.query.service, text: ctx.query.q, from: ctx.query.from, to: ctx.query.to, limit: ctx.query.limit }),
      (list) => ({ status: 200, body: { templates: list.map(toView) } }),
    ),
});

export const getLogTemplateRoute = route({
  method: 'get',
  path: '/v1/log-templates/:id',
  summary: 'One mined log template',
  tag: 'signals',
  scope: 'read',
  response: { status: 200, schema: LogTemplateView, description: 'The template' },
  errors: [404],
  handler: (ctx) => runUseCase(ctx, (s) => getLogTemplate(s, ctx.params.id), (t) => ({ status: 200, body: toView(t) })),
});
