/** GET /v1/changes: deploys, flag flips, config and other changes in a time range; GET /v1/changes/{id}: one of them. */
import { z } from 'zod';
import { Timestamp } from '../../core/schemas.js';
import { type Change, getChange, listChanges } from '../../usecases/changes.js';
import { route } from '../context.js';
import { runUseCase } from '../session.js';

const ChangeView = z.object({
  id: z.string().describe('The stored signal'),
  change_id: z.string().describe("The change's own id (what analysis correlations name)"),
  kind: z.string().describe('deploy, flag, config, or another change kind (scale, restart…)'),
  key: z.string().describe('What changed: service@version, the flag or config key'),
  service: z.string().nullable(),
  ts: z.string(),
  text: z.string().nullable(),
  labels: z.record(z.string(), z.string()),
});

const changeView = (c: Change): z.output<typeof ChangeView> => ({ id: c.id, change_id: c.changeId, kind: c.kind, key: c.key, service: c.service, ts: c.ts, text: c.text, labels: c.labels });

export const listChangesRoute = route({
  method: 'get',
  path: '/v1/changes',
  summary: 'Changes (deploys, flags, config and other change events) in a time range, oldest first',
  tag: 'signals',
  scope: 'read',
  query: z.object({
    from: Timestamp.optional().describe('Start (default: 24 hours before `to`)'),
    to: Timestamp.optional().describe('End, exclusive (default: now)'),
    service: z.string().min(1).max(200).optional().describe('Only changes of this service (labels.service)'),
    limit: z.coerce.number().int().min(1).max(10_000).default(500),
  }),
  response: { status: 200, schema: z.object({ changes: z.array(ChangeView) }), description: 'The changes' },
  handler: (ctx) =>
    runUseCase(ctx, (s) => listChanges(s, ctx.query), (changes) => ({
      status: 200,
      body: { changes: changes.map(changeView) },
    })),
});

export const getChangeRoute = route({
  method: 'get',
  path: '/v1/changes/:id',
  summary: 'One change (a deploy, flag flip, config or other change event) by its stored signal id',
  tag: 'signals',
  scope: 'read',
  response: { status: 200, schema: ChangeView, description: 'The change' },
  errors: [404],
  handler: (ctx) => runUseCase(ctx, (s) => getChange(s, ctx.params.id), (c) => ({ status: 200, body: changeView(c) })),
});
