/**
 * The planner's answers: templates over tool results, each fact followed by the `[rowId]` marker
 * of the row it comes from, so the guard can check it. Pure.
 */
import type { ToolResult } from '../../tools/types.js';

export interface IncidentRow { id: string; title: string; service: string; severity: string; status: string; startedAt: string }
interface EvidenceRow { id: string; kind: string; summary: string; createdAt: string; data?: Record<string, unknown> }
interface HypothesisRow { id: string; rank: number; statement: string; confidence: number; service: string | null; evidence: { id: string; summary: string }[]; counterEvidence: { summary?: string }[] }
interface WhyNotRow { service: string | null; reason: string | null; hypothesisId: string }
interface KnowledgeHit { chunkId: string; title: string; heading: string; lines: string; snippet: string }

export interface RootCauseData { incident: IncidentRow; hypotheses: HypothesisRow[]; whyNot: WhyNotRow[] }
export interface EvidenceData { incident: IncidentRow; evidence: EvidenceRow[] }

const conf = (c: number) => c.toFixed(2);
export const oneLine = (s: string, max = 240) => {
  const t = s.replace(/\s+/g, ' ').trim();
  return t.length > max ? `${t.slice(0, max)}…` : t;
};

export const CAPABILITIES =
  'I can answer: the status of an incident, what happened (timeline), what changed, the root cause and why (not) a service, its metrics, logs and anomalies, who is affected (blast radius), runbooks, similar past incidents, a draft fix plan, and a summary for stakeholders.';

export const incidentLine = (i: IncidentRow) => `**${i.title}**: ${i.service}, ${i.severity}, ${i.status} since ${i.startedAt} (id ${i.id}) [${i.id}].`;

export function status(rc: RootCauseData): string {
  const [top, ...rest] = rc.hypotheses;
  const lines = [incidentLine(rc.incident)];
  if (!top) return [...lines, 'No root-cause hypothesis is stored for it yet; run `analyze` to draft one.'].join('\n');
  lines.push(`Top hypothesis: ${top.statement} (confidence ${conf(top.confidence)}) [${top.id}].`);
  if (top.evidence.length) lines.push(`Evidence: ${top.evidence.slice(0, 3).map((e) => `${oneLine(e.summary, 160)} [${e.id}]`).join('; ')}.`);
  if (rest.length) lines.push(`There ${rest.length === 1 ? 'is 1 other hypothesis' : `are ${rest.length} other hypotheses`} [${rest[0].id}]; ask "why" to see them all.`);
  return lines.join('\n');
}

export function rootCause(rc: RootCauseData): string {
  if (!rc.hypotheses.length) return `No root-cause hypothesis is stored for **${rc.incident.title}** yet [${rc.incident.id}]; run \`analyze\` to draft one.`;
  const lines = [`Root-cause hypotheses for **${rc.incident.title}**, best first [${rc.incident.id}]:`];
  for (const h of rc.hypotheses.slice(0, 5)) {
    lines.push(`${h.rank}. ${h.statement} (confidence ${conf(h.confidence)}) [${h.id}].`);
    if (h.evidence.length) lines.push(`   Supporting evidence: ${h.evidence.slice(0, 4).map((e) => `${oneLine(e.summary, 160)} [${e.id}]`).join('; ')}.`);
    const counter = h.counterEvidence.map((c) => c.summary).filter((s): s is string => typeof s === 'string');
    if (counter.length) lines.push(`   Counter-evidence: ${counter.slice(0, 2).map((s) => oneLine(s, 160)).join('; ')} [${h.id}].`);
  }
  for (const w of rc.whyNot.slice(0, 5)) if (w.service && w.reason) lines.push(`- Not ${w.service}: ${oneLine(w.reason)} [${w.hypothesisId}].`);
  return lines.join('\n');
}

export function whyService(rc: RootCauseData, service: string): string {
  const s = service.toLowerCase();
  const hs = rc.hypotheses.filter((h) => h.service?.toLowerCase() === s);
  const ws = rc.whyNot.filter((w) => w.service?.toLowerCase() === s && w.reason);
  if (!hs.length && !ws.length) return `I have no stored evidence about ${service} for **${rc.incident.title}**. Ask "why" to see the hypotheses that are stored.`;
  const lines: string[] = [];
  for (const h of hs) lines.push(`${service} is suspect #${h.rank}: ${h.statement} (confidence ${conf(h.confidence)}) [${h.id}].`);
  for (const w of ws) lines.push(`${service} was ruled out: ${oneLine(w.reason!)} [${w.hypothesisId}].`);
  return lines.join('\n');
}

const when = (e: EvidenceRow) => (typeof e.data?.ts === 'string' ? e.data.ts : e.createdAt);

export function timeline(ev: EvidenceData): string {
  if (!ev.evidence.length) return `No evidence is stored for **${ev.incident.title}** yet [${ev.incident.id}]; run \`analyze\` to collect it.`;
  const rows = [...ev.evidence].sort((a, b) => when(a).localeCompare(when(b)));
  return [`What happened in **${ev.incident.title}** [${ev.incident.id}], oldest first:`, ...rows.slice(0, 20).map((e) => `- ${when(e)}: ${e.kind}: ${oneLine(e.summary)} [${e.id}]`)].join('\n');
}

export function changes(ev: EvidenceData): string {
  if (!ev.evidence.length) return `No change (deploy, flag, config) is recorded as evidence for **${ev.incident.title}** [${ev.incident.id}].`;
  return [`Changes recorded for **${ev.incident.title}** [${ev.incident.id}]:`, ...ev.evidence.slice(0, 20).map((e) => `- ${when(e)}: ${oneLine(e.summary)} [${e.id}]`)].join('\n');
}

export function summary(rc: RootCauseData, ev: EvidenceData | null): string {
  const i = rc.incident;
  const top = rc.hypotheses[0];
  const lines = [`Summary for stakeholders: **${i.title}** [${i.id}].`, `Impact: ${i.service} is affected at ${i.severity}; the incident is ${i.status} since ${i.startedAt} [${i.id}].`];
  lines.push(top ? `Most likely cause so far: ${top.statement} (confidence ${conf(top.confidence)}) [${top.id}].` : 'No cause has been established yet; analysis is pending.');
  if (ev?.evidence.length) lines.push(`${ev.evidence.length} evidence item${ev.evidence.length === 1 ? ' is' : 's are'} recorded, the latest: ${oneLine(ev.evidence[ev.evidence.length - 1].summary, 160)} [${ev.evidence[ev.evidence.length - 1].id}].`);
  return lines.join('\n');
}

export function knowledge(hits: KnowledgeHit[], heading: string, none: string): string {
  if (!hits.length) return none;
  return [heading, ...hits.map((h) => `- **${h.title}**${h.heading ? ` › ${h.heading}` : ''} (lines ${h.lines}): ${oneLine(h.snippet, 300)} [${h.chunkId}]`)].join('\n');
}

export function incidentList(incidents: IncidentRow[], heading: string): string {
  return [heading, ...incidents.slice(0, 10).map((i) => `- ${incidentLine(i)}`)].join('\n');
}

export const toolFailed = (r: ToolResult) => `I could not read that: ${r.error ?? 'the tool failed'}`;
