/** What the Teams bot sends: masked, escaped, and within Teams' message size. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_SECRET_MASKS, maskSecrets } from '../../detectors/secrets.js';
import { incidentSummaryCard, type Card } from '../cards/index.js';
import { contractIncident } from '../chat/surface.contract.js';
import { validateActivity } from '../../test-support/fake-teams-connector.js';
import { MAX_ACTIVITY_BYTES, messageCard, replyActivities, textActivity, withNotice } from './render.js';

const mask = (t: string) => maskSecrets(t, DEFAULT_SECRET_MASKS);
const card = (title: string) => incidentSummaryCard({ incident: contractIncident({ title }), baseUrl: 'http://127.0.0.1:3000', now: new Date('2026-12-07T10:05:00Z') });
const bytes = (a: unknown) => Buffer.byteLength(JSON.stringify(a));

describe('Teams replies', () => {
  it('cuts escaped text by its bytes, never inside an entity', () => {
    const a = textActivity('<'.repeat(10_000), mask);
    expect(bytes(a.text)).toBeLessThanOrEqual(24_002);
    expect(a.text).toMatch(/^(&lt;)+… \(truncated\)$/);
  });

  it('masks, then escapes markup, in plain text', () => {
    const a = textActivity('token password=hunter2 <img src=x onerror=alert(1)> & more', mask);
    expect(a.text).not.toContain('hunter2');
    expect(a.text).toContain('&lt;img src=x onerror=alert(1)&gt; &amp; more');
  });

  it('cuts a very long answer and marks the cut, never splitting a surrogate pair', () => {
    const a = textActivity('🚒'.repeat(30_000), mask);
    expect(a.text!.endsWith('… (truncated)')).toBe(true);
    expect(bytes(a.text)).toBeLessThanOrEqual(24_002);
    expect(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/.test(a.text!)).toBe(false);
    expect(validateActivity(a)).toBeNull();
  });

  it('sends the text with the first card when both fit, each further card on its own', () => {
    const acts = replyActivities({ text: 'Here it is.', cards: [card('a'), card('b')] }, mask);
    expect(acts).toHaveLength(2);
    expect(acts[0]).toMatchObject({ text: 'Here it is.', attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive' }] });
    expect(acts[1].text).toBeUndefined();
    for (const a of acts) expect(validateActivity(a)).toBeNull();
  });

  it('splits a long text from a big card so that no message goes over the limit', () => {
    const big: Card = { id: 'summary:big', kind: 'incident_summary', title: 'big', summary: 'big', blocks: [1, 2, 3].map((g) => ({ type: 'section' as const, text: 'z '.repeat(4_000), group: `g${g}` })) };
    const acts = replyActivities({ text: 'x'.repeat(15_000), cards: [big] }, mask);
    for (const a of acts) {
      expect(bytes(a)).toBeLessThanOrEqual(MAX_ACTIVITY_BYTES);
      expect(validateActivity(a)).toBeNull();
    }
    expect(acts.length).toBe(2);
    expect(bytes(acts[1])).toBeGreaterThan(20_000); // the card alone was big: together they would not have fit
  });

  it('a message card and a refusal notice are masked cards Teams accepts', () => {
    const m = messageCard('nope password=hunter2 [link](javascript:x)', mask, 'attention');
    expect(JSON.stringify(m)).not.toContain('hunter2');
    expect(m.body[0].text).not.toContain('](');
    const n = withNotice(m, 'stale click secret=hunter2', mask);
    expect(n.body[0]).toMatchObject({ color: 'attention' });
    expect(JSON.stringify(n)).not.toContain('hunter2');
    expect(validateActivity({ type: 'message', attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: n }] })).toBeNull();
  });
});
