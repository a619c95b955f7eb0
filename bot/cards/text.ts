/**
 * Text helpers every renderer shares: how truncation is marked, fitting lines into a budget,
 * masking every text of a card, and the small formatters builders use. Pure.
 */
import { Card, type MaskText, type ParsedBlock, type ParsedCard } from './model.js';

/** Appended to a text cut to fit a limit. */
export const TRUNCATED = '… (truncated)';

/** "+N more" line for items or blocks left out. */
export const more = (n: number, noun = 'more'): string => `+${n} ${noun} (truncated)`;

/**
 * `text` cut to at most `max` characters (UTF-16 units, which is what the platforms count or
 * over-count), ending with the truncation mark. A surrogate pair or an escaped entity (`&amp;`)
 * is never split.
 * @example truncate('abcdefghijklmnopqrstuvwxyz', 20) === 'abcdefg… (truncated)'
 */
export function truncate(text: string, max: number, mark = TRUNCATED): string {
  if (text.length <= max) return text;
  if (max <= mark.length) return mark.slice(0, Math.max(0, max));
  let cut = max - mark.length;
  const code = text.charCodeAt(cut - 1);
  if (code >= 0xd800 && code <= 0xdbff) cut -= 1;
  const amp = text.lastIndexOf('&', cut - 1);
  if (amp >= 0 && amp > cut - 8 && !text.slice(amp, cut).includes(';')) cut = amp;
  return text.slice(0, cut) + mark;
}

/**
 * As many whole lines as fit in `max` characters (joined by newlines), then a "+N more" line for
 * the rest. A first line longer than the budget is truncated rather than dropped.
 */
export function fitLines(lines: string[], max: number, noun = 'more'): { text: string; dropped: number } {
  const out: string[] = [];
  let used = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const left = lines.length - i - 1;
    const reserve = left > 0 ? more(left, noun).length + 1 : 0;
    const cost = (out.length ? 1 : 0) + line.length;
    if (used + cost + reserve <= max) {
      out.push(line);
      used += cost;
      continue;
    }
    if (out.length === 0) {
      out.push(truncate(line, max - more(lines.length - 1, noun).length - 1));
      i += 1;
    }
    const dropped = lines.length - i;
    if (dropped > 0) out.push(more(dropped, noun));
    return { text: out.join('\n'), dropped };
  }
  return { text: out.join('\n'), dropped: 0 };
}

/**
 * The card with every human-readable text masked: titles, facts, sections, list items, notes,
 * code, diffs, labels. Action payloads and URLs' ids are system-made and left as they are, but
 * URLs are masked too (credentials in a link). Masking comes before any truncation, so a cut
 * can never leave half a secret.
 */
export function maskCard(card: Card, mask: MaskText): ParsedCard {
  const c = Card.parse(card);
  const blocks = c.blocks.map((b): ParsedBlock => {
    switch (b.type) {
      case 'facts':
        return { ...b, facts: b.facts.map((f) => ({ label: mask(f.label), value: mask(f.value) })) };
      case 'section':
        return { ...b, heading: opt(b.heading, mask), text: mask(b.text) };
      case 'list':
        return { ...b, heading: opt(b.heading, mask), empty: opt(b.empty, mask), items: b.items.map((i) => ({ text: mask(i.text), url: opt(i.url, mask), note: opt(i.note, mask) })) };
      case 'code':
        return { ...b, label: opt(b.label, mask), code: mask(b.code) };
      case 'diff':
        return { ...b, label: opt(b.label, mask), diff: mask(b.diff) };
      case 'actions':
        return { ...b, buttons: b.buttons.map((x) => ({ ...x, label: mask(x.label), confirm: x.confirm && { title: mask(x.confirm.title), text: mask(x.confirm.text), yes: mask(x.confirm.yes), no: mask(x.confirm.no) } })) };
      case 'input':
        return { ...b, label: mask(b.label), placeholder: opt(b.placeholder, mask) };
      case 'context':
        return { ...b, items: b.items.map(mask) };
      case 'divider':
        return b;
    }
  });
  // A masked URL is no longer a link: drop it rather than link to a mangled address.
  const url = (u: string | undefined) => (u === undefined || /^https?:\/\/[^\s<>"|]+$/.test(u) ? u : undefined);
  for (const b of blocks) if (b.type === 'list') b.items = b.items.map((i) => ({ ...i, url: url(i.url) }));
  return { ...c, title: mask(c.title), summary: mask(c.summary), link: url(c.link === undefined ? undefined : mask(c.link)), groupNoun: opt(c.groupNoun, mask), blocks };
}

const opt = (s: string | undefined, mask: MaskText): string | undefined => (s === undefined ? undefined : mask(s));

/**
 * Splits blocks into the groups a renderer keeps or drops whole: consecutive blocks with the same
 * `group` form one unit; an ungrouped block is a unit of its own.
 */
export function units<B extends { group?: string }>(blocks: B[]): B[][] {
  const out: B[][] = [];
  for (const b of blocks) {
    const last = out[out.length - 1];
    if (b.group !== undefined && last && last[0].group === b.group) last.push(b);
    else out.push([b]);
  }
  return out;
}

/** A cut through a card's blocks: what stays, where the "+N more" mark goes, what was left out. */
export interface Cut<B> {
  kept: B[];
  /** Index in `kept` where the mark goes (undefined: nothing was dropped). */
  markAt: number | undefined;
  droppedGroups: number;
  droppedOther: number;
}

/**
 * Keeps every pinned block (actions, inputs, the footer context: a card stays actionable and
 * says what it is), and the other units in order while `take(unit)` says they fit; from the
 * first that does not, the rest is dropped whole.
 */
export function cutBlocks<B extends { group?: string }>(blocks: B[], pinned: (b: B) => boolean, take: (unit: B[]) => boolean): Cut<B> {
  const cut: Cut<B> = { kept: [], markAt: undefined, droppedGroups: 0, droppedOther: 0 };
  for (const unit of units(blocks)) {
    if (unit.every(pinned)) cut.kept.push(...unit);
    else if (cut.markAt === undefined && take(unit)) cut.kept.push(...unit);
    else {
      if (cut.markAt === undefined) cut.markAt = cut.kept.length;
      if (unit[0].group !== undefined) cut.droppedGroups += 1;
      else cut.droppedOther += unit.length;
    }
  }
  return cut;
}

/** The "+N more" text for a cut: "+52 more hypotheses (truncated)", "+3 more sections (truncated)". */
export function cutMark(c: Pick<Cut<unknown>, 'droppedGroups' | 'droppedOther'>, groupNoun = 'more sections'): string {
  const parts = [c.droppedGroups ? `+${c.droppedGroups} ${groupNoun}` : '', c.droppedOther ? `+${c.droppedOther} more section${c.droppedOther === 1 ? '' : 's'}` : ''];
  return `${parts.filter(Boolean).join(', ')} (truncated)`;
}

/** Blocks every renderer keeps when it must cut. */
export const isPinned = (b: { type: string }): boolean => b.type === 'actions' || b.type === 'input' || b.type === 'context';

// ---- formatters for builders ------------------------------------------------------------

/** 0.724 → "72%". */
export const percent = (x: number): string => `${Math.round(Math.max(0, Math.min(1, x)) * 100)}%`;

/**
 * Elapsed time as an SRE reads it: "45s", "12m", "2h 05m", "3d 4h".
 * @example elapsed(7_500_000) === '2h 05m'
 */
export function elapsed(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h}h ${String(m % 60).padStart(2, '0')}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}

/** First line of a text, for one-line summaries. */
export const firstLine = (s: string): string => s.split('\n', 1)[0];
