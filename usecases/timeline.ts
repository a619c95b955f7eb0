/**
 * An incident's timeline (scope `read`): what happened, in time order, from the rows already
 * stored — the opening, detector anomalies and changes of the incident's window, evidence,
 * hypotheses, status changes and analyses (from the audit entries that target the incident), fix
 * plans with their approvals and commands. Nothing is computed anew.
 */
import type { Anomaly, Approval, AuditEntry, CommandRecord, Evidence, FixPlan, Incident } from '../core/schemas.js';
import type { AnalysisResult } from '../rca/types.js';
import { type Change, listChanges } from './changes.js';
import { getIncident } from './incidents.js';
import { requireScope } from './principal.js';
import type { Session } from './session.js';

export const TIMELINE_KINDS = ['opened', 'anomaly', 'change', 'evidence', 'hypothesis', 'status', 'plan', 'approval', 'command', 'analysis'] as const;
export type TimelineKind = (typeof TIMELINE_KINDS)[number];

export interface TimelineEvent {
  /** When it happened: for evidence, when what it describes happened (see `evidenceEvent`). */
  at: string;
  /** When the row was written, given only when it differs from `at` (evidence placed at what it observed). */
  recordedAt?: string;
  kind: TimelineKind;
  summary: string;
  /** The row behind it: incident, anomaly, change (signal), evidence, hypothesis, plan, approval, command or analysis id; `audit:<seq>` for an audit entry. */
  id: string;
  service: string | null;
}

export interface IncidentTimeline {
  incident: Incident;
  /** Where anomalies and changes were read: an hour before the start until it was resolved (or now). */
  window: { from: string; to: string };
  /** Oldest first. */
  events: TimelineEvent[];
  /** Events left out by the limit (anomalies first, then changes and evidence). */
  omitted: number;
}

/** How far before the incident start anomalies and changes are read. */
export const TIMELINE_LEAD_MS = 3600_000;
/** Most anomalies read per service, and changes read, before the limit is applied. */
const MAX_READ = 500;
/** Most services, besides the incident's own, whose anomalies are read (the analysis's strongest suspects). */
const MAX_SERVICES = 8;

/**
 * Which events a limit keeps first: what people did and decided, then the evidence and changes,
 * then the detectors' anomalies (many, and each one says little).
 */
const PRIORITY: Record<TimelineKind, number> = { opened: 0, status: 0, plan: 0, approval: 0, command: 0, analysis: 0, hypothesis: 0, change: 1, evidence: 1, anomaly: 2 };

const num = (x: number) => (Math.abs(x) >= 100 ? String(Math.round(x)) : String(Number(x.toPrecision(3))));

const anomalyEvent = (a: Anomaly): TimelineEvent => ({
  at: a.ts,
  kind: 'anomaly',
  summary: `${a.service} ${a.series} ${a.direction} to ${num(a.value)} (baseline ${num(a.baseline)}, score ${num(a.score)}, ${a.detector})`,
  id: a.id,
  service: a.service,
});

const changeEvent = (c: Change): TimelineEvent => ({
  at: c.ts,
  kind: 'change',
  summary: `${c.kind} ${c.key}${c.text ? `: ${c.text.slice(0, 200)}` : ''}`,
  id: c.id,
  service: c.service,
});

/** A stored ISO time from evidence data, or null. */
function isoIn(data: Record<string, unknown>, key: string): string | null {
  const v = data[key];
  return typeof v === 'string' && Number.isFinite(Date.parse(v)) ? new Date(Date.parse(v)).toISOString() : null;
}

/**
 * An evidence row, placed at when what it describes happened — a metric's onset, a change's or a
 * detector anomaly's time — with the time it was recorded beside it. Placed at its recording time,
 * evidence of an analysis re-run after the fix read as if it came after the fix (a walk through
 * the sandbox listed the rollback above the error-rate rise that caused it). Rows that describe a
 * period rather than a moment (log template counts, callers, detector-anomaly counts) keep the
 * time the analysis recorded them.
 */
function evidenceEvent(e: Evidence): TimelineEvent {
  const observed = isoIn(e.data, 'onset') ?? isoIn(e.data, 'ts');
  const service = typeof e.data.service === 'string' ? e.data.service : null;
  const base = { kind: 'evidence' as const, summary: `${e.kind}: ${e.summary}`, id: e.id, service };
  return observed !== null && observed !== e.createdAt ? { ...base, at: observed, recordedAt: e.createdAt } : { ...base, at: e.createdAt };
}

/** An audit entry on the incident as an event; null for the ones other rows already show. */
function auditEvent(e: AuditEntry, inc: Incident): TimelineEvent | null {
  const p = e.payload;
  const base = { at: e.ts, id: `audit:${e.seq}`, service: inc.service };
  switch (e.action) {
    case 'incident.status':
      return { ...base, kind: 'status', summary: `${String(p.from)} → ${String(p.to)} by ${e.actor}${typeof p.note === 'string' ? `: ${p.note.slice(0, 200)}` : ''}` };
    case 'incident.revised': {
      const to = p.to as { title?: string; severity?: string } | undefined;
      const what = [to?.title !== undefined ? `title "${to.title}"` : '', to?.severity !== undefined ? `severity ${to.severity}` : ''].filter(Boolean).join(', ');
      return { ...base, kind: 'status', summary: `revised by ${e.actor}: ${what || 'details'}${typeof p.why === 'string' ? ` (${p.why})` : ''}` };
    }
    case 'incident.analyzed': {
      const top = p.top as { service?: string; score?: number } | null | undefined;
      const id = typeof p.analysis === 'string' ? p.analysis : base.id;
      return { ...base, id, kind: 'analysis', service: top?.service ?? null, summary: `analysed by ${e.actor}: ${String(p.verdict)}${top?.service ? `, top suspect ${top.service}` : ''} (${String(p.evidence ?? 0)} evidence rows)` };
    }
    default:
      return null; // opened: the incident row; evidence.added: the evidence rows
  }
}

/** The services whose anomalies belong on the timeline: the incident's own and the latest analysis's suspects and impacted services. */
async function timelineServices(s: Session, inc: Incident): Promise<string[]> {
  const out = [inc.service];
  const stored = await s.org.latestAnalysis(inc.id);
  if (stored) {
    const r = stored.result as unknown as Partial<AnalysisResult>;
    const named = [
      ...(r.ranking ?? []).filter((x) => x.score > 0).map((x) => x.service),
      ...(r.blastRadius?.impacted ?? []).map((x) => x.service),
    ];
    for (const n of named) if (!out.includes(n) && out.length <= MAX_SERVICES) out.push(n);
  }
  return out;
}

/** The timeline of one incident, oldest first, at most `limit` events (default 50). */
export async function incidentTimeline(s: Session, id: string, q: { limit?: number } = {}): Promise<IncidentTimeline> {
  requireScope(s.principal, 'read');
  const inc = await getIncident(s, id);
  const limit = Math.max(1, Math.min(q.limit ?? 50, 1000));
  const from = new Date(Date.parse(inc.startedAt) - TIMELINE_LEAD_MS).toISOString();
  const now = s.deps.clock.now().toISOString();
  const to = inc.resolvedAt !== null && inc.resolvedAt < now ? inc.resolvedAt : now;
  const events: TimelineEvent[] = [{ at: inc.openedAt, kind: 'opened', summary: `opened by ${inc.openedBy}: ${inc.title} (${inc.service}, ${inc.severity})`, id: inc.id, service: inc.service }];

  for (const svc of await timelineServices(s, inc)) {
    const anomalies = await s.org.listAnomalies({ service: svc, from, to, limit: MAX_READ });
    events.push(...anomalies.map(anomalyEvent));
  }
  events.push(...(await listChanges(s, { from, to, limit: MAX_READ })).map(changeEvent));

  const [evidence, hypotheses, audit, plans] = await Promise.all([s.org.listEvidence(inc.id), s.org.listHypotheses(inc.id), s.org.listAuditFor(`incident:${inc.id}`, { limit: 1000 }), s.org.listFixPlans(inc.id)]);
  events.push(...evidence.map(evidenceEvent));
  events.push(...hypotheses.map((h): TimelineEvent => ({ at: h.createdAt, kind: 'hypothesis', summary: `#${h.rank} ${h.statement} (confidence ${h.confidence.toFixed(2)})`, id: h.id, service: h.service })));
  events.push(...audit.flatMap((e) => auditEvent(e, inc) ?? []));
  for (const p of plans) {
    events.push({ at: p.createdAt, kind: 'plan', summary: `fix plan "${p.title}" drafted by ${p.requestedBy} (${p.env}, ${p.runner}, risk ${p.risk}, ${p.steps.length} steps); now ${p.status}`, id: p.id, service: inc.service });
    const [approvals, commands] = await Promise.all([s.org.listApprovals(p.id), s.org.listCommands(p.id)]);
    events.push(...approvals.map((a): TimelineEvent => ({ at: a.createdAt, kind: 'approval', summary: `${a.decision === 'approve' ? 'approved' : 'rejected'} by ${a.approver}${a.reason ? `: ${a.reason.slice(0, 200)}` : ''} (plan ${p.id})`, id: a.id, service: inc.service })));
    events.push(...commands.map((c): TimelineEvent => ({ at: c.startedAt, kind: 'command', summary: `step ${c.step + 1} ${c.status} (exit ${c.exitCode}, ${c.runner}): ${c.command.slice(0, 200)}`, id: c.id, service: inc.service })));
  }

  const byTime = (a: TimelineEvent, b: TimelineEvent) => (a.at < b.at ? -1 : a.at > b.at ? 1 : TIMELINE_KINDS.indexOf(a.kind) - TIMELINE_KINDS.indexOf(b.kind));
  const kept = [...events].sort((a, b) => PRIORITY[a.kind] - PRIORITY[b.kind] || byTime(a, b)).slice(0, limit);
  return { incident: inc, window: { from, to }, events: kept.sort(byTime), omitted: events.length - kept.length };
}

/** An incident's fix plans, newest first, each with its approvals and recorded commands (scope `read`). */
export async function incidentFixPlans(s: Session, id: string): Promise<{ incident: Incident; plans: { plan: FixPlan; approvals: Approval[]; commands: CommandRecord[] }[] }> {
  requireScope(s.principal, 'read');
  const incident = await getIncident(s, id);
  const plans = await s.org.listFixPlans(incident.id);
  const out = [];
  for (const plan of plans) {
    const [approvals, commands] = await Promise.all([s.org.listApprovals(plan.id), s.org.listCommands(plan.id)]);
    out.push({ plan, approvals, commands });
  }
  return { incident, plans: out };
}
