/**
 * The neutral card model: what a card says, with no platform in it. Builders (incident-summary,
 * hypotheses, fix-plan, outcome) make one from domain data; renderers (slack, teams, html) turn
 * it into a platform payload within that platform's limits. All text here is plain text (no
 * markup): each renderer escapes it for its platform, and masks it for secrets first.
 */
import { z } from 'zod';
import { ActionPayload } from './actions.js';

/** Absolute http(s) URL; anything else (javascript:, data:) never becomes a link. */
export const HttpUrl = z.string().max(2000).regex(/^https?:\/\/[^\s<>"|]+$/, 'an absolute http(s) URL without spaces, <, >, " or |');

export const CARD_KINDS = ['incident_summary', 'hypotheses', 'fix_plan', 'outcome'] as const;
export const TONES = ['danger', 'warning', 'good', 'neutral'] as const;
export type Tone = (typeof TONES)[number];

export const Button = z.object({
  label: z.string().min(1),
  style: z.enum(['primary', 'danger', 'default']).default('default'),
  action: ActionPayload,
  /** Ask before acting (Slack confirm dialog, HTML data-confirm; Adaptive Cards have none). */
  confirm: z.object({ title: z.string(), text: z.string(), yes: z.string(), no: z.string() }).optional(),
});
export type Button = z.input<typeof Button>;

export const ListItem = z.object({ text: z.string(), url: HttpUrl.optional(), note: z.string().optional() });
export type ListItem = z.output<typeof ListItem>;

/** Blocks that belong together (one hypothesis) share a group: a renderer drops a group whole, never half of it. */
const base = { group: z.string().optional() };

export const Block = z.discriminatedUnion('type', [
  z.object({ type: z.literal('facts'), facts: z.array(z.object({ label: z.string(), value: z.string() })), ...base }),
  z.object({ type: z.literal('section'), heading: z.string().optional(), text: z.string(), ...base }),
  z.object({ type: z.literal('list'), heading: z.string().optional(), items: z.array(ListItem), empty: z.string().optional(), ...base }),
  z.object({ type: z.literal('code'), label: z.string().optional(), code: z.string(), ...base }),
  z.object({ type: z.literal('diff'), label: z.string().optional(), diff: z.string(), ...base }),
  z.object({ type: z.literal('actions'), buttons: z.array(Button).min(1), ...base }),
  z.object({
    type: z.literal('input'),
    id: z.string().regex(/^[a-z][a-z0-9_]{0,63}$/),
    label: z.string(),
    placeholder: z.string().optional(),
    multiline: z.boolean().default(false),
    ...base,
  }),
  z.object({ type: z.literal('context'), items: z.array(z.string()).min(1), ...base }),
  z.object({ type: z.literal('divider'), ...base }),
]);
export type Block = z.input<typeof Block>;
export type ParsedBlock = z.output<typeof Block>;

export const Card = z.object({
  /** Stable per subject (e.g. `summary:inc_1`), so a platform message can be updated in place. */
  id: z.string().regex(/^[A-Za-z0-9._:@+-]{1,200}$/),
  kind: z.enum(CARD_KINDS),
  /** The header. */
  title: z.string().min(1),
  /** One line for notifications and clients that cannot show the card. */
  summary: z.string().min(1),
  tone: z.enum(TONES).default('neutral'),
  /** Where the whole card can be read when a platform shows only part of it. */
  link: HttpUrl.optional(),
  /** What a group is called in a "+N more …" mark (e.g. "hypotheses"). */
  groupNoun: z.string().optional(),
  blocks: z.array(Block),
  /** Teams Universal Actions: the action a client calls to fetch a fresh copy of the card. */
  refresh: ActionPayload.optional(),
});
export type Card = z.input<typeof Card>;
export type ParsedCard = z.output<typeof Card>;

/** Masks secrets in one text (the session's masks, e.g. `(t) => maskSecrets(t, masks)`). */
export type MaskText = (text: string) => string;
