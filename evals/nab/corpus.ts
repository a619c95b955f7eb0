/**
 * Reads a NAB-layout folder (data/<category>/<file>.csv, windows.json, profiles.json) and runs the
 * metric detector over each file with its defaults, one fresh detector per file.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseSeriesCsv, parseTimestamp } from '../../detectors/metrics/csv.js';
import { SeriesDetector, type SeriesDetectorOptions } from '../../detectors/metrics/detector.js';
import { NAB_PROFILES, type CostProfile, type NabFile, type ProfileName } from './score.js';

export interface NabSeries {
  name: string;
  timestamps: number[];
  values: number[];
  windows: [number, number][];
}

/** Loads every file listed in windows.json (sorted by name) with its windows. */
export function loadNabCorpus(dir: string): NabSeries[] {
  const windowsPath = path.join(dir, 'windows.json');
  if (!existsSync(windowsPath)) throw new Error(`no windows.json in ${dir} (expected the NAB layout: data/, windows.json, profiles.json)`);
  const windows = JSON.parse(readFileSync(windowsPath, 'utf8')) as Record<string, [string, string][]>;
  return Object.keys(windows)
    .sort()
    .map((name) => {
      const { rows } = parseSeriesCsv(readFileSync(path.join(dir, 'data', name), 'utf8'));
      return {
        name,
        timestamps: rows.map((r) => r.ts),
        values: rows.map((r) => r.value),
        windows: windows[name].map(([a, b]) => [parseTimestamp(a), parseTimestamp(b)] as [number, number]),
      };
    });
}

/** The cost profiles from profiles.json when present, else NAB v1.1's. */
export function loadNabProfiles(dir: string): Record<ProfileName, CostProfile> {
  const p = path.join(dir, 'profiles.json');
  if (!existsSync(p)) return NAB_PROFILES;
  const raw = JSON.parse(readFileSync(p, 'utf8')) as Record<string, { CostMatrix: { tpWeight: number; fpWeight: number; fnWeight: number } }>;
  const out = { ...NAB_PROFILES };
  for (const name of Object.keys(out) as ProfileName[]) {
    const m = raw[name]?.CostMatrix;
    if (m) out[name] = { tp: m.tpWeight, fp: m.fpWeight, fn: m.fnWeight };
  }
  return out;
}

/** Runs a fresh detector over each series; scores of skipped/warm-up rows are 0. */
export function detectCorpus(series: NabSeries[], options: SeriesDetectorOptions = {}): NabFile[] {
  return series.map((s) => {
    const d = new SeriesDetector(options);
    const scores = s.values.map((v, i) => d.update(s.timestamps[i], v).score);
    return { name: s.name, timestamps: s.timestamps, scores, windows: s.windows };
  });
}
