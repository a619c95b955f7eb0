/**
 * The pull request's description: what a reviewer needs to merge a fix without opening Warroom —
 * the plan (why, each step with its command and where it lives in this commit), its risk, the
 * approval and preflight it passed, the evidence it rests on, and how to undo it. Pure markdown
 * from plain data; its first line is the marker that ties the pull request to its plan (a retry
 * finds it there instead of opening a second one).
 */
import type { Approval, Evidence, FixPlan, PreflightRecord } from '../../core/schemas.js';
import type { RenderedChange } from './change.js';

/** GitHub refuses a body above 65,536 characters; what does not fit is cut with a note. */
export const MAX_BODY = 60_000;
/** Evidence rows listed; the rest are one link away. */
const MAX_EVIDENCE = 20;

/** The first line of every body Warroom writes: `hasPlanMarker` reads it back. */
export const planMarker = (planId: string): string => `<!-- warroom-plan: ${planId} -->`;
export const hasPlanMarker = (body: string, planId: string): boolean => body.split('\n', 1)[0]?.trim() === planMarker(planId);

/** Where the body's links point (absent: no public URL is known, the ids are shown instead). */
export interface BodyLinks {
  incident: string;
  evidence: (id: string) => string;
  evidenceList: string;
  plan: string;
}

export interface PullRequestBodyInput {
  plan: Pick<FixPlan, 'id' | 'title' | 'env' | 'risk' | 'steps' | 'rollback' | 'why' | 'requestedBy'>;
  incident: { id: string; title: string; service: string; severity: string } | null;
  approvals: Pick<Approval, 'approver' | 'decision' | 'createdAt'>[];
  preflight: Pick<PreflightRecord, 'passed' | 'gates' | 'createdAt'> | null;
  evidence: Pick<Evidence, 'id' | 'kind' | 'summary'>[];
  change: RenderedChange;
  links?: BodyLinks;
}

/** Inline text from people and logs: no HTML, no table breaks, no stray emphasis or links. */
const text = (s: string): string => s.replace(/\s+/g, ' ').trim().replace(/[\\`*_[\]<>|#]/g, (c) => `\\${c}`);
/** A code block whose fence is longer than any backtick run in the code, so the code cannot close it. */
function code(lang: string, body: string): string {
  const longest = Math.max(2, ...(body.match(/`+/g) ?? []).map((r) => r.length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}${lang}\n${body}\n${fence}`;
}
const inline = (s: string): string => {
  const t = s.replace(/\s+/g, ' ');
  return t.includes('`') ? `\`\` ${t} \`\`` : `\`${t}\``;
};
const link = (label: string, url: string | undefined) => (url ? `[${label}](${url})` : label);

/** The markdown description of the pull request of a plan. */
export function renderPullRequestBody(input: PullRequestBodyInput): string {
  const { plan, incident, change, links } = input;
  const out: string[] = [planMarker(plan.id), `## ${text(plan.title)}`, ''];
  const inc = incident ? `${link(`incident ${text(incident.title)}`, links?.incident)} (${incident.severity}, service ${inline(incident.service)})` : 'an incident';
  out.push(`Warroom fix plan ${link(inline(plan.id), links?.plan)} for ${inc}. Environment **${plan.env}**, risk **${plan.risk}**, requested by ${inline(plan.requestedBy)}.`);
  const approvedBy = input.approvals.filter((a) => a.decision === 'approve').map((a) => `${inline(a.approver)} (${a.createdAt})`);
  out.push(approvedBy.length ? `Approved by ${approvedBy.join(', ')}.` : 'Not approved in Warroom yet.');
  out.push('Merging this pull request is the execution: review it like any change.', '');

  if (plan.why) out.push('### Why', '', text(plan.why), '');

  out.push('### Steps', '');
  const appliedOf = new Map<number, string[]>();
  for (const a of change.applied) appliedOf.set(a.step, [...(appliedOf.get(a.step) ?? []), `${inline(a.path)}: ${text(a.how)}`]);
  const manualOf = new Map(change.manual.map((m) => [m.step, m]));
  for (const [i, st] of plan.steps.entries()) {
    const no = i + 1;
    const where = appliedOf.get(no);
    const m = manualOf.get(no);
    const status = where ? `in this pull request — ${where.join('; ')}` : m ? `**after merging, by hand** — ${text(m.why)}` : 'not rendered';
    out.push(`${no}. ${inline(st.action)} on ${inline(st.target)}: ${status}`, '', indent(code('sh', st.command)), '');
  }
  if (change.files.length) out.push(`Files: ${change.files.map((f) => inline(f.path)).join(', ')}.`, '');

  out.push('### Preflight', '');
  if (!input.preflight) out.push('No preflight was run for this plan.', '');
  else {
    out.push(`${input.preflight.passed ? 'Passed' : '**Failed**'} at ${input.preflight.createdAt}.`, '', '| gate | result | reason |', '|---|---|---|');
    for (const g of input.preflight.gates) out.push(`| ${g.name} | ${g.passed ? 'passed' : '**failed**'} | ${text(g.reason)} |`);
    out.push('');
  }

  out.push('### Evidence', '');
  if (input.evidence.length === 0) out.push('No evidence is stored for this incident.', '');
  else {
    for (const e of input.evidence.slice(0, MAX_EVIDENCE)) out.push(`- ${link(text(e.summary), links?.evidence(e.id))} (${e.kind})`);
    if (input.evidence.length > MAX_EVIDENCE) out.push(`- … and ${input.evidence.length - MAX_EVIDENCE} more${links ? ` (${link('all evidence', links.evidenceList)})` : ''}`);
    out.push('');
  }

  out.push('### Rollback', '', 'Revert this pull request. What the plan records to undo each step on the cluster:', '');
  const rollback = plan.rollback ?? [];
  if (rollback.length === 0) out.push('No rollback is recorded for this plan.');
  else out.push(code('sh', rollback.map((r) => r.command).join('\n')));

  const body = out.join('\n');
  if (body.length <= MAX_BODY) return `${body}\n`;
  const note = `\n\n… cut at ${MAX_BODY} characters${links ? `; the whole plan: ${links.plan}` : ''}\n`;
  return body.slice(0, MAX_BODY - note.length) + note;
}

const indent = (s: string): string =>
  s
    .split('\n')
    .map((l) => `   ${l}`)
    .join('\n');
