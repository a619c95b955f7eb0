/**
 * Pure pieces of Slack interactivity: which action ids are card buttons, the inputs a click
 * carries (the card's `reason` box), the Reject modal that asks for a reason, and reading the
 * modal's submission back (its private_metadata says which button on which message). Plain data
 * in and out, checked with zod: nothing in a payload is trusted.
 */
import { z } from 'zod';
import { CARD_ACTION_IDS } from '../cards/index.js';
import { truncate } from '../cards/text.js';

export const REJECT_CALLBACK_ID = 'warroom.reject';
export const REASON_ID = 'reason';
const REASON_MAX = 2000;

/** Card buttons: the action id, or with renderSlack's `:n` suffix when a card shows it twice. */
const CARD_ACTIONS_SOURCE = `(?:${CARD_ACTION_IDS.map((id) => id.replace(/\./g, '\\.')).join('|')})(?::\\d+)?`;
export const CARD_ACTION_PATTERN = new RegExp(`^${CARD_ACTIONS_SOURCE}$`);
/** Any other action (an input dispatching, a link button): acknowledged and ignored, so Slack shows no error. */
export const OTHER_ACTION_PATTERN = new RegExp(`^(?!${CARD_ACTIONS_SOURCE}$)`);

/** Text inputs of the clicked card (`state.values[block][action].value`), as `{ actionId: value }`, non-empty only. */
export function stateInputs(state: unknown): Record<string, string> {
  const parsed = z.object({ values: z.record(z.string(), z.record(z.string(), z.object({ value: z.string().nullish() }).loose())) }).safeParse(state);
  if (!parsed.success) return {};
  const out: Record<string, string> = {};
  for (const block of Object.values(parsed.data.values)) {
    for (const [id, v] of Object.entries(block)) if (v.value?.trim()) out[id] = v.value.trim();
  }
  return out;
}

/** Where the Reject button was clicked, carried through the modal. */
export const RejectContext = z.object({
  value: z.string().max(2000),
  channel: z.string().min(1).max(64),
  ts: z.string().max(32).optional(),
  thread: z.string().max(32).optional(),
});
export type RejectContext = z.infer<typeof RejectContext>;

/** The modal that asks why a plan is rejected (views.open). */
export function rejectModal(ctx: RejectContext, planTitle?: string) {
  return {
    type: 'modal' as const,
    callback_id: REJECT_CALLBACK_ID,
    private_metadata: JSON.stringify(ctx),
    title: { type: 'plain_text' as const, text: 'Reject the plan' },
    submit: { type: 'plain_text' as const, text: 'Reject' },
    close: { type: 'plain_text' as const, text: 'Cancel' },
    blocks: [
      {
        type: 'section',
        text: { type: 'plain_text', text: truncate(`${planTitle ? `${planTitle}\n` : ''}The reason is recorded in the audit log and shown on the card.`, 3000) },
      },
      {
        type: 'input',
        block_id: REASON_ID,
        label: { type: 'plain_text', text: 'Why reject this plan?' },
        element: { type: 'plain_text_input', action_id: REASON_ID, multiline: true, max_length: REASON_MAX },
      },
    ],
  };
}

export type RejectSubmission = { ok: true; ctx: RejectContext; reason: string } | { ok: false; error: string };

/** The modal's submission: the reason typed and where the click was; an error names what is missing. */
export function readRejectSubmission(view: { private_metadata?: string; state?: unknown }): RejectSubmission {
  let meta: unknown;
  try {
    meta = JSON.parse(view.private_metadata ?? '');
  } catch {
    return { ok: false, error: 'the form lost which plan it was for; click Reject on the card again' };
  }
  const ctx = RejectContext.safeParse(meta);
  if (!ctx.success) return { ok: false, error: 'the form lost which plan it was for; click Reject on the card again' };
  const reason = stateInputs(view.state)[REASON_ID];
  if (!reason) return { ok: false, error: 'a reason is required to reject a plan' };
  return { ok: true, ctx: ctx.data, reason: reason.slice(0, REASON_MAX) };
}

/** The command text of a mention: the bot's mention (and any leading ones) taken out. */
export function mentionText(text: string, botUserId?: string): string {
  const own = botUserId ? new RegExp(`<@${botUserId}(\\|[^>]*)?>`, 'g') : /^(\s*<@[A-Z0-9]+(\|[^>]*)?>)+/;
  return text.replace(own, ' ').replace(/\s+/g, ' ').trim();
}
