import { describe, expect, it } from 'vitest';
import { seededRng } from '../../core/rng.js';
import { syntheticSeries } from '../../detectors/metrics/synthetic.js';
import { detectCsv, runDetect } from './detect.js';

/** Runs the command on `text`, collecting stdout and stderr. */
async function run(text: string): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  const errors: string[] = [];
  const orig = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((s: string) => errors.push(s) > 0) as typeof process.stderr.write;
  try {
    const code = await runDetect('in.csv', { text, out: { write: (s: string) => (out += s) } });
    return { code, out, err: errors.join('') };
  } finally {
    process.stderr.write = orig;
  }
}

function csv(values: number[], start = Date.UTC(2026, 0, 5), step = 300_000, eol = '\n'): string {
  const iso = (t: number) => new Date(t).toISOString().slice(0, 19).replace('T', ' ');
  return ['timestamp,value', ...values.map((v, i) => `${iso(start + i * step)},${v}`)].join(eol);
}

describe('warroom detect', () => {
  it('prints one NAB row per input row, in order, echoing timestamp and value', () => {
    const { values } = syntheticSeries(seededRng(1), { points: 2016, daily: 0.3, noise: 0.03, inject: [{ kind: 'spike', at: 1800, size: 2 }] });
    const input = csv(values.map((v) => Number(v.toFixed(3))), undefined, undefined, '\r\n');
    const lines = detectCsv(input).trimEnd().split('\n');
    expect(lines[0]).toBe('timestamp,value,anomaly_score,label');
    expect(lines).toHaveLength(2017);
    const inputLines = input.split('\r\n');
    for (let i = 1; i < lines.length; i++) {
      const [ts, v, score, label] = lines[i].split(',');
      expect(`${ts},${v}`).toBe(inputLines[i]);
      expect(Number(score)).toBeGreaterThanOrEqual(0);
      expect(Number(score)).toBeLessThanOrEqual(1);
      expect(label).toBe(Number(score) >= 0.5 ? '1' : '0');
    }
    expect(lines[1801].endsWith(',1')).toBe(true);
  });

  it('keeps rows it cannot score (bad value, bad or out-of-order timestamp) with score 0', () => {
    const out = detectCsv('timestamp,value\n2026-01-01 00:00:00,1\n2026-01-01 00:05:00,\nnot-a-date,3\n2026-01-01 00:01:00,4\n').trimEnd().split('\n');
    expect(out.slice(1)).toEqual(['2026-01-01 00:00:00,1,0,0', '2026-01-01 00:05:00,,0,0', 'not-a-date,3,0,0', '2026-01-01 00:01:00,4,0,0']);
  });

  it('writes to the given stream and returns 0; an unreadable file is exit code 2', async () => {
    let text = '';
    expect(await runDetect('x.csv', { text: 'timestamp,value\n2026-01-01 00:00:00,1', out: { write: (s: string) => (text += s) } })).toBe(0);
    expect(text).toBe('timestamp,value,anomaly_score,label\n2026-01-01 00:00:00,1,0,0\n');
    const errors: string[] = [];
    const orig = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((s: string) => errors.push(s) > 0) as typeof process.stderr.write;
    try {
      expect(await runDetect('/nonexistent/file.csv', { out: { write: () => true } })).toBe(2);
    } finally {
      process.stderr.write = orig;
    }
    expect(errors.join('')).toMatch(/cannot read/);
  });

  it('junk: every row skipped is reported with its line numbers, and nothing parsed is exit code 1', async () => {
    const r = await run('hello world\nfoo bar\nbaz;qux\n\n');
    expect(r.code).toBe(1);
    expect(r.err).toContain('warroom detect: 2 of 2 rows skipped (scored 0)');
    expect(r.err).toContain('first at line 2 (timestamp and value), 3 (timestamp and value)');
    expect(r.err).toContain('no row could be used: expected CSV lines timestamp,value');
    expect((await run('')).err).toContain('no rows');
  });

  it('reports skipped rows among good ones, and exits 0', async () => {
    const rows = Array.from({ length: 8 }, (_, i) => `2026-01-01 00:0${i}:00,${i === 3 ? 'n/a' : i}`);
    rows[5] = 'yesterday,5';
    const r = await run(['timestamp,value', ...rows].join('\n'));
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/2 of 8 rows skipped .* first at line 5 \(value\), 7 \(timestamp\)\n/);
  });

  it('notes a series that ends inside the warm-up, and says nothing about one that is past it', async () => {
    const short = await run(csv([1, 2, 3, 2, 1]));
    expect(short.code).toBe(0);
    expect(short.err).toBe("warroom detect: note: the series ends inside the detector's warm-up (it scores after 64 points spanning 48 h, and again after a level change): 5 of 5 rows scored 0 for that reason\n");
    const { values } = syntheticSeries(seededRng(2), { points: 2016, daily: 0.3, noise: 0.03 });
    expect((await run(csv(values.map((v) => Number(v.toFixed(3)))))).err).toBe('');
  });

  // The new-user case of issue 14: five days at 30-minute steps, a step from 100 to 200 half-way,
  // noise σ 2. It must be labelled where it happens, not hours later or never.
  it('labels a level step half-way through a five-day, 30-minute series at its onset', async () => {
    const at = 120;
    const { values } = syntheticSeries(seededRng(14), { points: 240, stepMs: 1_800_000, level: 100, noise: 0.02, inject: [{ kind: 'shift', at, size: 1 }] });
    const r = await run(csv(values.map((v) => Number(v.toFixed(3))), undefined, 1_800_000));
    expect(r.code).toBe(0);
    const labels = r.out.trimEnd().split('\n').slice(1).map((l) => l.split(',')[3]);
    const firstLabel = labels.indexOf('1');
    expect(firstLabel).toBeGreaterThanOrEqual(at);
    expect(firstLabel).toBeLessThanOrEqual(at + 2);
    expect(r.err).toBe('');
  });

  // Issue 14's other new-user case: five days at 5-minute steps, noise σ 2, a 2.5-hour excursion
  // (30 points) 25σ up at 60 %. The series' history holds four spikes as big, so the onset point
  // alone is no surprise, and the CUSUM confirms a shift only after 4 hours: with the defaults the
  // first label comes 47 points in, after the excursion has ended. The run evidence (off by
  // default: it sets off one synthetic control, evals/README.md) labels it within ten points.
  it('labels a 2.5-hour excursion in a five-day, 5-minute series while it lasts, with the run evidence on', async () => {
    const at = 864;
    const inject = [{ kind: 'shift' as const, at, size: 0.5, until: at + 30 }, ...[200, 400, 600, 700].map((i) => ({ kind: 'spike' as const, at: i, size: 0.5 }))];
    const { values } = syntheticSeries(seededRng(1), { points: 1440, stepMs: 300_000, level: 100, noise: 0.02, inject });
    const text = csv(values.map((v) => Number(v.toFixed(3))));
    const firstLabelFrom = (out: string) => out.trimEnd().split('\n').slice(1).map((l) => l.split(',')[3]).indexOf('1', at - 10);
    // (the defaults' late label is the known gap this option closes; not asserted, so a better default is free to land)
    const withRuns = firstLabelFrom(detectCsv(text, { runEvidence: true }));
    expect(withRuns).toBeGreaterThanOrEqual(at);
    expect(withRuns).toBeLessThanOrEqual(at + 10);
  });

  it('says when a level shift happened inside the warm-up (it is adopted, not scored)', async () => {
    const { values } = syntheticSeries(seededRng(15), { points: 240, stepMs: 1_800_000, level: 100, noise: 0.02, inject: [{ kind: 'shift', at: 60, size: 1 }] });
    const r = await run(csv(values.map((v) => Number(v.toFixed(3))), undefined, 1_800_000));
    expect(r.err).toMatch(/^warroom detect: note: the level shifted during the warm-up \(adopted as the normal, not scored\) at line \d+\n$/);
    const line = Number(/at line (\d+)/.exec(r.err)![1]);
    // Line 2 is index 0; the shift begins at index 60 and is absorbed once it has lasted a while.
    expect(line - 2).toBeGreaterThanOrEqual(60);
    expect(line - 2).toBeLessThan(96);
  });
});
