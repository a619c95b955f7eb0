/**
 * The planner's decision for one step of a turn: which read-only tools to call next, or the answer
 * composed from what they returned. Pure: it sees the question, the incident in focus, the tools
 * it holds and this turn's results, exactly what a chat model would see.
 */
import type { ToolResult } from '../../tools/types.js';
import * as t from './compose.js';
import { classify, incidentIdsIn, type Intent, mentions, serviceMention, suspectMention, topicOf } from './intents.js';

export interface ToolRun {
  name: string;
  args: Record<string, unknown>;
  result: ToolResult;
}

export interface PlannerView {
  question: string;
  /** The incident the thread is about, if any. */
  focus: string | null;
  /** Tool names the planner holds. */
  tools: string[];
  /** This turn's tool calls and results, in order. */
  runs: ToolRun[];
  /** Set when no tool may be called any more (the loop's budget is spent): answer from what is there. */
  composeOnly?: boolean;
}

export type Decision = { calls: { name: string; args: Record<string, unknown> }[] } | { text: string };

const NEEDS_INCIDENT: ReadonlySet<Intent> = new Set(['status', 'root_cause', 'why_service', 'timeline', 'changes', 'summary', 'similar', 'fix_plan']);

interface IncidentRow { id: string; title: string; service: string; severity: string; status: string; startedAt: string }

const find = (runs: ToolRun[], name: string, pred: (a: Record<string, unknown>) => boolean = () => true) => [...runs].reverse().find((r) => r.name === name && pred(r.args));

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
    return { calls: [{ name: 'list_incidents', args: { status: 'open' } }] };
  }
  if (listed.result.status === 'error') return { text: t.toolFailed(listed.result) };
  const open = ((listed.result.data as { incidents?: IncidentRow[] } | null)?.incidents ?? []) as IncidentRow[];
  const matches = open.filter((i) => mentions(v.question, i.service) || (mention !== null && i.title.toLowerCase().includes(mention)));
  if (matches.length === 1) return { id: matches[0].id };
  if (matches.length > 1) return { text: t.incidentList(matches, 'Several open incidents match:') + '\nWhich one do you mean? Give its id.' };
  if (v.focus) return { id: v.focus };
  if (open.length === 0) return { text: `There is no open incident${mention ? ` for ${mention}` : ''}. Ask "list incidents" to see closed ones.` };
  if (open.length === 1 && !mention) return { id: open[0].id };
  const lead = mention ? `No open incident matches "${mention}". Open incidents:` : 'Several incidents are open:';
  return { text: t.incidentList(open, lead) + '\nWhich one do you mean? Give its id or service.' };
}

/** The calls an intent needs for an incident. */
function needed(intent: Intent, incidentId: string): { name: string; args: Record<string, unknown> }[] {
  switch (intent) {
    case 'status':
    case 'root_cause':
    case 'why_service':
      return [{ name: 'root_cause', args: { incidentId } }];
    case 'timeline':
      return [{ name: 'incident_evidence', args: { incidentId } }];
    case 'changes':
      return [{ name: 'incident_evidence', args: { incidentId, kind: 'change' } }];
    case 'summary':
      return [{ name: 'root_cause', args: { incidentId } }, { name: 'incident_evidence', args: { incidentId } }];
    case 'similar':
    case 'fix_plan':
      return [{ name: 'search_knowledge', args: { incidentId } }];
    default:
      return [];
  }
}

const sameArgs = (a: Record<string, unknown>, b: Record<string, unknown>) => Object.entries(b).every(([k, x]) => a[k] === x);

export function decide(v: PlannerView): Decision {
  const intent = classify(v.question);
  if (intent === 'help') return { text: `I don't know how to answer that. ${t.CAPABILITIES}` };
  if (intent === 'metrics_logs') return { text: `I can't show metrics or logs yet: no tool for them is available to me. ${t.CAPABILITIES}` };

  if (intent === 'runbook') {
    const topic = topicOf(v.question);
    const args: Record<string, unknown> = topic ? { query: topic } : v.focus ? { incidentId: v.focus } : {};
    if (!Object.keys(args).length) return { text: 'Which topic should I look up? For example "runbook for disk full".' };
    const run = find(v.runs, 'search_knowledge', (a) => sameArgs(a, args));
    if (!run) return v.composeOnly ? { text: "I don't have the knowledge base's answer yet; ask again." } : callIfHeld(v, [{ name: 'search_knowledge', args }]);
    if (run.result.status === 'error') return { text: t.toolFailed(run.result) };
    const hits = (run.result.data as { hits?: Parameters<typeof t.knowledge>[0] } | null)?.hits ?? [];
    const what = topic ? `"${topic}"` : 'this incident';
    return { text: t.knowledge(hits, `Runbooks and documents about ${what}:`, `I found no runbook or document about ${what}.`) };
  }

  if (intent === 'list') {
    const all = /\b(all|closed|resolved|past|recent)\b/i.test(v.question);
    const args: Record<string, unknown> = all ? {} : { status: 'open' };
    const run = find(v.runs, 'list_incidents', (a) => sameArgs(a, args) && sameArgs(args, a));
    if (!run) return v.composeOnly ? { text: "I don't have the incident list yet; ask again." } : callIfHeld(v, [{ name: 'list_incidents', args }]);
    if (run.result.status === 'error') return { text: t.toolFailed(run.result) };
    const rows = ((run.result.data as { incidents?: IncidentRow[] } | null)?.incidents ?? []) as IncidentRow[];
    return { text: rows.length ? t.incidentList(rows, all ? 'Incidents, newest first:' : 'Open incidents:') : `There is no ${all ? '' : 'open '}incident.` };
  }

  if (!NEEDS_INCIDENT.has(intent)) return { text: `I don't know how to answer that. ${t.CAPABILITIES}` };
  const inc = resolveIncident(v, intent);
  if (!('id' in inc)) return inc;
  const calls = needed(intent, inc.id);
  const runs = calls.map((c) => find(v.runs, c.name, (a) => sameArgs(a, c.args)));
  const missing = calls.filter((_, i) => !runs[i]);
  if (missing.length && !v.composeOnly) return callIfHeld(v, missing);
  const failed = runs.find((r) => r?.result.status === 'error');
  if (failed) return { text: t.toolFailed(failed.result) };
  if (runs.some((r) => !r)) return { text: "I don't have what I need to answer that yet; ask again." };
  return { text: compose(intent, v, runs as ToolRun[]) };
}

function callIfHeld(v: PlannerView, calls: { name: string; args: Record<string, unknown> }[]): Decision {
  const missing = calls.filter((c) => !v.tools.includes(c.name)).map((c) => c.name);
  if (missing.length) return { text: `I can't answer that here: the ${missing.join(', ')} tool is not available to me.` };
  return { calls };
}

function compose(intent: Intent, v: PlannerView, runs: ToolRun[]): string {
  const data = runs.map((r) => r.result.data);
  switch (intent) {
    case 'status':
      return t.status(data[0] as t.RootCauseData);
    case 'root_cause':
      return t.rootCause(data[0] as t.RootCauseData);
    case 'why_service':
      return t.whyService(data[0] as t.RootCauseData, suspectMention(v.question) ?? serviceMention(v.question) ?? 'that service');
    case 'timeline':
      return t.timeline(data[0] as t.EvidenceData);
    case 'changes':
      return t.changes(data[0] as t.EvidenceData);
    case 'summary':
      return t.summary(data[0] as t.RootCauseData, data[1] as t.EvidenceData);
    case 'similar':
      return t.knowledge(hitsOf(runs[0]), 'Past write-ups that look like this incident:', 'I found no similar past incident in the knowledge base.');
    case 'fix_plan':
      return [
        "I can't draft a fix plan from chat yet: use the `plan` command, which drafts one for approval.",
        t.knowledge(hitsOf(runs[0]), 'Runbooks that may help:', 'I found no runbook for this incident.'),
      ].join('\n');
    default:
      return `I don't know how to answer that. ${t.CAPABILITIES}`;
  }
}

const hitsOf = (r: ToolRun) => ((r.result.data as { hits?: Parameters<typeof t.knowledge>[0] } | null)?.hits ?? []);
