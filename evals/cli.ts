/** `warroom eval [suite]`: runs suites, prints their tables and threshold checks, writes JSON. */
import { writeFileSync } from 'node:fs';
import { checkThresholds, formatTable } from './harness.js';
import { SUITES } from './registry.js';

export async function runEvalCommand(
  name: string | undefined,
  o: { data?: string; json?: string; tier: 'quick' | 'full'; list?: boolean },
): Promise<number> {
  if (o.list) {
    process.stdout.write(formatTable(SUITES.map((s) => ({ suite: s.name, tier: s.tier, description: s.description }))) + '\n');
    return 0;
  }
  const chosen = name ? SUITES.filter((s) => s.name === name) : SUITES.filter((s) => o.tier === 'full' || s.tier === 'quick');
  if (chosen.length === 0) {
    process.stderr.write(`warroom eval: no suite "${name}"; known: ${SUITES.map((s) => s.name).join(', ')}\n`);
    return 2;
  }
  const report: Record<string, unknown> = {};
  let failed = 0;
  for (const s of chosen) {
    const t0 = performance.now();
    const r = await s.run({ dataDir: o.data });
    const seconds = (performance.now() - t0) / 1000;
    const checks = checkThresholds(s, r);
    failed += checks.filter((c) => !c.pass).length;
    process.stdout.write(`\n== ${s.name} (${s.tier}) — ${s.description}\n${formatTable(r.rows)}\n\n`);
    process.stdout.write(formatTable(checks.map((c) => ({ metric: c.metric, actual: c.actual ?? 'missing', need: `${c.op} ${c.value}`, result: c.pass ? 'pass' : 'FAIL' }))) + '\n');
    for (const n of r.notes ?? []) process.stdout.write(`note: ${n}\n`);
    process.stdout.write(`(${seconds.toFixed(1)} s)\n`);
    report[s.name] = { tier: s.tier, seconds, metrics: r.metrics, thresholds: checks, rows: r.rows, notes: r.notes ?? [] };
  }
  if (o.json) writeFileSync(o.json, JSON.stringify(report, null, 2));
  process.stdout.write(failed === 0 ? '\neval: all thresholds hold\n' : `\neval: ${failed} threshold(s) FAILED\n`);
  return failed === 0 ? 0 : 1;
}
