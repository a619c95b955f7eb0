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
    ['GET /cb?auth=abcdef123&x=1', 'abcdef123'],
    ['cfg {"auth": "s3cr3tvalue"}', 's3cr3tvalue'],
    ['hdr x-auth-token: t0k3nvalue', 't0k3nvalue'],
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

  it.each(['auth: score 0.42, checkout: score 0.91', 'oauth: ok', 'upstream http://auth:8080/login timed out', 'dial auth:9090 refused'])(
    'leaves a service named auth alone in %j (it is prose or a host:port, not an assignment)',
    (line) => {
      expect(maskSecrets(line)).toBe(line);
    },
  );

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

describe('custom rules with the u flag', () => {
  it('masks what a u-flag rule matches even where a rule without u would not (case folding, code points)', () => {
    const masks = compileMaskRules([
      { name: 'plain', pattern: 'token=\\S+', flags: 'g', replacement: 'token=<:T:>' },
      { name: 'folded', pattern: 'secret=\\S+', flags: 'giu', replacement: '<:S:>' },
      { name: 'emoji-key', pattern: '\\u{1F511}\\S+', flags: 'gu', replacement: '<:K:>' },
    ]);
    // 'ſ' (long s) folds to 's' only under iu; \u{…} is an escape only under u
    expect(maskSecrets('ſecret=hunter2', masks)).toBe('<:S:>');
    expect(maskSecrets('key \u{1F511}abc', masks)).toBe('key <:K:>');
    expect(maskSecrets('token=abc and nothing else', masks)).toBe('token=<:T:> and nothing else');
    expect(maskSecrets('nothing to see', masks)).toBe('nothing to see');
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

describe('maskDeep at any depth (issue 18 §2)', () => {
  /** {a: {a: … {password, note}}} with `depth` levels of `a` above the secrets, built without recursion. */
  const deep = (depth: number): Record<string, unknown> => {
    let v: Record<string, unknown> = { password: 'hunter2', note: 'Bearer abcdefghijkl' };
    for (let i = 0; i < depth; i++) v = { a: v };
    return v;
  };
  const bottom = (v: Record<string, unknown>): Record<string, unknown> => {
    while ('a' in v) v = v.a as Record<string, unknown>;
    return v;
  };

  it.each([20, 21, 32, 1000, 100_000])('masks secrets %i levels down', (depth) => {
    const out = maskDeep(deep(depth));
    expect(bottom(out)).toEqual({ password: '<:SECRET:>', note: 'Bearer <:SECRET:>' });
  });

  it('masks a shared object everywhere it appears, and a cycle points at the masked copy', () => {
    const shared = { note: 'token=abcdef' };
    const out = maskDeep({ x: shared, y: [shared] }) as { x: { note: string }; y: { note: string }[] };
    expect(out.x.note).toBe('token=<:SECRET:>');
    expect(out.y[0].note).toBe('token=<:SECRET:>');
    const a: Record<string, unknown> = { password: 'p' };
    a.self = a;
    const m = maskDeep(a);
    expect(m.self).toBe(m);
    expect(JSON.stringify(m, (k, v: unknown) => (k === 'self' ? undefined : v))).toBe('{"password":"<:SECRET:>"}');
  });

  it('keeps a "__proto__" key from JSON as data, masked', () => {
    const out = maskDeep(JSON.parse('{"__proto__": {"token": "abc"}, "ok": 1}') as Record<string, unknown>);
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(JSON.stringify(out)).toBe('{"__proto__":{"token":"<:SECRET:>"},"ok":1}');
  });

  it('leaves the input untouched', () => {
    const input = { meta: { token: 'abc', list: ['password=x'] } };
    maskDeep(input);
    expect(input).toEqual({ meta: { token: 'abc', list: ['password=x'] } });
  });
});
