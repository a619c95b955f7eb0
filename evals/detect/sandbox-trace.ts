/**
 * Traces one sandbox series through the metric detector, with the defaults and with an option set,
 * side by side: `npx tsx evals/detect/sandbox-trace.ts SCENARIO SERVICE METRIC ['{"option": …}']`,
 * e.g. `calm-weekend shipping http_requests_per_s '{"correctLevelOnAdoption":true}'`. The scenario
 * is generated as `warroom eval detect-sandbox` replays it (two calm days of lead-in, 1-minute
 * service metrics); printed: each cycle adoption with the level either way, and every point where
 * either detector scores 0.2 or more, with the forecast, z and the residual σ in use.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { SeriesDetector, type SeriesDetectorOptions } from '../../detectors/metrics/detector.js';
import { flatten, run } from '../../sim/generate.js';
import { withLeadIn } from './replay.js';

const [scenarioName, service, metric, optionsJson] = process.argv.slice(2);
if (!scenarioName || !service || !metric) {
  process.stderr.write('usage: npx tsx evals/detect/sandbox-trace.ts SCENARIO SERVICE METRIC [OPTIONS_JSON]\n');
  process.exit(2);
}
const options = JSON.parse(optionsJson ?? '{}') as SeriesDetectorOptions;
const file = path.join(import.meta.dirname, '../../sim/scenarios', `${scenarioName}.json`);
const scenario = withLeadIn(JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>, 2 * 86_400_000);

const points: [number, number][] = [];
run(scenario, { logsPerMin: 0, instanceMetrics: '1m' }, (chunk) => {
  for (const s of flatten(chunk)) {
    const labels = s.labels ?? {};
    // The service-level series (no instance label), as the engine keys it.
    if (s.kind === 'metric' && s.key === metric && labels.service === service && labels.instance === undefined && typeof s.value === 'number') points.push([new Date(s.ts).getTime(), s.value]);
  }
});

const a = new SeriesDetector();
const b = new SeriesDetector(options);
let periods = '';
for (const [ts, v] of points) {
  const ra = a.update(ts, v);
  const rb = b.update(ts, v);
  const at = new Date(ts).toISOString().slice(0, 16);
  if (`${a.periodMs}/${b.periodMs}` !== periods) {
    periods = `${a.periodMs}/${b.periodMs}`;
    process.stdout.write(`${at} period ${periods} (defaults/option), level ${a.toJSON().baseline.level?.toFixed(3)} / ${b.toJSON().baseline.level?.toFixed(3)}\n`);
  }
  if (ra.score < 0.2 && rb.score < 0.2) continue;
  const side = (r: typeof ra, d: SeriesDetector) => `forecast ${r.expected.toFixed(2)} z ${r.components.z.toFixed(1)} σ ${d.toJSON().sigmaCache.toFixed(3)} score ${r.score.toFixed(2)}`;
  process.stdout.write(`${at} value ${v.toFixed(2)} | defaults: ${side(ra, a)} | option: ${side(rb, b)}\n`);
}
process.stdout.write(`${points.length} points of ${service} ${metric}\n`);
