/**
 * Folds the lines of `rca-grid.ts` into one table: a row per setting, AC@1 per set (public cases
 * per dataset), then calm scenarios answered confidently and red herrings blamed over the sandbox
 * sets. `npx tsx evals/suites/rca-grid-summary.ts out.jsonl [more.jsonl…]`.
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

export interface GridRow {
  set: string;
  group: string;
  id: string;
  setting: string;
  rank: number | null;
  confident: boolean;
  calm: boolean;
  herring: boolean;
}

/** AC@k over the fault cases of `rows` (null when there are none). */
export function acAt(rows: readonly GridRow[], k: number): number | null {
  const faulted = rows.filter((r) => !r.calm);
  return faulted.length ? faulted.filter((r) => r.rank !== null && r.rank <= k).length / faulted.length : null;
}

/** Per setting (in first-seen order): AC@1 of every group, calm-confident and herring counts. */
export function summarizeGrid(rows: readonly GridRow[]): { setting: string; cells: Record<string, string> }[] {
  const settings = [...new Set(rows.map((r) => r.setting))];
  const groups = [...new Set(rows.map((r) => r.group))];
  return settings.map((setting) => {
    const mine = rows.filter((r) => r.setting === setting);
    const cells: Record<string, string> = {};
    for (const g of groups) {
      const xs = mine.filter((r) => r.group === g);
      const a1 = acAt(xs, 1);
      const a3 = acAt(xs, 3);
      if (a1 !== null && a3 !== null) cells[g] = `${a1.toFixed(3)}/${a3.toFixed(2)}`;
    }
    cells.calm_confident = String(mine.filter((r) => r.calm && r.confident).length);
    cells.herrings = String(mine.filter((r) => r.herring).length);
    return { setting, cells };
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const rows = process.argv
    .slice(2)
    .flatMap((f) => readFileSync(f, 'utf8').split('\n').filter(Boolean))
    .map((l) => JSON.parse(l) as GridRow);
  const table = summarizeGrid(rows);
  const cols = [...new Set(table.flatMap((t) => Object.keys(t.cells)))];
  process.stdout.write(`setting\t${cols.join('\t')}\n`);
  for (const t of table) process.stdout.write(`${t.setting}\t${cols.map((c) => t.cells[c] ?? '').join('\t')}\n`);
}
