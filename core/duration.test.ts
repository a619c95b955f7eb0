import { describe, expect, it } from 'vitest';
import { parseDuration } from './duration.js';

describe('parseDuration', () => {
  it.each([
    ['250ms', 250],
    ['90s', 90_000],
    ['15m', 900_000],
    ['1.5h', 5_400_000],
    ['7d', 604_800_000],
    ['1h30m', 5_400_000],
    ['1d2h', 93_600_000],
    ['2m30s', 150_000],
    ['1m500ms', 60_500],
    ['0m', 0],
    [' 20m ', 1_200_000],
  ])('reads %j as %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', 'soon', '15', 'm', '1h 30m', '30m1h', '1h1h', '-5m', '1.h', '5 min', '1e3s'])('refuses %j', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });
});
