/**
 * Per-template statistics that are cheap to keep on every line: count, first and last seen,
 * masked exemplars, level mix, and two exponentially decayed counters (fast and slow) from
 * which novelty is read: a template that is new, or a rare one suddenly frequent.
 */
import { z } from 'zod';

/** Novelty tuning; the time unit is whatever `ts` the caller passes (milliseconds in the product). */
export const NoveltyOptions = z.object({
  /** Half-life of the "recent" counter. */
  fastHalfLife: z.number().positive().default(5 * 60_000),
  /** Half-life of the baseline counter. */
  slowHalfLife: z.number().positive().default(6 * 3_600_000),
  /** A template first seen within this long before `now` is new… */
  newWithin: z.number().positive().default(3_600_000),
  /** …unless the clusterer had seen fewer lines than this when it was created (cold start). */
  warmupLines: z.number().int().nonnegative().default(1_000),
  /** Recent rate over baseline rate at or above which a template surges. */
  surgeFactor: z.number().positive().default(10),
  /** A surge needs at least this many recent lines (decayed count), so one line is not a surge. */
  minSurgeCount: z.number().positive().default(5),
});
export type NoveltyOptions = z.output<typeof NoveltyOptions>;

/** Decayed counters: `fast` and `slow` are sums of 2^(-age/halfLife) over lines, as of `at`. */
export interface RateState {
  fast: number;
  slow: number;
  at: number;
}

/** The statistics part of a cluster (plain data, part of the snapshot). */
export interface ClusterStats {
  count: number;
  firstSeen: number;
  lastSeen: number;
  /** Masked messages, the first distinct ones seen (never raw text: secrets are gone). */
  exemplars: string[];
  /** Lines per normalised level ("unknown" when the record had none). */
  levels: Record<string, number>;
  /** How many lines the clusterer had seen when this template was created. */
  createdSeq: number;
  rate: RateState;
}

/** What novelty says about one template at `now`. */
export interface Novelty {
  kind: 'new' | 'surge' | 'none';
  /** For a surge, recent rate over baseline rate; 1 for new; 0 otherwise. */
  score: number;
}

/** Fresh statistics for a template created at `ts` after `seq` lines. */
export function newStats(ts: number, seq: number): ClusterStats {
  return { count: 0, firstSeen: ts, lastSeen: ts, exemplars: [], levels: {}, createdSeq: seq, rate: { fast: 0, slow: 0, at: ts } };
}

/** Decays the counters to `ts` (never backwards: out-of-order lines count as "now"). */
function decayTo(r: RateState, ts: number, o: NoveltyOptions): void {
  const dt = ts - r.at;
  if (dt > 0) {
    r.fast *= Math.pow(2, -dt / o.fastHalfLife);
    r.slow *= Math.pow(2, -dt / o.slowHalfLife);
    r.at = ts;
  }
}

/** Records one line in `s`; `timed` is false when the line carried no event time (rates then stay as they are). */
export function observe(s: ClusterStats, ts: number, level: string | undefined, exemplar: string, maxExemplars: number, o: NoveltyOptions, timed = true): void {
  s.count++;
  if (ts < s.firstSeen) s.firstSeen = ts;
  if (ts > s.lastSeen) s.lastSeen = ts;
  const lv = level ?? 'unknown';
  s.levels[lv] = (s.levels[lv] ?? 0) + 1;
  if (s.exemplars.length < maxExemplars && !s.exemplars.includes(exemplar)) s.exemplars.push(exemplar);
  if (!timed) return;
  decayTo(s.rate, ts, o);
  s.rate.fast += 1;
  s.rate.slow += 1;
}

/** Folds `from` into `into` (a merge of two templates). */
export function mergeStats(into: ClusterStats, from: ClusterStats, maxExemplars: number, o: NoveltyOptions): void {
  into.count += from.count;
  into.firstSeen = Math.min(into.firstSeen, from.firstSeen);
  into.lastSeen = Math.max(into.lastSeen, from.lastSeen);
  into.createdSeq = Math.min(into.createdSeq, from.createdSeq);
  for (const [k, v] of Object.entries(from.levels)) into.levels[k] = (into.levels[k] ?? 0) + v;
  for (const e of from.exemplars) if (into.exemplars.length < maxExemplars && !into.exemplars.includes(e)) into.exemplars.push(e);
  const at = Math.max(into.rate.at, from.rate.at);
  const a = { ...into.rate };
  const b = { ...from.rate };
  decayTo(a, at, o);
  decayTo(b, at, o);
  into.rate = { fast: a.fast + b.fast, slow: a.slow + b.slow, at };
}

/** Share of each level, e.g. { error: 0.25, info: 0.75 }. */
export function levelMix(s: ClusterStats): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(s.levels)) out[k] = s.count === 0 ? 0 : v / s.count;
  return out;
}

/**
 * Novelty at `now`. New: first seen within `newWithin` and created after warm-up. Surge: the
 * recent rate is at least `surgeFactor` times the baseline rate. An exponentially decayed count
 * covers an effective window of halfLife / ln 2; the baseline window is capped by the template's
 * age, so a template that is merely young (fast ≈ slow) is not mistaken for a surge.
 */
export function noveltyOf(s: ClusterStats, now: number, o: NoveltyOptions): Novelty {
  if (s.createdSeq >= o.warmupLines && now - s.firstSeen <= o.newWithin) return { kind: 'new', score: 1 };
  const r = { ...s.rate };
  decayTo(r, now, o);
  if (r.fast < o.minSurgeCount || r.slow <= 0) return { kind: 'none', score: 0 };
  const fastWindow = o.fastHalfLife / Math.LN2;
  const slowWindow = Math.max(fastWindow, Math.min(o.slowHalfLife / Math.LN2, now - s.firstSeen));
  const ratio = r.fast / fastWindow / (r.slow / slowWindow);
  return ratio >= o.surgeFactor ? { kind: 'surge', score: ratio } : { kind: 'none', score: 0 };
}

/** Normalises level spellings across libraries: WARNING→warn, ERR→error, 50 (pino)→error. */
export function normalizeLevel(level: unknown): string | undefined {
  if (level === undefined || level === null || level === '') return undefined;
  if (typeof level === 'number') {
    // pino/bunyan numeric levels
    if (level >= 60) return 'fatal';
    if (level >= 50) return 'error';
    if (level >= 40) return 'warn';
    if (level >= 30) return 'info';
    if (level >= 20) return 'debug';
    return 'trace';
  }
  const l = String(level).trim().toLowerCase();
  if (/^\d+$/.test(l)) return normalizeLevel(Number(l));
  return LEVEL_ALIASES[l] ?? l.slice(0, 16);
}

const LEVEL_ALIASES: Record<string, string> = {
  trace: 'trace', finest: 'trace', finer: 'trace',
  debug: 'debug', dbg: 'debug', fine: 'debug', verbose: 'debug', d: 'debug', v: 'debug',
  info: 'info', information: 'info', informational: 'info', notice: 'info', i: 'info',
  warn: 'warn', warning: 'warn', w: 'warn',
  error: 'error', err: 'error', e: 'error', severe: 'error',
  fatal: 'fatal', critical: 'fatal', crit: 'fatal', alert: 'fatal', emerg: 'fatal', emergency: 'fatal', panic: 'fatal', f: 'fatal',
};
