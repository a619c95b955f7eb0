import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { seededRng } from '../../core/rng.js';
import { syntheticSeries } from '../../detectors/metrics/synthetic.js';
import { checkThresholds } from '../harness.js';
import { nabSuite, resolveNabDir } from './nab.js';

// A tiny NAB-layout folder made here (the test never reads ../shared/data).
const dir = mkdtempSync(path.join(os.tmpdir(), 'nab-fixture-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function writeFixture(): void {
  mkdirSync(path.join(dir, 'data', 'synthetic'), { recursive: true });
  const iso = (t: number) => new Date(t).toISOString().slice(0, 19).replace('T', ' ');
  const windows: Record<string, [string, string][]> = {};
  for (const [name, at] of [['spike.csv', 1500], ['calm.csv', -1]] as const) {
    const { ts, values } = syntheticSeries(seededRng(name.length), { points: 2016, daily: 0.3, noise: 0.03, inject: at > 0 ? [{ kind: 'spike', at, size: 2 }] : [] });
    writeFileSync(path.join(dir, 'data', 'synthetic', name), ['timestamp,value', ...values.map((v, i) => `${iso(ts[i])},${v}`)].join('\n'));
    windows[`synthetic/${name}`] = at > 0 ? [[`${iso(ts[at - 50])}.000000`, `${iso(ts[at + 50])}.000000`]] : [];
  }
  writeFileSync(path.join(dir, 'windows.json'), JSON.stringify(windows));
}

describe('nab suite', () => {
  it('scores a NAB-layout folder under the three profiles', async () => {
    writeFixture();
    const r = await nabSuite.run({ dataDir: dir });
    expect(r.metrics.nab_standard).toBeGreaterThan(90);
    expect(r.metrics.windows).toBe(1);
    expect(r.metrics.detected_standard).toBe(1);
    expect(r.rows.some((row) => row.file === 'synthetic/spike.csv' && row.tp === 1)).toBe(true);
    expect(checkThresholds(nabSuite, r).every((c) => c.actual !== undefined)).toBe(true);
    // held out: the spike file is scored at the threshold the calm file alone chooses (above every score), so it is missed
    expect(r.metrics.nab_standard_held_out).toBeLessThan(r.metrics.nab_standard as number);
  });

  it('says clearly when there is no data folder', () => {
    expect(() => resolveNabDir(path.join(dir, 'missing'))).toThrow(/not a NAB folder/);
  });
});
