/**
 * Answers from the incident-investigation tools (issue 15 §3: timeline, anomalies, log templates,
 * metrics, changes, blast radius, analysis, why-not, similar incidents, draft fix plans). Every
 * fact carries the `[id]` marker of the row a tool cited for it; a row the tool did not cite is
 * backed by the nearest cited one (the incident, the analysis), never by nothing. Pure.
 */
import { type IncidentRow, incidentLine, oneLine } from './compose.js';

/** Ids a tool result cited: only these may be used as markers. */
export type Citable = ReadonlySet<string>;

/** `[id]` for the first of `ids` that was cited, else nothing. */
export const mark = (citable: Citable, ...ids: (string | null | undefined)[]): string => {
  const id = ids.find((x): x is string => typeof x === 'string' && citable.has(x));
  return id ? ` [${id}]` : '';
};

/** Text from the data, on one line, without sentence breaks (the guard checks sentence by sentence). */
export const flat = (s: string, max = 200) => oneLine(s, max).replace(/([.!?])+\s+/g, '; ');

/** Three significant digits or so: enough for a chat line. */
const num = (x: number | null | undefined): string => {
  if (typeof x !== 'number' || !Number.isFinite(x)) return 'n/a';
  const a = Math.abs(x);
  return a >= 100 ? x.toFixed(0) : a >= 10 ? x.toFixed(1) : a >= 1 ? x.toFixed(2) : x.toPrecision(3);
};

export interface TimelineData {
  incident: IncidentRow;
  events: { at: string; kind: string; summary: string; id: string; service?: string | null }[];
}

export function timelineText(d: TimelineData, c: Citable): string {
  if (!d.events.length) return `Nothing is recorded yet for **${d.incident.title}**${mark(c, d.incident.id)}.`;
  return [
    `What happened in **${d.incident.title}**${mark(c, d.incident.id)}, oldest first:`,
    ...d.events.slice(0, 30).map((e) => `- ${e.at}: ${e.kind}${e.service ? ` (${e.service})` : ''}: ${flat(e.summary)}${mark(c, e.id, d.incident.id)}`),
  ].join('\n');
}

export interface AnomaliesData {
  anomalies: { id: string; at: string; service: string; series: string; detector: string; score: number; severity?: string; summary: string }[];
}

export function anomaliesText(d: AnomaliesData, c: Citable, what: string): string {
  if (!d.anomalies.length) return `No anomaly was detected ${what}.`;
  return [
    `Anomalies ${what}, newest first:`,
    ...d.anomalies.slice(0, 20).map((a) => `- ${a.at}: ${a.service} ${a.series}: ${flat(a.summary)} (score ${num(a.score)}${a.severity ? `, ${a.severity}` : ''}, ${a.detector})${mark(c, a.id)}`),
  ].join('\n');
}

export interface TemplatesData {
  templates: { id: string; service: string; template: string; count: number; firstSeen: string; lastSeen: string; levels: Record<string, number>; novel: boolean; exemplars: string[] }[];
}

export function templatesText(d: TemplatesData, c: Citable, what: string): string {
  if (!d.templates.length) return `No log lines match ${what}.`;
  const lines = [`Log templates ${what}:`];
  for (const t of d.templates.slice(0, 10)) {
    const levels = Object.entries(t.levels).map(([k, n]) => `${n} ${k}`).join(', ');
    lines.push(`- ${t.service}: \`${flat(t.template, 160)}\`: ${t.count} lines${levels ? ` (${levels})` : ''}, ${t.firstSeen} to ${t.lastSeen}${t.novel ? ', new in this incident' : ''}${mark(c, t.id)}`);
    if (t.exemplars[0]) lines.push(`  e.g. \`${flat(t.exemplars[0], 200)}\`${mark(c, t.id)}`);
  }
  return lines.join('\n');
}

export interface MetricData {
  service: string;
  metric: string;
  instance: string | null;
  from: string;
  to: string;
  stepSeconds: number;
  points: { t: string; min: number; avg: number; max: number; n: number }[];
  summary: { min: number; max: number; mean: number; last: number; before?: { mean: number }; after?: { mean: number } };
}

export function metricText(d: MetricData, c: Citable): string {
  const id = [...c][0];
  const m = id ? ` [${id}]` : '';
  const s = d.summary;
  const series = `${d.metric} of ${d.service}${d.instance ? ` (${d.instance})` : ''}`;
  if (!d.points.length) return `No points are stored for ${series} between ${d.from} and ${d.to}.`;
  const lines = [`${series}, ${d.from} to ${d.to} (${d.points.length} points of ${d.stepSeconds} s): min ${num(s.min)}, mean ${num(s.mean)}, max ${num(s.max)}, last ${num(s.last)}${m}.`];
  if (s.before && s.after) {
    const ratio = s.before.mean !== 0 ? s.after.mean / s.before.mean : null;
    lines.push(`Before the incident started the mean was ${num(s.before.mean)}; since then it is ${num(s.after.mean)}${ratio !== null && Number.isFinite(ratio) ? ` (×${ratio.toFixed(1)})` : ''}${m}.`);
  }
  const peak = d.points.reduce((a, p) => (p.max > a.max ? p : a), d.points[0]);
  lines.push(`Peak ${num(peak.max)} at ${peak.t}${m}.`);
  return lines.join('\n');
}

export interface ChangesData {
  changes: { id: string; changeId: string; at: string; kind: string; key: string; service: string | null; text: string | null }[];
}

export function changesText(d: ChangesData, c: Citable, what: string): string {
  if (!d.changes.length) return `No change (deploy, flag, config) was recorded ${what}.`;
  return [
    `Changes ${what}, oldest first:`,
    ...d.changes.slice(0, 20).map((x) => `- ${x.at}: ${x.kind} ${x.key}${x.service && !x.key.includes(x.service) ? ` (${x.service})` : ''}${x.text ? `: ${flat(x.text, 160)}` : ''} (change ${x.changeId})${mark(c, x.id)}`),
  ].join('\n');
}

export interface BlastData {
  incident: IncidentRow;
  origin: string | null;
  impacted: { service: string; depth: number; via: string[] | null; entryPoint: boolean; evidence?: string }[];
  analysisId: string;
}

export function blastText(d: BlastData, c: Citable): string {
  const m = mark(c, d.analysisId, d.incident.id);
  if (!d.impacted.length) return `The analysis of **${d.incident.title}** found no impacted service beyond ${d.origin ?? 'the incident service'}${m}.`;
  const entry = d.impacted.filter((i) => i.entryPoint).map((i) => i.service);
  const lines = [
    `Blast radius of **${d.incident.title}**${d.origin ? ` from ${d.origin}` : ''}: ${d.impacted.length} impacted service${d.impacted.length === 1 ? '' : 's'}${m}.`,
    ...d.impacted.slice(0, 20).map((i) => `- ${i.service}: depth ${i.depth}${i.via?.length ? ` via ${i.via.join(' → ')}` : ''}${i.entryPoint ? ', customer-facing entry point' : ''}${i.evidence ? `: ${flat(i.evidence, 120)}` : ''}${m}`),
  ];
  if (entry.length) lines.push(`Customer-facing services impacted: ${entry.join(', ')}${m}.`);
  return lines.join('\n');
}

export interface AnalysisData {
  analysisId: string;
  verdict: string;
  window: { from: string; to: string };
  ranking: { rank: number; service: string; score: number; confidence?: number; summary: string }[];
  topHypothesis: { id: string; statement: string; confidence: number } | null;
  correlations: { changeId: string; service: string; kind: string; summary: string }[];
  notes: string[];
  storedAt: string;
  fresh: boolean;
}

export function analysisText(d: AnalysisData, c: Citable): string {
  const a = mark(c, d.analysisId);
  const lines = [`${d.fresh ? 'I ran the analysis' : 'The stored analysis'} (${d.window.from} to ${d.window.to}, stored ${d.storedAt}): verdict ${d.verdict}${a}.`];
  if (d.topHypothesis) lines.push(`Top hypothesis: ${flat(d.topHypothesis.statement, 240)} (confidence ${d.topHypothesis.confidence.toFixed(2)})${mark(c, d.topHypothesis.id, d.analysisId)}.`);
  else lines.push('No hypothesis is confident enough to name a root cause.');
  // Services scored 0 carry no sign of a fault: listing them reads as if they were suspects.
  const suspects = d.ranking.filter((r) => r.score > 0);
  if (suspects.length) lines.push('Ranking:', ...suspects.slice(0, 5).map((r) => `${r.rank}. ${r.service}: score ${num(r.score)}${r.confidence !== undefined ? `, confidence ${r.confidence.toFixed(2)}` : ''}: ${flat(r.summary, 160)}${a}`));
  const quiet = d.ranking.length - suspects.length;
  if (quiet > 0) lines.push(`${quiet} other service${quiet === 1 ? '' : 's'} scored 0 (no anomaly, change or error that points at ${quiet === 1 ? 'it' : 'them'}).`);
  for (const x of d.correlations.slice(0, 3)) lines.push(`- Correlated ${x.kind} on ${x.service} (change ${x.changeId}): ${flat(x.summary, 160)}${a}`);
  return lines.join('\n');
}

export interface WhyNotData {
  service: string;
  rank: number | null;
  score: number | null;
  verdict: 'top' | 'runner_up' | 'ruled_out' | 'not_seen';
  reasons: string[];
  supporting: { id: string; summary: string }[];
  against: { summary: string }[];
  top: { service: string; statement: string } | null;
  analysisId: string;
}

const VERDICT: Record<WhyNotData['verdict'], string> = {
  top: 'is the top suspect',
  runner_up: 'is a runner-up, not the top suspect',
  ruled_out: 'was ruled out',
  not_seen: 'was not seen in the analysis',
};

export function whyNotText(d: WhyNotData, c: Citable): string {
  const a = mark(c, d.analysisId);
  const lines = [`${d.service} ${VERDICT[d.verdict]}${d.rank !== null ? ` (rank ${d.rank}${d.score !== null ? `, score ${num(d.score)}` : ''})` : ''}${a}.`];
  for (const r of d.reasons.slice(0, 4)) lines.push(`- ${flat(r, 240)}${a}`);
  for (const s of d.supporting.slice(0, 3)) lines.push(`- For ${d.service}: ${flat(s.summary, 160)}${mark(c, s.id, d.analysisId)}`);
  for (const s of d.against.slice(0, 3)) lines.push(`- Against ${d.service}: ${flat(s.summary, 160)}${a}`);
  if (d.top && d.verdict !== 'top') lines.push(`The top suspect is ${d.top.service}: ${flat(d.top.statement, 200)}${a}.`);
  return lines.join('\n');
}

export interface SimilarData {
  incident: IncidentRow;
  similar: { incident: IncidentRow; score: number; shared: { services: string[]; templates: string[]; changeKinds: string[] }; fix: { planId: string; title: string; status: string; steps: string[] } | null }[];
}

export function similarText(d: SimilarData, c: Citable): string {
  if (!d.similar.length) return `I found no past incident like **${d.incident.title}**${mark(c, d.incident.id)}.`;
  const lines = [`Past incidents like **${d.incident.title}**${mark(c, d.incident.id)}, most similar first:`];
  for (const s of d.similar) {
    const m = mark(c, s.incident.id);
    const shared = [s.shared.services.length ? `services ${s.shared.services.join(', ')}` : '', s.shared.changeKinds.length ? `change kinds ${s.shared.changeKinds.join(', ')}` : '', s.shared.templates.length ? `${s.shared.templates.length} log template${s.shared.templates.length === 1 ? '' : 's'}` : '']
      .filter(Boolean)
      .join('; ');
    lines.push(`- ${incidentLine(s.incident).replace(/ \[[^\]]+\]\.$/, '')}${m}; similarity ${s.score.toFixed(2)}${shared ? ` (shared: ${shared})` : ''}${m}.`);
    if (s.fix) lines.push(`  Fixed with plan "${flat(s.fix.title, 120)}" (${s.fix.status})${s.fix.steps.length ? `: ${s.fix.steps.slice(0, 4).map((x) => flat(x, 100)).join('; ')}` : ''}${m}.`);
    else lines.push(`  No fix plan is recorded for it${m}.`);
  }
  return lines.join('\n');
}

export interface DraftData {
  draft: { title: string; risk: string; steps: { description: string; command?: string; rollback?: string }[] };
  why: string;
  stored: false;
}

export function draftText(d: DraftData, c: Citable, incidentId: string, changeIds: readonly string[]): string {
  const m = mark(c, ...changeIds, incidentId);
  const lines = [
    `This is a draft only: nothing was stored or run. To act on it, create the plan with the \`plan\` command; it then needs a permitted person's approval.`,
    `Draft: **${flat(d.draft.title, 160)}** (risk ${d.draft.risk})${mark(c, incidentId)}.`,
    `Why: ${flat(d.why, 300)}${m}.`,
    ...d.draft.steps.map((s, i) => `${i + 1}. ${flat(s.description, 200)}${s.command ? ` (\`${flat(s.command, 200)}\`)` : ''}${s.rollback ? `, rollback \`${flat(s.rollback, 160)}\`` : ''}${mark(c, incidentId)}`),
  ];
  return lines.join('\n');
}
