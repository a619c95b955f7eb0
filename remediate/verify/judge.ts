/**
 * The canary judge: after a fix ran, the pre window (before it) and the post window (after a
 * settling time) of each impacted service are compared signal by signal, and the judge decides:
 *
 *  - rollback — the fix made something worse: on any impacted service the error rate or the p95
 *    latency is significantly and materially higher after, the SLO burn rate rose past the budget
 *    (burn > 1) significantly, or a resource is significantly fuller and near saturation;
 *  - continue — nothing is worse and the error rate, the latency or the burn rate fell back
 *    significantly; `healed` when, besides, every impacted service is within its SLO after, or
 *    back to its own level before the incident (`normal`: a service whose normal already burns
 *    more than its budget cannot be asked to do better than normal to count as healed);
 *  - halt — nothing is worse but nothing improved either: `no_effect` when something was
 *    measured and nothing moved (the caller undoes the fix: it did not heal), `too_few_samples`
 *    when nothing could be measured (the caller keeps it and looks again: unknown is not "no effect").
 *
 * "Significant" is a two-sided test at `alpha` suited to the data: counts of errors among
 * requests by the two-proportion test (Fisher's exact test for small counts), latency and
 * saturation levels per interval by the Mann–Whitney U rank test (exact for small samples), raw
 * latencies by the share of them above the pooled p95 (the tail is what a p95 objective is about).
 * "Material" is a minimum effect, because with thousands of requests a trivial change is
 * significant; the burn rate needs none: burning the budget faster than allowed matters at any size.
 * Pure: plain data in, plain data out.
 */
import type { VerifyBasis, VerifyCheck, VerifyDecision } from '../../core/schemas.js';
import { mannWhitneyU, median, quantile, twoProportionTest, type TestResult } from './stats.js';

/** What one window of one service holds. */
export interface WindowSample {
  /** Requests served in the window, and how many of them failed. */
  requests: number;
  errors: number;
  /** Latency observations in ms (see `ServiceWindows.latencyKind`). */
  latencyMs: number[];
  /** Resource levels per interval (0..1), by resource (`cpu_utilization`, `memory_utilization`, `disk_utilization`, `saturation`). */
  saturation: Record<string, number[]>;
}

export interface ServiceWindows {
  service: string;
  /** The availability objective, e.g. 0.999: the error budget is 1 − sloTarget. */
  sloTarget: number;
  /** The p95 latency objective in ms, when the service has one. */
  p95ObjectiveMs?: number;
  /** `samples`: individual request latencies (the p95 is theirs); `p95_per_interval`: one p95 per scrape interval (their median is the typical p95). */
  latencyKind: 'samples' | 'p95_per_interval';
  pre: WindowSample;
  post: WindowSample;
  /**
   * The service's own level before the incident began (a window ending at the incident's start),
   * when it was read: a service whose normal already spends more than its error budget is healed
   * when it is back to that normal, not only when within an objective it never met.
   */
  normal?: WindowSample;
  /**
   * The pre window cut in two, its earlier part and its last part (usecases/verify-windows.ts
   * preSplit), when it is long enough: if the symptom was still rising through it, the last part
   * is the state the fix found, and the fix is compared with that (see `foundState`).
   */
  ramp?: { early: WindowSample; end: WindowSample };
}

export type CheckVerdict = VerifyCheck['verdict'];
export type Decision = VerifyDecision;
export type Check = VerifyCheck;

export interface Verdict {
  decision: Decision;
  /** What the decision rests on (core/schemas.ts VERIFY_BASES). */
  basis: VerifyBasis;
  healed: boolean;
  checks: Check[];
  /** The reasons, one per telling check, without the headline (for a caller that words its own). */
  detail: string;
  /** The headline and the reasons. */
  message: string;
}

export interface JudgeOptions {
  /** Two-sided significance level of every test. */
  alpha: number;
  /** Fewest requests per window for the error rate and the burn rate to be judged. */
  minRequests: number;
  /** Fewest latency (or saturation) values per window for the rank test (5 + 5 is the least where an exact p can fall below 0.01). */
  minIntervals: number;
  /** Smallest error-rate change that counts: absolute (fraction of requests) and relative. */
  minErrorRateDelta: number;
  minErrorRateRatio: number;
  /** Smallest relative change of the p95 latency that counts. */
  minLatencyRatio: number;
  /** A resource is judged worse only when it ends at least this full, having risen by at least `minSaturationDelta`. */
  saturationCeiling: number;
  minSaturationDelta: number;
}

export const DEFAULT_JUDGE: JudgeOptions = {
  alpha: 0.01,
  minRequests: 100,
  minIntervals: 5,
  minErrorRateDelta: 0.002,
  minErrorRateRatio: 0.2,
  minLatencyRatio: 0.1,
  saturationCeiling: 0.85,
  minSaturationDelta: 0.05,
};

const pct = (x: number) => `${(x * 100).toFixed(x < 0.01 ? 2 : 1)}%`;
/** An SLO target to as many decimals as it has nines (99.95%, never rounded up to 100.0%). */
const sloPct = (x: number) => `${Number((x * 100).toFixed(3))}%`;
const ms = (x: number) => `${x.toFixed(x < 10 ? 1 : 0)} ms`;
const pv = (p: number) => (p < 0.001 ? 'p < 0.001' : `p = ${p.toFixed(3)}`);
const TOO_FEW = 'too few samples';

function errorRateCheck(s: ServiceWindows, o: JudgeOptions, t: TestResult | null): Check {
  const { pre, post } = s;
  const base = { signal: 'error_rate' as const, service: s.service };
  if (!t) return { ...base, pre: null, post: null, test: 'none', p: null, verdict: 'insufficient', reason: `${TOO_FEW}: ${pre.requests} requests before and ${post.requests} after (at least ${o.minRequests} each)` };
  const r1 = pre.errors / pre.requests;
  const r2 = post.errors / post.requests;
  const delta = r2 - r1;
  const material = Math.abs(delta) >= o.minErrorRateDelta && Math.abs(delta) >= o.minErrorRateRatio * Math.min(r1, r2);
  const moved = `from ${pct(r1)} to ${pct(r2)} (${t.test}, ${pv(t.p)})`;
  let verdict: CheckVerdict = 'unchanged';
  let reason = `error rate ${moved}: no significant change`;
  if (t.p < o.alpha && material) {
    verdict = delta > 0 ? 'worse' : 'better';
    reason = `error rate ${delta > 0 ? 'rose' : 'fell'} ${moved}`;
  } else if (t.p < o.alpha) reason = `error rate ${moved}: significant but below the smallest change that counts`;
  return { ...base, pre: r1, post: r2, test: t.test, p: t.p, verdict, reason };
}

function burnRateCheck(s: ServiceWindows, o: JudgeOptions, t: TestResult | null): Check {
  const budget = 1 - s.sloTarget;
  const base = { signal: 'burn_rate' as const, service: s.service };
  if (!t) return { ...base, pre: null, post: null, test: 'none', p: null, verdict: 'insufficient', reason: `${TOO_FEW} to measure the burn rate` };
  const b1 = s.pre.errors / s.pre.requests / budget;
  const b2 = s.post.errors / s.post.requests / budget;
  const moved = `burn rate ${b1.toFixed(2)}× → ${b2.toFixed(2)}× of the ${pct(budget)} error budget (SLO ${sloPct(s.sloTarget)}; ${pv(t.p)})`;
  let verdict: CheckVerdict = 'unchanged';
  let reason = `${moved}: ${b2 > 1 ? 'still burning faster than allowed' : 'within budget'}, no significant change`;
  if (t.p < o.alpha && b2 > b1 && b2 > 1) {
    verdict = 'worse';
    reason = `${moved}: burning the budget faster than before, and faster than allowed`;
  } else if (t.p < o.alpha && b2 < b1 && b2 <= 1) {
    verdict = 'better';
    reason = `${moved}: back within budget`;
  } else if (t.p < o.alpha && b2 < b1) reason = `${moved}: lower, but still burning faster than allowed`;
  return { ...base, pre: b1, post: b2, test: t.test, p: t.p, verdict, reason };
}

function latencyCheck(s: ServiceWindows, o: JudgeOptions): Check {
  const a = s.pre.latencyMs;
  const b = s.post.latencyMs;
  const base = { signal: 'latency_p95' as const, service: s.service };
  if (a.length < o.minIntervals || b.length < o.minIntervals) {
    return { ...base, pre: null, post: null, test: 'none', p: null, verdict: 'insufficient', reason: `${TOO_FEW}: ${a.length} latency values before and ${b.length} after (at least ${o.minIntervals} each)` };
  }
  const summary = (v: number[]) => (s.latencyKind === 'samples' ? quantile(v, 0.95) : median(v));
  const p1 = summary(a);
  const p2 = summary(b);
  const t = s.latencyKind === 'samples' ? tailTest(a, b) : mannWhitneyU(a, b);
  // the direction is the test's (after tends higher or lower), the size the p95's
  const up = s.latencyKind === 'samples' ? t.statistic > 0 : t.statistic > (a.length * b.length) / 2;
  const material = Math.abs(p2 - p1) >= o.minLatencyRatio * Math.min(p1, p2);
  const moved = `p95 latency ${ms(p1)} → ${ms(p2)} (${t.test}, ${pv(t.p)})`;
  let verdict: CheckVerdict = 'unchanged';
  let reason = `${moved}: no significant change`;
  if (t.p < o.alpha && material && up === p2 > p1) {
    verdict = up ? 'worse' : 'better';
    reason = `${moved}: ${up ? 'slower' : 'faster'} after the fix`;
  } else if (t.p < o.alpha) reason = `${moved}: significant but below the smallest change that counts`;
  return { ...base, pre: p1, post: p2, test: t.test, p: t.p, verdict, reason };
}

/**
 * A change of the tail of raw latencies: how many values of each window lie above the pooled
 * 95th percentile, compared as two proportions (a quantile test, Mood's median test moved to the
 * p95). A rank test would miss it: the slowest 5% can change while the bulk, and the ranks, stay.
 */
function tailTest(before: readonly number[], after: readonly number[]): TestResult {
  const threshold = quantile([...before, ...after], 0.95);
  const above = (v: readonly number[]) => v.filter((x) => x > threshold).length;
  const t = twoProportionTest(above(before), before.length, above(after), after.length);
  return { ...t, test: `p95 tail test (values above the pooled p95, ${t.test})` };
}

function saturationCheck(s: ServiceWindows, resource: string, o: JudgeOptions): Check {
  const a = s.pre.saturation[resource] ?? [];
  const b = s.post.saturation[resource] ?? [];
  const base = { signal: `saturation:${resource}` as const, service: s.service };
  if (a.length < o.minIntervals || b.length < o.minIntervals) {
    return { ...base, pre: null, post: null, test: 'none', p: null, verdict: 'insufficient', reason: `${TOO_FEW} of ${resource}: ${a.length} before, ${b.length} after` };
  }
  const m1 = median(a);
  const m2 = median(b);
  const t = mannWhitneyU(a, b);
  const moved = `${resource} ${pct(m1)} → ${pct(m2)} (${t.test}, ${pv(t.p)})`;
  const significant = t.p < o.alpha && Math.abs(m2 - m1) >= o.minSaturationDelta;
  let verdict: CheckVerdict = 'unchanged';
  let reason = `${moved}: no material change`;
  if (significant && m2 > m1 && m2 >= o.saturationCeiling) {
    verdict = 'worse';
    reason = `${moved}: fuller after the fix, and near saturation (≥ ${pct(o.saturationCeiling)})`;
  } else if (significant && m2 < m1) {
    verdict = 'better';
    reason = `${moved}: relieved`;
  } else if (significant) reason = `${moved}: fuller, but below ${pct(o.saturationCeiling)}`;
  return { ...base, pre: m1, post: m2, test: t.test, p: t.p, verdict, reason };
}

/** The checks of one pre/post pair: error rate, burn rate, latency, then each resource seen. */
function checksOf(s: ServiceWindows, o: JudgeOptions): Check[] {
  const enough = s.pre.requests >= o.minRequests && s.post.requests >= o.minRequests;
  // one test of the counts serves both the error rate and the burn rate
  const t = enough ? twoProportionTest(Math.round(s.pre.errors), Math.round(s.pre.requests), Math.round(s.post.errors), Math.round(s.post.requests)) : null;
  const resources = [...new Set([...Object.keys(s.pre.saturation), ...Object.keys(s.post.saturation)])].sort();
  return [errorRateCheck(s, o, t), burnRateCheck(s, o, t), latencyCheck(s, o), ...resources.map((r) => saturationCheck(s, r, o))];
}

/**
 * What the fix is compared with. Normally the whole pre window. But when the symptom was still
 * rising through it (a fault ramping up, the fix applied mid-rise), the window's average lies
 * below the state the fix found, and a post window still at that state — a rollout not finished
 * yet — would read "worse": the judge would roll back a right fix. So when the last part of the
 * pre window is significantly and materially worse than its earlier part (error rate or p95, by
 * the same tests and smallest changes as the verdict), the last part is the reference. A fix that
 * made things worse still shows: worse than the state it found.
 */
export function foundState(s: ServiceWindows, opts: Partial<JudgeOptions> = {}): { pre: WindowSample; rise: Check | null } {
  if (!s.ramp) return { pre: s.pre, rise: null };
  const o = { ...DEFAULT_JUDGE, ...opts };
  const rise = checksOf({ ...s, pre: s.ramp.early, post: s.ramp.end }, o).find((c) => c.verdict === 'worse' && (c.signal === 'error_rate' || c.signal === 'latency_p95')) ?? null;
  return rise ? { pre: s.ramp.end, rise } : { pre: s.pre, rise: null };
}

const riseText = (c: Check) => (c.signal === 'error_rate' ? `its error rate rose ${pct(c.pre!)} → ${pct(c.post!)}` : `its p95 rose ${ms(c.pre!)} → ${ms(c.post!)}`);

/** One service judged: its windows with the reference in place of the pre window, its checks, and the rise that chose the reference (or null). */
interface Assessed {
  s: ServiceWindows;
  checks: Check[];
  rise: Check | null;
}

function assess(w: ServiceWindows, o: JudgeOptions): Assessed {
  const { pre, rise } = foundState(w, o);
  const s = { ...w, pre };
  const checks = checksOf(s, o);
  return { s, rise, checks: rise ? checks.map((c) => ({ ...c, reason: c.reason + rampNote(rise) })) : checks };
}

/** Every check of one service, against the state the fix found (`foundState`): error rate, burn rate, latency, then each resource seen. */
export function checkService(s: ServiceWindows, opts: Partial<JudgeOptions> = {}): Check[] {
  return assess(s, { ...DEFAULT_JUDGE, ...opts }).checks;
}

/** What a check's reason says when the reference is the end of the pre window (once per service in the verdict's message). */
const rampNote = (rise: Check) => ` (compared with the end of the window before the fix: ${riseText(rise)} through that window)`;

/** Whether a service is within its objectives after the fix (unknown counts as not shown to be). */
function withinSlo(s: ServiceWindows, checks: Check[]): boolean {
  const burn = checks.find((c) => c.signal === 'burn_rate');
  if (!burn || burn.post === null || burn.post > 1) return false;
  if (s.p95ObjectiveMs === undefined) return true;
  const lat = checks.find((c) => c.signal === 'latency_p95');
  return lat?.post !== null && lat?.post !== undefined && lat.post <= s.p95ObjectiveMs;
}

/**
 * Whether a service is back to its own level before the incident: error rate no more than the
 * smallest meaningful change above it, and the typical p95 (when both windows have enough values)
 * no more than the smallest meaningful ratio above it. The window counts as the normal only when
 * the incident shows against it (the pre window significantly worse on errors, or materially on
 * latency): an incident opened late, whose "before" already held the fault, has no normal to go
 * back to. Unknown (no normal window, too few requests) counts as not shown to be.
 */
function backToNormal(s: ServiceWindows, o: JudgeOptions): boolean {
  const n = s.normal;
  if (!n || n.requests < o.minRequests || s.pre.requests < o.minRequests || s.post.requests < o.minRequests) return false;
  const rate = (w: WindowSample) => w.errors / w.requests;
  const typical = (v: number[]) => (s.latencyKind === 'samples' ? quantile(v, 0.95) : median(v));
  const latencyKnown = (w: WindowSample) => w.latencyMs.length >= o.minIntervals;
  const errorsShowed = rate(s.pre) > rate(n) && twoProportionTest(Math.round(n.errors), Math.round(n.requests), Math.round(s.pre.errors), Math.round(s.pre.requests)).p < o.alpha;
  const latencyShowed = latencyKnown(n) && latencyKnown(s.pre) && typical(s.pre.latencyMs) > typical(n.latencyMs) * (1 + o.minLatencyRatio);
  if (!errorsShowed && !latencyShowed) return false;
  if (rate(s.post) > rate(n) + Math.max(o.minErrorRateDelta, rate(n) * o.minErrorRateRatio)) return false;
  if (!latencyKnown(n) || !latencyKnown(s.post)) return !latencyShowed;
  return typical(s.post.latencyMs) <= typical(n.latencyMs) * (1 + o.minLatencyRatio);
}

/** Healed: within the objectives, or back to the level the service had before the incident. */
const healedService = (s: ServiceWindows, checks: Check[], o: JudgeOptions): boolean => withinSlo(s, checks) || backToNormal(s, o);

const GOLDEN = new Set<Check['signal']>(['error_rate', 'latency_p95', 'burn_rate']);

/** The decision over the impacted services, with every check and a message that says why. */
export function judge(services: readonly ServiceWindows[], opts: Partial<JudgeOptions> = {}): Verdict {
  const o = { ...DEFAULT_JUDGE, ...opts };
  const perService = services.map((s) => assess(s, o));
  const checks = perService.flatMap((x) => x.checks);
  const worse = checks.filter((c) => c.verdict === 'worse');
  const better = checks.filter((c) => c.verdict === 'better' && GOLDEN.has(c.signal));
  const golden = checks.filter((c) => GOLDEN.has(c.signal));
  // the note on a ramped service's reference is said once per service, after its last line
  const notes = new Map(perService.flatMap((x) => (x.rise ? [[x.s.service, rampNote(x.rise)] as const] : [])));
  const lines = (cs: Check[]) =>
    cs.map((c, i) => {
      const note = notes.get(c.service);
      const bare = note && c.reason.endsWith(note) ? c.reason.slice(0, -note.length) : c.reason;
      const last = !cs.slice(i + 1).some((d) => d.service === c.service);
      return `${c.service}: ${bare}${note && last ? note : ''}`;
    });
  if (worse.length > 0) {
    const detail = lines(worse).join('; ');
    return { decision: 'rollback', basis: 'worse', healed: false, checks, detail, message: `Rollback: the fix made things worse. ${detail}.` };
  }
  if (better.length > 0) {
    const outside = perService.filter((x) => !healedService(x.s, x.checks, o)).map((x) => x.s.service);
    const healed = outside.length === 0;
    const detail = healed
      ? `${lines(better).join('; ')}; every impacted service is within its SLO or back to its level before the incident`
      : `${lines(better).join('; ')}; still outside the SLO and above its level before the incident: ${outside.join(', ')}`;
    const message = healed ? `Continue: the fix healed ${services.map((s) => s.service).join(', ')}. ${detail}.` : `Continue: improving, not healed yet. ${detail}.`;
    return { decision: 'continue', basis: healed ? 'healed' : 'improving', healed, checks, detail, message };
  }
  // "No effect" is a reason to undo the fix (usecases/verify.ts), so it needs a measurement of the
  // symptoms: some service with both its error rate and its p95 judged, and nothing moved
  // anywhere. Anything less is "too few samples": unknown, the fix stays and is looked at again.
  const measured = perService.filter((x) => ['error_rate', 'latency_p95'].every((sig) => x.checks.some((c) => c.signal === sig && c.verdict !== 'insufficient')));
  if (measured.length === 0) {
    const partly = golden.some((c) => c.verdict !== 'insufficient');
    const why = golden.length === 0 ? 'no impacted service had data' : lines(golden.filter((c) => c.signal !== 'burn_rate')).join('; ');
    const detail = partly ? `no service was measured on both its error rate and its p95 latency; ${why}` : why;
    return { decision: 'halt', basis: 'too_few_samples', healed: false, checks, detail, message: `Halt: ${TOO_FEW} to judge the fix. ${detail}.` };
  }
  const judged = golden.filter((c) => c.verdict !== 'insufficient' && c.signal !== 'burn_rate');
  const detail = lines(judged).join('; ');
  return { decision: 'halt', basis: 'no_effect', healed: false, checks, detail, message: `Halt: no significant improvement after the fix. ${detail}.` };
}
