/**
 * Card → HTML for the local web chat: escaped, accessible (an <article> labelled by its heading,
 * facts as a description list, links with text, buttons that say what they do), and with no
 * platform limits: the web view is where the whole card is read. Buttons are submit buttons of
 * one form per card (POST to `actionPath`), carrying the action id and the encoded payload as
 * data attributes and as the submitted value, so the chat page can post them with or without
 * script. No script and no inline style is emitted.
 */
import { encodeAction } from './actions.js';
import type { Card, MaskText, ParsedBlock } from './model.js';
import { maskCard } from './text.js';

export interface HtmlOptions {
  /** Where the card's form posts a click (the local chat's action endpoint). */
  actionPath?: string;
}

/** Escapes text for element content and quoted attribute values. */
export const escapeHtml = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
const e = escapeHtml;

/** Renders a card as one HTML fragment; every text is masked with `mask` before anything else. */
export function renderHtml(card: Card, mask: MaskText, opts: HtmlOptions = {}): string {
  const c = maskCard(card, mask);
  const id = `wr-${c.id.replace(/[^A-Za-z0-9_-]/g, '-')}`;
  const formId = `${id}-form`;
  const hasForm = c.blocks.some((b) => b.type === 'actions' || b.type === 'input');
  const parts = [
    `<article class="wr-card wr-card-${c.kind} wr-tone-${c.tone}" id="${e(id)}" data-card-id="${e(c.id)}" data-card-kind="${c.kind}" aria-labelledby="${e(id)}-title">`,
    `<header><h2 id="${e(id)}-title">${e(c.title)}</h2><p class="wr-summary">${e(c.summary)}</p></header>`,
    ...c.blocks.map((b, n) => block(b, `${id}-${n}`, formId)),
  ];
  if (c.link) parts.push(`<p class="wr-link"><a href="${e(c.link)}" rel="noopener noreferrer">Open the full record</a></p>`);
  if (hasForm) parts.push(`<form id="${e(formId)}" method="post" action="${e(opts.actionPath ?? '/chat/actions')}" data-card-id="${e(c.id)}"></form>`);
  parts.push('</article>');
  return parts.join('\n');
}

function block(b: ParsedBlock, id: string, formId: string): string {
  switch (b.type) {
    case 'facts':
      return `<dl class="wr-facts">${b.facts.map((f) => `<div><dt>${e(f.label)}</dt><dd>${e(f.value)}</dd></div>`).join('')}</dl>`;
    case 'section':
      return `<section class="wr-section"${b.heading ? ` aria-labelledby="${id}-h"` : ''}>${b.heading ? `<h3 id="${id}-h">${e(b.heading)}</h3>` : ''}${paragraphs(b.text)}</section>`;
    case 'list': {
      const head = b.heading ? `<h3 id="${id}-h">${e(b.heading)}</h3>` : '';
      const items = b.items.map((i) => {
        const text = i.url ? `<a href="${e(i.url)}" rel="noopener noreferrer">${e(i.text)}</a>` : e(i.text);
        return `<li>${text}${i.note ? ` <span class="wr-note">${e(i.note)}</span>` : ''}</li>`;
      });
      const list = items.length ? `<ul>${items.join('')}</ul>` : `<p class="wr-empty">${e(b.empty ?? 'None.')}</p>`;
      return `<section class="wr-list"${b.heading ? ` aria-labelledby="${id}-h"` : ''}>${head}${list}</section>`;
    }
    case 'code':
      return `<figure class="wr-code">${b.label ? `<figcaption>${e(b.label)}</figcaption>` : ''}<pre><code>${e(b.code)}</code></pre></figure>`;
    case 'diff': {
      const lines = b.diff.split('\n').map((l) => (l.startsWith('+') && !l.startsWith('+++') ? `<ins>${e(l)}</ins>` : l.startsWith('-') && !l.startsWith('---') ? `<del>${e(l)}</del>` : e(l)));
      return `<figure class="wr-diff">${b.label ? `<figcaption>${e(b.label)}</figcaption>` : ''}<pre><code>${lines.join('\n')}</code></pre></figure>`;
    }
    case 'actions': {
      const buttons = b.buttons.map((x) => {
        const value = encodeAction(x.action);
        const confirm = x.confirm ? ` data-confirm="${e(`${x.confirm.title} ${x.confirm.text}`)}"` : '';
        return `<button type="submit" form="${e(formId)}" name="action" value="${e(value)}" class="wr-button wr-${x.style}" data-action-id="${e(x.action.action)}" data-action-value="${e(value)}"${confirm}>${e(x.label)}</button>`;
      });
      return `<div class="wr-actions" role="group" aria-label="Actions">${buttons.join('')}</div>`;
    }
    case 'input': {
      const field = b.multiline
        ? `<textarea id="${id}" name="${e(b.id)}" form="${e(formId)}" maxlength="2000"${b.placeholder ? ` placeholder="${e(b.placeholder)}"` : ''}></textarea>`
        : `<input id="${id}" type="text" name="${e(b.id)}" form="${e(formId)}" maxlength="2000"${b.placeholder ? ` placeholder="${e(b.placeholder)}"` : ''}>`;
      return `<div class="wr-input"><label for="${id}">${e(b.label)}</label>${field}</div>`;
    }
    case 'context':
      return `<footer class="wr-context">${b.items.map((t) => `<small>${e(t)}</small>`).join(' ')}</footer>`;
    case 'divider':
      return '<hr>';
  }
}

const paragraphs = (text: string): string => text.split(/\n{2,}/).map((p) => `<p>${e(p).replace(/\n/g, '<br>')}</p>`).join('');
