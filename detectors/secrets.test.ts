import { describe, expect, it } from 'vitest';
import { compileMaskRules, maskDeep, maskSecrets } from './secrets.js';

describe('maskSecrets', () => {
  it.each([
    ['Authorization: Bearer abcdef123456789xyz', 'abcdef123456789xyz'],
    ['login ok password=hunter2secret user=bob', 'hunter2secret'],
    ['cfg {"api_key": "k-1234567890abcdef"}', 'k-1234567890abcdef'],
    ['token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.c2lnbmF0dXJlMTIz seen', 'eyJhbGciOiJIUzI1NiJ9'],
    ['aws AKIAIOSFODNN7EXAMPLE used', 'AKIAIOSFODNN7EXAMPLE'],
    ['slack xoxb-123456789012-abcdefghij', 'xoxb-123456789012'],
    ['gh ghp_abcdefghijklmnopqrstuvwxyz0123 push', 'ghp_abcdefghijklmnopqrstuvwxyz0123'],
    ['db postgres://app:s3cr3tpass@db:5432/x', 's3cr3tpass'],
    ['-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----', 'MIIEow'],
    ['key wr_AbCdEfGhIjKlMnOpQrStUvWx', 'wr_AbCdEfGhIjKlMnOpQrStUvWx'],
  ])('hides the secret in %j', (text, secret) => {
    const out = maskSecrets(text);
    expect(out).not.toContain(secret);
    expect(out).toMatch(/<:[A-Z_]+:>/);
  });

  it('is idempotent: masking masked text changes nothing', () => {
    const once = maskSecrets('password=abc token: xoxb-1234567890-abcdef Bearer abcdefghijkl api_key=zzzzzzzz');
    expect(maskSecrets(once)).toBe(once);
  });

  it('leaves ordinary text alone', () => {
    const line = 'GET /api/cart 200 12ms user=42 trace=abc';
    expect(maskSecrets(line)).toBe(line);
  });

  it('masks nested values and values under secret-looking keys', () => {
    const out = maskDeep({ labels: { service: 'cart' }, meta: { password: 'x', note: 'Bearer abcdefghijkl' } });
    expect(out).toEqual({ labels: { service: 'cart' }, meta: { password: '<:SECRET:>', note: 'Bearer <:SECRET:>' } });
  });

  it('rejects a bad rule with its index and name', () => {
    expect(() => compileMaskRules([{ name: 'ok', pattern: 'a', replacement: 'b' }, { name: 'broken', pattern: '(', replacement: '' }])).toThrow(
      /mask rule 1 \(broken\): bad pattern/,
    );
    expect(() => compileMaskRules([{ name: 'x' }])).toThrow(/mask rule 0: pattern/);
  });
});

describe('maskDeep on awkward values', () => {
  it('survives cycles and leaves class instances alone', () => {
    const a: Record<string, unknown> = { password: 'p', note: 'token=abcdef' };
    a.self = a;
    const d = new Date(0);
    const out = maskDeep({ a, d }) as { a: Record<string, unknown>; d: Date };
    expect(out.a.password).toBe('<:SECRET:>');
    expect(out.a.note).toBe('token=<:SECRET:>');
    expect(out.d).toBe(d);
  });
});
