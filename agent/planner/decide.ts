/**
 * The planner's decision for one step of a turn: which read-only tools to call next, or the answer
 * composed from what they returned. Pure: it sees the question, the incident in focus, the tools
 * it holds and this turn's results, exactly what a chat model would see.
 *
 * Each intent prefers the investigation tools (timeline, metrics, logs, anomalies, changes, blast
 * radius, analysis, why-not, similar incidents, draft plans) and falls back to the core ones
 * (root_cause, incident_evidence, search_knowledge) when the registry it holds lacks them.
 */
import * as t from './compose.js';
import { classify, incidentIdsIn, type Intent, mentions, serviceMention, suspectMention, topicOf } from './intents.js';
import { plan } from './plans.js';
import { callIfHeld, find, type Decision, type PlannerView, type ToolRun, withRuns } from './view.js';

export type { Call, Decision, PlannerView, ToolRun } from './view.js';

/** Intents that read one incident (those marked `scoped` may read a service's data instead). */
const NEEDS_INCIDENT: ReadonlySet<Intent> = new Set(['status', 'root_cause', 'analyze', 'why_service', 'timeline', 'changes', 'summary', 'similar', 'fix_plan', 'blast_radius', 'metric', 'logs', 'anomalies']);
/** Intents whose tools also take a service alone: a named service with no incident in view is enough. */
const SERVICE_SCOPED: ReadonlySet<Intent> = new Set(['metric', 'logs', 'anomalies', 'changes']);

/** Which incident the question is about, or what to do to find out. */
function resolveIncident(v: PlannerView, intent: Intent): { id: string } | Decision {
  const named = incidentIdsIn(v.question)[0];
  if (named) return { id: named };
  // "why not payments?" names a suspect inside the incident, not another incident.
  const mention = intent === 'why_service' ? null : serviceMention(v.question);
  if (v.focus && !mention) return { id: v.focus };
  const listed = find(v.runs, 'list_incidents', (a) => a.status === 'open');
  if (!listed) {
    if (v.composeOnly) return v.focus ? { id: v.focus } : { text: 'Which incident do you mean? Give its id or service.' };
    return callIfHeld(v, [{ name: 'list_incidents', args: { status: 'open' } }]);
  }
  if (listed.result.status === 'error') return { text: t.toolFailed(listed.result) };
  const open = ((listed.result.data as { incidents?: t.IncidentRow[] } | null)?.incidents ?? []) as t.IncidentRow[];
  const matches = open.filter((i) => mentions(v.question, i.service) || (mention !== null && i.title.toLowerCase().includes(mention)));
  if (matches.length === 1) return { id: matches[0].id };
  if (matches.length > 1) return { text: t.incidentList(matches, 'Several open incidents match:') + '\nWhich one do you mean? Give its id.' };
  if (v.focus) return { id: v.focus };
  if (open.length === 0) return { text: `There is no open incident${mention ? ` for ${mention}` : ''}. Ask "list incidents" to see closed ones.` };
  if (open.length === 1 && !mention) return { id: open[0].id };
  const lead = mention ? `No open incident matches "${mention}". Open incidents:` : 'Several incidents are open:';
  return { text: t.incidentList(open, lead) + '\nWhich one do you mean? Give its id or service.' };
}

/** What a service-scoped question is about: an incident (named, in focus or found), or a service alone. */
function resolveScope(v: PlannerView, intent: Intent): { incidentId: string | null; service: string | null } | Decision {
  const named = incidentIdsIn(v.question)[0] ?? null;
  const service = serviceMention(v.question);
  if (SERVICE_SCOPED.has(intent) && (named || v.focus)) return { incidentId: named ?? v.focus, service };
  // A named service with no incident in view: that service's data.
  if (service && SERVICE_SCOPED.has(intent)) return { incidentId: null, service };
  const inc = resolveIncident(v, intent);
  return 'id' in inc ? { incidentId: inc.id, service } : inc;
}

export function decide(v: PlannerView): Decision {
  const intent = classify(v.question);
  if (intent === 'help') return { text: `I don't know how to answer that. ${t.CAPABILITIES}` };

  if (intent === 'runbook') {
    const topic = topicOf(v.question);
    const args: Record<string, unknown> = topic ? { query: topic } : v.focus ? { incidentId: v.focus } : {};
    if (!Object.keys(args).length) return { text: 'Which topic should I look up? For example "runbook for disk full".' };
    const what = topic ? `"${topic}"` : 'this incident';
    return withRuns(v, [{ name: 'search_knowledge', args }], ([run]) =>
      run.result.status === 'error' ? t.toolFailed(run.result) : t.knowledge(hitsOf(run), `Runbooks and documents about ${what}:`, `I found no runbook or document about ${what}.`),
    );
  }

  if (intent === 'list') {
    const all = /\b(all|closed|resolved|past|recent)\b/i.test(v.question);
    const args: Record<string, unknown> = all ? {} : { status: 'open' };
    return withRuns(v, [{ name: 'list_incidents', args }], ([run]) => {
      if (run.result.status === 'error') return t.toolFailed(run.result);
      const rows = ((run.result.data as { incidents?: t.IncidentRow[] } | null)?.incidents ?? []) as t.IncidentRow[];
      return rows.length ? t.incidentList(rows, all ? 'Incidents, newest first:' : 'Open incidents:') : `There is no ${all ? '' : 'open '}incident.`;
    });
  }

  if (!NEEDS_INCIDENT.has(intent)) return { text: `I don't know how to answer that. ${t.CAPABILITIES}` };
  const scope = resolveScope(v, intent);
  if (!('incidentId' in scope)) return scope;
  if (intent === 'why_service') {
    const suspect = suspectMention(v.question) ?? serviceMention(v.question);
    if (!suspect) return { text: 'Which service do you mean? For example "why not payments?".' };
    return plan(v, intent, scope.incidentId!, suspect);
  }
  return plan(v, intent, scope.incidentId, scope.service);
}

export const hitsOf = (r: ToolRun) => (r.result.data as { hits?: Parameters<typeof t.knowledge>[0] } | null)?.hits ?? [];
