/**
 * The fix-plan card: the steps with the exact commands a runner will execute, risk, rollback,
 * the preflight gates, and Approve / Reject while the plan waits for approval.
 */
import type { Approval, FixPlan, FixStep, Incident } from '../../core/schemas.js';
import { planVersion } from './actions.js';
import { LINKS, baseUrlOf } from './links.js';
import type { Block, Card, Tone } from './model.js';

/** One preflight gate's result (dry-run, policy, SLO budget, drift…), as plain data. */
export interface GateView {
  name: string;
  status: 'passed' | 'failed' | 'pending' | 'skipped';
  detail?: string;
}

export interface FixPlanInput {
  plan: FixPlan;
  incident?: Pick<Incident, 'id' | 'title'>;
  baseUrl: string;
  gates?: GateView[];
  /** How to undo the plan, step by step, when known. */
  rollback?: Pick<FixStep, 'action' | 'target' | 'command'>[];
  /** The script diff the plan applies (unified diff), when it changes a file. */
  diff?: string;
  /** Decisions so far (four-eyes: a prod plan may already have one approval). */
  approvals?: Approval[];
  /** Why this fix (the fix catalog's reasoning: the evidence, the choice, the runner-up). */
  why?: string | null;
}

// Plain marks, not emoji: a browser without a colour-emoji font (a server's Chromium, a locked-down
// desktop) drew the emoji as empty boxes, and a failed gate must read as failed everywhere.
const GATE_MARK: Record<GateView['status'], string> = { passed: '✓', failed: '✗', pending: '…', skipped: '–' };
const RISK_TONE: Record<FixPlan['risk'], Tone> = { low: 'neutral', medium: 'warning', high: 'danger' };

export function fixPlanCard(input: FixPlanInput): Card {
  const { plan: p } = input;
  const base = baseUrlOf(input.baseUrl);
  const version = planVersion(p);
  const gates = input.gates ?? [];
  const failed = gates.filter((g) => g.status === 'failed');

  const blocks: Block[] = [
    {
      type: 'facts',
      facts: [
        { label: 'Status', value: p.status.replace(/_/g, ' ') },
        { label: 'Risk', value: p.risk },
        { label: 'Environment', value: p.env },
        { label: 'Runner', value: p.runner },
        { label: 'Steps', value: String(p.steps.length) },
        { label: 'Requested by', value: p.requestedBy },
      ],
    },
  ];
  if (input.why) blocks.push({ type: 'section', heading: 'Why this fix', text: input.why });
  p.steps.forEach((s, n) => {
    const group = `step:${n + 1}`;
    blocks.push({ type: 'section', heading: `Step ${n + 1}: ${s.action} ${s.target}`, text: paramsText(s.params), group });
    blocks.push({ type: 'code', label: `command ${n + 1}`, code: s.command, group });
  });
  if (input.diff) blocks.push({ type: 'diff', label: 'Script diff', diff: input.diff });
  blocks.push(
    input.rollback?.length
      ? { type: 'list', heading: 'Rollback', items: input.rollback.map((r, n) => ({ text: `${n + 1}. ${r.action} ${r.target}: ${r.command}` })) }
      : { type: 'section', heading: 'Rollback', text: 'No rollback recorded for this plan.' },
  );
  blocks.push({
    type: 'list',
    heading: 'Preflight gates',
    items: gates.map((g) => ({ text: `${GATE_MARK[g.status]} ${g.name}: ${g.status}`, note: g.detail })),
    empty: 'Preflight has not run yet; it runs before execution.',
  });
  if (input.approvals?.length) {
    blocks.push({ type: 'list', heading: 'Decisions', items: input.approvals.map((a) => ({ text: `${a.decision === 'approve' ? 'Approved' : 'Rejected'} by ${a.approver}`, note: a.reason ?? undefined })) });
  }
  if (p.status === 'pending_approval') {
    blocks.push({ type: 'input', id: 'reason', label: 'Reason (required to reject)', placeholder: 'Why reject this plan?', multiline: true });
    blocks.push({
      type: 'actions',
      buttons: [
        {
          label: 'Approve',
          style: 'primary',
          action: { v: 1, action: 'fix.approve', incidentId: p.incidentId, planId: p.id, version },
          confirm: { title: 'Approve this plan?', text: `${p.steps.length} step(s) will run in ${p.env} after preflight passes.`, yes: 'Approve', no: 'Cancel' },
        },
        { label: 'Reject', style: 'danger', action: { v: 1, action: 'fix.reject', incidentId: p.incidentId, planId: p.id, version } },
      ],
    });
  }
  blocks.push({ type: 'context', items: [`Plan ${p.id} · incident ${p.incidentId} · version ${version}. Nothing runs before a permitted person approves and every gate passes.`] });
  return {
    id: `plan:${p.id}`,
    kind: 'fix_plan',
    title: `Fix plan · ${p.title}`,
    summary: `Fix plan (${p.risk} risk, ${p.env}, ${p.steps.length} steps) ${p.status.replace(/_/g, ' ')}: ${p.title}${input.incident ? ` for ${input.incident.title}` : ''}${failed.length ? `; ${failed.length} gate(s) failed` : ''}`,
    tone: failed.length ? 'danger' : RISK_TONE[p.risk],
    link: LINKS.plan(base, p.id),
    groupNoun: 'more steps',
    blocks,
    refresh: { v: 1, action: 'card.refresh', incidentId: p.incidentId, planId: p.id, version },
  };
}

function paramsText(params: Record<string, unknown>): string {
  const entries = Object.entries(params);
  if (entries.length === 0) return 'No parameters.';
  return entries.map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`).join('\n');
}
