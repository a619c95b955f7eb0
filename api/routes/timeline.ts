/** GET /v1/incidents/{id}/timeline and …/fix-plans: what happened to an incident, from the stored rows. */
import { z } from 'zod';
import { TIMELINE_KINDS, incidentFixPlans, incidentTimeline } from '../../usecases/timeline.js';
import { route } from '../context.js';
import { runUseCase } from '../session.js';
import { ApprovalView, CommandView, FixPlanView, approvalView, commandView, fixPlanView } from '../views.js';

const EventView = z.object({
  at: z.string().describe('When it happened; evidence is placed at when what it describes happened (a metric\'s onset, a change\'s time)'),
  recorded_at: z.string().optional().describe('When the row was written, when it differs from `at` (evidence recorded by a later analysis)'),
  kind: z.enum(TIMELINE_KINDS),
  summary: z.string(),
  id: z.string().describe('The row behind the event (incident, anomaly, change signal, evidence, hypothesis, plan, approval, command or analysis id); audit:<seq> for an audit entry'),
  service: z.string().nullable(),
});

export const incidentTimelineRoute = route({
  method: 'get',
  path: '/v1/incidents/:id/timeline',
  summary: "An incident's timeline: opening, anomalies, changes, evidence, hypotheses, status changes, analyses, fix plans, approvals and commands, oldest first",
  tag: 'incidents',
  scope: 'read',
  query: z.object({ limit: z.coerce.number().int().min(1).max(1000).default(200).describe('Most events; past it anomalies go first, then changes and evidence') }),
  response: {
    status: 200,
    schema: z.object({
      incident_id: z.string(),
      window: z.object({ from: z.string(), to: z.string() }).describe('Where anomalies and changes were read: an hour before the start until resolved (or now)'),
      events: z.array(EventView),
      omitted: z.number().int().describe('Events left out by the limit'),
    }),
    description: 'The events, oldest first',
  },
  errors: [404],
  handler: (ctx) =>
    runUseCase(ctx, (s) => incidentTimeline(s, ctx.params.id, { limit: ctx.query.limit }), (t) => ({
      status: 200,
      body: { incident_id: t.incident.id, window: t.window, events: t.events.map(({ recordedAt, ...e }) => (recordedAt ? { ...e, recorded_at: recordedAt } : e)), omitted: t.omitted },
    })),
});

export const incidentFixPlansRoute = route({
  method: 'get',
  path: '/v1/incidents/:id/fix-plans',
  summary: "An incident's fix plans, newest first, with their approvals and recorded commands",
  tag: 'fix',
  scope: 'read',
  response: {
    status: 200,
    schema: z.object({ incident_id: z.string(), plans: z.array(z.object({ plan: FixPlanView, approvals: z.array(ApprovalView), commands: z.array(CommandView) })) }),
    description: 'The plans',
  },
  errors: [404],
  handler: (ctx) =>
    runUseCase(ctx, (s) => incidentFixPlans(s, ctx.params.id), (r) => ({
      status: 200,
      body: { incident_id: r.incident.id, plans: r.plans.map((p) => ({ plan: fixPlanView(p.plan), approvals: p.approvals.map(approvalView), commands: p.commands.map(commandView) })) },
    })),
});
