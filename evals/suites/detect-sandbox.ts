/**
 * Full-tier eval of detection on the sandbox library: every fault scenario, with two calm days
 * before it so the learned detectors are warm, streams through the pipeline's DetectionEngine and
 * correlation policy (evals/detect/replay.ts). Per fault kind: recall (an incident opened — or
 * the root cause joined an open one — within 30 minutes of the fault starting) and time to detect
 * in signal time; over everything: incidents opened where nothing was wrong (calm scenarios, the
 * calm week from a cold start, and every scenario before its first fault).
 */
import { basename } from 'node:path';
import { median } from '../../rca/stats.js';
import { listScenarioFiles } from '../../sim/edge/library.js';
import { replayDetection, type DetectReplay } from '../detect/replay.js';
import type { Suite } from '../harness.js';

const DETECT_WITHIN_MS = 30 * 60_000;
const round = (x: number, d = 2) => (Number.isFinite(x) ? Math.round(x * 10 ** d) / 10 ** d : NaN);

export const detectSandboxSuite: Suite = {
  name: 'detect-sandbox',
  description: 'detection on the sandbox library: recall and time-to-detect per fault kind, zero incidents over calm scenarios and the calm week',
  tier: 'full',
  thresholds: [
    { metric: 'recall', op: '>=', value: 0.95 },
    { metric: 'false_incidents', op: '==', value: 0 },
    { metric: 'ttd_p50_min', op: '<=', value: 5 },
  ],
  async run() {
    const replays: DetectReplay[] = [];
    for (const file of listScenarioFiles()) {
      // The calm week is long enough to test the cold start too: no lead-in for it.
      const leadInMs = basename(file) === 'calm-week.json' ? 0 : undefined;
      replays.push(replayDetection(file, { leadInMs }));
      await new Promise((r) => setImmediate(r));
    }
    const faults = replays.flatMap((r) => r.faults.map((f) => ({ ...f, scenario: r.scenario, ttd: f.detectedMs === null ? null : f.detectedMs - f.startMs })));
    const detected = faults.filter((f) => f.ttd !== null && f.ttd <= DETECT_WITHIN_MS);
    const falseIncidents = replays.flatMap((r) => r.falseIncidents.map((i) => ({ scenario: r.scenario, service: i.service, at: i.openedAt })));
    const kinds = [...new Set(faults.map((f) => f.kind))].sort();
    const rows: Record<string, string | number | boolean>[] = kinds.map((kind) => {
      const of = faults.filter((f) => f.kind === kind);
      const hit = detected.filter((f) => f.kind === kind);
      const ttd = hit.map((f) => f.ttd! / 60_000);
      return {
        kind,
        faults: of.length,
        detected: hit.length,
        recall: round(hit.length / of.length),
        ttd_median_min: round(median(ttd), 1),
        ttd_max_min: round(Math.max(...ttd), 1),
        root_in_incident: hit.filter((f) => f.onRoot).length,
      };
    });
    const calm = replays.filter((r) => r.faults.length === 0);
    for (const r of calm) rows.push({ kind: `calm: ${r.scenario}`, faults: 0, detected: 0, recall: '', ttd_median_min: '', ttd_max_min: '', root_in_incident: '', incidents: r.incidents.length });
    const ttds = detected.map((f) => f.ttd! / 60_000);
    return {
      metrics: {
        faults: faults.length,
        recall: round(detected.length / Math.max(1, faults.length), 3),
        ttd_p50_min: round(median(ttds), 2),
        ttd_max_min: round(Math.max(...ttds), 2),
        root_in_incident: round(detected.filter((f) => f.onRoot).length / Math.max(1, detected.length), 3),
        false_incidents: falseIncidents.length,
        calm_scenarios: calm.length,
        signals: replays.reduce((n, r) => n + r.signals, 0),
      },
      rows,
      notes: [
        ...faults.filter((f) => f.ttd === null || f.ttd > DETECT_WITHIN_MS).map((f) => `missed: ${f.scenario} ${f.kind} on ${f.root}${f.ttd === null ? '' : ` (after ${round(f.ttd / 60_000, 1)} min)`}`),
        ...falseIncidents.map((i) => `false incident: ${i.scenario} — ${i.service} at ${i.at}`),
      ],
    };
  },
};
