import { describe, expect, it } from 'vitest';
import { CHANGE_LEAD_MS, MAX_WINDOW_MS, analysisWindow, windowStart } from './window.js';

const H = 3600_000;
const START = Date.parse('2026-03-01T10:00:00Z');

describe('windowStart', () => {
  it('looks back one hour by default and searches for the end up to now', () => {
    expect(windowStart({}, START, START + 2 * H)).toEqual({ from: START - H, searchUntil: START + 2 * H });
  });
  it('caps the search for the end a day after the later of the window start and the incident start', () => {
    expect(windowStart({ lookBackMs: 2 * H }, START, START + 30 * 24 * H).searchUntil).toBe(START + MAX_WINDOW_MS);
  });
  it('does not search when the end is given', () => {
    expect(windowStart({ from: START - H, to: START + H }, START, START)).toEqual({ from: START - H, searchUntil: null });
  });
});

describe('analysisWindow', () => {
  it.each([
    ['an empty window', { }, START - H, START - H, 'window', /The window is empty/],
    ['an end before the start of the incident', { to: START - 1 }, START - H, START - 1, 'to', /before the incident started/],
    ['more than 31 days', { from: START - 40 * 24 * H }, START - 40 * 24 * H, START + H, 'from', /At most 31 days/],
  ])('refuses %s, naming the field', (_name, req, from, to, path, message) => {
    const w = analysisWindow(req, START, from, to);
    expect(w).toMatchObject({ problem: { path, message: expect.stringMatching(message) } });
  });

  it('reads the window with its lead-in and changes from 30 min before the start', () => {
    const w = analysisWindow({}, START, START - 10 * 60_000, START + H);
    expect(w).toEqual({ from: START - 10 * 60_000, to: START + H, range: { from: START - 10 * 60_000, to: START + H }, apart: false, changesFrom: START - CHANGE_LEAD_MS });
  });

  it('gives a window that starts after the incident a baseline of the same length just before it', () => {
    const w = analysisWindow({ from: START + H }, START, START + H, START + 2 * H);
    expect(w).toMatchObject({ baseline: { from: START, to: START + H }, range: { from: START, to: START + 2 * H }, apart: false });
  });

  it('reads an explicit baseline apart from the window when they do not touch', () => {
    const w = analysisWindow({ baseline: { from: START - 30 * H, to: START - 29 * H } }, START, START - H, START + H);
    expect(w).toMatchObject({ apart: true, range: { from: START - H, to: START + H }, changesFrom: START - H });
  });
});
