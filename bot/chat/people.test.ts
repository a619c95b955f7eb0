/** How use-case errors become chat sentences, and who a chat user is taken to be. */
import { describe, expect, it } from 'vitest';
import { AppError } from '../../core/errors.js';
import { memoryDirectory, memoryRoomRegistry } from './memory.js';
import { type ChatBotDeps, errorText, personOf, refusalFor } from './people.js';
import { mask, PEOPLE, slackUser } from './test-helpers.js';

const logged: object[] = [];
const deps = {
  orgId: 'o1',
  directory: memoryDirectory(PEOPLE),
  rooms: memoryRoomRegistry(),
  mask,
  logger: { warn: () => undefined, error: (o: object) => void logged.push(o) },
} as unknown as ChatBotDeps;

describe('errorText', () => {
  it('says an expired plan expired, in the use case’s words (any conflict: its message)', () => {
    const expired = new AppError('conflict', 'The plan expired: it was drafted 90 minutes ago and plans expire after 60 minutes (WARROOM_PLAN_TTL_MINUTES). Draft a new one.', { extra: { reason: 'expired' } });
    expect(errorText(deps, expired, 'approve the plan')).toBe(`Sorry, that plan has expired: ${expired.message}`);
    expect(errorText(deps, new AppError('conflict', 'The plan is approved; only a plan pending approval can be decided.'), 'approve the plan')).toBe('Sorry, nothing was done: The plan is approved; only a plan pending approval can be decided.');
    expect(errorText(deps, new AppError('forbidden', 'Four-eyes rule: …'), 'approve the plan')).toBe("Sorry, you can't approve the plan: Four-eyes rule: …");
  });

  it('answers an unexpected error without its detail, and logs it', () => {
    const text = errorText(deps, new Error('connection reset by peer at 10.0.0.3'), 'open the incident');
    expect(text).toMatch(/^Sorry, something went wrong while trying to open the incident/);
    expect(text).not.toContain('10.0.0.3');
    expect(logged).toHaveLength(1);
  });
});

describe('personOf', () => {
  it('maps a chat user to their user and role, else to a read-only principal named by the chat id', async () => {
    const sam = await personOf(deps, slackUser('USAM'));
    expect(sam.principal).toMatchObject({ orgId: 'o1', userId: 'sam', scopes: ['read', 'plan', 'approve'], via: 'chat', ref: 'slack:USAM' });
    const nobody = await personOf(deps, slackUser('UX'));
    expect(nobody).toMatchObject({ user: null, principal: { userId: 'chat:slack:UX', scopes: ['read'] } });
    expect(refusalFor(nobody, 'read')).toBeNull();
    expect(refusalFor(nobody, 'plan')).toMatch(/not mapped/);
    // matched by the email the platform sent (tina is on no platform yet; sam is USAM, so UX is not sam)
    expect((await personOf(deps, slackUser('UX', { email: 'Tina@Example.com' }))).user?.id).toBe('tina');
    expect((await personOf(deps, slackUser('UX', { email: 'Sam@Example.com' }))).user).toBeNull();
  });

  it('treats a user of another org as unmapped', async () => {
    const d = { ...deps, directory: memoryDirectory([{ ...PEOPLE[2], orgId: 'o2' }]) } as ChatBotDeps;
    expect((await personOf(d, slackUser('USAM'))).user).toBeNull();
  });
});
