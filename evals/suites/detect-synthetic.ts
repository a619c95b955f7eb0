/**
 * Full-tier eval: the metric detector (default options, one fresh detector per series) on the
 * synthetic corpus of evals/detect/synthetic-corpus.ts, scored with the NAB scorer beside the NAB
 * files: ground truth by construction, anomaly kinds, noise levels, steps and seasonality the
 * defaults were not tuned on. Two views: the NAB standard score (the scorer picks its threshold),
 * and what a user of `warroom detect` sees, the detector's own alert threshold (0.5).
 */
import { DEFAULT_DETECTOR_OPTIONS } from '../../detectors/metrics/detector.js';
import { fourthCorpus } from '../detect/fourth-corpus.js';
import { heldoutCorpus } from '../detect/heldout-corpus.js';
import { SYNTHETIC_KINDS, syntheticCorpus, type SyntheticCase } from '../detect/synthetic-corpus.js';
import { unseenCorpus } from '../detect/unseen-corpus.js';
import type { Suite } from '../harness.js';
import { detectCorpus } from '../nab/corpus.js';
import { NAB_PROFILES, nabScore, scoreAtThreshold, type NabFile } from '../nab/score.js';

/** 100·(S − S_null)/(S_perfect − S_null) of `files` at a fixed threshold (standard profile). */
function normalisedAt(files: NabFile[], threshold: number): { score: number; tp: number; fn: number; fp: number } {
  const p = NAB_PROFILES.standard;
  const o = scoreAtThreshold(files, p, threshold);
  const windows = o.tp + o.fn;
  const nul = -p.fn * windows;
  const perfect = p.tp * windows;
  return { score: perfect === nul ? 0 : (100 * (o.score - nul)) / (perfect - nul), tp: o.tp, fn: o.fn, fp: o.fp };
}

export const detectSyntheticSuite: Suite = {
  name: 'detect-synthetic',
  description: 'metric detector on synthetic series with known anomalies (9 kinds × 3 noise levels × 3 steps × with/without a daily cycle), NAB-scored; the held-out and third corpora beside it',
  tier: 'full',
  // Regression bars a little under the measurement with the defaults (66.5 and 0.43, 0 controls
  // alerting; 75.4 and 0.533 with the flat-line evidence, off by default — see detectors/metrics/detector.ts;
  // 67.1 and 0.444 with correctLevelOnAdoption, also off):
  // what the detector does today, not what it should; see evals/README.md for the weak kinds.
  thresholds: [
    { metric: 'nab_standard', op: '>=', value: 66 },
    { metric: 'detected_at_alert_threshold', op: '>=', value: 0.42 },
    { metric: 'controls_alerting_at_alert_threshold', op: '<=', value: 0 },
  ],
  async run() {
    const cases = syntheticCorpus();
    const cpu0 = process.cpuUsage();
    const files = detectCorpus(cases, {});
    const cpu = process.cpuUsage(cpu0);
    const points = cases.reduce((s, c) => s + c.values.length, 0);
    const std = nabScore(files, NAB_PROFILES.standard, 'standard');
    const alertAt = DEFAULT_DETECTOR_OPTIONS.threshold;
    const group = (pick: (c: SyntheticCase) => boolean) => files.filter((_, i) => pick(cases[i]));
    const row = (label: string, fs: NabFile[]) => {
      const nab = normalisedAt(fs, std.threshold);
      const user = normalisedAt(fs, alertAt);
      return { group: label, series: fs.length, windows: nab.tp + nab.fn, tp: nab.tp, fp: nab.fp, standard: round(nab.score), tp_at_alert: user.tp, fp_at_alert: user.fp, standard_at_alert: round(user.score) };
    };
    const rows: Record<string, string | number | boolean>[] = [];
    for (const k of SYNTHETIC_KINDS) rows.push(row(k, group((c) => c.kind === k)));
    for (const step of [1, 5, 30]) rows.push(row(`step ${step}m`, group((c) => c.stepMs === step * 60_000)));
    for (const noise of [0.01, 0.03, 0.08]) rows.push(row(`noise ${noise}`, group((c) => c.noise === noise)));
    rows.push(row('daily cycle', group((c) => c.daily > 0)));
    rows.push(row('no cycle', group((c) => c.daily === 0)));
    const all = row('(all)', files);
    rows.push(all);
    const controls = files.filter((_, i) => cases[i].kind === 'none');
    // The other corpora (issue 14), reported beside it without a bar: the held-out one
    // (evals/detect/heldout-corpus.ts), the third (unseen-corpus.ts: development data since the
    // counter round) and the fourth, that round's final check (fourth-corpus.ts).
    const beside = (series: { windows: unknown[] }[], fs: NabFile[]) => {
      const ctl = fs.filter((_, i) => series[i].windows.length === 0);
      return { standard: round(nabScore(fs, NAB_PROFILES.standard).normalised), controlsAlerting: ctl.filter((f) => f.scores.some((s) => s >= alertAt)).length, controls: ctl.length };
    };
    const heldoutCases = heldoutCorpus();
    const heldout = beside(heldoutCases, detectCorpus(heldoutCases, {}));
    const thirdCases = unseenCorpus();
    const third = beside(thirdCases, detectCorpus(thirdCases, {}));
    const fourthCases = fourthCorpus();
    const fourth = beside(fourthCases, detectCorpus(fourthCases, {}));
    return {
      metrics: {
        nab_standard: round(std.normalised),
        threshold_standard: round(std.threshold),
        standard_at_alert_threshold: all.standard_at_alert,
        windows: all.windows,
        detected_at_alert_threshold: round(all.tp_at_alert / all.windows),
        controls: controls.length,
        controls_alerting_at_alert_threshold: controls.filter((f) => f.scores.some((s) => s >= alertAt)).length,
        points,
        points_per_cpu_second: Math.round(points / ((cpu.user + cpu.system) / 1e6)),
        heldout_nab_standard: heldout.standard,
        heldout_controls_alerting: heldout.controlsAlerting,
        third_nab_standard: third.standard,
        third_controls_alerting: third.controlsAlerting,
        fourth_nab_standard: fourth.standard,
        fourth_controls_alerting: fourth.controlsAlerting,
      },
      rows,
      notes: [
        `${cases.length} series, ${points} points; "standard" is NAB's standard profile at its corpus-wide threshold (${round(std.threshold)}), "at_alert" at the detector's alert threshold ${alertAt} (the label \`warroom detect\` prints)`,
        'ground truth by construction: one anomaly per series on day 4 or 5 of 7, window = 10 % of the series centred on the onset; controls have none',
        `not tuned on (issue 14): held-out corpus ${heldoutCases.length} series, NAB standard ${heldout.standard}, ${heldout.controlsAlerting} of ${heldout.controls} controls alerting; third corpus (development data since the counter round) ${thirdCases.length} series, ${third.standard}, ${third.controlsAlerting} of ${third.controls}; fourth corpus (counters and weekday workloads; the counter round's final check, its crash-loop rule made after seeing it) ${fourthCases.length} series, ${fourth.standard}, ${fourth.controlsAlerting} of ${fourth.controls}`,
      ],
    };
  },
};

function round(x: number): number {
  return Number.isFinite(x) ? Math.round(x * 1000) / 1000 : x;
}
