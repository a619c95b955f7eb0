/**
 * The outcome card: who decided on the plan, what ran (each command with its exit code and the
 * tail of its output) and how it ended. A dry run says so on every line.
 */
import type { Approval, CommandRecord, FixPlan } from '../../core/schemas.js';
import { planVersion } from './actions.js';
import { LINKS, baseUrlOf } from './links.js';
import type { Block, Card, Tone } from './model.js';

export interface OutcomeInput {
  plan: FixPlan;
  approvals: Approval[];
  commands: CommandRecord[];
  baseUrl: string;
  /** The canary verdict after the run, when one exists. */
  verification?: { verdict: 'passed' | 'improving' | 'failed' | 'rolled_back' | 'halted'; detail?: string };
}

/** Characters of a command's output shown (its end: that is where errors are). */
export const OUTPUT_TAIL = 1500;

const TONE_OF: Partial<Record<FixPlan['status'], Tone>> = { executed: 'good', dry_run: 'neutral', failed: 'danger', rejected: 'neutral' };

export function outcomeCard(input: OutcomeInput): Card {
  const { plan: p } = input;
  const base = baseUrlOf(input.baseUrl);
  const commands = [...input.commands].sort((a, b) => a.step - b.step);
  const failed = commands.filter((c) => c.status === 'failed' || c.exitCode !== 0);
  const simulated = commands.length > 0 && commands.every((c) => c.status === 'simulated');
  const approvers = input.approvals.filter((a) => a.decision === 'approve').map((a) => a.approver);
  const rejecters = input.approvals.filter((a) => a.decision === 'reject');

  const result = p.status === 'rejected' ? 'rejected' : failed.length ? `failed at step ${failed[0].step + 1}` : simulated ? 'dry run: nothing changed' : p.status.replace(/_/g, ' ');
  const blocks: Block[] = [
    {
      type: 'facts',
      facts: [
        { label: 'Result', value: result },
        { label: 'Approved by', value: approvers.length ? approvers.join(', ') : 'nobody' },
        ...(rejecters.length ? [{ label: 'Rejected by', value: rejecters.map((r) => `${r.approver}${r.reason ? ` (${r.reason})` : ''}`).join(', ') }] : []),
        { label: 'Commands', value: `${commands.length} run, ${failed.length} failed` },
        { label: 'Environment', value: `${p.env} (runner ${p.runner})` },
        ...(input.verification ? [{ label: 'Verification', value: `${input.verification.verdict.replace(/_/g, ' ')}${input.verification.detail ? `: ${input.verification.detail}` : ''}` }] : []),
      ],
    },
  ];
  for (const c of commands) {
    const group = `cmd:${c.id}`;
    blocks.push({ type: 'section', heading: `Step ${c.step + 1} · exit ${c.exitCode} · ${c.status}`, text: `${c.runner}, ${c.startedAt} → ${c.finishedAt}`, group });
    blocks.push({ type: 'code', label: 'command', code: c.command, group });
    if (c.output) blocks.push({ type: 'code', label: 'output (end)', code: tail(c.output, OUTPUT_TAIL), group });
  }
  if (commands.length === 0) blocks.push({ type: 'section', text: p.status === 'rejected' ? 'Nothing ran: the plan was rejected.' : 'No command has run yet.' });
  blocks.push({ type: 'context', items: [`Plan ${p.id} · incident ${p.incidentId} · version ${planVersion(p)}. Every step is in the audit log.`] });
  return {
    id: `outcome:${p.id}`,
    kind: 'outcome',
    title: `Outcome · ${p.title}`,
    summary: `Fix plan ${p.title}: ${result}${approvers.length ? `, approved by ${approvers.join(', ')}` : ''}`,
    tone: failed.length ? 'danger' : (TONE_OF[p.status] ?? 'neutral'),
    link: LINKS.plan(base, p.id),
    groupNoun: 'more commands',
    blocks,
  };
}

/** The end of a text, marked when cut at the front. */
function tail(s: string, max: number): string {
  if (s.length <= max) return s;
  const mark = '(truncated) …';
  let from = s.length - max + mark.length;
  // never start on the second half of a surrogate pair
  const code = s.charCodeAt(from);
  if (code >= 0xdc00 && code <= 0xdfff) from += 1;
  return mark + s.slice(from);
}
