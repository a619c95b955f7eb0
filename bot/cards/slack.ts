/**
 * Card → Slack Block Kit message (`{ text, blocks }` for chat.postMessage / chat.update), within
 * Slack's limits, so a card never earns an API error: text cut to fit ends in "… (truncated)",
 * items and blocks left out become "+N more … (truncated)" with a link to the whole card.
 * Limits: https://docs.slack.dev/reference/block-kit/blocks (and each block's page).
 */
import { encodeAction } from './actions.js';
import type { Card, MaskText, ParsedBlock } from './model.js';
import { cutBlocks, cutMark, fitLines, isPinned, maskCard, more, truncate } from './text.js';

export const SLACK_LIMITS = {
  blocks: 50,
  headerText: 150,
  sectionText: 3000,
  fieldsPerSection: 10,
  fieldText: 2000,
  contextElements: 10,
  contextText: 2000,
  actionsElements: 25,
  buttonText: 75,
  buttonValue: 2000,
  actionId: 255,
  blockId: 255,
  inputLabel: 2000,
  placeholder: 150,
  confirmTitle: 100,
  confirmText: 300,
  confirmButton: 30,
  url: 3000,
  /** Notification text: Slack takes 40,000; a notification needs a line, not a page. */
  fallbackText: 3000,
} as const;

/* eslint-disable @typescript-eslint/no-explicit-any -- Block Kit JSON is open-ended; the tests check its shape */
export type SlackBlock = Record<string, any>;
export interface SlackMessage {
  text: string;
  blocks: SlackBlock[];
}

/** mrkdwn needs only &, < and > escaped (https://docs.slack.dev/messaging/formatting-message-text). */
export const escapeMrkdwn = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const plain = (text: string, max: number) => ({ type: 'plain_text', text: truncate(text, max), emoji: true });
const mrkdwn = (text: string) => ({ type: 'mrkdwn', text });
const bold = (s: string) => `*${escapeMrkdwn(s).replace(/\*/g, '∗')}*`;
/** A block's bold first line: headings are cut short so the body keeps most of the budget. */
const headLine = (h: string | undefined) => (h ? `${bold(truncate(h, 300))}\n` : '');
const link = (url: string, text: string) => (url.length <= SLACK_LIMITS.url ? `<${url}|${escapeMrkdwn(text).replace(/\|/g, '¦')}>` : escapeMrkdwn(text));
// A fence inside code would end the code block early.
const fence = (code: string) => escapeMrkdwn(code).replace(/```/g, '`\u200b``');

/** Renders a card for Slack; every text is masked with `mask` before anything else. */
export function renderSlack(card: Card, mask: MaskText): SlackMessage {
  const c = maskCard(card, mask);
  const actionIds = new Map<string, number>();
  const rendered = c.blocks.map((b) => ({ ...b, out: renderBlock(b, actionIds) }));
  const header = { type: 'header', text: plain(c.title, SLACK_LIMITS.headerText) };
  const size = (bs: { out: SlackBlock[] }[]) => bs.reduce((n, r) => n + r.out.length, 0);
  let body = rendered.flatMap((r) => r.out);
  if (1 + body.length > SLACK_LIMITS.blocks) {
    // Keep the header, the pinned blocks and one "+N more" line; fill the rest in order with whole groups.
    let budget = SLACK_LIMITS.blocks - 1 - size(rendered.filter(isPinned)) - 1;
    const cut = cutBlocks(rendered, isPinned, (unit) => {
      const n = size(unit);
      if (n > budget) return false;
      budget -= n;
      return true;
    });
    const where = c.link ? ` · ${link(c.link, 'open the full card')}` : '';
    const mark = { type: 'context', elements: [mrkdwn(truncate(`${escapeMrkdwn(cutMark(cut, c.groupNoun))}${where}`, SLACK_LIMITS.contextText))] };
    const kept = cut.kept.map((r) => r.out);
    kept.splice(cut.markAt ?? kept.length, 0, [mark]);
    body = kept.flat();
    // Only a model with more than 48 pinned blocks gets here; still no API error.
    if (body.length > SLACK_LIMITS.blocks - 1) body = [...body.slice(0, SLACK_LIMITS.blocks - 2), mark];
  }
  return { text: truncate(escapeMrkdwn(`${c.title}: ${c.summary}`), SLACK_LIMITS.fallbackText), blocks: [header, ...body] };
}

function renderBlock(b: ParsedBlock, actionIds: Map<string, number>): SlackBlock[] {
  const L = SLACK_LIMITS;
  switch (b.type) {
    case 'facts': {
      const out: SlackBlock[] = []; // no facts, no block: Slack refuses a section with neither text nor fields
      for (let i = 0; i < b.facts.length; i += L.fieldsPerSection) {
        const fields = b.facts.slice(i, i + L.fieldsPerSection).map((f) => mrkdwn(truncate(`${headLine(f.label)}${escapeMrkdwn(f.value) || '—'}`, L.fieldText)));
        out.push({ type: 'section', fields });
      }
      return out;
    }
    case 'section':
      return [section(b.heading, escapeMrkdwn(b.text))];
    case 'list': {
      const head = headLine(b.heading);
      if (b.items.length === 0) return [section(b.heading, escapeMrkdwn(b.empty ?? 'None.'))];
      // Item texts are cut short first, so a line (and a link in it) is never split by the fit.
      const lines = b.items.map((i) => {
        const text = truncate(i.text, 400);
        const note = i.note ? ` — ${escapeMrkdwn(truncate(i.note, 300))}` : '';
        return `• ${i.url ? link(i.url, text) : escapeMrkdwn(text)}${note}`;
      });
      return [{ type: 'section', text: mrkdwn(head + fitLines(lines, L.sectionText - head.length).text) }];
    }
    case 'code':
    case 'diff': {
      const label = headLine(b.label);
      const body = fence(b.type === 'code' ? b.code : b.diff);
      return [{ type: 'section', text: mrkdwn(`${label}\`\`\`${truncate(body, L.sectionText - label.length - 6)}\`\`\``) }];
    }
    case 'actions': {
      const out: SlackBlock[] = [];
      for (let i = 0; i < b.buttons.length; i += L.actionsElements) {
        const elements = b.buttons.slice(i, i + L.actionsElements).map((x) => {
          const button: SlackBlock = { type: 'button', text: plain(x.label, L.buttonText), action_id: uniqueId(x.action.action, actionIds), value: encodeAction(x.action) };
          if (x.style !== 'default') button.style = x.style;
          if (x.confirm) {
            button.confirm = {
              title: plain(x.confirm.title, L.confirmTitle),
              text: plain(x.confirm.text, L.confirmText),
              confirm: plain(x.confirm.yes, L.confirmButton),
              deny: plain(x.confirm.no, L.confirmButton),
            };
          }
          return button;
        });
        out.push({ type: 'actions', elements });
      }
      return out;
    }
    case 'input':
      return [
        {
          type: 'input',
          block_id: b.id,
          optional: true,
          label: plain(b.label, L.inputLabel),
          element: { type: 'plain_text_input', action_id: b.id, multiline: b.multiline, ...(b.placeholder ? { placeholder: plain(b.placeholder, L.placeholder) } : {}) },
        },
      ];
    case 'context': {
      const items = b.items.length > L.contextElements ? [...b.items.slice(0, L.contextElements - 1), more(b.items.length - L.contextElements + 1)] : b.items;
      return [{ type: 'context', elements: items.map((t) => mrkdwn(truncate(escapeMrkdwn(t), L.contextText))) }];
    }
    case 'divider':
      return [{ type: 'divider' }];
  }
}

function section(heading: string | undefined, escapedText: string): SlackBlock {
  const head = headLine(heading);
  // Slack refuses an empty text
  return { type: 'section', text: mrkdwn(head + truncate(escapedText || '—', SLACK_LIMITS.sectionText - head.length)) };
}

// Slack needs action_ids unique within a message.
function uniqueId(base: string, seen: Map<string, number>): string {
  const n = seen.get(base) ?? 0;
  seen.set(base, n + 1);
  return (n === 0 ? base : `${base}:${n}`).slice(0, SLACK_LIMITS.actionId);
}
