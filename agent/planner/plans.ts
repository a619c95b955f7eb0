/**
 * What each intent calls and how it answers, once the incident (or service) is known. An intent
 * uses the investigation tool made for it when the planner holds it, else the core tool that
 * comes closest, so the planner works on any registry. Pure.
 */
import type { Intent } from './intents.js';
import { levelOf, quotedText, wantsNovel } from './intents.js';
import * as t from './compose.js';
import * as x from './compose-tools.js';
import { closestMetric, metricGuess, metricNamesIn } from './metrics.js';
import { type Call, type Decision, has, type PlannerView, ran, type ToolRun, withRuns } from './view.js';

const citable = (r: ToolRun): x.Citable => new Set(r.result.citations.map((c) => c.id));
const dataOf = <D>(r: ToolRun) => r.result.data as D;
const failed = (r: ToolRun) => r.result.status === 'error';
const incidentArgs = (incidentId: string | null) => (incidentId ? { incidentId } : {});

type EvidenceRow = t.EvidenceData['evidence'][number];
/** incident_evidence restricted to some kinds: the fallback for logs, anomalies, metrics and blast radius. */
function evidenceOf(r: ToolRun, kinds: string[]): t.EvidenceData {
  const d = dataOf<t.EvidenceData>(r);
  return { incident: d.incident, evidence: d.evidence.filter((e: EvidenceRow) => kinds.includes(e.kind)) };
}

function evidenceList(d: t.EvidenceData, heading: string, none: string): string {
  if (!d.evidence.length) return `${none} [${d.incident.id}]`;
  return [`${heading} [${d.incident.id}]:`, ...d.evidence.slice(0, 20).map((e) => `- ${x.flat(e.summary, 240)} [${e.id}]`)].join('\n');
}

const noAnalysis = (incidentId: string) => `No analysis is stored for incident ${incidentId} yet. Ask me to "analyze it" (needs the plan permission), then ask again.`;

export function plan(v: PlannerView, intent: Intent, incidentId: string | null, service: string | null): Decision {
  const id = incidentId ?? '';
  switch (intent) {
    case 'status':
      return withRuns(v, [{ name: 'root_cause', args: { incidentId: id } }], ([r]) => (failed(r) ? t.toolFailed(r.result) : t.status(dataOf(r))));
    case 'root_cause':
      return withRuns(v, [{ name: 'root_cause', args: { incidentId: id } }], ([r]) => {
        if (failed(r)) return t.toolFailed(r.result);
        const d = dataOf<t.RootCauseData>(r);
        if (!d.hypotheses.length && has(v, 'analyze_incident')) return `No root-cause hypothesis is stored for **${d.incident.title}** yet [${d.incident.id}]. Ask me to "analyze it" to run the analysis.`;
        return t.rootCause(d);
      });
    case 'analyze':
      return analyzePlan(v, id);
    case 'why_service':
      return whyPlan(v, id, service ?? '');
    case 'timeline':
      if (has(v, 'incident_timeline')) return withRuns(v, [{ name: 'incident_timeline', args: { incidentId: id } }], ([r]) => (failed(r) ? t.toolFailed(r.result) : x.timelineText(dataOf(r), citable(r))));
      return withRuns(v, [{ name: 'incident_evidence', args: { incidentId: id } }], ([r]) => (failed(r) ? t.toolFailed(r.result) : t.timeline(dataOf(r))));
    case 'changes':
      if (has(v, 'list_changes')) {
        const args = incidentId ? { incidentId } : { service: service! };
        const what = incidentId ? 'around this incident' : `on ${service}`;
        return withRuns(v, [{ name: 'list_changes', args }], ([r]) => (failed(r) ? t.toolFailed(r.result) : x.changesText(dataOf(r), citable(r), what)));
      }
      if (!incidentId) return { text: `I can't list changes of ${service} here: the list_changes tool is not available to me. Name an incident to see the changes recorded as its evidence.` };
      return withRuns(v, [{ name: 'incident_evidence', args: { incidentId, kind: 'change' } }], ([r]) => (failed(r) ? t.toolFailed(r.result) : t.changes(dataOf(r))));
    case 'metric':
      return metricPlan(v, incidentId, service);
    case 'logs':
      return logsPlan(v, incidentId, service);
    case 'anomalies':
      if (has(v, 'list_anomalies')) {
        const args = { ...incidentArgs(incidentId), ...(service ? { service } : {}) };
        const what = [service ? `on ${service}` : '', incidentId ? 'in this incident' : ''].filter(Boolean).join(' ');
        return withRuns(v, [{ name: 'list_anomalies', args }], ([r]) => (failed(r) ? t.toolFailed(r.result) : x.anomaliesText(dataOf(r), citable(r), what)));
      }
      if (!incidentId) return { text: `I can't list anomalies of ${service} here: the list_anomalies tool is not available to me.` };
      return withRuns(v, [{ name: 'incident_evidence', args: { incidentId } }], ([r]) =>
        failed(r) ? t.toolFailed(r.result) : evidenceList(evidenceOf(r, ['anomaly']), 'Anomalies recorded as evidence', 'No anomaly is recorded as evidence for this incident.'),
      );
    case 'blast_radius':
      if (has(v, 'blast_radius')) {
        return withRuns(v, [{ name: 'blast_radius', args: { incidentId: id } }], ([r]) => {
          if (failed(r)) return t.toolFailed(r.result);
          if (r.result.status === 'no_data') return noAnalysis(id);
          return x.blastText(dataOf(r), citable(r));
        });
      }
      return withRuns(v, [{ name: 'incident_evidence', args: { incidentId: id } }], ([r]) =>
        failed(r) ? t.toolFailed(r.result) : evidenceList(evidenceOf(r, ['topology_path', 'anomaly']), 'What the evidence shows of the spread', 'No topology or anomaly evidence shows who is affected.'),
      );
    case 'similar':
      if (has(v, 'similar_incidents')) return withRuns(v, [{ name: 'similar_incidents', args: { incidentId: id } }], ([r]) => (failed(r) ? t.toolFailed(r.result) : x.similarText(dataOf(r), citable(r))));
      return withRuns(v, [{ name: 'search_knowledge', args: { incidentId: id } }], ([r]) =>
        failed(r) ? t.toolFailed(r.result) : t.knowledge(hits(r), 'Past write-ups that look like this incident:', 'I found no similar past incident in the knowledge base.'),
      );
    case 'fix_plan':
      return fixPlan(v, id);
    case 'summary':
      return summaryPlan(v, id);
    default:
      return { text: `I don't know how to answer that. ${t.CAPABILITIES}` };
  }
}

const hits = (r: ToolRun) => (r.result.data as { hits?: Parameters<typeof t.knowledge>[0] } | null)?.hits ?? [];

function analyzePlan(v: PlannerView, id: string): Decision {
  if (!has(v, 'analyze_incident')) {
    return withRuns(v, [{ name: 'root_cause', args: { incidentId: id } }], ([r]) =>
      failed(r) ? t.toolFailed(r.result) : `I can't run an analysis from here (the analyze_incident tool is not available to me); this is what is stored.\n${t.rootCause(dataOf(r))}`,
    );
  }
  return withRuns(v, [{ name: 'analyze_incident', args: { incidentId: id } }], ([r]) => (failed(r) ? t.toolFailed(r.result) : x.analysisText(dataOf(r), citable(r))));
}

function whyPlan(v: PlannerView, id: string, service: string): Decision {
  const rootCause = (prefix = '') => withRuns(v, [{ name: 'root_cause', args: { incidentId: id } }], ([r]) => (failed(r) ? t.toolFailed(r.result) : prefix + t.whyService(dataOf(r), service)));
  if (!has(v, 'explain_why_not')) return rootCause();
  const call: Call = { name: 'explain_why_not', args: { incidentId: id, service } };
  const r = ran(v, call);
  if (!r) return withRuns(v, [call], () => '');
  if (failed(r)) return { text: t.toolFailed(r.result) };
  // No stored analysis: what root_cause has stored is the best there is.
  if (r.result.status === 'no_data') return rootCause(`${noAnalysis(id)}\n`);
  return { text: x.whyNotText(dataOf(r), citable(r)) };
}

/** The metric: a first guess from the words; when the tool lists the service's metrics, the closest of them; else ask. */
function metricPlan(v: PlannerView, incidentId: string | null, named: string | null): Decision {
  if (!has(v, 'query_metric')) {
    if (!incidentId) return { text: `I can't show metric series here: the query_metric tool is not available to me.` };
    return withRuns(v, [{ name: 'incident_evidence', args: { incidentId } }], ([r]) =>
      failed(r)
        ? t.toolFailed(r.result)
        : `I can't show metric series here (the query_metric tool is not available to me).\n${evidenceList(evidenceOf(r, ['metric_delta', 'anomaly']), 'Metric changes recorded as evidence', 'No metric change is recorded as evidence for this incident.')}`,
    );
  }
  let service = named;
  if (!service) {
    // The incident's own service.
    const call: Call = { name: 'get_incident', args: { incidentId: incidentId! } };
    const r = ran(v, call);
    if (!r) return withRuns(v, [call], () => '');
    if (failed(r)) return { text: t.toolFailed(r.result) };
    service = dataOf<{ incident: t.IncidentRow }>(r).incident.service;
  }
  const guess = metricGuess(v.question);
  if (!guess) return { text: `Which metric of ${service} do you mean? For example p95 latency, error rate, CPU, memory or throughput.` };
  const base = { service, ...incidentArgs(incidentId) };
  const first: Call = { name: 'query_metric', args: { ...base, metric: guess } };
  const r1 = ran(v, first);
  if (!r1) return withRuns(v, [first], () => '');
  if (!failed(r1)) return { text: x.metricText(dataOf(r1), citable(r1)) };
  const names = metricNamesIn(r1.result.error ?? '').filter((n) => n !== guess);
  if (!names.length) return { text: t.toolFailed(r1.result) };
  const pick = closestMetric(v.question, names);
  if (!pick) return { text: `${service} has no metric called ${guess}. Which one do you mean: ${names.slice(0, 20).join(', ')}?` };
  return withRuns(v, [{ name: 'query_metric', args: { ...base, metric: pick } }], ([r2]) =>
    failed(r2) ? t.toolFailed(r2.result) : `${service} has no metric ${guess}; the closest is ${pick}.\n${x.metricText(dataOf(r2), citable(r2))}`,
  );
}

function logsPlan(v: PlannerView, incidentId: string | null, service: string | null): Decision {
  if (!has(v, 'search_log_templates')) {
    if (!incidentId) return { text: `I can't search logs here: the search_log_templates tool is not available to me.` };
    return withRuns(v, [{ name: 'incident_evidence', args: { incidentId } }], ([r]) =>
      failed(r) ? t.toolFailed(r.result) : evidenceList(evidenceOf(r, ['log_cluster']), 'Log clusters recorded as evidence', 'No log cluster is recorded as evidence for this incident.'),
    );
  }
  const level = levelOf(v.question);
  const novel = wantsNovel(v.question);
  const text = quotedText(v.question);
  const args = { ...incidentArgs(incidentId), ...(service ? { service } : {}), ...(level ? { level } : {}), ...(novel ? { novelOnly: true } : {}), ...(text ? { text } : {}) };
  const what = [novel ? 'new' : '', level ? `${level}-level` : '', service ? `on ${service}` : '', text ? `mentioning "${text}"` : '', incidentId ? 'in this incident' : ''].filter(Boolean).join(' ') || 'here';
  return withRuns(v, [{ name: 'search_log_templates', args }], ([r]) => (failed(r) ? t.toolFailed(r.result) : x.templatesText(dataOf(r), citable(r), what)));
}

function fixPlan(v: PlannerView, id: string): Decision {
  if (!has(v, 'draft_fix_plan')) {
    return withRuns(v, [{ name: 'search_knowledge', args: { incidentId: id } }], ([r]) =>
      failed(r)
        ? t.toolFailed(r.result)
        : ["I can't draft a fix plan from chat yet: use the `plan` command, which drafts one for approval.", t.knowledge(hits(r), 'Runbooks that may help:', 'I found no runbook for this incident.')].join('\n'),
    );
  }
  const ns = /\bnamespace\s+([a-z0-9][a-z0-9-]{0,62})\b/i.exec(v.question)?.[1];
  return withRuns(v, [{ name: 'draft_fix_plan', args: { incidentId: id, ...(ns ? { namespace: ns } : {}) } }], ([r]) => {
    if (failed(r)) return t.toolFailed(r.result);
    if (r.result.status === 'no_data') return `I could not draft a fix plan for incident ${id}: ${x.flat(String((r.result.data as { why?: string } | null)?.why ?? 'nothing to act on yet'))}.`;
    const changeIds = r.result.citations.filter((c) => c.kind === 'change').map((c) => c.id);
    return x.draftText(dataOf(r), citable(r), id, changeIds);
  });
}

/** For stakeholders: impact, cause, spread, what changed and the latest, from several tools. */
function summaryPlan(v: PlannerView, id: string): Decision {
  const calls: Call[] = [{ name: 'root_cause', args: { incidentId: id } }];
  if (has(v, 'blast_radius')) calls.push({ name: 'blast_radius', args: { incidentId: id } });
  if (has(v, 'list_changes')) calls.push({ name: 'list_changes', args: { incidentId: id } });
  calls.push(has(v, 'incident_timeline') ? { name: 'incident_timeline', args: { incidentId: id } } : { name: 'incident_evidence', args: { incidentId: id } });
  return withRuns(v, calls, (runs) => {
    const [rc] = runs;
    if (failed(rc)) return t.toolFailed(rc.result);
    const byName = new Map(runs.map((r) => [r.name, r]));
    const ev = byName.get('incident_evidence');
    const lines = [t.summary(dataOf(rc), ev && !failed(ev) ? dataOf(ev) : null)];
    const blast = byName.get('blast_radius');
    if (blast && blast.result.status === 'ok') {
      const b = dataOf<x.BlastData>(blast);
      const entry = b.impacted.filter((i) => i.entryPoint).map((i) => i.service);
      lines.push(`Spread: ${b.impacted.length} service${b.impacted.length === 1 ? '' : 's'} impacted${b.origin ? ` from ${b.origin}` : ''}${entry.length ? `, customer-facing: ${entry.join(', ')}` : ''}${x.mark(citable(blast), b.analysisId)}.`);
    }
    const ch = byName.get('list_changes');
    if (ch && ch.result.status === 'ok') {
      const c = dataOf<x.ChangesData>(ch).changes;
      if (c.length) lines.push(`Changes around the start: ${c.slice(-3).map((k) => `${k.kind} ${k.key} at ${k.at}${x.mark(citable(ch), k.id)}`).join('; ')}.`);
    }
    const tl = byName.get('incident_timeline');
    if (tl && tl.result.status === 'ok') {
      const e = dataOf<x.TimelineData>(tl).events;
      const last = e[e.length - 1];
      if (last) lines.push(`Latest: ${last.at}: ${last.kind}: ${x.flat(last.summary, 160)}${x.mark(citable(tl), last.id, rc.args.incidentId as string)}.`);
    }
    return lines.join('\n');
  });
}
