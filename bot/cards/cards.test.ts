/**
 * Each card × each renderer: the structure each platform needs, masked secrets, escaped markup,
 * working action payloads, deterministic output. Assertions on structure, not snapshots.
 */
import { describe, expect, it } from 'vitest';
import { parseAction } from './actions.js';
import { fixPlanCard } from './fix-plan.js';
import { renderHtml } from './html.js';
import { hypothesesCard } from './hypotheses.js';
import { incidentSummaryCard } from './incident-summary.js';
import { Card } from './model.js';
import { outcomeCard } from './outcome.js';
import { renderSlack } from './slack.js';
import { renderTeams, TEAMS_LIMITS } from './teams.js';
import { approvals, BASE, commands, evidence, hypotheses, incident, mask, NOW, plan, SECRETS, slackViolations } from './test-helpers.js';

const blast = { impacted: [{ service: 'checkout' }, { service: 'cart' }], entryPoints: ['web'] };
const CARDS: [string, () => Card][] = [
  ['incident summary', () => incidentSummaryCard({ incident, baseUrl: BASE, now: NOW, impact: '12% of checkouts fail', blastRadius: blast, topHypothesis: hypotheses[0] })],
  ['hypotheses', () => hypothesesCard({ incident, hypotheses, evidence, baseUrl: BASE, analysis: { window: '1h' } })],
  ['fix plan', () => fixPlanCard({ plan, incident, baseUrl: BASE, gates: [{ name: 'dry-run', status: 'passed' }, { name: 'policy', status: 'failed', detail: 'prod needs two approvers' }], approvals, diff: '--- a/x\n+++ b/x\n-image: v2.3.1\n+image: v2.3.0' })],
  ['outcome', () => outcomeCard({ plan: { ...plan, status: 'dry_run' }, approvals, commands, baseUrl: BASE })],
];

const RENDERERS = {
  slack: (c: Card) => renderSlack(c, mask),
  teams: (c: Card) => renderTeams(c, mask),
  html: (c: Card) => renderHtml(c, mask),
};

describe.each(CARDS)('the %s card', (_name, make) => {
  it('is a valid neutral card that names what it is about', () => {
    const card = Card.parse(make());
    expect(card.title.length).toBeGreaterThan(0);
    expect(card.summary.length).toBeGreaterThan(0);
    expect(card.link).toMatch(/^https:\/\/warroom\.example\.com\/v1\//);
  });

  it.each(Object.keys(RENDERERS) as (keyof typeof RENDERERS)[])('renders to %s without a planted secret and deterministically', (r) => {
    const a = JSON.stringify(RENDERERS[r](make()));
    for (const s of SECRETS) expect(a).not.toContain(s);
    expect(a).toContain('SECRET');
    expect(JSON.stringify(RENDERERS[r](make()))).toBe(a);
  });

  it('really plants the secrets: without masking they would show', () => {
    const raw = JSON.stringify([renderSlack(make(), (t) => t), renderTeams(make(), (t) => t), renderHtml(make(), (t) => t)]);
    for (const s of SECRETS) expect(raw).toContain(s);
  });

  it('renders to Slack Block Kit within its limits, with a header first and working buttons', () => {
    const m = renderSlack(make(), mask);
    expect(slackViolations(m)).toEqual([]);
    expect(m.blocks[0]).toMatchObject({ type: 'header', text: { type: 'plain_text' } });
    expect(m.text.length).toBeGreaterThan(0);
    // mrkdwn is escaped (the planted <script> shows as text); plain_text is shown as written
    const mrkdwnTexts = JSON.stringify(m.blocks).match(/"type":"mrkdwn","text":"(?:[^"\\]|\\.)*"/g) ?? [];
    expect(mrkdwnTexts.length).toBeGreaterThan(0);
    for (const t of [m.text, ...mrkdwnTexts]) expect(t).not.toContain('<script>');
    for (const b of m.blocks.filter((x) => x.type === 'actions')) {
      for (const el of b.elements) expect(parseAction(el.value)).toMatchObject({ ok: true, action: { action: el.action_id.split(':')[0] } });
    }
  });

  it('renders to an Adaptive Card 1.5 with Action.Execute verbs and data, a refresh and fallback text', () => {
    const c = make();
    const a = renderTeams(c, mask);
    expect(a).toMatchObject({ type: 'AdaptiveCard', version: '1.5' });
    expect(a.fallbackText.length).toBeGreaterThan(0);
    expect(new TextEncoder().encode(JSON.stringify(a)).length).toBeLessThanOrEqual(TEAMS_LIMITS.cardBytes);
    for (const act of a.actions ?? []) {
      expect(act.type).toBe('Action.Execute');
      expect(parseAction(act.data)).toMatchObject({ ok: true, action: { action: act.verb } });
      expect(act.fallback).toMatchObject({ type: 'Action.Submit', data: act.data });
    }
    if (Card.parse(c).refresh) expect(a.refresh?.action).toMatchObject({ type: 'Action.Execute', verb: 'card.refresh' });
  });

  it('renders to escaped, labelled HTML', () => {
    const h = renderHtml(make(), mask);
    expect(h).toMatch(/^<article [^>]*aria-labelledby="([^"]+)"[^]*<h2 id="\1">/);
    expect(h).not.toMatch(/<script/i);
    expect(h).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });
});

describe('card content', () => {
  it('the summary shows status, severity, service, impact, blast radius, top hypothesis and time open', () => {
    const facts = Object.fromEntries(
      (Card.parse(CARDS[0][1]()).blocks.find((b) => b.type === 'facts') as { facts: { label: string; value: string }[] }).facts.map((f) => [f.label, f.value]),
    );
    expect(facts).toMatchObject({ Status: 'open', Severity: 'SEV1', Service: 'checkout', Impact: '12% of checkouts fail', 'Time open': '2h 05m' });
    expect(facts['Blast radius']).toBe('2 services: checkout, cart; entry points: web');
    expect(renderHtml(CARDS[0][1](), mask)).toContain('Top hypothesis (71% confidence)');
  });

  it('a resolved incident shows time to resolve and offers no buttons', () => {
    const card = Card.parse(incidentSummaryCard({ incident: { ...incident, status: 'resolved', resolvedAt: '2026-03-01T10:45:00.000Z' }, baseUrl: BASE, now: NOW }));
    expect(card.tone).toBe('good');
    expect(card.blocks.some((b) => b.type === 'actions')).toBe(false);
    expect(JSON.stringify(card)).toContain('"label":"Time to resolve","value":"45m"');
  });

  it('hypotheses cite their evidence with links; a cited row not loaded is named, unlinked', () => {
    const html = renderHtml(CARDS[1][1](), mask);
    expect(html).toContain('href="https://warroom.example.com/v1/incidents/inc_01/evidence#ev_1"');
    expect(html).toContain('evidence ev_missing');
    expect(html).toContain('Why not db?');
    expect(html).toContain('Counter-evidence');
  });

  it('a hypothesis with no evidence is never shown, and with none left the card says so', () => {
    const card = Card.parse(hypothesesCard({ incident, hypotheses: [{ ...hypotheses[0], evidenceIds: [] }], evidence, baseUrl: BASE }));
    expect(JSON.stringify(card)).not.toContain('broke checkout');
    expect(card.blocks[0]).toMatchObject({ type: 'section', text: expect.stringMatching(/^Not enough evidence/) });
    expect(card.blocks.some((b) => b.type === 'actions')).toBe(false);
  });

  it('a pending plan offers Approve (confirmed) and Reject with a reason input; a decided one offers neither', () => {
    const m = renderSlack(CARDS[2][1](), mask);
    const buttons = m.blocks.filter((b) => b.type === 'actions').flatMap((b) => b.elements);
    expect(buttons.map((b) => [b.action_id, b.style])).toEqual([['fix.approve', 'primary'], ['fix.reject', 'danger']]);
    expect(buttons[0].confirm.text.text).toContain('1 step(s) will run in prod');
    expect(m.blocks.find((b) => b.type === 'input')).toMatchObject({ block_id: 'reason', element: { type: 'plain_text_input', action_id: 'reason', multiline: true } });
    const a = renderTeams(CARDS[2][1](), mask);
    expect(a.body.find((e) => e.type === 'Input.Text')).toMatchObject({ id: 'reason', isMultiline: true });
    expect(a.actions?.map((x) => [x.verb, x.style])).toEqual([['fix.approve', 'positive'], ['fix.reject', 'destructive']]);
    const decided = Card.parse(fixPlanCard({ plan: { ...plan, status: 'approved' }, baseUrl: BASE }));
    expect(decided.blocks.some((b) => b.type === 'actions' || b.type === 'input')).toBe(false);
  });

  it('the fix plan shows commands, gates, rollback and the diff', () => {
    const html = renderHtml(fixPlanCard({ plan, baseUrl: BASE, gates: [{ name: 'policy', status: 'failed', detail: 'needs two approvers' }], rollback: [{ action: 'rollback', target: 'payments', command: 'kubectl rollout undo deploy/payments' }], diff: '-a\n+b' }), mask);
    expect(html).toContain('<pre><code>kubectl rollout undo deploy/payments --token=&lt;:AWS_KEY:&gt; # password=&lt;:SECRET:&gt;');
    expect(html).toContain('✗ policy: failed');
    expect(html).toContain('1. rollback payments: kubectl rollout undo deploy/payments');
    expect(html).toContain('<ins>+b</ins>');
    expect(html).toContain('<del>-a</del>');
  });

  it('the outcome shows who approved, what ran and the exit codes', () => {
    const failed = outcomeCard({ plan: { ...plan, status: 'failed' }, approvals, commands: [{ ...commands[0], status: 'failed', exitCode: 3 }], baseUrl: BASE });
    const facts = JSON.stringify(Card.parse(failed).blocks[0]);
    expect(facts).toContain('"value":"failed at step 1"');
    expect(facts).toContain('"value":"bob"');
    expect(facts).toContain('"value":"1 run, 1 failed"');
    expect(renderSlack(failed, mask).blocks.some((b) => b.text?.text.includes('Step 1 · exit 3 · failed'))).toBe(true);
    expect(Card.parse(failed).tone).toBe('danger');
  });

  it('the HTML buttons submit the card form with the action id and payload as data attributes', () => {
    const h = renderHtml(CARDS[2][1](), mask, { actionPath: '/local/actions' });
    const form = /<form id="([^"]+)" method="post" action="\/local\/actions"/.exec(h);
    expect(form).not.toBeNull();
    const button = /<button type="submit" form="([^"]+)" name="action" value="([^"]+)"[^>]*data-action-id="fix.approve"[^>]*data-confirm=/.exec(h);
    expect(button?.[1]).toBe(form?.[1]);
    const unescaped = button![2].replace(/&quot;/g, '"');
    expect(parseAction(unescaped)).toMatchObject({ ok: true, action: { action: 'fix.approve', planId: 'plan_01', version: 'pending_approval@2026-03-01T10:20:00.000Z' } });
    expect(h).toMatch(/<label for="([^"]+)">Reason[^<]*<\/label><textarea id="\1" name="reason" form="[^"]+"/);
  });

  it('rejects a base URL that is not http(s), so no javascript: link is ever made', () => {
    expect(() => incidentSummaryCard({ incident, baseUrl: 'javascript:alert(1)//', now: NOW })).toThrow(/http/);
  });
});
