/**
 * The time ranges one analysis reads, from what was asked and when the incident started (pure).
 *
 * The part of the window before the incident start is the baseline and the rest is the incident
 * period; a window that begins at or after the start gets a baseline of the same length just
 * before it; an explicit baseline replaces both rules (the window is then compared with it as a
 * whole). When no end is given, the window ends at the newest signal stored at or before now
 * (a replayed incident ends where its data ends), looked for at most `MAX_WINDOW_MS` after the
 * later of the window's start and the incident's.
 */

/** Longest `window` duration, and the furthest the default end is looked for after the window's start. */
export const MAX_WINDOW_MS = 24 * 3600_000;
/** Longest time one analysis reads (the window plus the baseline). */
export const MAX_RANGE_MS = 31 * 86_400_000;
/** Changes this long before the incident start are correlated (the analysis core's ±30 min). */
export const CHANGE_LEAD_MS = 30 * 60_000;
/** The look-back when neither a window nor a start is given. */
export const DEFAULT_WINDOW_MS = 3600_000;

/** What was asked, in epoch ms (each optional). */
export interface WindowRequest {
  /** How far before the incident start to begin (instead of `from`). */
  lookBackMs?: number;
  from?: number;
  to?: number;
  baseline?: { from: number; to: number };
}

export interface Range {
  from: number;
  to: number;
}

export interface AnalysisWindow extends Range {
  /** The reference period when it is not the window's own lead-in. */
  baseline?: Range;
  /** What to read in one go: the window, and the baseline when it touches the window. */
  range: Range;
  /** The baseline lies apart from the window and is read on its own. */
  apart: boolean;
  /** Changes are read from here (at least `CHANGE_LEAD_MS` before the incident start). */
  changesFrom: number;
}

/** Why a request cannot be analysed, naming the field to change. */
export interface WindowProblem {
  path: string;
  message: string;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** Where the window starts, and — without an explicit end — up to when its end (the newest signal) is looked for. */
export function windowStart(req: WindowRequest, startedAt: number, now: number): { from: number; searchUntil: number | null } {
  const from = req.from ?? startedAt - (req.lookBackMs ?? DEFAULT_WINDOW_MS);
  if (req.to !== undefined) return { from, searchUntil: null };
  return { from, searchUntil: Math.min(Math.max(now, from + 1), Math.max(from, startedAt) + MAX_WINDOW_MS) };
}

/** The ranges to read once the end is known, or the problem with the request. */
export function analysisWindow(req: WindowRequest, startedAt: number, from: number, to: number): AnalysisWindow | { problem: WindowProblem } {
  const problem = (path: string, message: string) => ({ problem: { path, message } });
  if (to <= from) return problem(req.to !== undefined ? 'to' : 'window', `The window is empty: it ends (${iso(to)}) before it starts (${iso(from)}); no signals were found after its start.`);
  if (req.to !== undefined && to <= startedAt) return problem('to', `The window ends (${iso(to)}) before the incident started (${iso(startedAt)}).`);
  const lead = from >= startedAt && !req.baseline ? to - from : 0;
  const baseline = req.baseline ?? (lead ? { from: from - lead, to: from } : undefined);
  const span = to - from + (baseline ? baseline.to - baseline.from : 0);
  if (span > MAX_RANGE_MS) {
    const path = req.baseline ? 'baseline' : req.from !== undefined ? 'from' : 'window';
    return problem(path, `At most ${MAX_RANGE_MS / 86_400_000} days of signals per analysis (window and baseline); this one spans ${(span / 86_400_000).toFixed(1)}.`);
  }
  const apart = baseline !== undefined && (baseline.to < from || baseline.from > to);
  const range = { from: apart ? from : Math.min(from, baseline?.from ?? from), to: apart ? to : Math.max(to, baseline?.to ?? to) };
  return { from, to, ...(baseline ? { baseline } : {}), range, apart, changesFrom: Math.min(from, startedAt - CHANGE_LEAD_MS, range.from) };
}
