/**
 * The terminal rendering: every card masked, its buttons as commands, bounded at the limits with
 * the renderers' truncation marks, and no escape sequence from card text reaching the terminal.
 */
import { describe, expect, it } from 'vitest';
import { fixPlanCard } from './fix-plan.js';
import { hypothesesCard } from './hypotheses.js';
import { incidentSummaryCard } from './incident-summary.js';
import { outcomeCard } from './outcome.js';
import { PLAIN_LIMITS, renderPlain } from './plain.js';
import { approvals, BASE, commands, evidence, hypotheses, hypothesis, incident, mask, NOW, plan, SECRETS } from './test-helpers.js';

describe('renderPlain', () => {
  it('renders each card with its title, masked, and deterministically', () => {
    const cards = [
      incidentSummaryCard({ incident, baseUrl: BASE, now: NOW, impact: '12% of checkouts fail', topHypothesis: hypotheses[0] }),
      hypothesesCard({ incident, hypotheses, evidence, baseUrl: BASE }),
      fixPlanCard({ plan, incident, baseUrl: BASE }),
      outcomeCard({ plan: { ...plan, status: 'dry_run' }, approvals, commands, baseUrl: BASE }),
    ];
    for (const card of cards) {
      const text = renderPlain(card, mask);
      expect(text.split('\n')[0]).toMatch(/^== .+ ==$/);
      for (const s of SECRETS) expect(text).not.toContain(s);
      expect(renderPlain(card, mask)).toBe(text);
    }
  });

  it('turns Approve / Reject into the commands that do the same', () => {
    const text = renderPlain(fixPlanCard({ plan, incident, baseUrl: BASE }), mask);
    expect(text).toContain('[Approve] → type: approve plan_01');
    expect(text).toContain('[Reject] → type: reject plan_01 REASON…');
  });

  it('keeps a 200-step plan with a 50 KB command within its bounds, marking what it cut', () => {
    const steps = Array.from({ length: 200 }, (_, i) => ({ action: 'rollback', target: `checkout-${i} ü 🚒 *x* <b>`, params: {}, command: i === 0 ? `kubectl rollout undo deploy/checkout # ${'x'.repeat(50_000)}` : `kubectl rollout undo deploy/checkout-${i}` }));
    const text = renderPlain(fixPlanCard({ plan: { ...plan, steps }, incident, baseUrl: BASE }), mask);
    const lines = text.split('\n');
    expect(lines.length).toBeLessThan(PLAIN_LIMITS.bodyLines + 20);
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(PLAIN_LIMITS.text + 10);
    expect(text).toContain('(truncated)');
    // the buttons survive the cut: the card stays actionable
    expect(text).toContain('approve plan_01');
  });

  it('marks hypotheses left out and points to the full card', () => {
    const many = Array.from({ length: 120 }, (_, i) => hypothesis(i + 1));
    const text = renderPlain(hypothesesCard({ incident, hypotheses: many, evidence, baseUrl: BASE }), mask);
    expect(text).toMatch(/\+\d+ more hypotheses \(truncated\) · the full card: https:\/\/warroom\.example\.com\//);
  });

  it('drops terminal escape sequences from card text', () => {
    const evil = { ...incident, title: 'boom \u001b[2J\u001b]0;pwned\u0007 done' };
    const text = renderPlain(incidentSummaryCard({ incident: evil, baseUrl: BASE, now: NOW }), mask);
    expect(text.includes("\u001b") || text.includes("\u0007")).toBe(false);
    expect(text).toContain('boom [2J]0;pwned done');
  });
});
