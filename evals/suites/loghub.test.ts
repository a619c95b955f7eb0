import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkThresholds } from '../harness.js';
import { groupingScores, loghubSuite, parseCsv, parsingAccuracy, readmeTables, resolveLoghubDir } from './loghub.js';

describe('scores', () => {
  it.each([
    { name: 'perfect', pred: ['a', 'a', 'b'], truth: ['E1', 'E1', 'E2'], ga: 1, fga: 1 },
    { name: 'over-split', pred: ['a', 'b', 'c'], truth: ['E1', 'E1', 'E2'], ga: 1 / 3, fga: 2 * (1 / 3) * (1 / 2) / (1 / 3 + 1 / 2) },
    { name: 'over-merged', pred: ['a', 'a', 'a'], truth: ['E1', 'E1', 'E2'], ga: 0, fga: 0 },
    { name: 'labels need not match ids', pred: ['7', '7', '9', '9'], truth: ['E2', 'E2', 'E1', 'E1'], ga: 1, fga: 1 },
  ])('GA and FGA: $name', ({ pred, truth, ga, fga }) => {
    const s = groupingScores(pred, truth);
    expect(s.ga).toBeCloseTo(ga, 9);
    expect(s.fga).toBeCloseTo(fga, 9);
  });

  it('rejects predictions of another length', () => {
    expect(() => groupingScores(['a'], ['E1', 'E2'])).toThrow(/1 lines, truth 2/);
  });

  it('PA compares templates with whitespace runs as one space', () => {
    expect(parsingAccuracy(['a <*>  b', 'x'], ['a <*> b', 'y'])).toBe(0.5);
  });

  it('parses RFC 4180 CSV', () => {
    expect(parseCsv('a,b\r\n1,"x, ""y"""\n2,\n3,last')).toEqual([['a', 'b'], ['1', 'x, "y"'], ['2', ''], ['3', 'last']]);
  });
});

describe('loghub suite on a tiny inline system', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'loghub-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const sys = path.join(dir, 'Tiny');
  mkdirSync(sys);
  const lines = [
    '2024-01-01 10:00:00 INFO db: connection from 10.0.0.1 accepted',
    '2024-01-01 10:00:01 INFO db: connection from 10.0.0.2 accepted',
    '2024-01-01 10:00:02 WARN db: slow query took 120ms',
    '2024-01-01 10:00:03 INFO db: connection from 10.0.0.3 accepted',
  ];
  writeFileSync(path.join(sys, 'Tiny_2k.log'), lines.join('\r\n'));
  writeFileSync(
    path.join(sys, 'Tiny_2k.log_structured.csv'),
    'LineId,Content,EventId,EventTemplate\n' +
      ['connection from <*> accepted', 'connection from <*> accepted', 'slow query took <*>', 'connection from <*> accepted']
        .map((t, i) => `${i + 1},x,${t.startsWith('slow') ? 'E2' : 'E1'},${t}`)
        .join('\n'),
  );
  writeFileSync(
    path.join(dir, 'README.md'),
    '| system | format |\n|---|---|\n| Tiny | `<Date> <Time> <Level> <Component>: <Content>` |\n\n| system | Drain | Brain |\n|---|---|---|\n| Tiny | 0.5000 | 1.000 |\n',
  );

  it('finds the folder and reads formats and reference figures from its README', () => {
    expect(resolveLoghubDir(dir)).toBe(dir);
    const t = readmeTables(dir);
    expect(t.formats.Tiny).toBe('<Date> <Time> <Level> <Component>: <Content>');
    expect(t.refs.Tiny).toEqual({ drain: 0.5, brain: 1 });
  });

  it('scores the CLI output and holds its thresholds', async () => {
    const r = await loghubSuite.run({ dataDir: dir });
    expect(r.metrics).toMatchObject({ ga_Tiny: 1, fga_Tiny: 1, mean_ga: 1, systems_below_drain: 0 });
    expect(r.rows[0]).toMatchObject({ system: 'Tiny', lines: 4, PA_corrected: 1, drain_GA: 0.5 });
    expect(checkThresholds(loghubSuite, r).every((c) => c.pass)).toBe(true);
  });

  it('says clearly where it looked when there is no data', () => {
    expect(() => resolveLoghubDir(path.join(dir, 'nowhere'))).toThrow(/no Loghub-2k data in .*nowhere.*pass --data/);
  });
});
