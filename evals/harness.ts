/**
 * The eval harness: suites score in code, print a table, write JSON, and declare the thresholds
 * they must hold. A failed threshold is a regression and makes `warroom eval` exit 1.
 */
export interface Threshold {
  metric: string;
  op: '>=' | '<=' | '==';
  value: number;
}

export interface SuiteResult {
  /** Headline numbers the thresholds refer to. */
  metrics: Record<string, number>;
  /** Per-case rows for the printed table. */
  rows: Record<string, string | number | boolean>[];
  notes?: string[];
}

export interface Suite {
  name: string;
  description: string;
  /** quick suites run in CI on every push; full suites need benchmark data or minutes. */
  tier: 'quick' | 'full';
  thresholds: Threshold[];
  run(ctx: { dataDir?: string }): Promise<SuiteResult>;
}

export interface ThresholdCheck extends Threshold {
  actual: number | undefined;
  pass: boolean;
}

export function checkThresholds(s: Suite, r: SuiteResult): ThresholdCheck[] {
  return s.thresholds.map((t) => {
    const actual = r.metrics[t.metric];
    const pass =
      actual !== undefined && (t.op === '>=' ? actual >= t.value : t.op === '<=' ? actual <= t.value : Math.abs(actual - t.value) < 1e-9);
    return { ...t, actual, pass };
  });
}

/** A plain-text table; columns are the union of the rows' keys. */
export function formatTable(rows: Record<string, unknown>[]): string {
  if (rows.length === 0) return '(no rows)';
  const cols = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const cell = (v: unknown) => (typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toFixed(3)) : String(v ?? ''));
  const widths = cols.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c]).length)));
  const line = (vals: string[]) => vals.map((v, i) => v.padEnd(widths[i])).join('  ').trimEnd();
  return [line(cols), line(widths.map((w) => '-'.repeat(w))), ...rows.map((r) => line(cols.map((c) => cell(r[c]))))].join('\n');
}
