/** The pure pieces of Slack interactivity: which clicks are card buttons, card inputs, the Reject modal round trip, mention text. */
import { describe, expect, it } from 'vitest';
import { CARD_ACTION_PATTERN, OTHER_ACTION_PATTERN, mentionText, readRejectSubmission, rejectModal, stateInputs } from './interaction.js';

const state = (reason: string | null) => ({ values: { reason: { reason: { type: 'plain_text_input', value: reason } } } });

describe('slack interaction', () => {
  it('routes every card action id (also renderSlack\'s ":n" duplicates) to the bot, and nothing else', () => {
    for (const id of ['fix.approve', 'fix.reject', 'fix.plan', 'incident.analyze', 'card.refresh', 'fix.approve:2']) {
      expect([id, CARD_ACTION_PATTERN.test(id), OTHER_ACTION_PATTERN.test(id)]).toEqual([id, true, false]);
    }
    for (const id of ['reason', 'fix.approved', 'fix.approve:x', 'overflow']) expect([id, CARD_ACTION_PATTERN.test(id), OTHER_ACTION_PATTERN.test(id)]).toEqual([id, false, true]);
  });

  it('reads non-empty card inputs and ignores what is not a state', () => {
    expect(stateInputs(state('  wrong target  '))).toEqual({ reason: 'wrong target' });
    expect(stateInputs(state(null))).toEqual({});
    expect(stateInputs(state('   '))).toEqual({});
    expect(stateInputs('nonsense')).toEqual({});
  });

  it('carries the click through the modal and back, requiring a reason', () => {
    const ctx = { value: '{"v":1}', channel: 'C1', ts: '1.2', thread: '1.1' };
    const view = rejectModal(ctx);
    expect(view.callback_id).toBe('warroom.reject');
    expect(readRejectSubmission({ private_metadata: view.private_metadata, state: state('not in business hours') })).toEqual({ ok: true, ctx, reason: 'not in business hours' });
    expect(readRejectSubmission({ private_metadata: view.private_metadata, state: state('') })).toEqual({ ok: false, error: expect.stringContaining('reason is required') });
    expect(readRejectSubmission({ private_metadata: '{"channel":1}', state: state('x') })).toMatchObject({ ok: false });
    expect(readRejectSubmission({ private_metadata: 'not json', state: state('x') })).toMatchObject({ ok: false });
  });

  it('takes the bot\'s mention out of a message, keeping other people\'s', () => {
    expect(mentionText('<@UBOT> status  inc_1', 'UBOT')).toBe('status inc_1');
    expect(mentionText('hey <@UBOT|warroom> ask <@UALICE> why', 'UBOT')).toBe('hey ask <@UALICE> why');
    expect(mentionText('<@UBOT> <@UX> status')).toBe('status');
  });
});
