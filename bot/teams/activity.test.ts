/** Reading Teams activities as plain data: rooms from conversation ids, command text, clicks, the edge schema. */
import { describe, expect, it } from 'vitest';
import { checkActivity, chatUserOf, clickOf, commandOf, conversationIdOf, isCardSubmit, mentionsBot, splitConversationId, whereOf } from './activity.js';

describe('Teams activities as plain data', () => {
  it('splits a reply chain id into the channel and its root, and builds it back', () => {
    expect(splitConversationId('19:abc@thread.tacv2;messageid=1712')).toEqual({ channel: '19:abc@thread.tacv2', thread: '1712' });
    expect(splitConversationId('a:1xyz')).toEqual({ channel: 'a:1xyz' });
    expect(splitConversationId('19:abc@thread.tacv2;messageid=')).toEqual({ channel: '19:abc@thread.tacv2' });
    expect(conversationIdOf({ channel: '19:abc@thread.tacv2', thread: '1712' })).toBe('19:abc@thread.tacv2;messageid=1712');
    expect(conversationIdOf({ channel: 'a:1xyz' })).toBe('a:1xyz');
    expect(whereOf({ conversation: { id: '19:c@thread.tacv2;messageid=9' } })).toEqual({ surface: 'teams', channel: '19:c@thread.tacv2', thread: '9' });
  });

  it('names the person by AAD object id when Teams sent one, else by channel account id', () => {
    expect(chatUserOf({ from: { id: '29:x', aadObjectId: 'aad-1', name: 'A' } }, 'a@x.io')).toEqual({ surface: 'teams', id: 'aad-1', name: 'A', email: 'a@x.io' });
    expect(chatUserOf({ from: { id: '29:x' } })).toEqual({ surface: 'teams', id: '29:x' });
  });

  it('finds the command meant for the bot: the warroom prefix, a mention, a personal chat; nothing else', () => {
    expect(commandOf('warroom status inc_1', { mentioned: false, personal: false })).toEqual({ text: 'status inc_1', mention: false });
    expect(commandOf('WarRoom   help', { mentioned: false, personal: false })).toEqual({ text: 'help', mention: false });
    expect(commandOf('warroom', { mentioned: false, personal: false })).toEqual({ text: '', mention: false });
    expect(commandOf('warroomstatus', { mentioned: false, personal: false })).toBeNull();
    expect(commandOf('is checkout down?', { mentioned: false, personal: false })).toBeNull();
    expect(commandOf('<p>why&nbsp;is it &lt;slow&gt;?</p>', { mentioned: true, personal: false })).toEqual({ text: 'why is it <slow>?', mention: true });
    expect(commandOf('status', { mentioned: false, personal: true })).toEqual({ text: 'status', mention: false });
  });

  it('sees a mention of the bot only when it names the recipient', () => {
    const recipient = { id: '28:bot' };
    expect(mentionsBot({ recipient, entities: [{ type: 'mention', mentioned: { id: '28:bot' } }] })).toBe(true);
    expect(mentionsBot({ recipient, entities: [{ type: 'Mention', mentioned: { id: '29:someone' } }] })).toBe(false);
    expect(mentionsBot({ recipient, entities: [{ type: 'clientInfo' }] })).toBe(false);
    expect(mentionsBot({ recipient })).toBe(false);
  });

  it('splits a click into the payload keys and the card inputs', () => {
    const data = { v: 1, action: 'fix.reject', incidentId: 'inc_1', planId: 'fp_1', version: 'x', reason: 'canary fine', msteams: { type: 'x' }, count: 3 };
    expect(clickOf(data)).toEqual({ value: { v: 1, action: 'fix.reject', incidentId: 'inc_1', planId: 'fp_1', version: 'x' }, inputs: { reason: 'canary fine' } });
    expect(clickOf('{"v":1}')).toBeNull();
    expect(clickOf([1])).toBeNull();
    expect(isCardSubmit({ action: 'fix.approve' })).toBe(true);
    expect(isCardSubmit({ reason: 'x' })).toBe(false);
    expect(isCardSubmit(undefined)).toBe(false);
  });

  it('checks an inbound activity at the edge and names what is wrong', () => {
    const good = { type: 'message', serviceUrl: 'https://smba.trafficmanager.net/emea/', channelId: 'msteams', from: { id: '29:a' }, recipient: { id: '28:b' }, conversation: { id: 'c' } };
    expect(checkActivity(good).ok).toBe(true);
    expect(checkActivity({ ...good, extra: { anything: 1 } }).ok).toBe(true);
    expect(checkActivity({ ...good, serviceUrl: 'file:///etc/passwd' })).toEqual({ ok: false, error: expect.stringContaining('serviceUrl') });
    expect(checkActivity({ ...good, recipient: undefined })).toEqual({ ok: false, error: expect.stringContaining('recipient') });
    expect(checkActivity({ ...good, entities: [{ type: 'mention', text: '<at>b</at>' }] }).ok).toBe(false);
    expect(checkActivity({ ...good, entities: [{ text: 'no type' }] }).ok).toBe(false);
    expect(checkActivity(null).ok).toBe(false);
  });
});
