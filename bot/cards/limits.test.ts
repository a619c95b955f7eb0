/**
 * Oversized inputs stay within each platform's limits, and every cut is marked ("… (truncated)"
 * or "+N more … (truncated)"), never an API error. Also the text helpers that do the cutting.
 */
import { describe, expect, it } from 'vitest';
import type { Evidence } from '../../core/schemas.js';
import { parseAction } from './actions.js';
import { fixPlanCard } from './fix-plan.js';
import { renderHtml } from './html.js';
import { hypothesesCard } from './hypotheses.js';
import { incidentSummaryCard } from './incident-summary.js';
import type { Card } from './model.js';
import { outcomeCard } from './outcome.js';
import { renderSlack, SLACK_LIMITS } from './slack.js';
import { renderTeams, TEAMS_LIMITS } from './teams.js';
import { approvals, BASE, commands, hypothesis, incident, mask, NOW, plan, SECRETS, slackViolations } from './test-helpers.js';
import { elapsed, fitLines, truncate, TRUNCATED } from './text.js';

const bytes = (x: unknown) => new TextEncoder().encode(JSON.stringify(x)).length;
const BIG_COMMAND = `kubectl apply -f - <<'EOF' # password=hunter2\n${'spec: x & <y>\n'.repeat(700)}EOF`; // ~10 kB
const manyEvidence: Evidence[] = Array.from({ length: 30 }, (_, n) => ({
  id: `ev_${n}`,
  orgId: 'org_1',
  incidentId: incident.id,
  kind: 'log_cluster',
  summary: `cluster ${n}: ${'ERROR <timeout> & retry '.repeat(25)}`,
  ref: null,
  data: {},
  createdAt: '2026-03-01T10:10:00.000Z',
}));

/** Text Slack, Teams and HTML each treat as markup: mrkdwn controls, a broadcast, a mention, a link, entities; and non-ASCII (accents, CJK, emoji). */
const SPECIAL = '*bold* _it_ ~gone~ `tick` ``` <!channel> <@U0BADBAD> <https://evil.example|click> [click](https://evil.example) &amp; & < > ü ß 日本語 🚒';
/** A 50 KB log exemplar, as a log-cluster evidence row carries it, with the special text in each line. */
const EXEMPLAR = `ERROR payment failed ${SPECIAL} password=hunter2\n`.repeat(50_000 / 100).slice(0, 50_000);
const exemplarEvidence: Evidence = { id: 'ev_exemplar', orgId: 'org_1', incidentId: incident.id, kind: 'log_cluster', summary: EXEMPLAR, ref: null, data: { exemplar: EXEMPLAR }, createdAt: '2026-03-01T10:10:00.000Z' };
const steps200 = Array.from({ length: 200 }, (_, n) => ({ ...plan.steps[0], target: `checkout-${n} ${SPECIAL}`, command: `kubectl rollout undo deployment/checkout-${n} -n shop # ${SPECIAL}` }));
const PLAN_200 = () => fixPlanCard({ plan: { ...plan, title: `Undo ${SPECIAL}`, steps: steps200 }, baseUrl: BASE });
const EXEMPLAR_HYPOTHESES = () =>
  hypothesesCard({ incident, evidence: [exemplarEvidence], baseUrl: BASE, hypotheses: [1, 2, 3].map((n) => hypothesis(n, { statement: `H${n} ${SPECIAL}`, evidenceIds: ['ev_exemplar'] })) });

// name, card, whether it is too big for one Teams card (the summary fits: only Slack must cut it)
const OVERSIZED: [string, () => Card, boolean][] = [
  [
    '60 hypotheses with 30 cited rows each',
    () =>
      hypothesesCard({
        incident,
        evidence: manyEvidence,
        baseUrl: BASE,
        hypotheses: Array.from({ length: 60 }, (_, n) => hypothesis(n + 1, { statement: `H${n + 1} ${'because '.repeat(600)}`, evidenceIds: manyEvidence.map((e) => e.id) })),
      }),
    true,
  ],
  ['a 30-step plan with 10 kB commands', () => fixPlanCard({ plan: { ...plan, steps: Array.from({ length: 30 }, () => ({ ...plan.steps[0], command: BIG_COMMAND })) }, baseUrl: BASE, diff: `+${'x'.repeat(20_000)}` }), true],
  ['an outcome of 40 commands with long output', () => outcomeCard({ plan, approvals, baseUrl: BASE, commands: Array.from({ length: 40 }, (_, n) => ({ ...commands[0], id: `cmd_${n}`, step: n, command: BIG_COMMAND, output: 'line\n'.repeat(5000) })) }), true],
  ['a summary with 200 impacted services', () => incidentSummaryCard({ incident: { ...incident, title: 'T'.repeat(400) }, baseUrl: BASE, now: NOW, blastRadius: { impacted: Array.from({ length: 200 }, (_, n) => ({ service: `svc-${n}` })) } }), false],
  [
    'a hand-made card at every extreme',
    () => ({
      id: 'x:1',
      kind: 'fix_plan',
      title: 'A'.repeat(300),
      summary: 'S'.repeat(50_000),
      link: `${BASE}v1/fix/plans/p`,
      blocks: [
        { type: 'facts', facts: Array.from({ length: 25 }, (_, n) => ({ label: `fact ${n}`, value: 'v'.repeat(3000) })) },
        { type: 'section', heading: 'H'.repeat(4000), text: 'y'.repeat(10_000) },
        { type: 'section', text: '' },
        { type: 'facts', facts: [] },
        { type: 'list', heading: '&'.repeat(4000), items: [{ text: 'i'.repeat(5000), url: `${BASE}x`, note: 'n'.repeat(5000) }] },
        { type: 'code', label: '<'.repeat(4000), code: '&'.repeat(5000) },
        { type: 'context', items: Array.from({ length: 15 }, () => 'c'.repeat(2500)) },
        { type: 'input', id: 'reason', label: 'L'.repeat(3000), placeholder: 'P'.repeat(500), multiline: false },
        {
          type: 'actions',
          buttons: Array.from({ length: 40 }, (_, n) => ({
            label: `${n} ${'Approve this very carefully worded and far too long button label please '.repeat(2)}`.slice(0, 100),
            action: { v: 1 as const, action: 'fix.approve' as const, incidentId: 'inc_1', planId: 'plan_1', version: 'v1' },
            confirm: { title: 'T'.repeat(200), text: 'X'.repeat(1000), yes: 'Y'.repeat(50), no: 'N'.repeat(50) },
          })),
        },
        ...Array.from({ length: 60 }, (_, n) => ({ type: 'section' as const, text: `filler ${n}` })),
      ],
    }),
    true,
  ],
  ['a 200-step plan, its steps in non-ASCII and mrkdwn-special text', PLAN_200, true],
  ['hypotheses citing a 50 KB log exemplar', EXEMPLAR_HYPOTHESES, false],
];

describe.each(OVERSIZED)('%s', (_name, make, tooBigForTeams) => {
  it('fits Slack: ≤ 50 blocks, every text within its limit, cuts marked, actions kept', () => {
    const m = renderSlack(make(), mask);
    expect(slackViolations(m)).toEqual([]);
    expect(m.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
    const json = JSON.stringify(m);
    expect(json).toMatch(/… \(truncated\)|\+\d+ [^"]*\(truncated\)/);
    for (const s of SECRETS) expect(json).not.toContain(s);
    const card = make();
    const buttons = card.blocks.flatMap((b) => (b.type === 'actions' ? b.buttons : []));
    expect(m.blocks.filter((b) => b.type === 'actions').flatMap((b) => b.elements)).toHaveLength(buttons.length);
  });

  it(`fits Teams: ≤ ${TEAMS_LIMITS.cardBytes} bytes, cuts marked, payloads intact`, () => {
    const a = renderTeams(make(), mask);
    expect(bytes(a)).toBeLessThanOrEqual(TEAMS_LIMITS.cardBytes);
    expect(a).toMatchObject({ type: 'AdaptiveCard', version: '1.5' });
    if (tooBigForTeams) expect(JSON.stringify(a)).toMatch(/… \(truncated\)|\+\d+ [^"]*\(truncated\)/);
    for (const act of a.actions ?? []) expect(parseAction(act.data).ok).toBe(true);
    expect((a.actions ?? []).length).toBeLessThanOrEqual(TEAMS_LIMITS.actions);
  });

  it('renders whole in HTML (the web view is where the full card is read)', () => {
    const h = renderHtml(make(), mask);
    // no renderer cut (the outcome's builder keeps only each output's end, marked at its front)
    expect(h).not.toMatch(/… \(truncated\)|\+\d+ [^<]*\(truncated\)/);
    for (const s of SECRETS) expect(h).not.toContain(s);
  });
});

describe('escaping at the limits (issue 16 §8: non-ASCII and mrkdwn-special text)', () => {
  const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
  const slackTexts = (m: ReturnType<typeof renderSlack>): string[] => {
    const out = [m.text];
    const walk = (x: unknown): void => {
      if (Array.isArray(x)) x.forEach(walk);
      else if (x && typeof x === 'object') {
        const o = x as Record<string, unknown>;
        if (o.type === 'mrkdwn' && typeof o.text === 'string') out.push(o.text);
        Object.values(o).forEach(walk);
      }
    };
    walk(m.blocks);
    return out;
  };

  it.each([
    ['the 200-step plan', PLAN_200],
    ['the 50 KB exemplar', EXEMPLAR_HYPOTHESES],
  ])('%s: Slack mrkdwn never pings, mentions or links what the text says, and keeps the non-ASCII whole', (_n, make) => {
    const m = renderSlack(make(), mask);
    expect(slackViolations(m)).toEqual([]);
    const texts = slackTexts(m);
    for (const t of texts) {
      expect(t).not.toContain('<!channel>');
      expect(t).not.toContain('<@U0BADBAD>');
      expect(t).not.toContain('<https://evil.example');
      // every & left is an entity the renderer wrote: a raw one would be read as markup
      expect(t.replace(/&(amp|lt|gt);/g, '')).not.toContain('&');
      expect(t).not.toMatch(LONE_SURROGATE);
    }
    const all = texts.join('\n');
    expect(all).toContain('&lt;!channel&gt;');
    expect(all).toContain('ü ß 日本語 🚒');
    expect(all).not.toContain('hunter2');
  });

  it.each([
    ['the 200-step plan', PLAN_200, true],
    ['the 50 KB exemplar', EXEMPLAR_HYPOTHESES, false],
  ])('%s: Teams makes no link of the text\'s brackets (commands shown exactly), HTML escapes it, both keep the non-ASCII whole', (_n, make, hasCode) => {
    const card = renderTeams(make(), mask);
    // the body is what Teams renders as markdown (fallbackText is plain text for notifications)
    const markdown = JSON.stringify(card.body.filter((e) => e.type !== 'RichTextBlock'));
    expect(markdown).not.toContain('[click](https://evil.example)');
    expect(markdown).toContain('(click)(https://evil.example)');
    // commands keep their text exactly: a TextRun is never read as markdown
    const runs = card.body.filter((e) => e.type === 'RichTextBlock').flatMap((e) => e.inlines as { type: string; text: string }[]);
    expect(runs.every((r) => r.type === 'TextRun')).toBe(true);
    expect(runs.length > 0).toBe(hasCode);
    if (hasCode) expect(runs[0].text).toContain('[click](https://evil.example)');
    const a = JSON.stringify(card);
    expect(a).toContain('ü ß 日本語 🚒');
    expect(a).not.toMatch(LONE_SURROGATE);
    const h = renderHtml(make(), mask);
    expect(h).not.toContain('<!channel>');
    expect(h).not.toContain('<https://evil.example');
    expect(h).toContain('&lt;!channel&gt;');
    expect(h).toContain('ü ß 日本語 🚒');
    expect(h).not.toContain('hunter2');
  });
});

describe('cutting', () => {
  it('Slack drops whole hypotheses, keeps their order, and says how many more there are', () => {
    const m = renderSlack(OVERSIZED[0][1](), mask);
    const heads = m.blocks.filter((b) => b.type === 'section' && /^\*#\d+ ·/.test(b.text?.text ?? '')).map((b) => Number(/^\*#(\d+)/.exec(b.text.text)![1]));
    const evidenceLists = m.blocks.filter((b) => b.type === 'section' && (b.text?.text ?? '').startsWith('*Evidence*'));
    expect(heads.length).toBeGreaterThan(0);
    expect(heads).toEqual(heads.map((_, n) => n + 1));
    expect(evidenceLists).toHaveLength(heads.length);
    const mark = m.blocks.find((b) => b.type === 'context' && b.elements[0].text.startsWith(`+${60 - heads.length} more hypotheses (truncated)`));
    expect(mark?.elements[0].text).toContain('<https://warroom.example.com/v1/incidents/inc_01|open the full card>');
    // within a kept hypothesis, a long evidence list ends in "+N more"
    expect(evidenceLists[0].text.text).toMatch(/\n\+\d+ more \(truncated\)$/);
  });

  it('a 10 kB command is cut inside its code fence, marked, with no half entity', () => {
    const m = renderSlack(fixPlanCard({ plan: { ...plan, steps: [{ ...plan.steps[0], command: BIG_COMMAND }] }, baseUrl: BASE }), mask);
    const code = m.blocks.find((b) => b.type === 'section' && (b.text?.text ?? '').includes('```'))!.text.text as string;
    expect(code.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
    expect(code).toMatch(/… \(truncated\)```$/);
    expect(code).not.toMatch(/&[a-z]{0,3}…/);
    expect(code).toContain('password=&lt;:SECRET:&gt;');
  });

  it('a 100-character button text is cut to 75 and marked', () => {
    const m = renderSlack(OVERSIZED[4][1](), mask);
    const b = m.blocks.find((x) => x.type === 'actions')!.elements[0];
    expect(b.text.text).toHaveLength(SLACK_LIMITS.buttonText);
    expect(b.text.text.endsWith(TRUNCATED)).toBe(true);
    expect(m.blocks.filter((x) => x.type === 'actions')).toHaveLength(2); // 40 buttons: 25 + 15
  });

  it('Teams shows six actions and marks the rest', () => {
    const a = renderTeams(OVERSIZED[4][1](), mask);
    expect(a.actions).toHaveLength(6);
    expect(JSON.stringify(a.body)).toContain('+34 more actions (truncated)');
  });
});

describe('truncate', () => {
  it.each([
    ['short text is kept', 'abc', 10, 'abc'],
    ['exactly at the limit is kept', 'abcdefghij', 10, 'abcdefghij'],
    ['long text is cut and marked', 'abcdefghijklmnopqrstuvwxyz', 20, 'abcdefg… (truncated)'],
    ['a surrogate pair is not split', `${'a'.repeat(6)}😀zzzzzzzzzzzzzzzzzz`, 20, `${'a'.repeat(6)}… (truncated)`],
    ['an entity is not split', 'abcd&amp;efghijklmnopqrstuvwxyz', 20, 'abcd… (truncated)'],
    ['a limit below the mark gives the mark, cut', 'abcdefghijklmnopqrstuvwxyz', 5, '… (tr'],
  ])('%s', (_n, text, max, want) => {
    expect(truncate(text, max)).toBe(want);
    expect(truncate(text, max).length).toBeLessThanOrEqual(max);
  });
});

describe('fitLines', () => {
  it('keeps whole lines and counts the rest', () => {
    expect(fitLines(['aaaa', 'bbbb', 'cccc', 'dddd'], 30)).toEqual({ text: 'aaaa\nbbbb\n+2 more (truncated)', dropped: 2 });
    expect(fitLines(['aaaa', 'bbbb'], 30)).toEqual({ text: 'aaaa\nbbbb', dropped: 0 });
  });
  it('truncates a first line longer than the budget instead of showing nothing', () => {
    const r = fitLines(['x'.repeat(100), 'y'], 60);
    expect(r.text.length).toBeLessThanOrEqual(60);
    expect(r.text).toMatch(/^x+… \(truncated\)\n\+1 more \(truncated\)$/);
  });
  it('never exceeds the budget', () => {
    for (let max = 25; max < 200; max += 7) expect(fitLines(Array.from({ length: 50 }, (_, n) => `line ${n} ${'z'.repeat(n)}`), max).text.length).toBeLessThanOrEqual(max);
  });
});

describe('elapsed', () => {
  it.each([
    [0, '0s'],
    [45_000, '45s'],
    [12 * 60_000, '12m'],
    [7_500_000, '2h 05m'],
    [(3 * 24 + 4) * 3_600_000, '3d 4h'],
    [-5000, '0s'],
  ])('%i ms → %s', (ms, want) => expect(elapsed(ms)).toBe(want));
});
