/**
 * What a card button carries: an action id and a small value naming what it acts on, plus the
 * version of that thing the card showed, so a click on an old card is detected ("stale") rather
 * than applied to a plan that has moved on. Chat adapters parse every click with `parseAction`
 * before they act; nothing else in a click is trusted.
 */
import { z } from 'zod';
import type { FixPlan, Incident } from '../../core/schemas.js';

/** Every action a card can offer, with the label a button shows by default. */
export const CARD_ACTIONS = {
  'fix.approve': 'Approve',
  'fix.reject': 'Reject',
  'fix.plan': 'Draft a fix plan',
  'incident.analyze': 'Analyze',
  'card.refresh': 'Refresh',
} as const;
export type CardActionId = keyof typeof CARD_ACTIONS;
export const CARD_ACTION_IDS = Object.keys(CARD_ACTIONS) as [CardActionId, ...CardActionId[]];

/** Ids are system-made (ULIDs, prefixed ids): a narrow alphabet keeps them out of any markup and mask. */
const Ref = z.string().regex(/^[A-Za-z0-9._:@+-]{1,128}$/, 'an id of letters, digits and ._:@+- (at most 128)');

export const ActionPayload = z
  .object({
    v: z.literal(1).describe('payload format version'),
    action: z.enum(CARD_ACTION_IDS),
    incidentId: Ref,
    planId: Ref.optional(),
    hypothesisId: Ref.optional(),
    version: Ref.describe('what the card showed (planVersion / incidentVersion); a click whose version differs is stale'),
  })
  .strict()
  .refine((p) => !p.action.startsWith('fix.') || p.action === 'fix.plan' || p.planId !== undefined, {
    message: 'fix.approve and fix.reject need a planId',
    path: ['planId'],
  });
export type ActionPayload = z.output<typeof ActionPayload>;

/** The longest encoded payload: well under Slack's 2,000-character button value. */
export const MAX_ACTION_VALUE = 700;

/** The payload as a compact string (fixed key order, so equal payloads encode equally). */
export function encodeAction(p: ActionPayload): string {
  const ordered: Record<string, unknown> = { v: p.v, action: p.action, incidentId: p.incidentId };
  if (p.planId !== undefined) ordered.planId = p.planId;
  if (p.hypothesisId !== undefined) ordered.hypothesisId = p.hypothesisId;
  ordered.version = p.version;
  return JSON.stringify(ordered);
}

export type ParsedAction = { ok: true; action: ActionPayload } | { ok: false; error: string };

/**
 * A click's value, checked: a Slack button value (string), a Teams Action.Execute `data` or a
 * web form field (string or object). Never throws; the error names what was wrong.
 */
export function parseAction(raw: unknown): ParsedAction {
  let value = raw;
  if (typeof raw === 'string') {
    if (raw.length > MAX_ACTION_VALUE) return { ok: false, error: `action value longer than ${MAX_ACTION_VALUE} characters` };
    try {
      value = JSON.parse(raw);
    } catch {
      return { ok: false, error: 'action value is not JSON' };
    }
  }
  // Teams merges the card's inputs into `data`: keep only the payload's own keys.
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const o = value as Record<string, unknown>;
    value = Object.fromEntries(['v', 'action', 'incidentId', 'planId', 'hypothesisId', 'version'].filter((k) => k in o).map((k) => [k, o[k]]));
  }
  const r = ActionPayload.safeParse(value);
  if (r.success) return { ok: true, action: r.data };
  return { ok: false, error: r.error.issues.map((i) => `${i.path.join('.') || 'value'}: ${i.message}`).join('; ') };
}

/** A plan's version: its status and last update, so any change to the plan makes old buttons stale. */
export function planVersion(plan: Pick<FixPlan, 'status' | 'updatedAt'>): string {
  return `${plan.status}@${plan.updatedAt}`;
}

/** An incident's version: its status (and when it was resolved), which is what makes its buttons stale. */
export function incidentVersion(incident: Pick<Incident, 'status' | 'resolvedAt' | 'openedAt'>): string {
  return `${incident.status}@${incident.resolvedAt ?? incident.openedAt}`;
}

/** True when the click was made on a card showing another version than the current one. */
export function isStale(p: ActionPayload, currentVersion: string): boolean {
  return p.version !== currentVersion;
}
