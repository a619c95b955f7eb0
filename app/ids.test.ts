import { describe, expect, it } from 'vitest';
import { decodeTime } from 'ulid';
import { fastUlid } from './ids.js';

describe('fastUlid', () => {
  it('is a valid ULID whose time part decodes to the given time', () => {
    const id = fastUlid(1767225600123);
    expect(id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(decodeTime(id)).toBe(1767225600123);
  });

  it('sorts by time and does not repeat', () => {
    const ids = Array.from({ length: 50_000 }, (_, i) => fastUlid(1_700_000_000_000 + Math.floor(i / 100)));
    expect(new Set(ids).size).toBe(ids.length);
    expect(fastUlid(2) > fastUlid(1)).toBe(true);
  });
});
