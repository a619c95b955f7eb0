/**
 * Prints how the metric detector's residuals behave on one series of the synthetic corpus:
 * `npx tsx evals/detect/residuals.ts [CASE] [--runs] [--correct]` (CASE defaults to the control
 * none/step1m_noise0.01_daily; `--runs` adds run evidence, `--correct` the level correction at
 * cycle adoption). First the cycle adoptions (the level
 * before the adopted profile, the level after), then a summary of the scored residuals (points
 * beyond ±3σ, the longest run on one side, lag-1 autocorrelation, alerts), then the points around
 * the most negative z. Written to find why that control's residuals ran at −5σ (issue 14).
 */
import { SeriesDetector, type Detection } from '../../detectors/metrics/detector.js';
import { syntheticCorpus } from './synthetic-corpus.js';

const args = process.argv.slice(2);
const name = args.find((a) => !a.startsWith('--')) ?? 'none/step1m_noise0.01_daily';
const series = syntheticCorpus().find((c) => c.name === name);
if (!series) {
  process.stderr.write(`no synthetic case ${name}; e.g. ${syntheticCorpus().slice(0, 3).map((c) => c.name).join(', ')}\n`);
  process.exit(2);
}

const d = new SeriesDetector({ runEvidence: args.includes('--runs'), correctLevelOnAdoption: args.includes('--correct') });
const res: Detection[] = [];
const iso = (t: number) => new Date(t).toISOString().slice(0, 16);
let period = d.periodMs;
for (let i = 0; i < series.values.length; i++) {
  const levelBefore = d.toJSON().baseline.level;
  res.push(d.update(series.timestamps[i], series.values[i]));
  if (d.periodMs !== period) {
    period = d.periodMs;
    process.stdout.write(`point ${i} (${iso(series.timestamps[i])}): period ${period === null ? 'none' : `${period / 3_600_000} h`}, level ${levelBefore?.toFixed(2)} → ${d.toJSON().baseline.level?.toFixed(2)}\n`);
  }
}

const scored = res.map((r, i) => ({ r, i })).filter(({ r }) => r.status === 'scored');
let beyond = 0;
let longest = 0;
let run = 0;
let side = 0;
let lag = 0;
let sq = 0;
let prev = 0;
let lowest = scored[0];
for (const s of scored) {
  const z = s.r.components.z;
  const here = z >= 3 ? 1 : z <= -3 ? -1 : 0;
  if (here !== 0) beyond++;
  run = here === 0 ? 0 : here === side ? run + 1 : 1;
  side = here;
  longest = Math.max(longest, run);
  // clipped as the detector clips z before its windows, so one spike does not decide ρ
  const zc = Math.max(-4, Math.min(4, z));
  lag += zc * prev;
  sq += zc * zc;
  prev = zc;
  if (z < lowest.r.components.z) lowest = s;
}
const alerts = scored.filter((s) => s.r.alert).map((s) => s.i);
process.stdout.write(`${name}: ${scored.length} scored, ${beyond} beyond ±3σ, longest one-sided run ${longest}, lag-1 ρ ${(lag / sq).toFixed(2)}, alerts at [${alerts.join(', ')}]\n`);
process.stdout.write('point  time              value  expected  residual      z  score\n');
for (let i = Math.max(0, lowest.i - 10); i < Math.min(res.length, lowest.i + 10); i++) {
  const r = res[i];
  const cols = [String(i).padEnd(6), iso(r.ts).padEnd(17), r.value.toFixed(2).padStart(6), r.expected.toFixed(2).padStart(9), (r.value - r.expected).toFixed(2).padStart(9), r.components.z.toFixed(2).padStart(6), r.score.toFixed(2).padStart(6)];
  process.stdout.write(cols.join(' ') + '\n');
}
