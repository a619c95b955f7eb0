/**
 * Full-tier eval of the root-cause ranking on the public development cases (../shared/data/rca):
 * AC@1, AC@3 and Avg@5 per dataset next to the published reference figures. The suite reads the
 * files; rca/cases.ts strips the labels before analyze() sees a case; the labels in index.jsonl are
 * used for scoring only. One set of defaults for every dataset.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { analyze } from '../../rca/analyze.js';
import { caseToInput, parseCaseTopology, parseJsonLines, parseMetricsCsv, toLogRows } from '../../rca/cases.js';
import { formatBands, reliabilityBands, type Verdict } from './reliability.js';
import type { Suite } from '../harness.js';
import type { AnalysisInput } from '../../rca/types.js';
import { REPO_ROOT } from '../repo-root.js';

export interface IndexRow {
  id: string;
  dataset: string;
  system: string;
  dir: string;
  root_cause_service: string;
  fault_type: string | null;
}

/** Dataset groups, their metric prefix and the reference figures of rca/README.md. */
const GROUPS: { key: string; label: string; match: (r: IndexRow) => boolean; reference: string }[] = [
  { key: 'nezha_ob', label: 'Nezha Online Boutique', match: (r) => r.dataset === 'nezha' && r.system === 'online-boutique', reference: 'Nezha AC@1 0.929 AC@3 0.964; max-z 0.375/0.571' },
  { key: 'nezha_tt', label: 'Nezha Train Ticket', match: (r) => r.dataset === 'nezha' && r.system === 'train-ticket', reference: 'Nezha AC@1 0.867 AC@3 0.978; max-z 0.000/0.156; err-log AC@3 0.289' },
  { key: 'petshop', label: 'AWS PetShop', match: (r) => r.dataset === 'petshop', reference: 'label prior 0.294/0.765; max-z 0.074/0.162' },
  { key: 'rcd', label: 'RCD Sock Shop', match: (r) => r.dataset === 'rcd-sockshop', reference: 'max-z 1.0 (smoke test)' },
];

const REPO = REPO_ROOT;

export function dataDirOf(ctx: { dataDir?: string } = {}): string {
  const dir = resolve(ctx.dataDir ?? join(REPO, '..', 'shared', 'data', 'rca'));
  if (!existsSync(join(dir, 'index.jsonl')))
    throw new Error(`rca-public: no index.jsonl under ${dir}; pass the case folder with --data DIR (layout of ../shared/data/rca)`);
  return dir;
}

function readIf(path: string): string | null {
  return existsSync(path) ? readFileSync(path, 'utf8') : null;
}

/** A public case as analyze() sees it, with its label and dataset group (scoring only). */
export interface PublicCase {
  row: IndexRow;
  group: string | undefined;
  input: AnalysisInput;
}

/** Every case of the index under `dir` (layout of ../shared/data/rca), read one at a time. */
export function* publicCases(dir: string): Generator<PublicCase> {
  const index = parseJsonLines(readFileSync(join(dir, 'index.jsonl'), 'utf8')) as unknown as IndexRow[];
  for (const row of index) {
    const folder = join(dir, row.dir);
    const caseJson = JSON.parse(readFileSync(join(folder, 'case.json'), 'utf8')) as Record<string, unknown>;
    const metrics = parseMetricsCsv(readFileSync(join(folder, 'metrics.csv'), 'utf8'));
    const logsText = readIf(join(folder, 'logs.jsonl'));
    const topoText = readIf(join(folder, 'topology.json'));
    const eventsText = readIf(join(folder, 'events.jsonl'));
    const spansText = readIf(join(folder, 'spans.jsonl'));
    const input = caseToInput({
      caseJson,
      metrics,
      logs: logsText ? toLogRows(parseJsonLines(logsText)) : null,
      topology: topoText ? parseCaseTopology(JSON.parse(topoText)) : null,
      events: eventsText ? parseJsonLines(eventsText) : null,
      spans: spansText ? parseJsonLines(spansText) : null,
    });
    yield { row, group: GROUPS.find((x) => x.match(row))?.key, input };
  }
}

export const rcaPublicSuite: Suite = {
  name: 'rca-public',
  description: 'root-cause ranking on the public dev cases (Nezha OB/TT, PetShop, RCD): AC@1, AC@3, Avg@5',
  tier: 'full',
  thresholds: [
    { metric: 'nezha_ob_ac1', op: '>=', value: 0.8 },
    { metric: 'nezha_tt_ac1', op: '>=', value: 0.6 },
    { metric: 'petshop_ac1', op: '>=', value: 0.295 },
  ],
  async run(ctx) {
    const dir = dataDirOf(ctx);
    const rows: Record<string, string | number | boolean>[] = [];
    const ranks = new Map<string, number[]>();
    const verdicts = new Map<string, { right: number; wrong: number; abstain: number }>();
    const confident: Verdict[] = [];
    let slowest = 0;
    for (const { row, input } of publicCases(dir)) {
      const t0 = performance.now();
      const result = analyze(input);
      const ms = performance.now() - t0;
      slowest = Math.max(slowest, ms);
      const ranked = result.ranking.map((r) => r.service);
      const at = ranked.indexOf(row.root_cause_service);
      const rank = at >= 0 ? at + 1 : Infinity;
      const g = GROUPS.find((x) => x.match(row));
      if (g) {
        ranks.set(g.key, [...(ranks.get(g.key) ?? []), rank]);
        // what a responder is told: a confident verdict right or wrong, or no confident hypothesis
        const v = verdicts.get(g.key) ?? { right: 0, wrong: 0, abstain: 0 };
        if (result.verdict !== 'confident') v.abstain++;
        else if (result.hypotheses[0]?.service === row.root_cause_service) v.right++;
        else v.wrong++;
        verdicts.set(g.key, v);
        if (result.verdict === 'confident') confident.push({ confidence: result.hypotheses[0].confidence, right: result.hypotheses[0].service === row.root_cause_service });
      }
      rows.push({
        case: row.id,
        truth: row.root_cause_service,
        fault: row.fault_type ?? '',
        rank: Number.isFinite(rank) ? rank : 'absent',
        top3: ranked.slice(0, 3).join(' | '),
        verdict: result.verdict === 'confident' ? `${result.hypotheses[0]?.confidence.toFixed(2)}` : 'abstain',
        ms: Math.round(ms),
      });
    }
    const metrics: Record<string, number> = { slowest_analyze_ms: Math.round(slowest) };
    const summary: Record<string, string | number | boolean>[] = [];
    for (const g of GROUPS) {
      const rs = ranks.get(g.key) ?? [];
      if (rs.length === 0) continue;
      const ac = (k: number) => rs.filter((r) => r <= k).length / rs.length;
      const avg5 = [1, 2, 3, 4, 5].reduce((s, k) => s + ac(k), 0) / 5;
      metrics[`${g.key}_ac1`] = ac(1);
      metrics[`${g.key}_ac3`] = ac(3);
      metrics[`${g.key}_avg5`] = avg5;
      const v = verdicts.get(g.key)!;
      // precision of the confident verdicts (reported, no threshold): a wrong confident answer misleads
      metrics[`${g.key}_confident_right`] = v.right;
      metrics[`${g.key}_confident_wrong`] = v.wrong;
      metrics[`${g.key}_abstained`] = v.abstain;
      summary.push({
        case: `== ${g.label}`,
        truth: `n=${rs.length}`,
        fault: '',
        rank: `AC@1 ${ac(1).toFixed(3)}`,
        top3: `AC@3 ${ac(3).toFixed(3)}  Avg@5 ${avg5.toFixed(3)}  confident ${v.right} right / ${v.wrong} wrong, ${v.abstain} abstained`,
        verdict: g.reference,
        ms: '',
      });
    }
    return {
      metrics,
      rows: [...rows, ...summary],
      notes: [
        'labels are read from index.jsonl for scoring only; case.json labels are stripped by rca/cases.ts before analyze()',
        `confident verdicts by confidence, all datasets: ${formatBands(reliabilityBands(confident))}`,
      ],
    };
  },
};
