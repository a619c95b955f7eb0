/**
 * Card → terminal text for `warroom chat` and the plain-text view of the local web chat. Pure.
 * A terminal has no platform limits, but a 200-step plan or a 50 KB log line would bury the
 * prompt, so texts, code, lists and the number of blocks are bounded here with the same marks
 * the other renderers use ("… (truncated)", "+N more … (truncated)"). Buttons cannot be clicked
 * in a terminal: each becomes the command that does the same (`approve PLAN`, `reject PLAN REASON…`).
 * Control characters other than newlines and tabs are dropped, so card text cannot drive the
 * terminal (escape sequences from a log line).
 */
import type { ActionPayload } from './actions.js';
import type { Card, MaskText, ParsedBlock } from './model.js';
import { cutBlocks, cutMark, fitLines, isPinned, maskCard, truncate } from './text.js';

export const PLAIN_LIMITS = {
  /** A title or a one-line summary. */
  line: 300,
  /** A section's text, a fact's value, a list item. */
  text: 2000,
  /** Lines of a code or diff block, and their characters in all. */
  codeLines: 30,
  codeChars: 4000,
  /** Items of one list. */
  listItems: 20,
  /** Lines of the whole card body (blocks beyond are dropped whole, with a "+N more" line). */
  bodyLines: 200,
} as const;

/** Escape sequences and other control characters (newline and tab are kept). */
// eslint-disable-next-line no-control-regex -- the point is to match control characters
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;
const clean = (s: string): string => s.replace(CONTROL, '');

/** The command a button stands for in a terminal, or undefined when it has none. */
export function commandFor(a: ActionPayload): string | undefined {
  switch (a.action) {
    case 'fix.approve':
      return `approve ${a.planId}`;
    case 'fix.reject':
      return `reject ${a.planId} REASON…`;
    case 'fix.plan':
      return `plan ${a.incidentId}`;
    case 'incident.analyze':
      return `analyze ${a.incidentId}`;
    case 'card.refresh':
      return `status ${a.incidentId}`;
  }
}

/** Renders a card as terminal text; every text is masked with `mask` before anything else. */
export function renderPlain(card: Card, mask: MaskText): string {
  const c = maskCard(card, mask);
  const rendered = c.blocks.map((b) => ({ ...b, lines: block(b) }));
  let used = 0;
  const cut = cutBlocks(rendered, isPinned, (unit) => {
    const n = unit.reduce((k, b) => k + b.lines.length, 0);
    if (used + n > PLAIN_LIMITS.bodyLines) return false;
    used += n;
    return true;
  });
  const body = cut.kept.map((b) => b.lines);
  if (cut.markAt !== undefined) body.splice(cut.markAt, 0, [`${cutMark(cut, c.groupNoun)}${c.link ? ` · the full card: ${c.link}` : ''}`]);
  const out = [`== ${clean(truncate(c.title, PLAIN_LIMITS.line))} ==`, clean(truncate(c.summary, PLAIN_LIMITS.line)), ...body.flat()];
  if (c.link && cut.markAt === undefined) out.push(`(${c.link})`);
  return out.join('\n');
}

function block(b: ParsedBlock): string[] {
  const t = (s: string, max: number = PLAIN_LIMITS.text) => clean(truncate(s, max));
  switch (b.type) {
    case 'facts':
      return b.facts.map((f) => `  ${t(f.label, PLAIN_LIMITS.line)}: ${t(f.value)}`);
    case 'section':
      return [...(b.heading ? [`-- ${t(b.heading, PLAIN_LIMITS.line)}`] : []), ...t(b.text).split('\n')];
    case 'list': {
      const head = b.heading ? [`-- ${t(b.heading, PLAIN_LIMITS.line)}`] : [];
      if (!b.items.length) return [...head, `  ${t(b.empty ?? 'None.')}`];
      const items = b.items.map((i) => `  - ${t(i.text)}${i.note ? ` (${t(i.note, PLAIN_LIMITS.line)})` : ''}${i.url ? ` <${i.url}>` : ''}`.replace(/\n/g, ' '));
      const shown = items.slice(0, PLAIN_LIMITS.listItems);
      if (items.length > shown.length) shown.push(`  +${items.length - shown.length} more (truncated)`);
      return [...head, ...shown];
    }
    case 'code':
    case 'diff': {
      const text = clean(b.type === 'code' ? b.code : b.diff);
      const lines = text.split('\n').map((l) => truncate(l, PLAIN_LIMITS.text));
      const fitted = fitLines(lines.slice(0, PLAIN_LIMITS.codeLines), PLAIN_LIMITS.codeChars).text.split('\n');
      if (lines.length > PLAIN_LIMITS.codeLines) fitted.push(`+${lines.length - PLAIN_LIMITS.codeLines} more lines (truncated)`);
      return [...(b.label ? [`-- ${t(b.label, PLAIN_LIMITS.line)}`] : []), ...fitted.map((l) => `    ${l}`)];
    }
    case 'actions':
      return b.buttons.map((x) => {
        const cmd = commandFor(x.action);
        return `  [${t(x.label, 75)}]${cmd ? ` → type: ${cmd}` : ''}`;
      });
    case 'input':
      return [];
    case 'context':
      return [t(b.items.join(' · '))];
    case 'divider':
      return ['--'];
  }
}
