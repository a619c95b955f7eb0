/**
 * Card → Microsoft Teams Adaptive Card 1.5 with Universal Actions: buttons are `Action.Execute`
 * (verb = the action id, data = the action payload; an `Action.Submit` fallback for old
 * clients), and `refresh` lets Teams fetch a fresh copy when someone views it. Teams caps a
 * message at about 28 KB, so the card is fitted to TEAMS_LIMITS.cardBytes: texts are cut
 * shorter and shorter, then trailing groups dropped, each cut marked like on Slack.
 * Schema: https://adaptivecards.io/explorer/ ; Universal Actions: learn.microsoft.com,
 * "Work with Universal Actions for Adaptive Cards".
 */
import type { ActionPayload } from './actions.js';
import type { Card, MaskText, ParsedBlock, ParsedCard, Tone } from './model.js';
import { cutBlocks, cutMark, fitLines, isPinned, maskCard, more, truncate, units } from './text.js';

export const TEAMS_LIMITS = {
  /** Teams refuses messages over ~28 KB; the card leaves room for the activity around it. */
  cardBytes: 26_000,
  /** Teams shows at most 6 card-level actions (its host config's maxActions). */
  actions: 6,
  /** Universal Actions auto-refresh at most 60 listed users. */
  refreshUsers: 60,
  /** The first text budget tried; halved until the card fits (never below minText). */
  text: 8000,
  minText: 250,
  listItems: 50,
} as const;

/* eslint-disable @typescript-eslint/no-explicit-any -- Adaptive Card JSON is open-ended; the tests check its shape */
export type AdaptiveElement = Record<string, any>;
export interface AdaptiveCard {
  type: 'AdaptiveCard';
  $schema: string;
  version: '1.5';
  fallbackText: string;
  body: AdaptiveElement[];
  actions?: AdaptiveElement[];
  refresh?: { action: AdaptiveElement; userIds?: string[] };
  msteams: { width: 'Full' };
}

export interface TeamsOptions {
  /** Users whose card refreshes automatically in a conversation with more than 60 members (MRIs). */
  refreshUserIds?: string[];
}

const CONTAINER_STYLE: Record<Tone, string> = { danger: 'attention', warning: 'warning', good: 'good', neutral: 'emphasis' };

/** Renders a card as an Adaptive Card; every text is masked with `mask` before anything else. */
export function renderTeams(card: Card, mask: MaskText, opts: TeamsOptions = {}): AdaptiveCard {
  const c = maskCard(card, mask);
  for (let text: number = TEAMS_LIMITS.text; ; text = Math.floor(text / 2)) {
    const out = build(c, opts, text, Infinity);
    if (bytes(out) <= TEAMS_LIMITS.cardBytes) return out;
    if (text / 2 < TEAMS_LIMITS.minText) break;
  }
  // Still too big at the smallest texts: keep as many leading groups as fit.
  const n = units(c.blocks).filter((u) => !u.every(isPinned)).length;
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (bytes(build(c, opts, TEAMS_LIMITS.minText, mid)) <= TEAMS_LIMITS.cardBytes) lo = mid;
    else hi = mid - 1;
  }
  return build(c, opts, TEAMS_LIMITS.minText, lo);
}

const utf8 = new TextEncoder();
const bytes = (card: AdaptiveCard): number => utf8.encode(JSON.stringify(card)).length;

function build(c: ParsedCard, opts: TeamsOptions, textMax: number, keepUnits: number): AdaptiveCard {
  const body: AdaptiveElement[] = [
    {
      type: 'Container',
      style: CONTAINER_STYLE[c.tone],
      bleed: true,
      items: [{ type: 'TextBlock', text: md(truncate(c.title, 500)), size: 'Large', weight: 'Bolder', wrap: true, style: 'heading' }],
    },
  ];
  let taken = 0;
  const cut = cutBlocks(c.blocks, isPinned, () => taken++ < keepUnits);
  const items: (ParsedBlock | 'mark')[] = [...cut.kept];
  if (cut.markAt !== undefined) items.splice(cut.markAt, 0, 'mark');
  let separator = false;
  for (const b of items) {
    if (b === 'mark') {
      body.push(note(cutMark(cut, c.groupNoun), c.link));
      continue;
    }
    if (b.type === 'divider') {
      separator = true;
      continue;
    }
    const els = element(b, textMax);
    if (separator && els.length) els[0] = { ...els[0], separator: true, spacing: 'Medium' };
    separator = false;
    body.push(...els);
  }

  const buttons = c.blocks.flatMap((b) => (b.type === 'actions' ? b.buttons : []));
  const shown = buttons.slice(0, TEAMS_LIMITS.actions);
  if (buttons.length > shown.length) body.push(note(more(buttons.length - shown.length, 'more actions'), c.link));
  const card: AdaptiveCard = {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: '1.5',
    fallbackText: truncate(`${c.title}: ${c.summary}`, 1000),
    body,
    msteams: { width: 'Full' },
  };
  if (shown.length) {
    card.actions = shown.map((b) => ({
      ...execute(truncate(b.label, 75), b.action),
      ...(b.style === 'primary' ? { style: 'positive' } : b.style === 'danger' ? { style: 'destructive' } : {}),
    }));
  }
  if (c.refresh) {
    const userIds = opts.refreshUserIds?.slice(0, TEAMS_LIMITS.refreshUsers);
    card.refresh = { action: execute('Refresh', c.refresh), ...(userIds ? { userIds } : {}) };
  }
  return card;
}

/** Action.Execute: the verb names the action, data carries the payload; inputs ride along. */
function execute(title: string, action: ActionPayload): AdaptiveElement {
  const data = { ...action };
  return { type: 'Action.Execute', title, verb: action.action, data, associatedInputs: 'auto', fallback: { type: 'Action.Submit', title, data } };
}

function note(text: string, link: string | undefined): AdaptiveElement {
  return { type: 'TextBlock', text: link ? `${text} · [open the full card](${link})` : text, isSubtle: true, size: 'Small', wrap: true };
}

// Adaptive Card markdown: a "[" or "]" in plain text could form a link.
const md = (s: string): string => s.replace(/\[/g, '(').replace(/\]/g, ')');

function element(b: ParsedBlock, max: number): AdaptiveElement[] {
  const heading = (h: string | undefined): AdaptiveElement[] => (h ? [{ type: 'TextBlock', text: md(truncate(h, 500)), weight: 'Bolder', wrap: true }] : []);
  switch (b.type) {
    case 'facts':
      return [{ type: 'FactSet', facts: b.facts.map((f) => ({ title: md(truncate(f.label, 200)), value: md(truncate(f.value, Math.min(max, 2000))) })) }];
    case 'section':
      return [...heading(b.heading), { type: 'TextBlock', text: md(truncate(b.text, max)), wrap: true }];
    case 'list': {
      if (b.items.length === 0) return [...heading(b.heading), { type: 'TextBlock', text: md(b.empty ?? 'None.'), wrap: true, isSubtle: true }];
      const items = b.items.slice(0, TEAMS_LIMITS.listItems);
      const lines = items.map((i) => {
        const text = md(truncate(i.text, 400));
        return `- ${i.url ? `[${text}](${i.url})` : text}${i.note ? ` — ${md(truncate(i.note, 300))}` : ''}`;
      });
      const fitted = fitLines(lines, max);
      const cutMore = b.items.length - items.length;
      const text = cutMore > 0 && fitted.dropped === 0 ? `${fitted.text}\n${more(cutMore)}` : fitted.dropped > 0 ? fitted.text.replace(/\+\d+ more \(truncated\)$/, more(fitted.dropped + cutMore)) : fitted.text;
      return [...heading(b.heading), { type: 'TextBlock', text, wrap: true }];
    }
    case 'code':
    case 'diff':
      // a TextRun is never read as markdown: the command shows exactly as it runs (a TextBlock would
      // turn "[x](url)" in it into a link and "**" into bold)
      return [...heading(b.label), { type: 'RichTextBlock', inlines: [{ type: 'TextRun', text: truncate(b.type === 'code' ? b.code : b.diff, max), fontType: 'Monospace' }] }];
    case 'input':
      return [{ type: 'Input.Text', id: b.id, label: truncate(b.label, 500), isMultiline: b.multiline, ...(b.placeholder ? { placeholder: truncate(b.placeholder, 150) } : {}), maxLength: 2000 }];
    case 'context':
      return b.items.map((t) => ({ type: 'TextBlock', text: md(truncate(t, max)), isSubtle: true, size: 'Small', wrap: true }));
    case 'actions':
    case 'divider':
      return [];
  }
}
