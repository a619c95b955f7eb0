/**
 * Fixtures for the card tests: one incident with its evidence, hypotheses, a fix plan, its
 * decisions and commands, with secrets and markup planted in the texts; an oversized variant;
 * and checkers that walk a rendering and list every platform limit it breaks.
 */
import { DEFAULT_SECRET_MASKS, maskSecrets } from '../../detectors/secrets.js';
import type { Approval, CommandRecord, Evidence, FixPlan, Hypothesis, Incident } from '../../core/schemas.js';
import { SLACK_LIMITS, type SlackMessage } from './slack.js';

export const mask = (t: string): string => maskSecrets(t, DEFAULT_SECRET_MASKS);
/** Planted secrets: none may appear in any rendering. */
export const SECRETS = ['hunter2', 'AKIAIOSFODNN7EXAMPLE'];
const LEAK = 'password=hunter2 key AKIAIOSFODNN7EXAMPLE';
export const SCRIPT = '<script>alert(1)</script>';
export const BASE = 'https://warroom.example.com/';
export const NOW = new Date('2026-03-01T12:05:00.000Z');

export const incident: Incident = {
  id: 'inc_01',
  orgId: 'org_1',
  title: `Checkout errors ${SCRIPT} ${LEAK}`,
  service: 'checkout',
  severity: 'sev1',
  status: 'open',
  startedAt: '2026-03-01T10:00:00.000Z',
  openedAt: '2026-03-01T10:02:00.000Z',
  openedBy: 'detector',
  resolvedAt: null,
};

const ev = (id: string, kind: Evidence['kind'], summary: string): Evidence => ({ id, orgId: 'org_1', incidentId: incident.id, kind, summary, ref: null, data: {}, createdAt: '2026-03-01T10:10:00.000Z' });
export const evidence: Evidence[] = [
  ev('ev_1', 'change', `Deploy payments v2.3.1 at 09:58 (${LEAK})`),
  ev('ev_2', 'anomaly', 'payments error rate 0.4 vs 0.01 baseline'),
  ev('ev_3', 'log_cluster', `ERROR connection refused ${SCRIPT}`),
];

export function hypothesis(rank: number, over: Partial<Hypothesis> = {}): Hypothesis {
  return {
    id: `hyp_${rank}`,
    orgId: 'org_1',
    incidentId: incident.id,
    rank,
    statement: `Deploy of payments v2.3.1 broke checkout (${LEAK}) ${SCRIPT}`,
    confidence: 0.72 - rank * 0.01,
    service: 'payments',
    changeId: 'chg_1',
    evidenceIds: ['ev_1', 'ev_2'],
    counterEvidence: [{ kind: 'metric_delta', summary: `latency of payments unchanged ${LEAK}`, data: {} }],
    whyNot: [{ service: 'db', changeId: null, reason: `db saturation is flat (${LEAK})` }],
    createdAt: '2026-03-01T10:11:00.000Z',
    ...over,
  };
}
export const hypotheses: Hypothesis[] = [hypothesis(1), hypothesis(2, { evidenceIds: ['ev_3', 'ev_missing'], service: 'db', changeId: null })];

export const plan: FixPlan = {
  id: 'plan_01',
  orgId: 'org_1',
  incidentId: incident.id,
  title: `Roll back payments ${SCRIPT}`,
  env: 'prod',
  runner: 'dryrun',
  risk: 'medium',
  steps: [{ action: 'rollback', target: 'payments', params: { to: 'v2.3.0' }, command: `kubectl rollout undo deploy/payments --token=${'AKIAIOSFODNN7EXAMPLE'} # password=hunter2` }],
  status: 'pending_approval',
  requestedBy: 'alice',
  createdAt: '2026-03-01T10:20:00.000Z',
  updatedAt: '2026-03-01T10:20:00.000Z',
};

export const approvals: Approval[] = [
  { id: 'apr_1', orgId: 'org_1', planId: plan.id, approver: 'bob', decision: 'approve', reason: `looks right ${LEAK}`, createdAt: '2026-03-01T10:25:00.000Z' },
];

export const commands: CommandRecord[] = [
  {
    id: 'cmd_1',
    orgId: 'org_1',
    planId: plan.id,
    step: 0,
    runner: 'dryrun',
    command: plan.steps[0].command,
    output: `would run: rollout undo; env PASSWORD=hunter2 ${SCRIPT}`,
    exitCode: 0,
    status: 'simulated',
    startedAt: '2026-03-01T10:26:00.000Z',
    finishedAt: '2026-03-01T10:26:01.000Z',
  },
];

/** Every Slack limit the message breaks, as readable lines (empty when it keeps them all). */
export function slackViolations(m: SlackMessage): string[] {
  const L = SLACK_LIMITS;
  const bad: string[] = [];
  const over = (what: string, s: string | undefined, max: number) => {
    if (s !== undefined && s.length > max) bad.push(`${what}: ${s.length} > ${max}`);
  };
  if (m.blocks.length > L.blocks) bad.push(`blocks: ${m.blocks.length} > ${L.blocks}`);
  over('fallback text', m.text, L.fallbackText);
  const ids = new Set<string>();
  m.blocks.forEach((b, i) => {
    const at = `block ${i} (${b.type})`;
    switch (b.type) {
      case 'header':
        over(`${at} text`, b.text.text, L.headerText);
        break;
      case 'section':
        over(`${at} text`, b.text?.text, L.sectionText);
        if (b.fields && b.fields.length > L.fieldsPerSection) bad.push(`${at} fields: ${b.fields.length}`);
        for (const f of b.fields ?? []) over(`${at} field`, f.text, L.fieldText);
        if (!b.text && !b.fields) bad.push(`${at}: neither text nor fields`);
        if (b.text && b.text.text.length === 0) bad.push(`${at}: empty text`);
        if (b.fields && b.fields.length === 0) bad.push(`${at}: empty fields`);
        break;
      case 'context':
        if (b.elements.length > L.contextElements) bad.push(`${at} elements: ${b.elements.length}`);
        for (const el of b.elements) over(`${at} element`, el.text, L.contextText);
        break;
      case 'actions':
        if (b.elements.length > L.actionsElements) bad.push(`${at} elements: ${b.elements.length}`);
        for (const el of b.elements) {
          over(`${at} button text`, el.text.text, L.buttonText);
          over(`${at} button value`, el.value, L.buttonValue);
          over(`${at} action_id`, el.action_id, L.actionId);
          if (ids.has(el.action_id)) bad.push(`${at}: duplicate action_id ${el.action_id}`);
          ids.add(el.action_id);
          if (el.confirm) {
            over(`${at} confirm title`, el.confirm.title.text, L.confirmTitle);
            over(`${at} confirm text`, el.confirm.text.text, L.confirmText);
          }
        }
        break;
      case 'input':
        over(`${at} label`, b.label.text, L.inputLabel);
        over(`${at} placeholder`, b.element.placeholder?.text, L.placeholder);
        over(`${at} block_id`, b.block_id, L.blockId);
        break;
      case 'divider':
        break;
      default:
        bad.push(`${at}: unknown block type`);
    }
  });
  return bad;
}
